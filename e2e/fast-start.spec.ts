import { expect, test } from '@playwright/test';
import { recordStartup } from './helpers';

/**
 * A fresh visit on a machine without a GPU (headless Chromium draws WebGL in software, with SwiftShader) starts on
 * WebAssembly at once: no backend is timed before the first chart, WebGL's and the cpu backend's code is never
 * fetched, and the header's reason says why, truthfully.
 */
test('a fresh visit starts on WebAssembly at once, times no backend, loads no WebGL code, and says why', async ({ page, context }) => {
  const startup = await recordStartup(page);
  // Every script the page and its worker fetch.
  const scripts: string[] = [];
  context.on('response', (r) => {
    if (new URL(r.url()).pathname.endsWith('.js')) scripts.push(r.url());
  });
  await page.goto('/');
  // The first chart: the convergence view has its first probe.
  await expect(page.locator('rect.conv-overlay').first()).toBeAttached({ timeout: 120_000 });

  // The start-up phases in their order, none of them a timing. A phase may pass between two frames unseen: the
  // worker starts with the page, and its first phases can be over before the lab's first render.
  const phases = await startup.phases();
  const order = ['starting the engine', 'loading the digits', 'starting the backend', 'building the networks', 'taking the first probe'];
  expect(phases.length).toBeGreaterThan(0);
  expect(phases.map((p) => order.indexOf(p))).toEqual(phases.map((p) => order.indexOf(p)).filter((i) => i >= 0).sort((a, b) => a - b));
  expect(phases.filter((p) => /measur|timed|timing/i.test(p))).toEqual([]);

  const header = page.locator('.backend');
  await expect(header).toContainText('backend wasm');
  await expect(header).toHaveAttribute('title', 'wasm: WebGL here is drawn in software (SwiftShader), not by a GPU, so it is not tried: WebAssembly runs the networks');
  await expect(page.getByRole('status', { name: 'Backend changed' })).toHaveCount(0);

  const bodies = await Promise.all(scripts.map(async (url) => ({ url, body: await (await page.request.get(url)).text() })));
  // The worker's own imports are among them (else the checks below would prove nothing): the wasm backend's chunk.
  expect(bodies.some((s) => s.body.includes('WASM_HAS_SIMD_SUPPORT'))).toBe(true);
  for (const { url, body } of bodies) {
    // A flag only tfjs-backend-webgl registers; the cpu backend's class, which only its own chunk defines.
    expect(body.includes('WEBGL_PACK_BINARY_OPERATIONS'), `${url} holds WebGL's backend`).toBe(false);
    expect(body.includes('MathBackendCPU'), `${url} holds the cpu backend`).toBe(false);
  }
  // Software WebGL is never timed, so nothing about this device is kept.
  expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('batchnorm-explorer.backend-timings')))).toEqual([]);
});

test('a backend named in the link is used at once', async ({ page }) => {
  await page.goto('/?be=wasm');
  await expect(page.locator('rect.conv-overlay').first()).toBeAttached({ timeout: 120_000 });
  await expect(page.locator('.backend')).toContainText('backend wasm');
  await expect(page.locator('.backend')).toHaveAttribute('title', 'wasm requested');
});

test('a GPU measured faster on an earlier visit starts on WebGL at once; a network it has not timed goes back to WebAssembly, saying so', async ({ page }) => {
  test.setTimeout(240_000);
  // This machine has no GPU: its WebGL (SwiftShader) is made to name one, and a timing from an "earlier visit" is
  // kept for it. On the main thread (?mainthread), where WebGL runs in the page, whose renderer the test can rename
  // (the page reads it as it starts); a worker's WebGL backend would read the real one.
  const renderer = 'ANGLE (Test, Test GPU Direct3D11 vs_5_0 ps_5_0, D3D11)';
  await page.addInitScript((name) => {
    const UNMASKED_RENDERER_WEBGL = 0x9246;
    const read = WebGL2RenderingContext.prototype.getParameter;
    WebGL2RenderingContext.prototype.getParameter = function (p: number) {
      return p === UNMASKED_RENDERER_WEBGL ? name : read.call(this, p);
    };
    if (!localStorage.getItem('batchnorm-explorer.backend-timings.v1')) {
      localStorage.setItem('batchnorm-explorer.backend-timings.v1', JSON.stringify({ [name]: { 'points-mlp': { gpu: 'webgl', gpuMs: 2, wasmMs: 6, at: Date.now() } } }));
    }
  }, renderer);
  await page.goto('/?mainthread&preset=spirals');
  await expect(page.locator('rect.conv-overlay').first()).toBeAttached({ timeout: 180_000 });
  const header = page.locator('.backend');
  await expect(header).toContainText('backend webgl');
  await expect(header).toHaveAttribute('title', 'webgl: your GPU measured 3.0× faster than WebAssembly on networks like this one (2.0 against 6.0 ms per training step)');
  // The first run is no change of backend.
  await expect(page.getByRole('status', { name: 'Backend changed' })).toHaveCount(0);

  // The digits are another kind of network, not timed on this GPU: WebAssembly, and the page says why.
  await page.getByLabel('Dataset').selectOption('mnist');
  const notice = page.getByRole('status', { name: 'Backend changed' });
  await expect(notice.locator('p')).toHaveText('Switched to WebAssembly: WebGL has not been timed on networks like this one.', { timeout: 180_000 });
  await expect(header).toContainText('backend wasm');
  await expect(header).toHaveAttribute('title', /^wasm: WebGL has not been timed on this GPU for networks like this one, and training on the page's main thread does not time it/);
  await notice.getByRole('button', { name: 'Dismiss the note on the backend' }).click();
  await expect(notice).toHaveCount(0);
  // What was kept is still there for the next visit.
  expect(JSON.parse((await page.evaluate(() => localStorage.getItem('batchnorm-explorer.backend-timings.v1')))!)).toHaveProperty([renderer, 'points-mlp', 'gpuMs'], 2);
});
