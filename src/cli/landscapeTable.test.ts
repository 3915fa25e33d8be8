import { describe, expect, it } from 'vitest';
import { createHistory, type ArmHistory } from '../engine/history';
import { landscapeAt, landscapeTable, landscapeTally } from './landscapeTable';

/** A plain and a BN arm probed at steps 0, 100 and 500, with the loss and gradient-change ranges given per step. */
function run(plain: [number, number, number, number][], bn: [number, number, number, number][]): ArmHistory[] {
  const h = createHistory([{ name: 'plain', norm: 'none' }, { name: 'BN', norm: 'batch' }], [], { landscape: true });
  [plain, bn].forEach((rows, i) => {
    const l = h[i]!.landscape!;
    rows.forEach(([a, b, c, d], t) => {
      h[i]!.steps.push([0, 100, 500][t]!);
      l.lossMin.push(a);
      l.lossMax.push(b);
      l.gradientChangeMin.push(c);
      l.gradientChangeMax.push(d);
      l.betaSmoothness.push(d / 2);
    });
  });
  return h;
}

const seed1 = run(
  [[2.3, 2.3, 0, 0.1], [2.2, 2.3, 0.09, 0.62], [0.5, 1.57, 0.46, 2.78]],
  [[2.3, 2.4, 0, 0.2], [0.158, 0.353, 0.2, 1.03], [0.109, 0.373, 0.29, 1.21]],
);

describe('the landscape table', () => {
  it('reads an arm at an exact probe step only', () => {
    expect(landscapeAt(seed1[1]!, 500)).toEqual({ lossMin: 0.109, lossMax: 0.373, gradientChangeMin: 0.29, gradientChangeMax: 1.21, betaSmoothness: 0.605 });
    expect(landscapeAt(seed1[1]!, 499)).toBeNull();
    expect(landscapeAt(createHistory([{ name: 'plain', norm: 'none' }], [])[0]!, 0)).toBeNull();
  });

  it('counts the cells where batch norm is the smoother, on each measure', () => {
    expect(landscapeTally([{ seed: 1, arms: seed1 }], [100, 500])).toEqual({ cells: 2, narrowerLoss: 1, smallerGradientChange: 1, smallerBeta: 1 });
  });

  it('prints a row per step and seed, ranges as min–max, and the tally', () => {
    const t = landscapeTable([{ seed: 1, arms: seed1 }, { seed: 2, arms: seed1 }], [100, 500], [0.5, 1, 2, 3, 4]).split('\n');
    expect(t[0]).toBe('| step | seed | loss range, plain | loss range, BN | ‖Δ∇L‖ range, plain | ‖Δ∇L‖ range, BN | β, plain | β, BN |');
    expect(t[2]).toBe('| 100  | 1    |         2.20–2.30 |    0.158–0.353 |       0.0900–0.620 |      0.200–1.03 |    0.310 | 0.515 |');
    expect(t).toHaveLength(8);
    expect(t[7]).toBe("batch norm's loss range is the narrower in 2 of 4 (seed, step) cells, its largest ‖Δ∇L‖ the smaller in 2 of 4, its β the smaller in 2 of 4");
  });
});
