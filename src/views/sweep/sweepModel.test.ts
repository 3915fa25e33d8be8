import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../cli/args';
import type { SweepPlan, SweepRow } from '../../cli/sweepPlan';
import { presetConfig } from '../../config/presets';
import { defaultSweep, type SweepSpec } from '../../config/sweepParam';
import { LAB_CONFIG_FILE, PROBES_PER_RUN, planSweep, runCount, runKey, sweepCaption, sweepSeries, xValues, yDomain } from './sweepModel';

const spec = (patch: Partial<SweepSpec> = {}): SweepSpec => ({ ...defaultSweep(), values: [2, 8, 60], norms: ['batch', 'layer'], steps: 100, ...patch });

function planOf(s: SweepSpec, config = presetConfig('ioffe-mnist')): SweepPlan {
  const r = planSweep(config, s);
  if (!r.plan) throw new Error(r.problems.join('\n'));
  return r.plan;
}

/** A finished run with the given final accuracy (its mean a little lower, its loss falling with it). */
function row(plan: SweepPlan, x: number, norm: string, acc: number, divergedAt: number | null = null): SweepRow {
  const spec = plan.runs.find((r) => runKey(plan, r.run).x === x && runKey(plan, r.run).norm === norm)!;
  return { run: spec.run, settings: spec.settings, seed: spec.seed, finalTrainLoss: 1 - acc, finalTestLoss: 1.1 - acc, finalTestAccuracy: acc, meanTestAccuracy: acc - 0.1, divergedAt, steps: plan.steps, seconds: 1 };
}

describe('planSweep', () => {
  it('plans the CLI’s runs: the varied setting outermost, one arm of each normalization, on the lab’s configuration and seed', () => {
    const lab = { ...presetConfig('ioffe-mnist'), seed: 7 };
    const s = spec();
    const plan = planOf(s, lab);
    expect(runCount(s)).toBe(6);
    expect(plan.runs).toHaveLength(6);
    expect(plan.source).toBe(`config ${LAB_CONFIG_FILE}`);
    expect(plan.runs.map((r) => [r.config.batchSize, r.config.arms])).toEqual([
      [2, [{ norm: 'batch' }]],
      [2, [{ norm: 'layer' }]],
      [8, [{ norm: 'batch' }]],
      [8, [{ norm: 'layer' }]],
      [60, [{ norm: 'batch' }]],
      [60, [{ norm: 'layer' }]],
    ]);
    for (const r of plan.runs) {
      expect(r.seed).toBe(7);
      expect(r.config.seed).toBe(7);
      // Everything else is the lab's, but the probe plan: PROBES_PER_RUN probes on the smallest probe batch.
      expect({ ...r.config, batchSize: lab.batchSize, arms: lab.arms, probe: lab.probe }).toEqual(lab);
      expect(r.config.probe.interval).toBe(Math.ceil(100 / PROBES_PER_RUN));
      expect(r.config.probe.batchSize).toBe(16);
    }
    expect(runKey(plan, 4)).toEqual({ x: 8, norm: 'layer' });
  });

  it('gives each run the configuration `npm run sweep -- --config lab.json` with the same flags would', () => {
    const lab = presetConfig('spirals');
    const plan = planOf(spec({ axis: 'learningRate', values: [0.1, 1], norms: ['none'] }), lab);
    const cli = parseArgs(['--config', 'lab.json', '--set', 'optimizer.learningRate=1', '--set', 'arms=[{"norm":"none"}]', ...plan.overrides.flatMap((o) => ['--set', `${o.path}=${JSON.stringify(o.value)}`])], () => structuredClone(lab));
    expect(plan.runs[1]!.config).toEqual(cli.config);
  });

  it('says why a sweep cannot run, one line each, instead of planning it', () => {
    expect(planSweep(presetConfig('ioffe-mnist'), spec({ values: [] })).problems).toEqual(['give at least one batch size']);
    expect(planSweep(presetConfig('ioffe-mnist'), spec({ norms: [] })).problems).toEqual(['pick at least one normalization']);
    // The schema's own check: a batch larger than the 2-D sets' 800 training examples.
    const r = planSweep(presetConfig('spirals'), spec({ values: [2, 900] }));
    expect(r.plan).toBeNull();
    expect(r.problems?.join('\n')).toMatch(/batchSize=900: batchSize: a batch can hold at most the 800 training examples/);
  });
});

describe('sweepSeries', () => {
  it('draws one line per normalization from the finished runs, ascending in x, whatever order they finished in', () => {
    const plan = planOf(spec());
    const rows = [row(plan, 60, 'batch', 0.9), row(plan, 2, 'batch', 0.3), row(plan, 2, 'layer', NaN)];
    const series = sweepSeries(plan, rows, 'final');
    expect(series.map((s) => [s.norm, s.index])).toEqual([
      ['batch', 1],
      ['layer', 2],
    ]);
    expect(series[0]!.points.map((p) => [p.x, p.y])).toEqual([
      [2, 0.3],
      [60, 0.9],
    ]);
    // A run with no number (NaN) is not a point.
    expect(series[1]!.points).toEqual([]);
    expect(sweepSeries(plan, rows, 'mean')[0]!.points.map((p) => p.y)).toEqual([0.3 - 0.1, 0.9 - 0.1]);
    expect(sweepSeries(plan, rows, 'loss')[0]!.points.map((p) => p.y)).toEqual([1.1 - 0.3, 1.1 - 0.9]);
    expect(xValues(plan)).toEqual([2, 8, 60]);
    expect(yDomain(series, 'final')).toEqual([0.3, 1]);
    expect(yDomain(sweepSeries(plan, [], 'final'), 'final')).toEqual([0, 1]);
  });
});

describe('sweepCaption', () => {
  const plan = planOf(spec());
  it('says what will come before any run is in', () => {
    expect(sweepCaption(plan, [], 'final')).toBe('0 of 6 runs finished. Each point will be one run’s final test accuracy after 100 steps.');
  });

  it('names the crossing, with its numbers, when batch norm passes layer norm as the batch grows', () => {
    const rows = [row(plan, 2, 'batch', 0.3), row(plan, 2, 'layer', 0.6), row(plan, 8, 'batch', 0.85), row(plan, 8, 'layer', 0.8), row(plan, 60, 'batch', 0.93), row(plan, 60, 'layer', 0.92)];
    expect(sweepCaption(plan, rows, 'final')).toBe(
      'All 6 runs finished (100 steps each). At batch size 2, layer norm does best: 60.0%, against 30.0% for batch norm. ' +
        'At batch size 60, batch norm does best: 93.0%, against 92.0% for layer norm. ' +
        'Batch norm passes layer norm at batch size 8 (85.0% against 80.0%) and stays ahead above it.',
    );
  });

  it('says so when batch norm is ahead everywhere, or never, and counts the finished runs while they come in', () => {
    const ahead = [row(plan, 2, 'batch', 0.5), row(plan, 2, 'layer', 0.4), row(plan, 8, 'batch', 0.8), row(plan, 8, 'layer', 0.7)];
    expect(sweepCaption(plan, ahead, 'final')).toBe(
      '4 of 6 runs finished. At batch size 2, batch norm does best: 50.0%, against 40.0% for layer norm. At batch size 8, batch norm does best: 80.0%, against 70.0% for layer norm. Batch norm is ahead of layer norm at every batch size from 2 to 8.',
    );
    const behind = [row(plan, 2, 'batch', 0.4), row(plan, 2, 'layer', 0.5), row(plan, 60, 'batch', 0.7), row(plan, 60, 'layer', 0.8)];
    expect(sweepCaption(plan, behind, 'final')).toMatch(/Batch norm never passes layer norm in this range \(batch size 2 to 60\)\.$/);
  });

  it('names every normalization that ties for the best', () => {
    const three = planOf(spec({ norms: ['none', 'batch', 'layer'], values: [2, 60] }));
    const rows = (['none', 'batch', 'layer'] as const).flatMap((n) => [row(three, 2, n, 0.5), row(three, 60, n, n === 'batch' ? 0.9 : 0.8)]);
    expect(sweepCaption(three, rows, 'final')).toContain('At batch size 2, no normalization, batch norm and layer norm tie at 50.0%.');
    expect(sweepCaption(three, rows, 'final')).toContain('At batch size 60, batch norm does best: 90.0%, against 80.0% for no normalization.');
  });

  it('reads a loss the other way round: lower is better', () => {
    const rows = [row(plan, 2, 'batch', 0.3), row(plan, 2, 'layer', 0.6), row(plan, 60, 'batch', 0.9), row(plan, 60, 'layer', 0.8)];
    // Test loss 1.1 − acc: layer norm's is lower at 2, batch norm's at 60.
    expect(sweepCaption(plan, rows, 'loss')).toContain('At batch size 2, layer norm does best: 0.500, against 0.800 for batch norm.');
    expect(sweepCaption(plan, rows, 'loss')).toContain('Batch norm passes layer norm at batch size 60 (0.200 against 0.300) and stays ahead above it.');
  });

  it('names a back-and-forth without calling it a crossing, and counts diverged runs', () => {
    const rows = [row(plan, 2, 'batch', 0.6), row(plan, 2, 'layer', 0.5), row(plan, 8, 'batch', 0.5), row(plan, 8, 'layer', 0.6), row(plan, 60, 'batch', 0.1, 40), row(plan, 60, 'layer', 0.9)];
    const caption = sweepCaption(plan, rows, 'final');
    expect(caption).toContain('Batch norm is ahead of layer norm at batch size 2 and not at batch sizes 8 and 60.');
    expect(caption).toMatch(/1 run diverged \(marked † in the table\)\.$/);
  });
});
