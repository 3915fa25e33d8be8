import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRESET_NAMES, presetConfig } from '../config/presets';
import { armName, parseConfig, type ExperimentConfig, type ExperimentConfigInput } from '../config/schema';
import { buildArchitecture } from '../engine/model';
import { createRng } from '../engine/random';
import { TorchAnchor } from './torchAnchor';
import { engineParameterCounts, torchMirrorProblem, torchNetSpec } from './torchSpec';

/**
 * The PyTorch child for real (npm run test:unit installs python3-torch, as for the exported scripts): every network
 * the benchmark can mirror is built and trained a step, with the engine's parameter count. One step and no time
 * budget, so nothing here depends on the machine's speed; the numbers it times are not looked at.
 */
let anchor: TorchAnchor;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bn-torch-anchor-'));

beforeAll(async () => {
  const started = await TorchAnchor.start(path.resolve('scripts/torch-bench.py'));
  if ('unavailable' in started) throw new Error(`the PyTorch anchor: ${started.unavailable}`);
  anchor = started;
}, 120_000);

afterAll(() => {
  anchor?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Seeded random examples in the engine's layout (their values do not matter here, only their shapes). */
function randomData(name: string, inputShape: readonly number[], numClasses: number, count: number): { x: string; y: string; count: number } {
  const rng = createRng(7, 'test');
  const size = inputShape.reduce((a, b) => a * b, 1);
  const x = Float32Array.from({ length: count * size }, () => rng.normal());
  const y = Uint8Array.from({ length: count }, () => rng.int(numClasses));
  const files = { x: path.join(dir, `${name}.f32`), y: path.join(dir, `${name}.u8`), count };
  fs.writeFileSync(files.x, new Uint8Array(x.buffer));
  fs.writeFileSync(files.y, y);
  return files;
}

async function oneStep(name: string, config: ExperimentConfig) {
  const inputShape = config.dataset.name !== 'mnist' ? [2] : config.model.kind === 'cnn' ? [28, 28, 1] : [784];
  const arch = buildArchitecture(config, inputShape, config.dataset.name === 'mnist' ? 10 : 2);
  const data = randomData(name, inputShape, arch.numClasses, 2 * config.batchSize);
  return { result: await anchor.measure({ spec: torchNetSpec(config, arch), data, budgetMs: 0, minSteps: 1, warmupSteps: 0 }), expected: engineParameterCounts(config, arch) };
}

describe('the PyTorch anchor', () => {
  it('reports what it runs on: one thread, and the BLAS core it picked', () => {
    expect(anchor.hello.threads).toBe(1);
    expect(anchor.hello.torch).toMatch(/^\d+\.\d+/);
    if (anchor.hello.blas.core !== null) expect(anchor.hello.blas.threads).toBe(1);
    expect(anchor.hello.sgemmGflops).toBeGreaterThan(0);
  });

  const mirrored = PRESET_NAMES.filter((n) => torchMirrorProblem(presetConfig(n)) === null);

  it('mirrors the presets the benchmark times', () => {
    expect(mirrored).toEqual(expect.arrayContaining(['ioffe-mnist', 'cnn-mnist', 'spirals']));
  });

  for (const name of mirrored) {
    it(`builds ${name}'s networks with the engine's parameter counts and trains them a step`, async () => {
      const { result, expected } = await oneStep(name, presetConfig(name));
      expect(result.parameters).toEqual(expected);
      const config = presetConfig(name);
      expect(result.arms.map((a) => a.name)).toEqual(config.arms.map((a) => armName(a, config)));
      expect(result.steps).toBe(1);
      expect(result.finite).toBe(true);
    }, 60_000);
  }

  const variants: [string, ExperimentConfigInput][] = [
    ['an MLP with norms after the nonlinearity, frozen γ/β, momentum', { model: { kind: 'mlp', depth: 2, width: 12 }, normalization: { placement: 'after', affine: false }, optimizer: { kind: 'momentum', learningRate: 0.1, momentum: 0.8 }, arms: [{ norm: 'batch' }, { norm: 'layer', placement: 'before' }] }],
    ['a CNN with layer norm, Adam and an arm of its own scale and rate', { model: { kind: 'cnn', depth: 2, width: 8 }, activation: 'tanh', init: { scheme: 'glorot', scale: 1 }, optimizer: { kind: 'adam', learningRate: 0.01 }, batchSize: 16, arms: [{ norm: 'layer' }, { norm: 'batch', placement: 'after', initScale: 2, learningRate: 0.001 }] }],
  ];
  for (const [what, input] of variants) {
    it(`builds ${what} with the engine's parameter counts`, async () => {
      const { result, expected } = await oneStep(what.replace(/\W+/g, '-'), parseConfig(input));
      expect(result.parameters).toEqual(expected);
      expect(result.finite).toBe(true);
    }, 60_000);
  }

  it('answers a request it cannot serve with an error, and goes on serving', async () => {
    const config = presetConfig('ioffe-mnist');
    const spec = torchNetSpec(config, buildArchitecture(config, [784], 10));
    await expect(anchor.measure({ spec, data: { x: path.join(dir, 'missing.f32'), y: path.join(dir, 'missing.u8'), count: 10 }, budgetMs: 0, minSteps: 1, warmupSteps: 0 })).rejects.toThrow(/^PyTorch: /);
    expect((await oneStep('after-error', config)).result.steps).toBe(1);
  }, 60_000);
});
