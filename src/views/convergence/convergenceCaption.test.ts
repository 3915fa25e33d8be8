import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { historyOf } from '../common/historyFixture';
import { CONVERGENCE_LOOK_FOR, CONVERGENCE_LOOK_FOR_SECONDS, convergenceCaption, costClause, lossClause, milestoneClause, timeMilestoneClause } from './convergenceCaption';

// The two-spirals preset, seed 1, probed every 20 steps to step 1,000 (test accuracy and test loss, rounded), from
//   npm run experiment -- --preset spirals --steps 1000 --backend wasm --out spirals.json
// The plain net wins this one: it reaches 99% first and ends with a test loss several times lower.
const PLAIN_ACC = [0.525, 0.642, 0.67, 0.68, 0.637, 0.69, 0.707, 0.75, 0.89, 0.935, 0.947, 0.983, 0.97, 0.983, 0.988, 0.983, 0.993, 0.983, 0.985, 0.993, 0.99, 0.988, 0.99, 0.99, 0.99, 0.99, 0.99, 0.99, 0.99, 0.995, 0.998, 0.995, 0.998, 0.995, 0.995, 0.99, 0.998, 0.998, 0.99, 0.983, 0.998, 0.99, 0.998, 0.995, 0.993, 0.99, 0.99, 0.998, 0.99, 0.985, 0.995];
const PLAIN_LOSS = [0.765, 0.663, 0.649, 0.642, 0.647, 0.619, 0.577, 0.468, 0.328, 0.195, 0.135, 0.066, 0.08, 0.036, 0.029, 0.029, 0.025, 0.049, 0.029, 0.021, 0.025, 0.03, 0.02, 0.021, 0.03, 0.02, 0.027, 0.025, 0.024, 0.017, 0.015, 0.014, 0.013, 0.014, 0.014, 0.019, 0.013, 0.012, 0.034, 0.043, 0.014, 0.016, 0.012, 0.015, 0.014, 0.026, 0.021, 0.013, 0.029, 0.03, 0.015];
const BN_ACC = [0.525, 0.65, 0.81, 0.783, 0.848, 0.902, 0.945, 0.955, 0.945, 0.92, 0.945, 0.947, 0.928, 0.947, 0.978, 0.973, 0.978, 0.957, 0.925, 0.96, 0.965, 0.975, 0.983, 0.985, 0.993, 0.95, 0.99, 0.983, 0.985, 0.983, 0.96, 0.965, 0.993, 0.98, 0.983, 0.985, 0.985, 0.99, 0.983, 0.978, 0.983, 0.99, 0.985, 0.98, 0.983, 0.985, 0.99, 0.985, 0.99, 0.99, 0.983];
const BN_LOSS = [0.765, 0.62, 0.511, 0.469, 0.429, 0.34, 0.295, 0.222, 0.236, 0.257, 0.212, 0.173, 0.207, 0.201, 0.141, 0.123, 0.108, 0.145, 0.154, 0.143, 0.141, 0.161, 0.115, 0.095, 0.086, 0.147, 0.115, 0.137, 0.159, 0.119, 0.112, 0.141, 0.103, 0.116, 0.114, 0.09, 0.11, 0.119, 0.1, 0.099, 0.089, 0.101, 0.099, 0.108, 0.104, 0.085, 0.122, 0.106, 0.104, 0.101, 0.087];
const STEPS = PLAIN_ACC.map((_, i) => i * 20);

const spirals = (upTo = 1000) => {
  const n = STEPS.filter((s) => s <= upTo).length;
  return historyOf(
    { name: 'plain', steps: STEPS.slice(0, n), testAccuracy: PLAIN_ACC.slice(0, n), testLoss: PLAIN_LOSS.slice(0, n) },
    { name: 'BN', steps: STEPS.slice(0, n), testAccuracy: BN_ACC.slice(0, n), testLoss: BN_LOSS.slice(0, n) },
  );
};

/** Whether a caption says batch norm is ahead: reached a milestone first, or has the lower loss. */
const claimsBnWins = (caption: string) => /^BN reached/.test(caption) || /BN has the low(er|est) test loss/.test(caption);

describe('convergenceCaption', () => {
  it('says what to look for before the first probe', () => {
    expect(convergenceCaption([], 10)).toBe(CONVERGENCE_LOOK_FOR);
    expect(convergenceCaption(historyOf({ name: 'plain', steps: [], testAccuracy: [] }), 10)).toBe(CONVERGENCE_LOOK_FOR);
  });

  it('on the two spirals, names the plain net as ahead, because it is', () => {
    const caption = convergenceCaption(spirals(), 2);
    expect(caption).toBe('Plain reached 99% test accuracy by step 320, BN by step 480; at step 1,000 plain has the lower test loss (0.015 vs 0.087).');
    expect(claimsBnWins(caption)).toBe(false);
  });

  it('never claims batch norm wins at any point of the spirals run where it does not', () => {
    for (let upTo = 0; upTo <= 1000; upTo += 20) {
      const h = spirals(upTo);
      const caption = convergenceCaption(h, 2);
      const t = h[0]!.steps.length - 1;
      const bnLower = BN_LOSS[t]! < PLAIN_LOSS[t]! * 0.98;
      if (!bnLower) expect(caption, `step ${upTo}`).not.toMatch(/BN has the low(er|est) test loss/);
    }
    // At step 920 (the example: test loss 0.021 vs 0.122) the caption says exactly that.
    expect(convergenceCaption(spirals(920), 2)).toContain('at step 920 plain has the lower test loss (0.021 vs 0.122)');
  });

  it('names batch norm first where it is first (Figure 1)', () => {
    const h = historyOf(
      { name: 'plain', steps: [0, 100, 200, 300, 400, 500], testAccuracy: [0.1, 0.1, 0.37, 0.57, 0.75, 0.81], testLoss: [2.3, 2.29, 1.82, 1.18, 0.8, 0.585] },
      { name: 'BN', steps: [0, 100, 200, 300, 400, 500], testAccuracy: [0.1, 0.89, 0.887, 0.9, 0.905, 0.91], testLoss: [2.3, 0.436, 0.38, 0.334, 0.31, 0.293] },
    );
    expect(convergenceCaption(h, 10)).toBe('BN reached 90% test accuracy by step 300, plain not yet; at step 500 BN has the lower test loss (0.293 vs 0.585).');
  });

  it('says when no arm is past the first milestone yet, with chance', () => {
    const h = historyOf({ name: 'plain', steps: [0, 50], testAccuracy: [0.1, 0.2], testLoss: [2.3, 2.2] }, { name: 'BN', steps: [0, 50], testAccuracy: [0.1, 0.3], testLoss: [2.3, 2.0] });
    expect(milestoneClause(h, 10)).toBe('no arm has reached 60% test accuracy yet (chance is 10%)');
  });

  it('counts only milestones halfway above chance: 80% and up for two classes', () => {
    const h = historyOf({ name: 'plain', steps: [0, 20], testAccuracy: [0.525, 0.7] });
    expect(milestoneClause(h, 2)).toBe('no arm has reached 80% test accuracy yet (chance is 50%)');
  });

  it('groups arms that reach a milestone at the same probe', () => {
    const both = historyOf({ name: 'plain', steps: [0, 100], testAccuracy: [0.1, 0.92] }, { name: 'BN', steps: [0, 100], testAccuracy: [0.1, 0.93] });
    expect(milestoneClause(both, 10)).toBe('plain and BN both reached 90% test accuracy by step 100');
    const three = historyOf(
      { name: 'plain', steps: [0, 100, 200], testAccuracy: [0.1, 0.5, 0.91] },
      { name: 'BN', steps: [0, 100, 200], testAccuracy: [0.1, 0.91, 0.92] },
      { name: 'LN', steps: [0, 100, 200], testAccuracy: [0.1, 0.9, 0.92] },
    );
    expect(milestoneClause(three, 10)).toBe('BN and LN reached 90% test accuracy by step 100, plain by step 200');
  });

  it('names a diverged arm in its own clause and leaves it out of the ranking', () => {
    const h = historyOf(
      { name: 'plain lr 10', steps: [0, 50, 100], testAccuracy: [0.1, 0.1, 0.1], testLoss: [2.3, NaN, NaN], divergedAt: 50 },
      { name: 'BN lr 10', steps: [0, 50, 100], testAccuracy: [0.1, 0.7, 0.85], testLoss: [2.3, 0.9, 0.5] },
    );
    expect(convergenceCaption(h, 10)).toBe('BN lr 10 reached 80% test accuracy by step 100; at step 100 BN lr 10\'s test loss is 0.500; plain lr 10 diverged at step 50.');
  });

  it('calls losses within 2% about the same', () => {
    const h = historyOf({ name: 'plain', steps: [0], testAccuracy: [0.1], testLoss: [2.302] }, { name: 'BN', steps: [0], testAccuracy: [0.1], testLoss: [2.31] });
    expect(lossClause(h)).toBe('at step 0 plain and BN have about the same test loss (2.302, 2.310)');
  });

  it('always names as lower the arm whose newest test loss is lower by more than 2%, else says about the same', () => {
    const arm = fc.array(fc.float({ min: Math.fround(0.01), max: 3, noNaN: true }), { minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(arm, arm, (a, b) => {
        const n = Math.min(a.length, b.length);
        const steps = Array.from({ length: n }, (_, i) => i * 10);
        const h = historyOf({ name: 'plain', steps, testAccuracy: steps.map(() => 0.5), testLoss: a.slice(0, n) }, { name: 'BN', steps, testAccuracy: steps.map(() => 0.5), testLoss: b.slice(0, n) });
        const caption = convergenceCaption(h, 10);
        const [p, q] = [a[n - 1]!, b[n - 1]!];
        if (Math.abs(p - q) <= 0.02 * Math.min(p, q)) expect(caption).toContain('about the same');
        else expect(caption).toContain(`${q < p ? 'BN' : 'plain'} has the lower test loss`);
      }),
    );
  });
});

describe('convergenceCaption on the seconds axis', () => {
  // Figure 1's race, timed: a BN step costs 19 ms against plain's 11.5 ms (a 2-core machine on wasm), and BN still
  // gets to 90% first in seconds because it needs far fewer steps.
  const steps = [0, 300, 600, 1000];
  const figure1 = () =>
    historyOf(
      { name: 'plain', steps, testAccuracy: [0.1, 0.7, 0.85, 0.9], seconds: [0, 3.45, 6.9, 11.5], msPerStep: [NaN, 11.5, 11.5, 11.5] },
      { name: 'BN', steps, testAccuracy: [0.1, 0.9, 0.92, 0.93], seconds: [0, 5.7, 11.4, 19], msPerStep: [NaN, 19, 19, 19] },
    );

  it('says what to look for before the first probe', () => {
    expect(convergenceCaption([], 10, 'seconds')).toBe(CONVERGENCE_LOOK_FOR_SECONDS);
  });

  it('races in training seconds and says what a step costs each arm, from the run', () => {
    expect(convergenceCaption(figure1(), 10, 'seconds')).toBe(
      'BN reached 90% test accuracy by 5.7 s of training (step 300), plain by 11.5 s (step 1,000); a step takes plain 11.5 ms and BN 19.0 ms (65% more) on this machine (probes excluded).',
    );
  });

  it('orders the race by time, not steps: an arm first in steps can be last in seconds', () => {
    const h = historyOf(
      { name: 'plain', steps: [0, 100, 200], testAccuracy: [0.1, 0.5, 0.91], seconds: [0, 0.5, 1] },
      { name: 'BN', steps: [0, 100, 200], testAccuracy: [0.1, 0.91, 0.92], seconds: [0, 2, 4] },
    );
    expect(milestoneClause(h, 10)).toBe('BN reached 90% test accuracy by step 100, plain by step 200');
    expect(timeMilestoneClause(h, 10)).toBe('plain reached 90% test accuracy by 1.0 s of training (step 200), BN by 2.0 s (step 100)');
  });

  it('gives an arm that has not arrived its time so far, and nothing before the first timed step', () => {
    const h = historyOf(
      { name: 'plain', steps: [0, 300], testAccuracy: [0.1, 0.7], seconds: [0, 3.45], msPerStep: [NaN, 11.5] },
      { name: 'BN', steps: [0, 300], testAccuracy: [0.1, 0.9], seconds: [0, 5.7], msPerStep: [NaN, 19] },
    );
    expect(timeMilestoneClause(h, 10)).toBe('BN reached 90% test accuracy by 5.7 s of training (step 300), plain not yet (3.5 s so far)');
    const start = historyOf({ name: 'plain', steps: [0], testAccuracy: [0.1], seconds: [0], msPerStep: [NaN] });
    expect(costClause(start)).toBeNull();
  });

  it('calls per-step costs within 3% about the same, and lists three arms cheapest first', () => {
    const h = historyOf(
      { name: 'BN', steps: [0, 20], testAccuracy: [0.1, 0.2], msPerStep: [NaN, 20] },
      { name: 'plain', steps: [0, 20], testAccuracy: [0.1, 0.2], msPerStep: [NaN, 10] },
      { name: 'LN', steps: [0, 20], testAccuracy: [0.1, 0.2], msPerStep: [NaN, 10.2] },
    );
    expect(costClause(h)).toBe('a step takes plain 10.0 ms, LN 10.2 ms (about the same) and BN 20.0 ms (100% more) on this machine (probes excluded)');
  });
});
