// The fast path's WebAssembly is built from C (src/engine/fast/kernels.c) by clang and lld; a unit test rebuilds it
// and checks the committed binary is exactly that build. Installs Debian's clang and lld when they are missing and
// we may (root with apt-get); otherwise says exactly what to do.
import { existsSync } from 'node:fs';
import { execSync, spawnSync } from 'node:child_process';

const works = () => spawnSync('clang', ['--version'], { stdio: 'ignore' }).status === 0 && spawnSync('wasm-ld', ['--version'], { stdio: 'ignore' }).status === 0;
if (works()) process.exit(0);
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (isRoot && existsSync('/usr/bin/apt-get')) {
  console.error("clang or lld is missing: installing Debian's clang and lld (a minute or two)…");
  execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang lld', { stdio: 'inherit' });
  process.exit(works() ? 0 : 1);
}
console.error('The unit tests rebuild the fast path from C. On Debian/Ubuntu: sudo apt-get install -y clang lld');
process.exit(1);
