// Shared by the browser scripts (benchmark, screenshots): serve the built app and launch Debian's Chromium.
import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
import fs from 'node:fs';

/** Starts `vite preview` of a build (dist/ unless told) on the port, waits until it answers, and stops it on exit. */
export async function servePreview(port, outDir = 'dist') {
  // Its own process group, stopped as a whole: killing npx alone left vite serving on the port.
  const server = spawn('npx', ['vite', 'preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort', '--outDir', outDir], { stdio: 'ignore', detached: true });
  let exited = false;
  server.on('exit', () => (exited = true));
  const stop = () => {
    try {
      process.kill(-server.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  };
  process.on('exit', stop);
  for (let i = 0; i < 100; i++) {
    // With --strictPort it exits at once when the port is taken: another server's answer must not pass for its own.
    if (exited) throw new Error(`vite preview could not serve ${outDir} on port ${port} (in use?)`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/`)).ok) return { url: `http://127.0.0.1:${port}/`, stop };
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  stop();
  throw new Error(`vite preview did not answer on port ${port}`);
}

/** Headless Chromium with the flags this closed network needs (no background connections). */
export function launchChromium() {
  return chromium.launch({
    executablePath: fs.existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}
