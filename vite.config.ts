/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The app's Content Security Policy: the wasm backend needs 'wasm-unsafe-eval', the worker comes from 'self'
// (or blob: in dev). No 'unsafe-eval' anywhere.
const csp = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
].join('; ');

export default defineConfig({
  plugins: [react()],
  worker: { format: 'es' },
  preview: { port: 4173, strictPort: true, headers: { 'Content-Security-Policy': csp } },
  server: { port: 5173 },
  build: { target: 'es2022', chunkSizeWarningLimit: 2000 },
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'scripts/**/*.test.ts'],
    setupFiles: ['src/engine/testing/setup.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Numerics tests share one tfjs engine per file; files run in separate workers on the 2 cores.
    pool: 'forks',
  },
});
