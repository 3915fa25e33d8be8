// The exported PyTorch scripts are run for real by the unit tests, with Debian's python3-torch (the same package
// as the float64 reference fixtures). Installs it when it is missing and we may (root with apt-get); otherwise
// says exactly what to do.
import { existsSync } from 'node:fs';
import { execSync, spawnSync } from 'node:child_process';

const python = '/usr/bin/python3';
const hasTorch = () => existsSync(python) && spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
if (hasTorch()) process.exit(0);
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (isRoot && existsSync('/usr/bin/apt-get')) {
  console.error("PyTorch is missing: installing Debian's python3-torch (a minute or two)…");
  execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-torch libopenblas0-pthread', { stdio: 'inherit' });
  process.exit(hasTorch() ? 0 : 1);
}
console.error('The unit tests run the exported PyTorch script. On Debian/Ubuntu: sudo apt-get install -y python3-torch libopenblas0-pthread');
process.exit(1);
