import { describe, expect, it } from 'vitest';
import { historyOf } from '../views/common/historyFixture';
import { armState } from './summaryState';

const steps = [0, 50, 100, 150, 200, 250];

describe('armState', () => {
  it('waits for the first probe', () => {
    expect(armState(undefined, 10).kind).toBe('waiting');
    expect(armState(historyOf({ name: 'plain', steps: [], testAccuracy: [] })[0], 10).text).toBe('waiting');
  });

  it('says when an arm diverged', () => {
    const h = historyOf({ name: 'plain', steps, testAccuracy: steps.map(() => 0.1), divergedAt: 50 });
    expect(armState(h[0], 10)).toEqual({ kind: 'diverged', text: 'diverged at step 50: lower its learning rate' });
  });

  it('says since when an arm has been at chance (three probes or more)', () => {
    const fell = historyOf({ name: 'plain lr 10', steps, testAccuracy: [0.1, 0.5, 0.7, 0.11, 0.098, 0.12] });
    expect(armState(fell[0], 10)).toEqual({ kind: 'chance', text: 'at chance since step 150' });
    const never = historyOf({ name: 'plain', steps, testAccuracy: [0.1, 0.1, 0.11, 0.1, 0.12, 0.1] });
    expect(armState(never[0], 10).text).toBe('at chance since step 0');
    // Two probes at chance are a start, not a state.
    const start = historyOf({ name: 'plain', steps: [0, 50], testAccuracy: [0.1, 0.1] });
    expect(armState(start[0], 10).text).toBe('training');
  });

  it('says when the test loss has risen well above its best', () => {
    const h = historyOf({ name: 'BN', steps, testAccuracy: [0.1, 0.9, 0.92, 0.91, 0.9, 0.9], testLoss: [2.3, 0.3, 0.2, 0.35, 0.4, 0.45] });
    expect(armState(h[0], 10)).toEqual({ kind: 'rising', text: 'test loss up from 0.200 at step 100' });
  });

  it('otherwise names the highest milestone reached and when', () => {
    const h = historyOf({ name: 'BN', steps, testAccuracy: [0.1, 0.85, 0.9, 0.91, 0.9, 0.93], testLoss: [2.3, 0.5, 0.4, 0.35, 0.33, 0.3] });
    expect(armState(h[0], 10)).toEqual({ kind: 'milestone', text: 'reached 90% by step 100' });
  });
});
