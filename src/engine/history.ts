import { toCsv, type CsvCell } from './csv';
import { PERCENTILES } from './probes/types';
import type { ProbeSnapshot } from './probes/types';

/**
 * The scalar histories of a run, one entry per probe: the one shape shared by the CLI's JSON and CSV, the lab's
 * charts and (later) downloads. Plain arrays of numbers; non-finite values stay NaN here and become null in JSON.
 */
export interface LayerHistory {
  index: number;
  units: number;
  percentiles: { p5: number[]; p15: number[]; p50: number[]; p85: number[]; p95: number[] };
  mean: number[];
  std: number[];
  inputMean: number[];
  inputVariance: number[];
  gradNorm: number[];
  ics: { l2: number[]; cos: number[] };
}

export interface ArmHistory {
  name: string;
  norm: string;
  steps: number[];
  trainLoss: number[];
  testLoss: number[];
  testAccuracy: number[];
  divergedAt: number | null;
  layers: LayerHistory[];
}

export const PERCENTILE_KEYS = ['p5', 'p15', 'p50', 'p85', 'p95'] as const;

export function createHistory(arms: readonly { name: string; norm: string }[], layerUnits: readonly number[]): ArmHistory[] {
  return arms.map((a) => ({
    name: a.name,
    norm: a.norm,
    steps: [],
    trainLoss: [],
    testLoss: [],
    testAccuracy: [],
    divergedAt: null,
    layers: layerUnits.map((units, index) => ({
      index,
      units,
      percentiles: { p5: [], p15: [], p50: [], p85: [], p95: [] },
      mean: [],
      std: [],
      inputMean: [],
      inputVariance: [],
      gradNorm: [],
      ics: { l2: [], cos: [] },
    })),
  }));
}

export function appendProbe(history: ArmHistory[], snap: ProbeSnapshot): void {
  snap.arms.forEach((a, i) => {
    const h = history[i]!;
    h.steps.push(snap.step);
    h.trainLoss.push(a.trainLoss);
    h.testLoss.push(a.testLoss);
    h.testAccuracy.push(a.testAccuracy);
    h.divergedAt = a.divergedAt;
    a.layers.forEach((l, j) => {
      const lh = h.layers[j]!;
      PERCENTILE_KEYS.forEach((k, q) => lh.percentiles[k].push(l.pooled.percentiles[q]!));
      lh.mean.push(l.pooled.mean);
      lh.std.push(l.pooled.std);
      lh.inputMean.push(l.inputMean);
      lh.inputVariance.push(l.inputVariance);
      lh.gradNorm.push(l.gradNorm);
      lh.ics.l2.push(l.ics.l2);
      lh.ics.cos.push(l.ics.cos);
    });
  });
}

/**
 * One row per (arm, probe step, layer), the arm-level columns repeated: easy to load into pandas or R. Written by
 * the one CSV writer (RFC 4180, CRLF, spreadsheet-safe text cells) that the lab's download uses too; non-finite
 * values are empty cells.
 */
export function historyToCsv(history: readonly ArmHistory[]): string {
  const header = ['arm', 'step', 'trainLoss', 'testLoss', 'testAccuracy', 'layer', ...PERCENTILES.map((p) => `p${p}`), 'mean', 'std', 'inputMean', 'inputVariance', 'gradNorm', 'icsL2', 'icsCos'];
  const rows: CsvCell[][] = [header];
  for (const arm of history) {
    arm.steps.forEach((step, t) => {
      for (const l of arm.layers) {
        rows.push([
          arm.name,
          step,
          arm.trainLoss[t],
          arm.testLoss[t],
          arm.testAccuracy[t],
          l.index,
          ...PERCENTILE_KEYS.map((k) => l.percentiles[k][t]),
          l.mean[t],
          l.std[t],
          l.inputMean[t],
          l.inputVariance[t],
          l.gradNorm[t],
          l.ics.l2[t],
          l.ics.cos[t],
        ]);
      }
    });
  }
  return toCsv(rows);
}

/**
 * How far the 15th–85th percentile band of a layer travels over the run: the path length of its two edges,
 * Σ_t (|Δp15| + |Δp85|)/2 over consecutive probes. Ioffe & Szegedy's Figure 1b–c in one number.
 */
export function bandTravel(layer: LayerHistory): number {
  const { p15, p85 } = layer.percentiles;
  let total = 0;
  for (let t = 1; t < p15.length; t++) total += (Math.abs(p15[t]! - p15[t - 1]!) + Math.abs(p85[t]! - p85[t - 1]!)) / 2;
  return total;
}

/** The value of a series at the probe nearest to `step`. */
export function valueAt(steps: readonly number[], values: readonly number[], step: number): number {
  let best = 0;
  for (let t = 1; t < steps.length; t++) if (Math.abs(steps[t]! - step) < Math.abs(steps[best]! - step)) best = t;
  return values[best] ?? NaN;
}

export function meanOf(values: readonly number[]): number {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN;
}
