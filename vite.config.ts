/// <reference types="vitest/config" />
import path from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

// The app's Content Security Policy: the wasm backend needs 'wasm-unsafe-eval', the worker comes from 'self'
// (or blob: in dev). No 'unsafe-eval' anywhere. `frame-ancestors` would be ignored in the meta tag, so it is
// not here: a host that must forbid framing sends it as a header.
const csp = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
].join('; ');

/**
 * Writes the policy into every built page (index.html, article.html) as a meta tag, first in <head> so it governs every later element:
 * a static host (GitHub Pages, a university web space) sends no CSP header, and the build must carry its own.
 * Build only: the dev server injects an inline script for hot reload that this policy would block.
 */
function cspMetaTag(policy: string): Plugin {
  return {
    name: 'batchnorm-explorer:csp-meta',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: policy }, injectTo: 'head-prepend' }],
    },
  };
}

/**
 * The lab page's entry (src/main.tsx) starts the training worker, then imports the lab's session and views
 * dynamically. So that the session's code, which sends the worker its first run, does not wait for the entry to run
 * before it downloads, the page's <head> preloads it: the chunks of the modules named here, every chunk they import
 * statically, and their stylesheets. Not the views (React, D3; some 500 kB): preloaded too, they and the session's
 * chunks took all six of the browser's connections to the server (HTTP/1.1), and the worker's script, asked for
 * once the entry ran, waited for one (measured: 250–480 ms on a busy machine). The entry asks for them itself, just
 * after the worker's script (Vite's preload of a dynamic import brings their chunks and stylesheets together). Build
 * only.
 */
function preloadDynamicImports(moduleSuffixes: string[]): Plugin {
  return {
    name: 'batchnorm-explorer:preload-dynamic-imports',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler: (_html, { bundle, chunk: entry }) => {
        if (!bundle || !entry) return [];
        const chunks = Object.values(bundle).filter((c) => c.type === 'chunk');
        const targets = chunks.filter((c) => entry.dynamicImports.includes(c.fileName) && moduleSuffixes.some((m) => c.facadeModuleId?.endsWith(m)));
        // The targets and everything they import statically, but not what the entry already brings in.
        const files = new Set<string>();
        const visit = (fileName: string) => {
          if (files.has(fileName) || fileName === entry.fileName || entry.imports.includes(fileName)) return;
          files.add(fileName);
          for (const next of chunks.find((c) => c.fileName === fileName)?.imports ?? []) visit(next);
        };
        for (const t of targets) visit(t.fileName);
        const css = [...files].flatMap((f) => [...(chunks.find((c) => c.fileName === f)?.viteMetadata?.importedCss ?? [])]);
        return [
          ...[...new Set(css)].map((href) => ({ tag: 'link', attrs: { rel: 'stylesheet', crossorigin: true, href: `./${href}` }, injectTo: 'head' as const })),
          ...[...files].map((href) => ({ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `./${href}` }, injectTo: 'head' as const })),
        ];
      },
    },
  };
}

/**
 * What `<link rel="modulepreload">` does for the page, for a module worker, which has no <head>: the worker entry
 * named here asks, as it starts, for the chunks that the module it imports dynamically imports statically (and so on),
 * together with that module's own chunk, instead of one round trip after another as each chunk is parsed (the
 * training worker's session waited some 200 ms for a 40-kB chunk of TensorFlow.js's). Only chunks that import neither
 * the dynamic module nor the entry are asked for: they evaluate first in either order. A failure is left to the real
 * import, which reports it. Build only (the dev server bundles no worker).
 */
function preloadWorkerImports(entries: Record<string, string>): Plugin {
  return {
    name: 'batchnorm-explorer:preload-worker-imports',
    generateBundle(_options, bundle) {
      const chunks = new Map(
        Object.values(bundle)
          .filter((c) => c.type === 'chunk')
          .map((c) => [c.fileName, c]),
      );
      const staticClosure = (fileName: string): Set<string> => {
        const seen = new Set<string>();
        const visit = (f: string) => {
          for (const next of chunks.get(f)?.imports ?? []) {
            if (seen.has(next)) continue;
            seen.add(next);
            visit(next);
          }
        };
        visit(fileName);
        return seen;
      };
      for (const entry of chunks.values()) {
        const target = Object.entries(entries).find(([from]) => entry.isEntry && entry.facadeModuleId?.endsWith(from))?.[1];
        const dynamic = target && entry.dynamicImports.find((f) => chunks.get(f)?.facadeModuleId?.endsWith(target));
        if (!dynamic) continue;
        const own = staticClosure(entry.fileName);
        const early = [...staticClosure(dynamic)].filter((f) => {
          if (f === entry.fileName || own.has(f)) return false;
          const needs = staticClosure(f);
          return !needs.has(dynamic) && !needs.has(entry.fileName);
        });
        if (early.length === 0) continue;
        const dir = path.posix.dirname(entry.fileName);
        const specifiers = early.map((f) => `./${path.posix.relative(dir, f)}`);
        // On the entry's first line, so that its source map needs only one more line.
        entry.code = `for(const f of ${JSON.stringify(specifiers)})import(f).catch(()=>{});\n${entry.code}`;
        // Vite writes a worker's source map from its chunk's map, after this hook.
        if (entry.map) entry.map.mappings = `;${entry.map.mappings}`;
      }
    },
  };
}

export default defineConfig({
  // Relative base: every URL in the build is relative to the page or to the file that asks for it, so dist/
  // works copied to any static host under any sub-path (https://example.org/course/bn/).
  base: './',
  plugins: [react(), cspMetaTag(csp), preloadDynamicImports(['/src/labSession.ts'])],
  worker: {
    format: 'es',
    plugins: () => [preloadWorkerImports({ '/src/worker/training.worker.ts': '/src/worker/trainingSession.ts' })],
  },
  preview: { port: 4173, strictPort: true, headers: { 'Content-Security-Policy': csp } },
  server: { port: 5173 },
  build: {
    target: 'es2022',
    // The polyfill was one more request in the <head>; a browser without <link rel="modulepreload"> (Safari before 17)
    // loses only the head start, not the page.
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 2000,
    // Two pages: the lab, and the article beside it (no engine, no worker). The CSP plugin writes its meta tag into both.
    rollupOptions: {
      input: { main: 'index.html', article: 'article.html' },
      // The training worker's session imports the WebAssembly backend statically on purpose (trainingSession.ts); the
      // engine's dynamic import of it stays for Node and the other workers. (Worker bundles log through this too.)
      onLog(level, log, handler) {
        if (log.code === 'INEFFECTIVE_DYNAMIC_IMPORT' && log.message.includes('tfjs-backend-wasm') && log.message.includes('trainingSession')) return;
        handler(level, log);
      },
    },
  },
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'scripts/**/*.test.ts'],
    setupFiles: ['src/engine/testing/setup.ts'],
    environment: 'node',
    // Timeouts catch hangs, not slowness. With both cores kept busy by other processes, the slowest tests took up to
    // 250 s (trainer.test's 500 steps with probes; 50 s on a quiet machine) and failed the old 120 s limit, so a
    // test gets 10 minutes unless it sets its own: room for a CI machine three times slower and busy.
    testTimeout: 600_000,
    hookTimeout: 600_000,
    // Numerics tests share one tfjs engine per file; files run in separate workers on the 2 cores.
    pool: 'forks',
  },
});
