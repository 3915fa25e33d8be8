// Browser tests drive Debian's Chromium at /usr/bin/chromium (Playwright cannot download its own browser here).
// Installs it when it is missing and we may (root with apt-get); otherwise says exactly what to do.
import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';

const path = '/usr/bin/chromium';
if (existsSync(path)) process.exit(0);
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = existsSync('/usr/bin/apt-get');
if (isRoot && hasApt) {
  console.error(`${path} is missing: installing Debian's chromium (about 20 s)…`);
  execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium', { stdio: 'inherit' });
  process.exit(existsSync(path) ? 0 : 1);
}
console.error(`The browser tests need Chromium at ${path}. On Debian/Ubuntu: sudo apt-get install -y chromium`);
process.exit(1);
