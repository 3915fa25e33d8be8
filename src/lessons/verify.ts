import type { ExperimentConfig } from '../config/schema';
import { stepConfig } from './index';
import type { ClaimRun, Lesson, LessonClaim } from './types';

/**
 * Measures lessons' claims: each claim's runs are its lesson's step configurations with the seed replaced, trained
 * for the claim's number of steps. Runs are shared between claims (and lessons) with the same configuration and
 * length, so `ioffe-mnist` and `inference-mode`'s first step train once per seed.
 */
export type Trainer = (config: ExperimentConfig, steps: number) => Promise<ClaimRun>;

export interface ClaimResult {
  lesson: string;
  claim: string;
  /** Index of the claim within its lesson. */
  index: number;
  threshold: string;
  op: '>=' | '<=';
  seeds: { seed: number; value: number; shown: string; holds: boolean }[];
  holds: boolean;
}

export function claimHolds(claim: LessonClaim, value: number): boolean {
  if (!Number.isFinite(value)) return false;
  return claim.holds.op === '>=' ? value >= claim.holds.threshold : value <= claim.holds.threshold;
}

export function marginText(claim: LessonClaim): string {
  return `${claim.holds.op === '>=' ? '≥' : '≤'} ${claim.format(claim.holds.threshold)}`;
}

/** A run cache keyed by configuration and length. */
export function cachedTrainer(train: Trainer): Trainer {
  const runs = new Map<string, Promise<ClaimRun>>();
  return (config, steps) => {
    const key = `${steps}:${JSON.stringify(config)}`;
    let run = runs.get(key);
    if (!run) {
      run = train(config, steps);
      runs.set(key, run);
    }
    return run;
  };
}

/** Measures one claim for one seed. */
export async function measureClaim(lesson: Lesson, claim: LessonClaim, seed: number, train: Trainer): Promise<number> {
  const runs: ClaimRun[] = [];
  // One after another: the runs share the machine, and their order fixes the output's order.
  for (const index of claim.runs) {
    const step = lesson.steps[index];
    if (!step) throw new Error(`${lesson.name}: a claim names step ${index + 1}, which the lesson does not have`);
    runs.push(await train(stepConfig(step, seed), claim.trainSteps));
  }
  return claim.measure(runs);
}

export async function verifyLesson(
  lesson: Lesson,
  seeds: readonly number[],
  train: Trainer,
  onResult?: (r: ClaimResult) => void,
): Promise<ClaimResult[]> {
  const out: ClaimResult[] = [];
  for (const [index, claim] of lesson.claims.entries()) {
    const result: ClaimResult = { lesson: lesson.name, claim: claim.text, index, threshold: marginText(claim), op: claim.holds.op, seeds: [], holds: true };
    for (const seed of seeds) {
      const value = await measureClaim(lesson, claim, seed, train);
      const holds = claimHolds(claim, value);
      result.seeds.push({ seed, value, shown: Number.isFinite(value) ? claim.format(value) : 'not measured', holds });
      result.holds &&= holds;
    }
    out.push(result);
    onResult?.(result);
  }
  return out;
}

/** The Markdown table of results: lesson, claim, the value per seed, the margin, and whether it holds. */
export function resultsTable(results: readonly ClaimResult[], seeds: readonly number[]): string {
  const header = ['lesson', 'claim', ...seeds.map((s) => `seed ${s}`), 'margin', 'holds'];
  const rows = results.map((r) => [
    r.index === 0 ? r.lesson : '',
    r.claim.replace(/\|/g, '\\|'),
    ...seeds.map((s) => r.seeds.find((x) => x.seed === s)?.shown ?? '–'),
    r.threshold,
    r.holds ? '✓' : '✗',
  ]);
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map((_, i) => (i >= 2 && i < 2 + seeds.length ? '---:' : i === header.length - 1 ? ':---:' : '---'))), ...rows.map(line)].join('\n');
}
