import { expect, test } from '@playwright/test';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/**
 * The build as a plain static host serves it: dist/ under a sub-path (/sub/dir/), files and MIME types only, no
 * Content-Security-Policy header (so the policy that applies is the build's own meta tag), nothing rewritten.
 * A build with an absolute URL anywhere (favicon, data, wasm, worker, a chunk) asks for it outside /sub/dir/
 * and gets a 404 here.
 */
const SUB_PATH = '/sub/dir/';
const distDir = path.resolve(process.env.E2E_DIST ?? 'dist');

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.bin': 'application/octet-stream',
  '.txt': 'text/plain; charset=utf-8',
};

interface StaticHost {
  origin: string;
  /** Every path asked for, with the status it got. */
  served: { path: string; status: number }[];
  close(): Promise<void>;
}

function startStaticHost(root: string): Promise<StaticHost> {
  const served: StaticHost['served'] = [];
  const server = http.createServer((req, res) => {
    const reply = (status: number, body: string | Buffer, type = 'text/plain; charset=utf-8') => {
      served.push({ path: req.url ?? '', status });
      res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://host').pathname);
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply(405, 'method not allowed');
    if (!pathname.startsWith(SUB_PATH)) return reply(404, `outside ${SUB_PATH}`);
    const rel = pathname.slice(SUB_PATH.length) || 'index.html';
    const file = path.resolve(root, rel.endsWith('/') ? `${rel}index.html` : rel);
    // No escaping the build folder with ../ segments.
    if (!file.startsWith(root + path.sep)) return reply(403, 'forbidden');
    let body: Buffer;
    try {
      body = fs.readFileSync(file);
    } catch {
      return reply(404, 'not found');
    }
    reply(200, body, MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream');
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    // Port 0: the system picks a free one, so parallel suites never collide.
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        origin: `http://127.0.0.1:${port}`,
        served,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}

let host: StaticHost;
test.beforeAll(async () => {
  expect(fs.existsSync(path.join(distDir, 'index.html')), `no build at ${distDir}: run npm run build (or set E2E_DIST)`).toBe(true);
  host = await startStaticHost(distDir);
});
test.afterAll(async () => {
  await host?.close();
});

test('the build served from a sub-path of a plain static host loads and trains, within its own origin and CSP', async ({ page }) => {
  const requests: string[] = [];
  const pageErrors: string[] = [];
  const consoleErrors: string[] = [];
  // Requests from the page and from its worker alike (the worker fetches the digits and the wasm).
  page.context().on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  // Registered before any of the page's scripts run, so a violation during start-up is caught too.
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __cspViolations: string[] }).__cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.effectiveDirective} blocked ${e.blockedURI}`));
  });
  const violations = () => page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations);

  await page.goto(`${host.origin}${SUB_PATH}`);
  // The policy in force is the build's meta tag: this host sends no CSP header.
  const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(policy).toContain("default-src 'self'");
  expect(policy).toContain("script-src 'self' 'wasm-unsafe-eval'");

  const play = page.getByRole('button', { name: 'Play' });
  await expect(play).toBeEnabled({ timeout: 90_000 });
  await play.click();
  const step = async () => Number((await page.getByTestId('step').textContent())?.replace(/,/g, ''));
  await expect.poll(step, { timeout: 90_000 }).toBeGreaterThan(50);
  // The read-out shows "–" until the first probe; a non-finite loss maps to NaN, which fails the comparison.
  const trainLoss = async () => {
    const loss = Number(await page.getByTestId('train-loss-0').textContent());
    return Number.isFinite(loss) ? loss : NaN;
  };
  await expect.poll(trainLoss, { timeout: 90_000 }).toBeGreaterThan(0);
  await page.getByRole('button', { name: 'Pause' }).click();

  // Everything came from this origin and under the sub-path, and the digits and wasm came through it.
  // The listener sees the worker's requests too (it fetches the digits), so nothing escapes this check.
  expect(requests).toContain(`${host.origin}${SUB_PATH}data/mnist.bin`);
  for (const url of requests) expect(url.startsWith(`${host.origin}${SUB_PATH}`), url).toBe(true);
  expect(host.served.filter((s) => s.status !== 200)).toEqual([]);
  expect(host.served.some((s) => s.path === `${SUB_PATH}data/mnist.bin`)).toBe(true);
  expect(host.served.some((s) => s.path.endsWith('.wasm'))).toBe(true);
  expect(host.served.some((s) => /training\.worker-[\w-]+\.js$/.test(s.path))).toBe(true);
  expect(host.served.some((s) => s.path === `${SUB_PATH}favicon.svg`)).toBe(true);

  expect(await violations()).toEqual([]);
  expect(consoleErrors).toEqual([]);
  expect(pageErrors).toEqual([]);

  // And the meta tag really is enforced, not just present (which also proves the violation listener works): an
  // inline script, allowed by no policy here, does not run.
  const inlineRan = await page.evaluate(() => {
    const w = window as unknown as { __inlineRan?: boolean };
    const script = document.createElement('script');
    script.textContent = 'window.__inlineRan = true;';
    document.head.append(script);
    script.remove();
    return w.__inlineRan === true;
  });
  expect(inlineRan).toBe(false);
  await expect.poll(violations).toContainEqual(expect.stringMatching(/^script-src(-elem)? blocked inline$/));
});
