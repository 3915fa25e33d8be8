import fs from 'node:fs';
import { expect, test, type Download, type Locator, type Page } from '@playwright/test';

/** Export a figure, then the histories: every file is produced, parses, and says what the page shows. */

const ready = async (page: Page) => expect(page.getByRole('button', { name: 'Play' })).toBeEnabled({ timeout: 60_000 });
const stepOf = async (page: Page) => Number((await page.getByTestId('step').textContent())?.replace(/,/g, ''));
const figure = (page: Page, title: string) => page.getByRole('figure', { name: new RegExp(`^${title}`) });

async function trainPast(page: Page, step: number): Promise<number> {
  await page.getByRole('button', { name: 'Play' }).click();
  await expect.poll(() => stepOf(page), { timeout: 90_000 }).toBeGreaterThan(step);
  await page.getByRole('button', { name: 'Pause' }).click();
  // Paused: the counter stops, and no probe arrives between the downloads below.
  let last = -1;
  await expect
    .poll(async () => {
      const now = await stepOf(page);
      const settled = now === last;
      last = now;
      return settled;
    }, { intervals: [500], timeout: 30_000 })
    .toBe(true);
  return last;
}

async function download(page: Page, action: () => Promise<void>): Promise<{ download: Download; bytes: Buffer }> {
  const pending = page.waitForEvent('download');
  await action();
  const d = await pending;
  const path = await d.path();
  return { download: d, bytes: fs.readFileSync(path) };
}

/** RFC 4180: fields separated by commas, quoted fields may hold commas, line breaks and doubled quotes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  expect(quoted, 'the CSV ends inside a quoted field').toBe(false);
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** Width and height from a PNG's IHDR chunk, after checking the signature. */
function pngSize(bytes: Buffer): { width: number; height: number } {
  expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(bytes.subarray(12, 16).toString('ascii')).toBe('IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** Parses an SVG in the page, as a browser would open the file. */
async function parseSvgInPage(page: Page, svg: string) {
  return page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    return {
      error: doc.querySelector('parsererror')?.textContent ?? null,
      root: doc.documentElement.localName,
      text: doc.documentElement.textContent ?? '',
      images: Array.from(doc.querySelectorAll('image')).map((i) => i.getAttribute('xlink:href') ?? i.getAttribute('href') ?? ''),
      // Nothing may depend on the page's stylesheets: no var(), no class-only styling of the SVG's own text.
      usesVariables: /var\(--/.test(text),
    };
  }, svg);
}

async function openExportMenu(fig: Locator) {
  const button = fig.getByRole('button', { name: /^Export/ });
  await button.click();
  return fig.getByRole('menu');
}

test.describe('exports', () => {
  test('a view to PNG and SVG, the histories to CSV and JSON', async ({ page }) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto('/');
    await ready(page);
    const step = await trainPast(page, 100);
    const conv = figure(page, 'Convergence');
    await expect(conv.getByText(/waiting for/)).toHaveCount(0);

    // The menu by keyboard: Enter opens it on its first item, arrows move, Escape closes and returns the focus.
    const button = conv.getByRole('button', { name: 'Export Convergence' });
    await button.focus();
    await page.keyboard.press('Enter');
    const menu = conv.getByRole('menu');
    await expect(menu.getByRole('menuitem', { name: /PNG/ })).toBeFocused();
    await page.keyboard.press('ArrowDown');
    await expect(menu.getByRole('menuitem', { name: /SVG/ })).toBeFocused();
    await page.keyboard.press('ArrowDown');
    await expect(menu.getByRole('menuitem', { name: /PNG/ })).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(menu).toHaveCount(0);
    await expect(button).toBeFocused();
    // Space on the focused menu button opened nothing else: the run is still paused at the same step.
    expect(await stepOf(page)).toBe(step);

    // PNG, chosen from the keyboard: the figure at twice its CSS size.
    const box = (await conv.boundingBox())!;
    await button.focus();
    const png = await download(page, async () => {
      await page.keyboard.press('Enter');
      await expect(menu.getByRole('menuitem', { name: /PNG/ })).toBeFocused();
      await page.keyboard.press('Enter');
    });
    expect(png.download.suggestedFilename()).toBe(`batchnorm-explorer_convergence_step-${step}.png`);
    expect(pngSize(png.bytes)).toEqual({ width: Math.round(box.width * 2), height: Math.round(box.height * 2) });

    // SVG: a standalone document with the title, the axes' labels and the legend.
    const svgFile = await download(page, async () => {
      await (await openExportMenu(conv)).getByRole('menuitem', { name: /SVG/ }).click();
    });
    expect(svgFile.download.suggestedFilename()).toBe(`batchnorm-explorer_convergence_step-${step}.svg`);
    const svg = await parseSvgInPage(page, svgFile.bytes.toString('utf8'));
    expect(svg.error).toBeNull();
    expect(svg.root).toBe('svg');
    for (const text of ['Convergence', 'training step', 'test accuracy', 'plain', 'BN']) expect(svg.text).toContain(text);
    expect(svg.usesVariables).toBe(false);

    // The histories, from the Share & export panel.
    await page.getByRole('button', { name: 'Share & export' }).click();
    const panel = page.getByRole('dialog', { name: 'Share and export' });
    const jsonFile = await download(page, () => panel.getByRole('button', { name: /Histories as JSON/ }).click());
    expect(jsonFile.download.suggestedFilename()).toBe(`batchnorm-explorer_histories_step-${step}.json`);
    const json = JSON.parse(jsonFile.bytes.toString('utf8')) as {
      tool: string;
      preset: string | null;
      source: string;
      overrides: unknown[];
      config: { batchSize: number; arms: unknown[]; probe: { interval: number } };
      steps: number;
      arms: { name: string; steps: number[]; testAccuracy: (number | null)[]; layers: unknown[] }[];
    };
    // The CLI's keys, in the CLI's order.
    expect(Object.keys(json)).toEqual(['tool', 'preset', 'source', 'overrides', 'config', 'backend', 'steps', 'seconds', 'stepsPerSecond', 'arms']);
    expect(json.preset).toBe('ioffe-mnist');
    expect(json.source).toBe('preset ioffe-mnist');
    expect(json.overrides).toEqual([]);
    expect(json.steps).toBe(step);
    expect(json.config.batchSize).toBe(60);
    expect(json.arms.map((a) => a.name)).toEqual(['plain', 'BN']);
    expect(json.arms.length).toBe(json.config.arms.length);
    // Probes come at step 0 and every probe interval; pausing between two takes none.
    const lastProbe = step - (step % json.config.probe.interval);
    for (const arm of json.arms) {
      expect(arm.steps[0]).toBe(0);
      expect(arm.steps[arm.steps.length - 1]).toBe(lastProbe);
      expect(arm.testAccuracy).toHaveLength(arm.steps.length);
      expect(arm.layers).toHaveLength(3);
    }

    const csvFile = await download(page, () => panel.getByRole('button', { name: /Histories as CSV/ }).click());
    expect(csvFile.download.suggestedFilename()).toBe(`batchnorm-explorer_histories_step-${step}.csv`);
    const [header, ...rows] = parseCsv(csvFile.bytes.toString('utf8'));
    expect(header!.slice(0, 6)).toEqual(['arm', 'step', 'trainLoss', 'testLoss', 'testAccuracy', 'layer']);
    for (const r of rows) expect(r).toHaveLength(header!.length);
    // One row per probe of each arm and hidden layer, as historyToCsv defines it, and the same probes as the JSON.
    expect(rows).toHaveLength(json.arms.reduce((n, a) => n + a.steps.length * a.layers.length, 0));
    for (const arm of json.arms) {
      const mine = rows.filter((r) => r[0] === arm.name);
      expect([...new Set(mine.map((r) => Number(r[1])))]).toEqual(arm.steps);
      const last = mine.filter((r) => Number(r[1]) === lastProbe);
      expect(last.map((r) => Number(r[5]))).toEqual([0, 1, 2]);
      expect(Number(last[0]![4])).toBeCloseTo(arm.testAccuracy[arm.testAccuracy.length - 1]!, 6);
    }

    // The command that reproduces the run.
    await expect(panel.getByTestId('experiment-command')).toHaveText(`npm run experiment -- --preset ioffe-mnist --steps ${step} --backend wasm`);
    await page.keyboard.press('Escape');
    await expect(panel).toHaveCount(0);
    expect(errors).toEqual([]);
  });

  test('a canvas view keeps its pixels in the SVG, and the scripts download', async ({ page }) => {
    await page.goto('/');
    await ready(page);
    await page.getByLabel('Preset').selectOption('spirals');
    await ready(page);
    await trainPast(page, 40);
    const boundary = figure(page, 'Decision boundary');
    const svgFile = await download(page, async () => {
      await (await openExportMenu(boundary)).getByRole('menuitem', { name: /SVG/ }).click();
    });
    const svg = await parseSvgInPage(page, svgFile.bytes.toString('utf8'));
    expect(svg.error).toBeNull();
    expect(svg.text).toContain('Decision boundary');
    // One heat map per arm, each embedded as PNG pixels.
    expect(svg.images).toHaveLength(2);
    for (const href of svg.images) expect(href).toMatch(/^data:image\/png;base64,/);

    await page.getByRole('button', { name: 'Share & export' }).click();
    const panel = page.getByRole('dialog', { name: 'Share and export' });
    const torch = await download(page, () => panel.getByRole('button', { name: /PyTorch script/ }).click());
    expect(torch.download.suggestedFilename()).toBe('batchnorm-explorer_pytorch.py');
    const script = torch.bytes.toString('utf8');
    expect(script).toContain('nn.BatchNorm1d(16, eps=1e-05, momentum=0.1)');
    expect(script).toContain('TRAIN_X = (');
    const keras = await download(page, () => panel.getByRole('button', { name: /Keras script/ }).click());
    expect(keras.bytes.toString('utf8')).toContain('layers.BatchNormalization(momentum=0.9, epsilon=1e-05)');
    // No MNIST file for a 2-D set.
    await expect(panel.getByRole('button', { name: /mnist\.bin/ })).toHaveCount(0);
  });

  test('on a touch screen the menus have 44-pixel targets', async ({ browser }) => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
    const page = await context.newPage();
    await page.goto('/');
    await ready(page);
    const conv = figure(page, 'Convergence');
    const button = conv.getByRole('button', { name: /^Export/ });
    await button.scrollIntoViewIfNeeded();
    await button.tap();
    for (const target of [button, conv.getByRole('menuitem', { name: /PNG/ }), conv.getByRole('menuitem', { name: /SVG/ })]) {
      const b = (await target.boundingBox())!;
      expect(b.height).toBeGreaterThanOrEqual(44);
      expect(b.width).toBeGreaterThanOrEqual(44);
    }
    // The header's panel: every control reachable by a thumb, and the panel inside the screen.
    await page.getByRole('button', { name: 'Share & export' }).tap();
    const panel = page.getByRole('dialog', { name: 'Share and export' });
    const p = (await panel.boundingBox())!;
    expect(p.x).toBeGreaterThanOrEqual(0);
    expect(p.x + p.width).toBeLessThanOrEqual(390);
    for (const target of await panel.getByRole('button').all()) {
      await target.scrollIntoViewIfNeeded();
      const b = (await target.boundingBox())!;
      expect(b.height, (await target.textContent()) ?? '').toBeGreaterThanOrEqual(44);
    }
    await context.close();
  });
});
