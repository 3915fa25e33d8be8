import { expect, test } from '@playwright/test';

/**
 * Broken and hostile links: the lab must still open, name each ignored field, fall back to defaults, and never
 * insert anything from the address as HTML. [query, a field the notice must name (or null: nothing to name)].
 */
const XSS = '<img src=x onerror="window.__pwned=1">';
const CASES: [string, string | null][] = [
  ['lr=abc', 'lr'],
  ['lr=', 'lr'],
  ['lr=0.', null],
  ['lr=1e999', 'lr'],
  ['lr=-1', 'lr'],
  ['lr=NaN', 'lr'],
  ['lr=Infinity', 'lr'],
  ['lr=100', 'lr'],
  ['lr=0x10', 'lr'],
  ['bs=1', 'bs'],
  ['bs=2.5', 'bs'],
  ['bs=99999999999999999999', 'bs'],
  ['depth=0', 'depth'],
  ['depth=9', 'depth'],
  ['width=1', 'width'],
  ['seed=-1', 'seed'],
  ['seed=1.5', 'seed'],
  ['act=softmax', 'act'],
  ['act=' + encodeURIComponent(XSS), 'act'],
  ['theme=' + encodeURIComponent(XSS), 'theme'],
  ['preset=' + encodeURIComponent(XSS), 'preset'],
  [encodeURIComponent(XSS) + '=1', 'unknown parameter'],
  // A label of 38 characters is a valid label: it is shown, as text (checked below).
  ['arm=' + encodeURIComponent(`batch,label:${XSS}`), null],
  ['arm=' + encodeURIComponent(`batch,label:${'x'.repeat(41)}`), 'arm 1 label'],
  ['arm=instance', 'arm 1'],
  ['arm=group,groups:3', 'arm 1'],
  ['arm=none&arm=batch&arm=layer&arm=none&arm=batch', 'at most 4 arms'],
  ['arm=batch,lr:zzz', 'arm 1 lr'],
  ['arm=batch,colour:red', 'arm 1'],
  ['at=abc', 'at'],
  ['at=-5,lr:0.1', 'at'],
  ['at=100', 'at 100'],
  ['at=100,lr:oops', 'at 100 lr'],
  ['at=100,mom:0.5', 'at 100'],
  ['at=100,warp:9', 'at 100'],
  ['arm=none&at=100,mode:inference', 'at 100'],
  ['at=300,lr:0.1&at=300,bs:8', 'at 300'],
  ['model=cnn&data=spirals', 'CNN needs image input'],
  ['model=cnn&width=500', 'width'],
  ['data=imagenet', 'data'],
  ['noise=2', 'noise'],
  ['every=0', 'every'],
  ['eps=0', 'eps'],
  ['affine=maybe', 'affine'],
  ['v=99', 'version 99'],
  ['v=banana', 'v'],
  ['v=1&v=2', 'given 2 times'],
  ['to=-1', 'to'],
  ['to=1e9', 'to'],
  ['to=abc', 'to'],
  ['be=quantum', 'be'],
  ['layer=0', 'layer'],
  ['layer=99', 'layer'],
  ['unit=0', 'unit'],
  ['views=convergence,' + encodeURIComponent(XSS), 'views'],
  ['smooth=5', 'smooth'],
  ['optimizr.learningRate=0.05', 'unknown parameter'],
  ['__proto__=1&constructor=2', 'unknown parameter'],
  ['lr=%E0%A4%A', null],
  ['%%%', null],
  ['&&&=&=', null],
  ['x=' + 'y'.repeat(5000), 'not read'],
  ['lr=0.1#' + encodeURIComponent(XSS), null],
];

test('the lab opens from 60 broken or hostile links and names each ignored field', async ({ page }) => {
  test.setTimeout(600_000);
  expect(CASES.length).toBeGreaterThanOrEqual(50);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/GPU stall|favicon/.test(m.text())) errors.push(`${page.url()}: console: ${m.text()}`);
  });
  for (const [query, field] of CASES) {
    await page.goto(`./?${query}`);
    await expect(page.getByRole('heading', { name: 'BatchNorm Explorer' }), query).toBeVisible({ timeout: 60_000 });
    await expect(page.getByRole('figure', { name: /^Convergence/ }), query).toBeVisible();
    const notice = page.getByRole('status', { name: 'Link problems' });
    if (field !== null) {
      await expect(notice, query).toBeVisible();
      await expect(notice, query).toContainText(field);
    }
    // Nothing from the address became markup or ran.
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), query).toBeUndefined();
    expect(await page.locator('img[src="x"]').count(), query).toBe(0);
  }
  // Markup in a label is shown as the text it is.
  await page.goto(`./?arm=none&arm=${encodeURIComponent(`batch,label:${XSS}`)}`);
  await expect(page.locator('.summary tbody')).toContainText(XSS, { timeout: 60_000 });
  expect(await page.locator('img[src="x"]').count()).toBe(0);
  // The notice can be dismissed, and the settings it fell back to are valid: the lab trains.
  await page.goto('./?lr=abc&bs=3');
  const notice = page.getByRole('status', { name: 'Link problems' });
  await expect(notice).toContainText('lr');
  await page.getByRole('button', { name: 'Dismiss the link problems' }).click();
  await expect(notice).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Play' })).toBeEnabled({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Step' }).click();
  await expect(page.getByTestId('train-loss-0')).toHaveText(/^\d+\.\d{3}$/, { timeout: 60_000 });
  expect(errors).toEqual([]);
});
