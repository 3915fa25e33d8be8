import { describe, expect, it } from 'vitest';
import '@tensorflow/tfjs-backend-cpu';
import { tf } from './tf';
import { ASYNC_SAMPLE_EVERY, isSampledStep, isSynchronousBackend, median, MIN_INTERVAL_SAMPLES, StepTimer, TIMING_WINDOW } from './stepTiming';
import { runLockstep } from './run';
import { trainerFixture } from './testing/fixtures';
import type { ExperimentConfigInput } from '../config/schema';
import type { ProbeSnapshot } from './probes/types';

describe('median', () => {
  it('is the middle value, or the mean of the middle two, ignoring what is not finite', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([5, NaN, Infinity, 1, 3])).toBe(3);
    expect(median([])).toBeNaN();
    expect(median([NaN])).toBeNaN();
  });
});

describe('StepTimer', () => {
  it('prices a step at the median of its samples: a one-off stall (the first step compiling) is not the price', () => {
    const t = new StepTimer();
    expect(t.msPerStep).toBeNaN();
    for (const ms of [900, 10, 11, 9, 10, 12, 10]) t.add(ms);
    expect(t.msPerStep).toBe(10);
    // Seven steps at the interval's median, 10 ms: 0.07 s, not the 0.962 s the raw sum would say.
    expect(t.settle(7)).toEqual({ msPerStep: 10, trainingSeconds: 0.07 });
  });

  it('adds each probe interval at its own median, so a change of speed mid-run is followed at once', () => {
    const t = new StepTimer();
    for (let i = 0; i < 10; i++) t.add(4);
    expect(t.settle(10).trainingSeconds).toBeCloseTo(0.04, 12);
    for (let i = 0; i < 10; i++) t.add(20);
    const second = t.settle(10);
    expect(second.trainingSeconds).toBeCloseTo(0.04 + 0.2, 12);
    // The reported price looks back over the recent window: half 4 ms, half 20 ms.
    expect(second.msPerStep).toBe(12);
  });

  it('uses the recent window for an interval with too few samples (WebGL samples only some steps)', () => {
    const t = new StepTimer();
    for (let i = 0; i < MIN_INTERVAL_SAMPLES + 2; i++) t.add(6);
    const before = t.settle(MIN_INTERVAL_SAMPLES + 2).trainingSeconds;
    t.add(50);
    // 20 steps, one sample of 50 ms: the interval is priced at the window's median (6 ms), not at its lone sample.
    expect(t.settle(20).trainingSeconds - before).toBeCloseTo((20 * 6) / 1000, 12);
  });

  it('forgets samples older than its window', () => {
    const t = new StepTimer();
    for (let i = 0; i < TIMING_WINDOW; i++) t.add(100);
    for (let i = 0; i < TIMING_WINDOW; i++) t.add(1);
    expect(t.msPerStep).toBe(1);
  });

  it('ignores negative and non-finite samples, and adds nothing for no steps or no estimate', () => {
    const t = new StepTimer();
    t.add(-1);
    t.add(NaN);
    expect(t.settle(10)).toEqual({ msPerStep: NaN, trainingSeconds: 0 });
    t.add(3);
    expect(t.settle(0).trainingSeconds).toBe(0);
  });
});

describe('which steps are timed', () => {
  it('every step where kernels run during the call (cpu, wasm)', () => {
    expect(isSynchronousBackend('cpu') && isSynchronousBackend('wasm')).toBe(true);
    expect(isSynchronousBackend('webgl')).toBe(false);
    for (let s = 0; s < 50; s++) expect(isSampledStep(s, true)).toBe(true);
  });

  it('on WebGL only the first steps and then one in ASYNC_SAMPLE_EVERY, the one just before a probe at that interval', () => {
    const sampled = Array.from({ length: 3 * ASYNC_SAMPLE_EVERY }, (_, s) => s).filter((s) => isSampledStep(s, false));
    expect(sampled).toEqual([0, 1, 2, ASYNC_SAMPLE_EVERY - 1, 2 * ASYNC_SAMPLE_EVERY - 1, 3 * ASYNC_SAMPLE_EVERY - 1]);
  });
});

describe('the trainer’s timing (an injected clock)', () => {
  const config: ExperimentConfigInput = {
    seed: 3,
    dataset: { name: 'spirals', noise: 0.1 },
    model: { kind: 'mlp', depth: 2, width: 8 },
    batchSize: 16,
    arms: [{ norm: 'none' }, { norm: 'batch' }],
    probe: { interval: 5, batchSize: 32, bins: 8, range: 4 },
  };
  const { trainer } = trainerFixture();

  /** A clock that reads 2 ms across every first arm's step and 5 ms across every second's (four reads per step). */
  function scriptedClock(): () => number {
    const deltas = [0, 2, 0, 5];
    let now = 1000;
    let n = 0;
    return () => (now += deltas[n++ % deltas.length]!);
  }

  async function run(clock?: () => number): Promise<ProbeSnapshot[]> {
    const t = await trainer(config, clock);
    const snaps: ProbeSnapshot[] = [];
    await runLockstep(t, 10, { onProbe: (s) => snaps.push(s) });
    return snaps;
  }

  it('charges each arm its own steps, and adds up training seconds at each probe', async () => {
    await tf.setBackend('cpu');
    const snaps = await run(scriptedClock());
    expect(snaps.map((s) => s.step)).toEqual([0, 5, 10]);
    expect(snaps[0]!.arms.map((a) => a.timing.trainingSeconds)).toEqual([0, 0]);
    expect(snaps[0]!.arms[0]!.timing.msPerStep).toBeNaN();
    expect(snaps[1]!.arms.map((a) => a.timing)).toEqual([
      { msPerStep: 2, trainingSeconds: 0.01 },
      { msPerStep: 5, trainingSeconds: 0.025 },
    ]);
    expect(snaps[2]!.arms.map((a) => a.timing)).toEqual([
      { msPerStep: 2, trainingSeconds: 0.02 },
      { msPerStep: 5, trainingSeconds: 0.05 },
    ]);
  });

  it('never changes what is trained: the same losses, bit for bit, whatever the clock says', async () => {
    await tf.setBackend('cpu');
    const timed = await run(scriptedClock());
    const real = await run();
    const losses = (snaps: ProbeSnapshot[]) => snaps.flatMap((s) => s.arms.map((a) => [a.trainLoss, a.testLoss, a.testAccuracy]));
    expect(losses(timed)).toEqual(losses(real));
    expect(real[2]!.arms.every((a) => a.timing.msPerStep > 0 && a.timing.trainingSeconds > 0)).toBe(true);
  });
});
