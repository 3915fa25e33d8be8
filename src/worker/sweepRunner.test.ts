import { describe, expect, it } from 'vitest';
import '@tensorflow/tfjs-backend-cpu';
import { parseConfig } from '../config/schema';
import { presetConfig } from '../config/presets';
import { loadDataset } from '../engine/data/load';
import { trainSweepRun } from '../engine/sweepRun';
import { planSweep } from '../views/sweep/sweepModel';
import { createSweepRunner, type SweepEvent } from './sweepRunner';

const noMnist = () => Promise.reject(new Error('no digits here'));
const xor = parseConfig({ seed: 4, dataset: { name: 'xor' }, model: { kind: 'mlp', depth: 2, width: 8 }, activation: 'tanh', init: { scheme: 'glorot', scale: 1 }, optimizer: { kind: 'sgd', learningRate: 0.3 } });

async function events(runs: { run: number; config: ReturnType<typeof parseConfig> }[], steps: number): Promise<SweepEvent[]> {
  const out: SweepEvent[] = [];
  const runner = createSweepRunner({ emit: (e) => out.push(e), fetchMnist: noMnist, backendOptions: {} });
  await runner.handle({ type: 'start', runs, steps, backend: 'cpu' });
  return out;
}

describe('the sweep worker’s runner', () => {
  it('reports the backend, then each run as it starts and ends, in order, then done; each run is the CLI’s per-run code', async () => {
    const { plan } = planSweep(xor, { axis: 'batchSize', values: [4, 32], norms: ['none', 'batch'], steps: 20, metric: 'final' });
    const got = await events(plan!.runs.map((r) => ({ run: r.run, config: r.config })), 20);
    expect(got.map((e) => (e.type === 'started' || e.type === 'result' ? `${e.type} ${e.run}` : e.type))).toEqual([
      'backend',
      ...[1, 2, 3, 4].flatMap((r) => [`started ${r}`, `result ${r}`]),
      'done',
    ]);
    expect(got[0]).toMatchObject({ type: 'backend', backend: { name: 'cpu' } });
    const results = got.filter((e) => e.type === 'result');
    for (const r of results) {
      expect(r.outcome.steps).toBe(20);
      expect(Number.isFinite(r.outcome.finalTestAccuracy) && Number.isFinite(r.outcome.finalTestLoss)).toBe(true);
    }
    // The same configuration trained again, outside the runner, gives the same numbers to the last digit.
    const third = plan!.runs[2]!.config;
    const again = await trainSweepRun(third, await loadDataset(third, noMnist), 20);
    expect(again.outcome).toEqual(results[2]!.outcome);
  });

  it('measures without changing training: the sweep’s probe plan gives the lab’s own probe plan’s final test numbers', async () => {
    const { plan } = planSweep(xor, { axis: 'batchSize', values: [8], norms: ['batch'], steps: 30, metric: 'final' });
    const swept = plan!.runs[0]!.config;
    expect(swept.probe).not.toEqual(xor.probe);
    const lab = { ...swept, probe: xor.probe };
    const data = await loadDataset(lab, noMnist);
    const a = (await trainSweepRun(swept, data, 30)).outcome;
    const b = (await trainSweepRun(lab, data, 30)).outcome;
    expect([a.finalTestAccuracy, a.finalTestLoss, a.divergedAt]).toEqual([b.finalTestAccuracy, b.finalTestLoss, b.divergedAt]);
  });

  it('says which run failed, and why, and stops there', async () => {
    const mnist = presetConfig('ioffe-mnist');
    const got = await events([{ run: 1, config: mnist }], 5);
    expect(got.map((e) => e.type)).toEqual(['backend', 'started', 'failed']);
    expect(got[2]).toMatchObject({ type: 'failed', run: 1 });
    expect((got[2] as { message: string }).message).toMatch(/no digits here/);
  });
});
