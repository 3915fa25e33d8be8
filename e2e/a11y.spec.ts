import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';

/** WCAG 2.0, 2.1 and 2.2 at levels A and AA: the standard the lab holds itself to. */
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

const stepOf = async (page: Page) => Number((await page.getByTestId('step').textContent())?.replace(/,/g, ''));

async function ready(page: Page): Promise<void> {
  await expect(page.getByRole('button', { name: 'Play' })).toBeEnabled({ timeout: 90_000 });
}

/** Trains to at least `steps` and pauses, so every view has data (charts, tables, the inspector's numbers). */
async function train(page: Page, steps: number): Promise<void> {
  await ready(page);
  await page.getByRole('button', { name: 'Play' }).click();
  await expect.poll(() => stepOf(page), { timeout: 90_000 }).toBeGreaterThanOrEqual(steps);
  await page.getByRole('button', { name: 'Pause' }).click();
  await ready(page);
}

type Rgb = [number, number, number];

const luminance = ([r, g, b]: Rgb) => {
  const lin = (c: number) => (c / 255 <= 0.04045 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4);
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
};
const ratio = (a: Rgb, b: Rgb) => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
};

type Box = { x: number; y: number; width: number; height: number };

/** The most common colour in each box of a PNG (boxes relative to it), decoded by the page's own canvas. */
async function commonColours(page: Page, png: Buffer, boxes: Box[]): Promise<Rgb[]> {
  return page.evaluate(
    async ({ b64, boxes }) => {
      const img = new Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.width;
      canvas.height = img.height;
      const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
      ctx.drawImage(img, 0, 0);
      return boxes.map((b) => {
        const d = ctx.getImageData(b.x, b.y, b.width, b.height).data;
        const counts = new Map<number, number>();
        for (let i = 0; i < d.length; i += 4) {
          const k = (d[i]! << 16) | (d[i + 1]! << 8) | d[i + 2]!;
          counts.set(k, (counts.get(k) ?? 0) + 1);
        }
        const [k] = [...counts.entries()].sort((p, q) => q[1] - p[1])[0]!;
        return [(k >> 16) & 255, (k >> 8) & 255, k & 255] as [number, number, number];
      });
    },
    { b64: png.toString('base64'), boxes },
  );
}

/**
 * Text axe cannot judge (SVG chart labels, text over other shapes, KaTeX glyphs: its "incomplete" colour-contrast
 * nodes), measured the way a person sees it: the text's own colour and opacity, over the background actually painted
 * under it, read from a screenshot with all text made transparent (the most common colour in the text's box).
 * Returns how many texts were measured, and one line per text below WCAG's 4.5:1 (3:1 for large text).
 */
async function undecidedContrast(page: Page, selectors: string[]): Promise<{ measured: number; failures: string[] }> {
  const texts = await page.evaluate((sels) => {
    const rgb = (c: string) => c.match(/[\d.]+/g)!.map(Number);
    return sels.flatMap((sel) => {
      const el = document.querySelector(sel);
      const text = (el?.textContent ?? '').trim();
      if (!el || !text) return [];
      const cs = getComputedStyle(el);
      const svg = el instanceof SVGElement;
      const [r = 0, g = 0, b = 0, a = 1] = rgb(svg ? cs.fill : cs.color);
      let alpha = a * (svg ? Number(cs.fillOpacity) : 1);
      for (let n: Element | null = el; n; n = n.parentElement) alpha *= Number(getComputedStyle(n).opacity);
      const size = parseFloat(cs.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(cs.fontWeight) >= 700);
      return alpha > 0 ? [{ sel, fg: [r, g, b] as [number, number, number], alpha: Math.min(1, alpha), large, text: text.slice(0, 30) }] : [];
    });
  }, selectors);
  const hide = await page.addStyleTag({
    content: '* { color: transparent !important; -webkit-text-fill-color: transparent !important; text-shadow: none !important; caret-color: transparent !important; } svg text, svg tspan { fill: transparent !important; stroke: transparent !important; }',
  });
  // Where each text is on screen, if all of it is: inside the viewport and every scrolling box around it.
  const place = (sels: string[], scroll: boolean) =>
    page.evaluate(
      ({ sels, scroll }) =>
        sels.map((sel) => {
          const el = document.querySelector(sel)!;
          if (scroll) el.scrollIntoView({ block: 'center', inline: 'center' });
          const r = el.getBoundingClientRect();
          let [l, t, rt, bt] = [Math.floor(r.left), Math.floor(r.top), Math.ceil(r.right), Math.ceil(r.bottom)];
          const full = { x: l, y: t, width: rt - l, height: bt - t };
          for (let n = el.parentElement; n; n = n.parentElement) {
            if (getComputedStyle(n).overflow === 'visible') continue;
            const c = n.getBoundingClientRect();
            [l, t, rt, bt] = [Math.max(l, c.left), Math.max(t, c.top), Math.min(rt, c.right), Math.min(bt, c.bottom)];
          }
          [l, t, rt, bt] = [Math.max(l, 0), Math.max(t, 0), Math.min(rt, innerWidth), Math.min(bt, innerHeight)];
          const seen = { x: Math.floor(l), y: Math.floor(t), width: Math.floor(rt - l), height: Math.floor(bt - t) };
          return { seen: seen.width > 0 && seen.height > 0 ? seen : null, whole: seen.width >= full.width - 1 && seen.height >= full.height - 1 };
        }),
      { sels, scroll },
    );
  const boxes = new Map<string, Rgb>();
  // One screenshot for every text already wholly on screen; the rest one at a time, each scrolled into view.
  const first = await place(texts.map((t) => t.sel), false);
  const onScreen = texts.map((t, i) => ({ sel: t.sel, at: first[i]! })).filter((t) => t.at.whole && t.at.seen);
  const shot = await page.screenshot({ animations: 'disabled', caret: 'hide', scale: 'css' });
  (await commonColours(page, shot, onScreen.map((t) => t.at.seen!))).forEach((bg, i) => boxes.set(onScreen[i]!.sel, bg));
  for (const t of texts) {
    if (boxes.has(t.sel)) continue;
    const [at] = await place([t.sel], true);
    if (!at?.seen) continue;
    const png = await page.screenshot({ clip: at.seen, animations: 'disabled', caret: 'hide', scale: 'css' });
    boxes.set(t.sel, (await commonColours(page, png, [{ x: 0, y: 0, width: at.seen.width, height: at.seen.height }]))[0]!);
  }
  await hide.evaluate((el) => (el as Element).remove());
  const failures: string[] = [];
  for (const t of texts) {
    const bg = boxes.get(t.sel);
    if (!bg) continue;
    const seen = t.fg.map((c, i) => t.alpha * c + (1 - t.alpha) * bg[i]!) as Rgb;
    const cr = ratio(seen, bg);
    if (cr < (t.large ? 3 : 4.5)) failures.push(`“${t.text}” ${cr.toFixed(2)}:1 (rgb ${seen.map(Math.round).join(',')} on ${bg.join(',')}) at ${t.sel}`);
  }
  return { measured: boxes.size, failures };
}

/**
 * Runs axe; returns one line per violated rule ("rule (impact): n × where"), then any text measured below contrast.
 * `minMeasured`: at least this many texts axe left undecided must have been measured (the check is not vacuous);
 * `within`: only this part of the page.
 */
async function audit(page: Page, { minMeasured = 0, within }: { minMeasured?: number; within?: string } = {}): Promise<string[]> {
  const builder = new AxeBuilder({ page }).withTags(TAGS);
  const result = await (within ? builder.include(within) : builder).analyze();
  const lines = result.violations.map((v) => `${v.id} (${v.impact ?? '?'}): ${v.nodes.length} × ${v.nodes.slice(0, 4).map((n) => n.target.join(' ')).join(' | ')}`);
  const undecided = result.incomplete.filter((r) => r.id === 'color-contrast').flatMap((r) => r.nodes.map((n) => String(n.target.at(-1))));
  const { measured, failures } = await undecidedContrast(page, undecided);
  expect(measured, 'texts whose contrast was measured').toBeGreaterThanOrEqual(minMeasured);
  return [...lines, ...failures.map((l) => `contrast (measured): ${l}`)];
}

for (const theme of ['light', 'dark'] as const) {
  const q = theme === 'dark' ? '&theme=dark' : '';

  test.describe(`accessibility (axe, WCAG 2.2 AA), ${theme} theme`, () => {
    test('the lab after some training', async ({ page }) => {
      await page.goto(`./?be=wasm${q}`);
      await train(page, 120);
      await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
      // Every chart's labels are measured (axe leaves SVG text undecided): over a hundred of them.
      expect(await audit(page, { minMeasured: 100 })).toEqual([]);
      // The inspector's backward pass: other columns and formulas, the rest of the page as it was.
      await page.getByRole('button', { name: 'Backward' }).click();
      await expect(page.getByRole('button', { name: 'Backward' })).toHaveAttribute('aria-pressed', 'true');
      expect(await audit(page, { within: '.inspector' })).toEqual([]);
      // And the folded pass: a table of every unit's scale and folded bias.
      await page.getByRole('button', { name: 'Folded', exact: true }).click();
      await expect(page.getByRole('region', { name: 'Folded for inference', exact: true })).toBeVisible();
      expect(await audit(page, { within: '.inspector' })).toEqual([]);
    });

    test('the help dialog', async ({ page }) => {
      await page.goto(`./?be=wasm${q}`);
      await ready(page);
      await page.getByRole('button', { name: 'Help and keyboard shortcuts' }).click();
      await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
      expect(await audit(page)).toEqual([]);
    });

    test('a lesson', async ({ page }) => {
      await page.goto(`./?lesson=ioffe-mnist&be=wasm${q}`);
      await ready(page);
      await expect(page.getByRole('button', { name: 'Leave the lesson' })).toBeVisible();
      expect(await audit(page)).toEqual([]);
    });
  });
}

test.describe('the keyboard', () => {
  const output = (page: Page, name: string) => page.locator('.field', { has: page.getByRole('slider', { name, exact: true }) }).locator('output');

  test('log sliders step to the next value on their scale, and show, announce and commit the same value', async ({ page }) => {
    await page.goto('./?be=wasm');
    await ready(page);
    const lr = page.getByRole('slider', { name: 'Learning rate', exact: true });
    await expect(output(page, 'Learning rate')).toHaveText('0.5');
    await lr.focus();
    // The issue: from 0.5, → stuck at 0.53. Now each press moves to the next value: 0.6, 0.8, 1.
    for (const expected of ['0.6', '0.8', '1']) {
      await lr.press('ArrowRight');
      await expect(output(page, 'Learning rate')).toHaveText(expected);
      await expect(lr).toHaveAttribute('aria-valuetext', expected);
      await expect.poll(() => new URL(page.url()).searchParams.get('lr')).toBe(expected);
    }
    await lr.press('PageDown');
    await expect(output(page, 'Learning rate')).toHaveText('0.1');
    await lr.press('End');
    await expect(output(page, 'Learning rate')).toHaveText('10');

    // Width stuck at 100 before: rounding snapped the position back.
    const width = page.getByRole('slider', { name: 'Width', exact: true });
    await width.focus();
    await width.press('ArrowRight');
    await expect(output(page, 'Width')).toHaveText('120 units');
    await width.press('ArrowLeft');
    await width.press('ArrowLeft');
    await expect(output(page, 'Width')).toHaveText('80 units');
  });

  test('shortcuts work after a slider was used, and never act on a focused select', async ({ page }) => {
    await page.goto('./?be=wasm');
    await ready(page);
    const html = page.locator('html');
    await expect(html).toHaveAttribute('data-theme', 'light');

    // A slider used with the pointer keeps focus: its arrows stay its own, every other shortcut works.
    const depth = page.getByRole('slider', { name: 'Depth', exact: true });
    const box = (await depth.boundingBox())!;
    await depth.click({ position: { x: box.width - 4, y: box.height / 2 } });
    await expect(output(page, 'Depth')).toHaveText('8 hidden layers');
    await expect(depth).toBeFocused();
    await ready(page);
    await page.keyboard.press('t');
    await expect(html).toHaveAttribute('data-theme', 'dark');
    await page.keyboard.press('Space');
    await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
    await page.keyboard.press('Space');
    await ready(page);
    await expect(depth).toBeFocused();
    await page.keyboard.press('ArrowLeft');
    await expect(output(page, 'Depth')).toHaveText('7 hidden layers');
    await ready(page);

    // Train a step, then focus a select: R and T are its own (type-ahead), so the run and theme stay as they are.
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await expect.poll(() => stepOf(page)).toBe(1);
    const optimiser = page.getByLabel('Optimiser', { exact: true });
    await optimiser.focus();
    await page.keyboard.press('r');
    await page.keyboard.press('t');
    await expect(html).toHaveAttribute('data-theme', 'dark');
    await expect.poll(() => stepOf(page)).toBe(1);
    await expect(optimiser).toHaveValue('sgd');

    // Help says so.
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await expect(help).toContainText('A list (select) and a text or number field keep every key');
  });
});
