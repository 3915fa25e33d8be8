import { bench, describe } from 'vitest';
import { summarizeDistributions } from '../probes/distribution';
import { createRng } from '../random';
import { FastKernels } from './kernels';
import { summarizeInWasm } from './summaries';

// npx vitest bench --run src/engine/fast/summaries.bench.ts
// The probe's distribution summaries of one layer, in JavaScript and in WebAssembly, at the two shapes the presets
// probe: ioffe-mnist's dense layer of 100 units over the 500-example probe batch, and cnn-mnist's convolution of 16
// channels over 64 examples of 28×28. Timed in this process's CPU time rather than wall time, so that other work on
// a shared machine does not count (the JavaScript's garbage collection, on helper threads, does).

/** Pre-activation-like values: each unit Gaussian with its own scale (0.5 to 2) and shift (−1 to 1). */
function layer(samples: number, units: number, seed: number): Float32Array {
  const rng = createRng(seed, 'summaries-bench');
  const scale = Array.from({ length: units }, () => 0.5 + 1.5 * rng.next());
  const shift = Array.from({ length: units }, () => 2 * rng.next() - 1);
  const z = new Float32Array(samples * units);
  for (let i = 0; i < z.length; i++) z[i] = scale[i % units]! * rng.normal() + shift[i % units]!;
  return z;
}

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
const kernels = new FastKernels();

for (const [samples, units] of [[500, 100], [50176, 16]] as const) {
  const z = layer(samples, units, samples + units);
  describe(`${samples} × ${units}`, () => {
    bench('JavaScript (summarizeDistributions)', () => void summarizeDistributions(z, units, 48, 8), { time: 3000, now: cpuMs });
    bench('WebAssembly (summarizeInWasm)', () => void summarizeInWasm(kernels, z, units, 48, 8), { time: 3000, now: cpuMs });
  });
}
