import type { ConvergenceAxis, ViewName } from '../config/link';
import type { ExperimentConfig, ExperimentConfigInput } from '../config/schema';
import type { ArmHistory } from '../engine/history';
import type { ProbeSnapshot } from '../engine/probes/types';

/**
 * A lesson: one claim of the batch-norm story as a guided experiment. Its steps are configurations (the same
 * values a share link or the CLI runs), its closing sentence is computed from the run on screen, and its claims
 * are measured by `npm run lessons:verify` on the very same histories, for seeds 1, 2 and 3.
 */
export interface Lesson {
  /** The URL name (`?lesson=NAME`). */
  readonly name: string;
  /** One line. */
  readonly title: string;
  /** Asked before Play, so the learner commits to a prediction the run can contradict. */
  readonly question: string;
  /** The answers offered for that prediction (the learner picks one, or none). */
  readonly predictions: readonly string[];
  readonly steps: readonly LessonStep[];
  /**
   * The closing sentence of the run on screen, computed from its probes. `latest` is the newest probe (the
   * inspector's numbers, which the scalar history does not keep). Says to keep training while the run is short.
   */
  conclude(history: readonly ArmHistory[], config: ExperimentConfig, latest?: ProbeSnapshot | null): Conclusion;
  readonly claims: readonly LessonClaim[];
}

export interface LessonStep {
  /** A few words: the step's name in the panel. */
  readonly title: string;
  /** What to do and what to look at, in which view. */
  readonly text: string;
  /** The experiment of this step (seed 1; verification replaces the seed). */
  readonly config: ExperimentConfigInput;
  /** The views to show (absent: all). */
  readonly views?: readonly ViewName[];
  /** The hidden layer (0-based) and unit the views should show. */
  readonly layer?: number;
  readonly unit?: number | null;
  /** The distributions view's choices when the step opens (absent: the lab's default, one unit in inference mode). */
  readonly distScope?: 'unit' | 'layer';
  readonly distMode?: 'train' | 'inference';
  /** Train to this step and pause there when the step opens. */
  readonly to?: number;
  /** Convergence's x axis when the step opens (absent: steps). */
  readonly xAxis?: ConvergenceAxis;
}

/** A run a claim is measured on: the configuration, its histories, its newest probe and every probe. */
export interface ClaimRun {
  readonly config: ExperimentConfig;
  readonly history: readonly ArmHistory[];
  readonly latest: ProbeSnapshot | null;
  /** Every probe in step order (the inspector's numbers of each mini-batch, which the history does not keep). */
  readonly snapshots: readonly ProbeSnapshot[];
}

/**
 * What must hold, measured from the histories of the lesson's own step configurations: `measure` gives one
 * number, which must be ≥ (or ≤) `threshold`. The threshold is the margin the lesson's text promises.
 */
export interface LessonClaim {
  /** The claim in words, with its margin ("BN leads plain at step 500 by at least 5 points"). */
  readonly text: string;
  /** The lesson steps (0-based) whose configurations are run, in the order `measure` receives them. */
  readonly runs: readonly number[];
  /** Training steps of each run. */
  readonly trainSteps: number;
  measure(runs: readonly ClaimRun[]): number;
  readonly holds: { readonly op: '>=' | '<='; readonly threshold: number };
  /** The measured value (and the threshold) in the claim's unit. */
  format(value: number): string;
}

/** A number in a closing sentence, tied to the arm, the measurement and the step it was read at. */
export interface Figure {
  readonly text: string;
  readonly arm: string;
  /** The Summary column it must agree with ('msPerStep': the machine-dependent ms / step), or 'other' for none. */
  readonly metric: 'testAccuracy' | 'trainLoss' | 'testLoss' | 'msPerStep' | 'other';
  readonly step: number;
}

/** The closing sentence: text and figures in reading order; `ready` is false while the run is too short. */
export interface Conclusion {
  readonly ready: boolean;
  readonly parts: readonly (string | Figure)[];
}
