import { describe, expect, it } from 'vitest';
import '@tensorflow/tfjs-backend-wasm';
import { decodeLink, encodeLink, VIEW_NAMES } from '../config/link';
import { parseConfig } from '../config/schema';
import { createHistory } from '../engine/history';
import { buildArchitecture } from '../engine/model';
import { readMnistBytes } from '../engine/testing/fixtures';
import { tf } from '../engine/tf';
import { LESSONS, conclusionText, lessonByName, stepConfig } from './index';
import { spatialShapes } from './cnnMnist';
import { bandTravel } from './noisyBn';
import { costRatio, secondsTo, stepsRatio } from './overhead';
import { historyOf } from '../views/common/historyFixture';
import { trainRun } from './runner';
import { cachedTrainer, claimHolds, measureClaim, resultsTable, verifyLesson } from './verify';

describe('every lesson', () => {
  it('has a unique URL name that a link can carry, in the issue’s order', () => {
    expect(LESSONS.map((l) => l.name)).toEqual([
      'what-bn-computes',
      'ioffe-mnist',
      'high-lr',
      'init-scale',
      'inference-mode',
      'placement',
      'small-batch',
      'mismatch',
      'regularization',
      'noisy-bn',
      'deep-sigmoid',
      'cnn-mnist',
      'overhead',
    ]);
    for (const l of LESSONS) {
      expect(lessonByName(l.name)).toBe(l);
      const link = decodeLink(`lesson=${l.name}&lstep=${l.steps.length}`);
      expect(link.problems).toEqual([]);
      expect(link.lesson).toEqual({ name: l.name, step: l.steps.length - 1 });
    }
  });

  for (const lesson of LESSONS) {
    describe(lesson.name, () => {
      it('has a title, a question with answers to pick, and steps with text', () => {
        expect(lesson.title.length).toBeGreaterThan(10);
        expect(lesson.title).not.toContain('\n');
        expect(lesson.question).toMatch(/\?$/);
        expect(lesson.predictions.length).toBeGreaterThanOrEqual(2);
        expect(lesson.steps.length).toBeGreaterThanOrEqual(1);
        for (const step of lesson.steps) {
          expect(step.title.length).toBeGreaterThan(3);
          expect(step.text.length).toBeGreaterThan(60);
          for (const v of step.views ?? []) expect(VIEW_NAMES).toContain(v);
        }
      });

      it('has configurations the schema accepts, with the layer and unit they name, that survive a share link', () => {
        for (const step of lesson.steps) {
          const config = stepConfig(step);
          expect(config.seed).toBe(1);
          if (step.layer !== undefined) expect(step.layer).toBeLessThan(config.model.depth);
          if (step.unit !== undefined && step.unit !== null) expect(step.unit).toBeLessThan(config.model.width);
          // A teacher's link of this step opens exactly this configuration.
          const back = decodeLink(encodeLink({ config, view: {}, lesson: { name: lesson.name, step: 0 } }));
          expect(back.problems).toEqual([]);
          expect(back.config).toEqual(config);
        }
      });

      it('says to keep training on an empty history, and on a run that has only started', () => {
        const config = stepConfig(lesson.steps[0]!);
        const empty = lesson.conclude([], config, null);
        expect(empty.ready).toBe(false);
        const fresh = createHistory(config.arms.map((a) => ({ name: a.norm === 'none' ? 'plain' : a.norm === 'batch' ? 'BN' : 'LN', norm: a.norm })), Array.from({ length: config.model.depth }, () => config.model.width));
        const started = lesson.conclude(fresh, config, null);
        expect(started.ready).toBe(false);
        expect(conclusionText(started)).toMatch(/Press (Play|Step)|Keep training|Restart this step/);
      });

      it('has claims over its own steps, each with a margin', () => {
        expect(lesson.claims.length).toBeGreaterThanOrEqual(1);
        for (const c of lesson.claims) {
          expect(c.runs.length).toBeGreaterThanOrEqual(1);
          for (const r of c.runs) expect(lesson.steps[r]).toBeDefined();
          expect(c.trainSteps).toBeGreaterThan(0);
          expect(c.trainSteps).toBeLessThanOrEqual(1500);
          expect(Number.isFinite(c.holds.threshold)).toBe(true);
          expect(claimHolds(c, NaN)).toBe(false);
        }
      });
    });
  }
});

describe('cnn-mnist', () => {
  it('computes the same conv output sizes as the engine (m = batch × height × width)', () => {
    for (const depth of [1, 2, 3, 4, 6]) {
      const config = parseConfig({ ...lessonByName('cnn-mnist')!.steps[0]!.config, model: { kind: 'cnn', depth, width: 16 } });
      expect(spatialShapes(config)).toEqual(buildArchitecture(config, [28, 28, 1], 10).hidden.map((l) => l.outShape.slice(0, 2)));
    }
  });
});

describe('overhead', () => {
  const lesson = lessonByName('overhead')!;
  const config = stepConfig(lesson.steps[0]!);
  // Figure 1's race as a 2-core machine timed it on wasm: BN's step 19.0 ms, plain's 11.5 ms; 90% at step 300 and 1,000.
  const steps = [0, 300, 600, 1000];
  const race = (plainAcc: number[], bnMs = 19) =>
    historyOf(
      { name: 'plain', norm: 'none', steps, testAccuracy: plainAcc, seconds: steps.map((s) => (s * 11.5) / 1000), msPerStep: [NaN, 11.5, 11.5, 11.5] },
      { name: 'BN', norm: 'batch', steps, testAccuracy: [0.1, 0.9, 0.92, 0.93], seconds: steps.map((s) => (s * bnMs) / 1000), msPerStep: [NaN, bnMs, bnMs, bnMs] },
    );

  it('concludes with this run’s price per step and its race to 90% in seconds', () => {
    const done = lesson.conclude(race([0.1, 0.7, 0.85, 0.9]), config, null);
    expect(done.ready).toBe(true);
    expect(conclusionText(done)).toBe(
      'Here batch norm costs 65% more per step (BN 19.0 ms, plain 11.5 ms) and reaches 90% test accuracy in 5.7 s vs 11.5 s of training (step 300 vs step 1,000). ' +
        'The plain net needed 3.3× as many steps, so batch norm wins in seconds wherever its step costs less than 3.3× the plain net’s.',
    );
    // The ms figures are the Summary's ms / step cells at the newest probe; the rest no Summary cell shows.
    const figures = done.parts.filter((p) => typeof p !== 'string');
    expect(figures.filter((f) => f.metric === 'msPerStep').map((f) => [f.arm, f.text, f.step])).toEqual([
      ['BN', '19.0', 1000],
      ['plain', '11.5', 1000],
    ]);
  });

  it('says so when batch norm’s step is so dear that it arrives later in seconds, and when the plain net has not arrived', () => {
    expect(conclusionText(lesson.conclude(race([0.1, 0.7, 0.85, 0.9], 50), config, null))).toContain('costs 335% more per step (BN 50.0 ms, plain 11.5 ms) and reaches 90% test accuracy later: in 15.0 s vs 11.5 s');
    const short = lesson.conclude(race([0.1, 0.7, 0.85, 0.88]), config, null);
    expect(short.ready).toBe(true);
    expect(conclusionText(short)).toBe('Here batch norm costs 65% more per step (BN 19.0 ms, plain 11.5 ms) and reached 90% test accuracy in 5.7 s of training (step 300); the plain net has not, after 11.5 s (step 1,000), so batch norm is first in seconds too.');
    // Before the plain net has trained as long as batch norm needed, the race in seconds is not decided.
    const open = race([0.1, 0.7, 0.85, 0.88]).map((a) => ({ ...a, steps: a.steps.slice(0, 2), testAccuracy: a.testAccuracy.slice(0, 2), timing: { ...a.timing, msPerStep: a.timing.msPerStep.slice(0, 2), trainingSeconds: a.timing.trainingSeconds.slice(0, 2) } }));
    expect(lesson.conclude(open, config, null).ready).toBe(false);
    expect(conclusionText(lesson.conclude(open, config, null))).toMatch(/the plain net has not, after 3\.5 s \(step 300\): it has trained for less time than that, so the race in seconds is still open\. Keep training\.$/);
  });

  it('waits for batch norm to reach 90% and for the first timed steps', () => {
    const early = historyOf(
      { name: 'plain', norm: 'none', steps: [0, 100], testAccuracy: [0.1, 0.3], seconds: [0, 1.15], msPerStep: [NaN, 11.5] },
      { name: 'BN', norm: 'batch', steps: [0, 100], testAccuracy: [0.1, 0.8], seconds: [0, 1.9], msPerStep: [NaN, 19] },
    );
    expect(conclusionText(lesson.conclude(early, config, null))).toBe('Keep training: the comparison starts when batch norm reaches 90% test accuracy; the run is at step 100.');
  });

  it('measures its claims from the histories: steps ratio, price ratio, seconds ratio', () => {
    const h = race([0.1, 0.7, 0.85, 0.9]);
    const [plain, bn] = [h[0]!, h[1]!];
    expect(stepsRatio(plain, bn, 0.9)).toBeCloseTo(1000 / 300, 12);
    expect(costRatio(plain, bn)).toBeCloseTo(19 / 11.5, 12);
    expect(secondsTo(bn, 0.9) / secondsTo(plain, 0.9)).toBeCloseTo(5.7 / 11.5, 12);
    // An arm that never gets there cannot be measured: the claim fails rather than passes.
    const never = race([0.1, 0.7, 0.85, 0.88]);
    expect(stepsRatio(never[0]!, never[1]!, 0.9)).toBeNaN();
    expect(claimHolds(lesson.claims[0]!, stepsRatio(never[0]!, never[1]!, 0.9))).toBe(false);
  });
});

describe('noisy-bn', () => {
  /** Three arms over probes at steps 0, 250 and 500, with the given accuracies and layer-3 bands (p15, p85). */
  function fakeRun(acc: number[][], bands: [number, number][][]) {
    const config = stepConfig(lessonByName('noisy-bn')!.steps[0]!);
    const history = createHistory([{ name: 'plain', norm: 'none' }, { name: 'BN', norm: 'batch' }, { name: 'BN + noise 1', norm: 'batch' }], [100, 100, 100]);
    history.forEach((a, i) => {
      a.steps.push(0, 250, 500);
      a.testAccuracy.push(...acc[i]!);
      a.layers[2]!.percentiles.p15.push(...bands[i]!.map((b) => b[0]));
      a.layers[2]!.percentiles.p85.push(...bands[i]!.map((b) => b[1]));
    });
    return { config, history };
  }

  it('measures band travel as everything the 15–85 band moved, back and forth', () => {
    const { history } = fakeRun(
      [[0.1, 0.5, 0.8], [0.1, 0.88, 0.91], [0.1, 0.85, 0.9]],
      [[[-1, 1], [-0.5, 1.5], [0, 2]], [[-1, 1], [-1, 1], [-1, 1.2]], [[-1, 1], [0, 2], [-1.5, 0.5]]],
    );
    expect(bandTravel(history[0]!, 2, 500)).toBeCloseTo(1, 12);
    expect(bandTravel(history[1]!, 2, 500)).toBeCloseTo(0.1, 12);
    expect(bandTravel(history[2]!, 2, 500)).toBeCloseTo(2.5, 12);
    expect(bandTravel(history[2]!, 2, 250)).toBeCloseTo(1, 12);
    expect(bandTravel(history[2]!, 2, 0)).toBeNaN();
  });

  it('closes with the run’s numbers, and with a verdict only where the run bears it out', () => {
    const lesson = lessonByName('noisy-bn')!;
    const noisier = fakeRun(
      [[0.1, 0.5, 0.8], [0.1, 0.88, 0.91], [0.1, 0.85, 0.906]],
      [[[-1, 1], [-0.5, 1.5], [0, 2]], [[-1, 1], [-1, 1], [-1, 1.2]], [[-1, 1], [0, 2], [-1.5, 0.5]]],
    );
    expect(conclusionText(lesson.conclude(noisier.history, noisier.config, null))).toBe(
      'At step 500: plain 80.0%, BN 91.0% and BN + noise 1 90.6% test accuracy. BN + noise 1 is 0.4 points behind BN and 10.6 points ahead of plain. ' +
        'From step 0 to 500, the 15–85 band of layer 3’s sigmoid input (pooled over its units, probed every 10 steps) travelled 2.50 in BN + noise 1, 1.00 in plain and 0.10 in BN. ' +
        'BN + noise 1’s band travelled farther than the plain net’s, and it still trained better: a steady input distribution is not what makes batch norm help this network.',
    );
    const steadier = fakeRun(
      [[0.1, 0.5, 0.8], [0.1, 0.88, 0.91], [0.1, 0.5, 0.7]],
      [[[-1, 1], [-0.5, 1.5], [0, 2]], [[-1, 1], [-1, 1], [-1, 1.2]], [[-1, 1], [-1, 1.2], [-1, 1.2]]],
    );
    expect(conclusionText(lesson.conclude(steadier.history, steadier.config, null))).toMatch(/BN \+ noise 1 is 21\.0 points behind BN and 10\.0 points behind plain\..* Here BN \+ noise 1’s band did not travel farther than the plain net’s over these probes\.$/);
    // Without a noisy arm (the learner removed it) there is nothing to compare.
    const noNoise = { ...noisier.config, arms: noisier.config.arms.slice(0, 2) };
    expect(conclusionText(lesson.conclude(noisier.history.slice(0, 2), noNoise, null))).toMatch(/Restart this step/);
  });
});

describe('the verification table', () => {
  it('is Markdown with one column per seed and ✓ or ✗', () => {
    const table = resultsTable(
      [
        { lesson: 'high-lr', claim: 'a | b', index: 0, threshold: '≤ 15.0%', op: '<=', holds: true, seeds: [{ seed: 1, value: 0.1, shown: '10.0%', holds: true }] },
        { lesson: 'high-lr', claim: 'c', index: 1, threshold: '≥ 85.0%', op: '>=', holds: false, seeds: [{ seed: 1, value: 0.8, shown: '80.0%', holds: false }] },
      ],
      [1],
    );
    expect(table.split('\n')).toEqual([
      '| lesson | claim | seed 1 | margin | holds |',
      '| --- | --- | ---: | --- | :---: |',
      '| high-lr | a \\| b | 10.0% | ≤ 15.0% | ✓ |',
      '|  | c | 80.0% | ≥ 85.0% | ✗ |',
    ]);
  });
});

// The CI-sized part of `npm run lessons:verify`: the cheapest lessons' claims, seed 1, on wasm, through the same
// runner and measurements. On this 2-core machine the three lessons below take about 25 s together.
describe('claims, seed 1 (wasm)', () => {
  const train = cachedTrainer((config, steps) => trainRun(config, steps, readMnistBytes));

  it(
    'what-bn-computes: at batch size 2, x̂ is ±1',
    async () => {
      await tf.setBackend('wasm');
      const [result] = await verifyLesson(lessonByName('what-bn-computes')!, [1], train);
      expect(result!.holds, `${result!.claim}: ${result!.seeds[0]!.shown}`).toBe(true);
    },
    120_000,
  );

  it(
    'high-lr: at learning rate 10 the plain net stays at chance and batch norm trains, and the closing sentence says so',
    async () => {
      await tf.setBackend('wasm');
      const lesson = lessonByName('high-lr')!;
      // The two claims on the learning-rate-10 step (one 300-step run); the 5× claim needs 500 steps more.
      const claims = lesson.claims.filter((c) => c.runs.length === 1 && lesson.steps[c.runs[0]!]!.title === 'Learning rate 10');
      expect(claims).toHaveLength(2);
      for (const claim of claims) {
        const value = await measureClaim(lesson, claim, 1, train);
        expect(claimHolds(claim, value), `${claim.text}: ${claim.format(value)}`).toBe(true);
      }
      const config = stepConfig(lesson.steps[claims[0]!.runs[0]!]!);
      const run = await train(config, 300);
      const text = conclusionText(lesson.conclude(run.history, config, run.latest));
      expect(text).toMatch(/^plain at learning rate 10 never got past chance \(at most \d+\.\d%\); BN at learning rate 10 trained \(\d+\.\d% at step 300\)\. At step 300: plain \d+\.\d% and BN \d+\.\d% test accuracy\.$/);
    },
    240_000,
  );

  it(
    'noisy-bn: with noise after every batch-norm layer the net still trains, while its distributions move far more',
    async () => {
      await tf.setBackend('wasm');
      const lesson = lessonByName('noisy-bn')!;
      // Over the first 100 steps (11 probes) rather than 500. The lead over the plain net (+9.7 pp at step 500,
      // seed 1) is widest early, so its claim is checked as it stands.
      const lead = lesson.claims[1]!;
      const value = await measureClaim(lesson, lead, 1, async (config) => train(config, 100));
      expect(claimHolds(lead, value), `${lead.text}: ${lead.format(value)}`).toBe(true);
      // The band's travel: batch norm's γ and β move most early on, so by step 100 the noisy band has travelled
      // 4.2× batch norm's (8.7× by step 500, where the claim's margin is 5×); here, at least 3×.
      const run = await train(stepConfig(lesson.steps[0]!), 100);
      const [, bn, noisy] = run.history;
      expect(bandTravel(noisy!, 2, 100) / bandTravel(bn!, 2, 100)).toBeGreaterThanOrEqual(3);
    },
    240_000,
  );

  it(
    'deep-sigmoid: the plain net’s first-layer gradient vanishes, batch norm’s does not',
    async () => {
      await tf.setBackend('wasm');
      const lesson = lessonByName('deep-sigmoid')!;
      // The gradient-ratio claims over the first 100 steps (3 probes) rather than 500: the ratio is set at
      // initialization and holds from the first probe on (2.6e-3 and 2.95 at 500 steps, seed 1).
      for (const claim of lesson.claims.slice(0, 2)) {
        const value = await measureClaim(lesson, claim, 1, async (config) => train(config, 100));
        expect(claimHolds(claim, value), `${claim.text}: ${claim.format(value)}`).toBe(true);
      }
    },
    240_000,
  );
});
