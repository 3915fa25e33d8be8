import { describe, expect, it } from 'vitest';
import { PRESET_NAMES, presetConfig } from '../config/presets';
import { parseConfig } from '../config/schema';
import { buildArchitecture } from '../engine/model';
import { DEFAULT_BACKENDS, DEFAULT_PRESETS, DEFAULT_ROUNDS, MAX_ROUNDS, parseBenchArgs, type BenchOptions } from './benchArgs';
import {
  anchorRow,
  anchorTable,
  engineRow,
  engineTable,
  fmt,
  hasAvx512f,
  markdownTable,
  networkStepsPerSecond,
  probeMeets,
  probeStepsSpread,
  ratioSpread,
  stepPathOf,
  torchChildEnv,
  type EngineRound,
  type TorchRound,
} from './benchReport';
import { engineParameterCounts, torchMirrorProblem, torchNetSpec } from './torchSpec';

function options(argv: string[]): BenchOptions {
  const p = parseBenchArgs(argv);
  if (!p.ok) throw new Error(p.problems.join('\n'));
  return p.options;
}

function problems(argv: string[]): string[] {
  const p = parseBenchArgs(argv);
  return p.ok ? [] : p.problems;
}

describe('bench:engine flags', () => {
  it('defaults to three presets on wasm, both step paths, three rounds, with the PyTorch anchor', () => {
    expect(DEFAULT_BACKENDS).toEqual(['wasm']);
    expect(options([])).toEqual({ presets: [...DEFAULT_PRESETS], backends: [...DEFAULT_BACKENDS], paths: ['fast', 'tfjs'], rounds: DEFAULT_ROUNDS, quick: false, torch: true, testSize: null, help: false });
  });

  it('takes --path as a repeatable filter and refuses a path it does not know', () => {
    expect(options(['--path', 'tfjs', '--path=fast', '--path', 'tfjs']).paths).toEqual(['tfjs', 'fast']);
    expect(problems(['--path', 'gpu'])).toEqual(['--path: must be one of fast, tfjs; got "gpu"']);
  });

  it('takes --preset and --backend as repeatable filters, in the order given, without duplicates', () => {
    const o = options(['--preset', 'cnn-mnist', '--backend', 'wasm', '--preset', 'ioffe-mnist', '--preset=cnn-mnist', '--backend=wasm']);
    expect(o.presets).toEqual(['cnn-mnist', 'ioffe-mnist']);
    expect(o.backends).toEqual(['wasm']);
  });

  it('makes --quick one round unless --rounds says otherwise', () => {
    expect(options(['--quick']).rounds).toBe(1);
    expect(options(['--quick', '--rounds', '3']).rounds).toBe(3);
    expect(options(['--rounds', '5']).rounds).toBe(5);
    expect(options(['--no-torch']).torch).toBe(false);
  });

  it('names every bad flag on a line of its own', () => {
    expect(problems(['--preset', 'imagenet', '--backend', 'webgl', '--rounds', '0', '--wat'])).toEqual([
      `--preset: unknown preset "imagenet"; choose one of ${PRESET_NAMES.join(', ')}`,
      '--backend: must be one of wasm, cpu; got "webgl"',
      `--rounds: must be a whole number 1 … ${MAX_ROUNDS}; got "0"`,
      '"--wat": unknown flag (see --help)',
    ]);
    for (const bad of ['1e1', '2.5', '0x3', '-1', '', String(MAX_ROUNDS + 1)]) expect(problems(['--rounds', bad]), bad).toHaveLength(1);
    expect(problems(['--preset'])).toEqual(['--preset: needs a value']);
    expect(problems(['--rounds', '--quick'])).toEqual(['--rounds: needs a value']);
    expect(problems(['--quick=yes'])).toEqual(['--quick: takes no value']);
  });

  it('takes --test-size: every preset’s probes score that many test examples', () => {
    expect(options(['--test-size', '500']).testSize).toBe(500);
    expect(options(['--test-size=10000']).testSize).toBe(10000);
    for (const bad of ['99', '10001', '5e2', '', 'all']) expect(problems(['--test-size', bad]), bad).toEqual([`--test-size: must be a whole number 100 … 10000; got ${JSON.stringify(bad)}`]);
  });

  it('answers --help whatever else is on the line', () => {
    expect(parseBenchArgs(['--wat', '-h'])).toMatchObject({ ok: true, options: { help: true } });
    expect(options(['--help']).help).toBe(true);
  });
});

const round = (stepsPerSecond: number, msPerProbe: number, armsTrained = 2): EngineRound => ({ steps: 100, stepsPerSecond, armsTrained, probes: 3, msPerProbe });
const torchRound = (networkStepsPerSecond: number): TorchRound => ({ finite: true, steps: 100, seconds: 200 / networkStepsPerSecond, networkStepsPerSecond, arms: [] });
const head = (preset: string) => ({
  preset,
  backend: 'wasm' as const,
  path: 'tfjs',
  arms: 2,
  testScored: 2000,
  testOverridden: false,
  kernelsPerStep: 444,
  kernelsPerProbe: 2323,
  armMsPerStep: [
    { name: 'plain', msPerStep: 4 },
    { name: 'BN', msPerStep: 6 },
  ],
  tensorsBefore: 30,
  tensorsAfter: 30,
});

describe('ratio arithmetic', () => {
  it('counts a lockstep step of n arms as n network-steps', () => {
    expect(networkStepsPerSecond(50, 2)).toBe(100);
    expect(networkStepsPerSecond(50, 1)).toBe(50);
  });

  it('takes engine ÷ PyTorch round by round; the worst is the smallest, the median the middle', () => {
    const s = ratioSpread([40, 60, 30], [100, 100, 100]);
    expect(s.rounds).toEqual([0.4, 0.6, 0.3]);
    expect(s.worst).toBe(0.3);
    expect(s.median).toBe(0.4);
    expect(ratioSpread([10, 30], [100, 100]).median).toBeCloseTo(0.2, 12);
    expect(() => ratioSpread([1, 2], [1])).toThrow(/2 engine rounds against 1 PyTorch/);
    expect(() => ratioSpread([], [])).toThrow();
  });

  it('measures a probe in lockstep steps: the worst round is the largest', () => {
    // 100 steps/s is 10 ms a step: a 50 ms probe is 5 steps, a 120 ms probe 12.
    const s = probeStepsSpread([round(100, 50), round(100, 120), round(50, 100)]);
    expect(s.rounds).toEqual([5, 12, 5]);
    expect(s.worst).toBe(12);
    expect(s.median).toBe(5);
  });

  it('judges the issue’s targets on the worst round, and only for the presets it names', () => {
    const ioffe = engineRow(head('ioffe-mnist'), [round(100, 50), round(90, 80), round(110, 60)]);
    const a = anchorRow(ioffe, [torchRound(400), torchRound(400), torchRound(500)]);
    // Engine network-steps: 200, 180, 220 → ratios 0.5, 0.45, 0.44.
    expect(a.ratio.rounds.map((r) => +r.toFixed(3))).toEqual([0.5, 0.45, 0.44]);
    expect(a.target).toBe(0.4);
    expect(a.meets).toBe(true);
    expect(anchorRow(ioffe, [torchRound(1000), torchRound(400), torchRound(400)]).meets).toBe(false);
    expect(probeMeets(ioffe)).toBe(true);
    expect(probeMeets(engineRow(head('ioffe-mnist'), [round(100, 101)]))).toBe(false);
    const spirals = engineRow(head('spirals'), [round(100, 500)]);
    expect(anchorRow(spirals, [torchRound(1000)])).toMatchObject({ target: null, meets: null });
    expect(probeMeets(spirals)).toBeNull();
    // A --test-size run is not the preset's probe: no verdict.
    expect(probeMeets(engineRow({ ...head('ioffe-mnist'), testScored: 500, testOverridden: true }, [round(100, 50)]))).toBeNull();
    expect(anchorRow(engineRow(head('cnn-mnist'), [round(10, 50)]), [torchRound(100)])).toMatchObject({ target: 0.2, meets: true });
  });
});

describe('rows as written to bench-results/engine-node.json', () => {
  it('holds the fields the issue asks for, medians over the rounds, and survives JSON', () => {
    const row = engineRow(head('ioffe-mnist'), [round(100, 50), round(80, 60, 1), round(120, 40)]);
    const back = JSON.parse(JSON.stringify(row)) as Record<string, unknown>;
    expect(back).toMatchObject({ preset: 'ioffe-mnist', backend: 'wasm', arms: 2, path: 'tfjs', kernelsPerStep: 444, kernelsPerProbe: 2323, stepsPerSecond: 100, msPerStep: 10, msPerProbe: 50 });
    // Network-steps count the arms that trained: the round where one arm had diverged counts 80 × 1.
    expect(back.networkStepsPerSecond).toBe(200);
    expect(Object.keys(back).sort()).toEqual(
      ['armMsPerStep', 'arms', 'backend', 'kernelsPerProbe', 'kernelsPerStep', 'msPerProbe', 'msPerStep', 'networkStepsPerSecond', 'path', 'preset', 'probeSteps', 'rounds', 'stepsPerSecond', 'tensorsAfter', 'tensorsBefore', 'testOverridden', 'testScored'].sort(),
    );
    const anchor = JSON.parse(JSON.stringify(anchorRow(row, [torchRound(400), torchRound(400), torchRound(400)]))) as Record<string, unknown>;
    expect(Object.keys(anchor).sort()).toEqual(['backend', 'engineNetworkStepsPerSecond', 'meets', 'path', 'preset', 'ratio', 'target', 'torchNetworkStepsPerSecond'].sort());
  });

  it('reports the step path a trainer gives, and tfjs when it gives none', () => {
    expect(stepPathOf({})).toBe('tfjs');
    expect(stepPathOf({ path: '' })).toBe('tfjs');
    expect(stepPathOf({ path: 42 })).toBe('tfjs');
    expect(stepPathOf({ path: 'fast' })).toBe('fast');
  });

  it('prints numbers at a precision that suits their size', () => {
    expect([1234.5, 43.21, 5, 0.214, 0.0047, 0, NaN].map(fmt)).toEqual(['1235', '43.2', '5.00', '0.21', '0.0047', '0.00', '–']);
  });

  it('prints Markdown tables with numbers right-aligned', () => {
    expect(markdownTable(['a', 'n'], [['x', '1'], ['yy', '10']], 1)).toBe('| a  |  n |\n|----|---:|\n| x  |  1 |\n| yy | 10 |');
    const row = engineRow(head('ioffe-mnist'), [round(100, 50)]);
    expect(engineTable([row])).toContain('| ioffe-mnist | wasm    | tfjs |    2 |       2,000 |          444 |');
    expect(engineTable([row])).toContain('5.00 · 5.00 (≤ 10) ✓');
    expect(anchorTable([anchorRow(row, [torchRound(1000)])])).toContain('0.20× · 0.20× | ≥ 0.4× ✗');
  });
});

describe('the PyTorch child', () => {
  const flags = (f: string) => `processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: fpu sse2 ${f}\n\nprocessor\t: 1\nflags\t\t: fpu sse2 ${f}\n`;

  it('runs on one thread, and on AVX-512 machines tells OpenBLAS the core it misdetects', () => {
    const avx512 = torchChildEnv({ PATH: '/usr/bin' }, flags('avx2 avx512f avx512dq'));
    expect(avx512).toMatchObject({ PATH: '/usr/bin', OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', OPENBLAS_CORETYPE: 'SkylakeX' });
    expect(torchChildEnv({}, flags('avx2 fma')).OPENBLAS_CORETYPE).toBeUndefined();
    expect(torchChildEnv({ OPENBLAS_CORETYPE: 'Haswell' }, flags('avx512f')).OPENBLAS_CORETYPE).toBe('Haswell');
    expect(torchChildEnv({ OPENBLAS_NUM_THREADS: '8' }, '').OPENBLAS_NUM_THREADS).toBe('1');
  });

  it('reads avx512f from the flags line only, as a whole word', () => {
    expect(hasAvx512f(flags('avx512f'))).toBe(true);
    expect(hasAvx512f(flags('avx512fp16 avx512vl'))).toBe(false);
    expect(hasAvx512f('model name\t: avx512f lookalike\nflags\t: sse2\n')).toBe(false);
    expect(hasAvx512f('')).toBe(false);
  });
});

describe('the networks PyTorch mirrors', () => {
  const archOf = (c: ReturnType<typeof presetConfig>) => buildArchitecture(c, c.model.kind === 'cnn' ? [28, 28, 1] : [784], 10);

  it('is Figure 1’s MLP for ioffe-mnist: 784-100-100-100-10 sigmoid, batch 60, SGD 0.5, BN before without bias', () => {
    const c = presetConfig('ioffe-mnist');
    const s = torchNetSpec(c, archOf(c));
    expect(s.hidden.map((l) => [l.kind, l.fanIn, l.units])).toEqual([
      ['dense', 784, 100],
      ['dense', 100, 100],
      ['dense', 100, 100],
    ]);
    expect(s).toMatchObject({ classifierFanIn: 100, numClasses: 10, activation: 'sigmoid', batchSize: 60, optimizer: { kind: 'sgd', learningRate: 0.5 }, init: { scheme: 'gaussian', scale: 0.1 } });
    expect(s.arms).toMatchObject([
      { name: 'plain', norm: 'none', learningRate: 0.5 },
      { name: 'BN', norm: 'batch', placement: 'before', epsilon: 1e-5, bnMomentum: 0.1, affine: true },
    ]);
    // 784·100 + 2·100·100 + 100·10 = 99,400 weights; the plain net adds 3·100 + 10 biases, BN 3·(γ, β) of 100 and
    // the classifier's 10 biases (its layers' own biases are left out: β takes their role).
    expect(engineParameterCounts(c, archOf(c))).toEqual([99400 + 310, 99400 + 600 + 10]);
  });

  it('is the small CNN for cnn-mnist, with TensorFlow’s same padding written out', () => {
    const c = presetConfig('cnn-mnist');
    const s = torchNetSpec(c, archOf(c));
    expect(s.hidden.map((l) => [l.kind, l.inChannels, l.units, l.stride, l.padding])).toEqual([
      ['conv', 1, 16, 1, [1, 1, 1, 1]],
      ['conv', 16, 16, 2, [0, 1, 0, 1]],
      ['conv', 16, 16, 2, [0, 1, 0, 1]],
    ]);
    expect(s).toMatchObject({ inputShape: [28, 28, 1], classifierFanIn: 7 * 7 * 16, batchSize: 32, activation: 'relu', init: { scheme: 'he', scale: 1 } });
  });

  it('declines what it would not compute as the engine does', () => {
    expect(torchMirrorProblem(presetConfig('ioffe-mnist'))).toBeNull();
    expect(torchMirrorProblem(presetConfig('small-batch'))).toBeNull();
    const noisy = parseConfig({ arms: [{ norm: 'none' }, { norm: 'batch', noise: 1 }] });
    expect(torchMirrorProblem(noisy)).toMatch(/noise after batch norm/);
    expect(() => torchNetSpec(noisy, buildArchitecture(noisy, [784], 10))).toThrow(/noise/);
    const scheduled = parseConfig({ schedule: [{ step: 10, set: { learningRate: 0.1 } }] });
    expect(torchMirrorProblem(scheduled)).toMatch(/schedule/);
  });
});
