import { describe, expect, it } from 'vitest';
import { armGroups, ConfigError, NORMS } from '../config/schema';
import { parseCsv } from '../engine/csv';
import { createHistory } from '../engine/history';
import { runOutcome } from '../engine/sweepRun';
import {
  describeCellProblems,
  formatCell,
  gridCells,
  MAX_RUNS,
  meanAndSpread,
  parseSweepArgs,
  splitValues,
  sweepCsv,
  sweepHelpRequested,
  sweepJson,
  sweepTable,
  sweepUsage,
  tableCells,
  type SweepPlan,
  type SweepRow,
} from './sweepPlan';

const noFile = () => {
  throw new Error('no file');
};

const plan = (argv: string[], readJson: (file: string) => unknown = noFile, cores = 2) => parseSweepArgs(argv, readJson, cores);

/** The one-line problems the sweep's parser reports, or [] when it accepts the words. */
function problems(argv: string[], readJson: (file: string) => unknown = noFile): string[] {
  try {
    plan(argv, readJson);
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
}

describe('splitValues', () => {
  it('splits at top-level commas only, keeping JSON values whole', () => {
    expect(splitValues('2,4,8')).toEqual(['2', '4', '8']);
    expect(splitValues('[{"norm":"batch"},{"norm":"layer"}],[{"norm":"none"}]')).toEqual(['[{"norm":"batch"},{"norm":"layer"}]', '[{"norm":"none"}]']);
    expect(splitValues('"a,b",c')).toEqual(['"a,b"', 'c']);
    expect(splitValues('"a\\",b",c')).toEqual(['"a\\",b"', 'c']);
    expect(splitValues('2,,4')).toEqual(['2', '', '4']);
    for (const bad of ['[1,2', '{"a":1', '"open', '1]']) expect(splitValues(bad), bad).toBeNull();
  });
});

describe('sweep plan', () => {
  it('expands the grid, the first --vary outermost and the seeds innermost, each run a checked configuration', () => {
    const p = plan(['--preset', 'ioffe-mnist', '--vary', 'batchSize=2,60', '--vary', 'norm=none,batch,layer', '--seeds', '1,2', '--steps', '40']);
    expect(p.steps).toBe(40);
    expect(p.axes.map((a) => [a.key, a.values])).toEqual([
      ['batchSize', [2, 60]],
      ['norm', ['none', 'batch', 'layer']],
    ]);
    expect(p.runs).toHaveLength(12);
    expect(p.runs.map((r) => r.run)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(p.runs.slice(0, 3).map((r) => [r.settings, r.seed])).toEqual([
      [{ batchSize: 2, norm: 'none' }, 1],
      [{ batchSize: 2, norm: 'none' }, 2],
      [{ batchSize: 2, norm: 'batch' }, 1],
    ]);
    const last = p.runs.at(-1)!;
    expect([last.cell, last.seed, last.config.batchSize, last.config.seed, last.config.arms]).toEqual([[1, 2], 2, 60, 2, [{ norm: 'layer' }]]);
    // Everything not varied is the preset's.
    for (const r of p.runs) expect([r.config.optimizer.learningRate, r.config.init.scale, r.config.model.width]).toEqual([0.5, 0.1, 100]);
    expect(p.seeds).toEqual([1, 2]);
    expect([p.preset, p.source, p.overrides]).toEqual(['ioffe-mnist', 'preset ioffe-mnist', []]);
  });

  it('gives norm=group its default number of groups, and accepts every normalization the schema knows', () => {
    const p = plan(['--preset', 'spirals', '--vary', `norm=${NORMS.join(',')}`]);
    expect(p.runs.map((r) => r.config.arms[0]!.norm)).toEqual([...NORMS]);
    const gn = p.runs.find((r) => r.config.arms[0]!.norm === 'group')!;
    // The spirals net is 16 units wide: the largest count up to 4 that divides it.
    expect(armGroups(gn.config.arms[0]!, gn.config)).toBe(4);
  });

  it('reads each value as --set does, keeps the user’s --set apart, and defaults the seeds to the configuration’s', () => {
    const p = plan(['--set', 'optimizer.learningRate=0.1', '--set', 'seed=7', '--vary', 'init.scale=0.01,.5,1e-1', '--vary', 'normalization.affine=true,false']);
    expect(p.axes.map((a) => a.values)).toEqual([
      [0.01, 0.5, 0.1],
      [true, false],
    ]);
    expect(p.axes[0]!.raw).toEqual(['0.01', '.5', '1e-1']);
    expect(p.overrides).toEqual([
      { path: 'optimizer.learningRate', value: 0.1 },
      { path: 'seed', value: 7 },
    ]);
    expect(p.seeds).toEqual([7]);
    expect(p.runs.every((r) => r.seed === 7 && r.config.optimizer.learningRate === 0.1)).toBe(true);
    // A --set of a group above a varied field applies first, and stays.
    const q = plan(['--set', 'optimizer={"kind":"momentum"}', '--vary', 'optimizer.learningRate=0.1,0.2']);
    expect(q.runs.map((r) => [r.config.optimizer.kind, r.config.optimizer.learningRate])).toEqual([
      ['momentum', 0.1],
      ['momentum', 0.2],
    ]);
  });

  it('takes --jobs, defaulting to the cores, never more than the runs', () => {
    expect(plan(['--vary', 'batchSize=2,4,8'], noFile, 2).jobs).toBe(2);
    expect(plan(['--vary', 'batchSize=2,4,8'], noFile, 16).jobs).toBe(3);
    expect(plan(['--vary', 'batchSize=2,4,8', '--jobs', '1'], noFile, 16).jobs).toBe(1);
    expect(plan(['--vary', 'batchSize=2,4,8', '--seeds', '1,2,3', '--jobs', '64'], noFile, 2).jobs).toBe(9);
  });

  it('reads a --config file once, however many combinations use it', () => {
    let reads = 0;
    const p = plan(['--config', 'c.json', '--vary', 'batchSize=2,4,8,16'], () => {
      reads++;
      return { dataset: { name: 'xor' }, model: { width: 8, depth: 2 } };
    });
    expect(reads).toBe(1);
    expect([p.preset, p.source]).toEqual([null, 'config c.json']);
    expect(p.runs.map((r) => r.config.dataset.name)).toEqual(['xor', 'xor', 'xor', 'xor']);
  });

  it('knows --help and -h where a flag stands, not as a value', () => {
    expect(sweepHelpRequested(['--vary', 'batchSize=2', '-h'])).toBe(true);
    expect(sweepHelpRequested(['--help'])).toBe(true);
    expect(sweepHelpRequested(['--set', '-h'])).toBe(false);
    expect(sweepHelpRequested(['--seeds', '-h'])).toBe(false);
    expect(sweepUsage(6)).toMatch(/default 6, this machine's/);
    expect(sweepUsage(2)).toMatch(/-h, --help/);
  });
});

describe('sweep usage errors: one line each, naming the flag or the combination', () => {
  it('refuses bad sweep flags, with the rest of the command line’s problems', () => {
    expect(problems([])).toEqual(['--vary: give a setting to vary, e.g. --vary batchSize=8,32,60 (--help for more)']);
    expect(problems(['--vary', 'batchSize=2', '--seeds', '1,x', '--jobs', '0', '--wat'])).toEqual([
      '--seeds: must be whole numbers in decimal digits, 0 … 2147483647, separated by commas; got "1,x"',
      '--jobs: must be a whole number in decimal digits, 1 … 64; got "0"',
      '"--wat": unknown flag (--help lists them)',
    ]);
    expect(problems(['--vary', 'batchSize=2', '--seeds', '1,1'])).toEqual(['--seeds: a seed is given twice in "1,1"']);
    expect(problems(['--vary', 'batchSize=2', '--jobs', '1e1'])).toEqual(['--jobs: must be a whole number in decimal digits, 1 … 64; got "1e1"']);
    expect(problems(['--vary'])).toEqual(['--vary: needs a value']);
    expect(problems(['--vary', '--steps', '5'])).toEqual(['--vary: needs a value']);
    expect(problems(['--vary', 'batchSize'])).toEqual(['--vary "batchSize": expected key=v1,v2,…, e.g. batchSize=8,32,60 or norm=none,batch']);
    expect(problems(['--vary', 'batchSize=2,,4'])).toEqual(['--vary "batchSize=2,,4": an empty value; separate the values with single commas']);
    expect(problems(['--vary', 'batchSize=2,4,2'])).toEqual(['--vary batchSize: the value "2" is given twice']);
    expect(problems(['--vary', 'arms=[{"norm":"batch"}'])).toEqual(['--vary "arms=[{\\"norm\\":\\"batch\\"}": a bracket, brace or quote is not closed']);
    expect(problems(['--vary', 'norm=none,bn,gn'])).toEqual(['--vary norm: "bn", "gn" are not normalizations; use none, batch, layer, group']);
    expect(problems(['--vary', 'seed=1,2'])).toEqual(['--vary seed: give the seeds with --seeds 1,2,3 (each seed repeats every combination)']);
    expect(problems(['--vary', 'batchSize=2', '--vary', 'batchSize=4'])).toEqual(['--vary batchSize: given twice; list all its values in one --vary']);
    expect(problems(['--vary', 'batchSize=2', '--vary', 'norm=none', '--vary', 'init.scale=1'])).toEqual(["--vary: at most 2 settings (the table's rows and columns); got 3"]);
  });

  it('refuses a --set that a varied value would overwrite, and --vary keys that write the same field', () => {
    expect(problems(['--vary', 'batchSize=2,4', '--set', 'batchSize=8'])).toEqual(['--set "batchSize=8" and --vary batchSize: the varied values replace it; give one or the other']);
    expect(problems(['--vary', 'norm=batch,layer', '--set', 'arms.0.learningRate=2'])).toEqual([
      '--set "arms.0.learningRate=2" and --vary norm: the varied normalization replaces the arms; give one or the other',
    ]);
    // The varied group is written after the --set inside it, which would be lost.
    expect(problems(['--vary', 'optimizer={"kind":"sgd"},{"kind":"adam"}', '--set', 'optimizer.learningRate=0.2'])).toEqual([
      '--set "optimizer.learningRate=0.2" and --vary optimizer: the varied values replace it; give one or the other',
    ]);
    expect(problems(['--vary', 'batchSize=2', '--seeds', '1,2', '--set', 'seed=3'])).toEqual(['--set "seed=3" and --seeds: give one or the other']);
    expect(problems(['--vary', 'norm=none,batch', '--vary', 'arms.0.label=a,b'])).toEqual(['--vary arms.0.label and --vary norm: both write the arms; vary one of them']);
  });

  it('checks every combination through the schema before any run, and names the block of the grid a problem holds for', () => {
    // A batch larger than the training set, only where the dataset is the small one.
    expect(problems(['--preset', 'spirals', '--vary', 'batchSize=2,900', '--vary', 'dataset.name=spirals,mnist'])).toEqual([
      'batchSize=900 dataset.name=spirals: batchSize: a batch can hold at most the 800 training examples of "spirals"',
    ]);
    // A value out of range in every combination that has it: said once, for that value.
    expect(problems(['--vary', 'batchSize=2,5000', '--vary', 'norm=none,batch'])).toEqual([
      'batchSize=5000: batchSize: must be at most 1000 (allowed 2 … 1000)',
    ]);
    // A problem about the key itself, the same in every combination: said once, against the --vary.
    expect(problems(['--vary', 'batchsize=2,4', '--vary', 'norm=none,batch'])).toEqual(['--vary batchsize: unknown field "batchsize" (did you mean "batchSize"?)']);
    expect(problems(['--vary', '__proto__.x=1,2'])).toEqual(['--vary __proto__.x: "__proto__" is not allowed in a path']);
    // The command's own problem, whatever the combination: said as the experiment runner says it.
    expect(problems(['--vary', 'batchSize=2,4', '--set', 'optimizr.learningRate=1'])).toEqual(['--set "optimizr.learningRate=1": unknown field "optimizr" (did you mean "optimizer"?)']);
    expect(problems(['--vary', 'batchSize=2,4', '--steps', '0x2'])).toEqual(['--steps: must be a whole number in decimal digits, 1 … 1000000; got "0x2"']);
    expect(problems(['--vary', 'batchSize=2,4', '--out', 'x.txt'])).toEqual(['--out: must end in .json or .csv']);
  });

  it('names a group count that does not divide the width, per combination', () => {
    const got = problems(['--preset', 'spirals', '--set', 'arms.1.norm=group', '--vary', 'arms.1.groups=2,3,4', '--vary', 'model.width=16,6']);
    expect(got).toEqual([
      "arms.1.groups=3 model.width=16: arms.1.groups: arm 2's 3 groups do not divide the 16 units of hidden layer 1; use one of 1, 2, 4, 8",
      "arms.1.groups=4 model.width=6: arms.1.groups: arm 2's 4 groups do not divide the 6 units of hidden layer 1; use one of 1, 2, 3",
    ]);
  });

  it('caps the number of runs', () => {
    const many = Array.from({ length: 101 }, (_, i) => String(i + 2)).join(',');
    expect(problems(['--vary', `batchSize=${many}`, '--seeds', Array.from({ length: 10 }, (_, i) => i + 1).join(',')])).toEqual([
      `--vary, --seeds: 101 combinations × 10 seeds is 1010 runs; a sweep holds at most ${MAX_RUNS}`,
    ]);
  });
});

describe('describeCellProblems', () => {
  const axes = [
    { key: 'a', raw: ['1', '2', '3'] },
    { key: 'b', raw: ['x', 'y'] },
  ];
  it('names a block of the grid, or each combination when the failures are not one block', () => {
    const all = gridCells([3, 2]);
    expect(all).toEqual([
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
      [2, 0],
      [2, 1],
    ]);
    const fail = (cells: number[][], text: string, axis: number | null = null) => cells.map((cell) => ({ cell, problems: [{ axis, text }] }));
    expect(describeCellProblems(axes, fail(all, 'bad flag'))).toEqual(['bad flag']);
    expect(describeCellProblems(axes, fail(all, 'unknown field', 0))).toEqual(['--vary a: unknown field']);
    expect(describeCellProblems(axes, fail([[1, 0], [1, 1]], 'too big'))).toEqual(['a=2: too big']);
    expect(describeCellProblems(axes, fail([[0, 1], [2, 1]], 'odd'))).toEqual(['a=1,3 b=y: odd']);
    expect(describeCellProblems(axes, fail([[0, 0], [1, 1]], 'diagonal'))).toEqual(['a=1 b=x: diagonal', 'a=2 b=y: diagonal']);
  });
});

// --- results and the table ---------------------------------------------------------------------------------------

/** A small plan's shape, as the table and the files read it. */
function fakePlan(axes: { key: string; raw: string[]; values: unknown[] }[], seeds: number[]): Pick<SweepPlan, 'axes' | 'runs' | 'seeds' | 'steps'> {
  const runs = gridCells(axes.map((a) => a.raw.length)).flatMap((cell) => seeds.map((seed) => ({ cell, seed })));
  return {
    axes,
    seeds,
    steps: 100,
    runs: runs.map((r, i) => ({
      run: i + 1,
      cell: r.cell,
      seed: r.seed,
      settings: Object.fromEntries(axes.map((a, k) => [a.key, a.values[r.cell[k]!]])),
      config: {} as never,
    })),
  };
}

function row(run: number, settings: Record<string, unknown>, seed: number, acc: number, divergedAt: number | null = null): SweepRow {
  return { run, settings, seed, finalTrainLoss: 0.1, finalTestLoss: 0.2, finalTestAccuracy: acc, meanTestAccuracy: acc - 0.1, divergedAt, steps: 100, seconds: 1.5 };
}

describe('sweep table', () => {
  it('takes the mean and the sample standard deviation', () => {
    expect(meanAndSpread([0.9, 0.92, 0.94])).toEqual({ mean: expect.closeTo(0.92, 12), sd: expect.closeTo(0.02, 12), n: 3 });
    expect(meanAndSpread([0.5]).sd).toBeNaN();
    expect(formatCell({ mean: 0.912, sd: 0.0043, n: 3, diverged: 0 })).toBe('91.2 ± 0.4');
    expect(formatCell({ mean: 0.912, sd: NaN, n: 1, diverged: 0 })).toBe('91.2');
    expect(formatCell({ mean: NaN, sd: NaN, n: 2, diverged: 2 })).toBe('–†');
  });

  it('puts the first axis in the rows, the second in the columns, averaging over the seeds (Wu & He, Figure 1)', () => {
    const p = fakePlan(
      [
        { key: 'batchSize', raw: ['2', '60'], values: [2, 60] },
        { key: 'norm', raw: ['batch', 'layer'], values: ['batch', 'layer'] },
      ],
      [1, 2],
    );
    const accs = [0.4, 0.5, 0.8, 0.8, 0.9, 0.92, 0.85, 0.87];
    const rows = p.runs.map((r, i) => row(r.run, r.settings, r.seed, accs[i]!, i === 1 ? 40 : null));
    const cells = tableCells(p.axes, p.runs, rows);
    expect(cells.map((r) => r.map((c) => [Number(c.mean.toFixed(4)), c.n, c.diverged]))).toEqual([
      [
        [0.45, 2, 1],
        [0.8, 2, 0],
      ],
      [
        [0.91, 2, 0],
        [0.86, 2, 0],
      ],
    ]);
    // Rows arrive in completion order, not run order: the table must not care.
    expect(sweepTable(p, [...rows].reverse())).toBe(sweepTable(p, rows));
    const table = sweepTable(p, rows).split('\n');
    expect(table[0]).toMatch(/^\| batchSize \\ norm \| +batch \| +layer \|$/);
    expect(table[1]).toMatch(/^\|-+\|-+:\|-+:\|$/);
    expect(table[2]).toMatch(/^\| 2 +\| 45\.0 ± 7\.1† \| +80\.0 ± 0\.0 \|$/);
    expect(table[3]).toMatch(/^\| 60 +\| +91\.0 ± 1\.4 \| +86\.0 ± 1\.4 \|$/);
    expect(table[4]).toBe('final test accuracy (%) after 100 steps, mean ± standard deviation (n − 1) over seeds 1, 2');
    expect(table[5]).toMatch(/^† diverged in at least one seed/);
    // Every line of the table has the same width: a Markdown table that reads as one in a terminal too.
    expect(new Set(table.slice(0, 4).map((l) => l.length)).size).toBe(1);
  });

  it('has one column for one axis and one seed, and no spread', () => {
    const p = fakePlan([{ key: 'optimizer.learningRate', raw: ['0.1', '1|2'], values: [0.1, '1|2'] }], [3]);
    const table = sweepTable(
      p,
      p.runs.map((r, i) => row(r.run, r.settings, r.seed, [0.9, 0.5][i]!)),
    ).split('\n');
    expect(table).toEqual([
      '| optimizer.learningRate | final test acc (%) |',
      '|------------------------|-------------------:|',
      '| 0.1                    |               90.0 |',
      '| 1\\|2                   |               50.0 |',
      'final test accuracy (%) after 100 steps, seed 3',
    ]);
  });
});

describe('sweep files', () => {
  const p = fakePlan(
    [
      { key: 'arms.0.label', raw: ['=1+1', 'a,"b"'], values: ['=1+1', 'a,"b"'] },
      { key: 'schedule', raw: ['[]'], values: [[]] },
    ],
    [1],
  );
  const rows = p.runs.map((r) => row(r.run, r.settings, r.seed, 0.5, r.run === 2 ? 30 : null));
  rows[0]!.finalTestLoss = NaN;

  it('writes one CSV record per run, through the spreadsheet-safe writer', () => {
    const csv = sweepCsv(p, rows);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(parseCsv(csv)).toEqual([
      ['run', 'arms.0.label', 'schedule', 'seed', 'finalTrainLoss', 'finalTestLoss', 'finalTestAccuracy', 'meanTestAccuracy', 'divergedAt', 'steps', 'seconds'],
      ['1', "'=1+1", '[]', '1', '0.1', '', '0.5', '0.4', '', '100', '1.5'],
      ['2', 'a,"b"', '[]', '1', '0.1', '0.2', '0.5', '0.4', '30', '100', '1.5'],
    ]);
  });

  it('writes the grid and each run, NaN as null', () => {
    const full = { ...p, preset: 'spirals', source: 'preset spirals', overrides: [], jobs: 2, backend: 'wasm', quiet: false, mkdir: false } as unknown as SweepPlan;
    const json = JSON.parse(sweepJson({ plan: full, backend: { name: 'wasm', reason: 'wasm requested' }, rows, seconds: 3 })) as Record<string, unknown> & { runs: Record<string, unknown>[] };
    expect(json.tool).toBe('batchnorm-explorer sweep');
    expect(json.grid).toEqual([
      { key: 'arms.0.label', values: ['=1+1', 'a,"b"'] },
      { key: 'schedule', values: [[]] },
    ]);
    expect(json.runs[0]).toMatchObject({ run: 1, settings: { 'arms.0.label': '=1+1', schedule: [] }, seed: 1, finalTestLoss: null, divergedAt: null });
    expect(json.runs[1]).toMatchObject({ run: 2, divergedAt: 30, finalTestLoss: 0.2 });
    expect(json).not.toHaveProperty('jobs');
  });
});

describe('runOutcome', () => {
  it('keeps the final numbers and the mean test accuracy over the probes after step 0', () => {
    const [arm] = createHistory([{ name: 'BN', norm: 'batch' }], [4]);
    Object.assign(arm!, { steps: [0, 50, 100], trainLoss: [2.3, 0.6, 0.4], testLoss: [2.3, 0.7, 0.5], testAccuracy: [0.1, 0.8, 0.9], divergedAt: null });
    expect(runOutcome(arm!)).toEqual({ finalTrainLoss: 0.4, finalTestLoss: 0.5, finalTestAccuracy: 0.9, meanTestAccuracy: expect.closeTo(0.85, 12), divergedAt: null, steps: 100 });
  });
});
