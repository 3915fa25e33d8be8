import { parseConfig, type ExperimentConfig } from '../config/schema';
import { cnnMnist } from './cnnMnist';
import { deepSigmoid } from './deepSigmoid';
import { highLr } from './highLr';
import { inferenceMode } from './inferenceMode';
import { initScale } from './initScale';
import { mismatch } from './mismatch';
import { ioffeMnist } from './ioffeMnist';
import { noisyBn } from './noisyBn';
import { overhead } from './overhead';
import { placement } from './placement';
import { regularization } from './regularization';
import { smallBatch } from './smallBatch';
import type { Lesson, LessonStep } from './types';
import { whatBnComputes } from './whatBnComputes';

export type { Lesson, LessonStep, LessonClaim, ClaimRun, Conclusion, Figure } from './types';
export { conclusionText } from './measures';

/**
 * The lessons, in teaching order: the twelve, with the train/inference mismatch (issue 15) after small batches,
 * ending with what batch norm costs in time.
 */
export const LESSONS: readonly Lesson[] = [
  whatBnComputes,
  ioffeMnist,
  highLr,
  initScale,
  inferenceMode,
  placement,
  smallBatch,
  mismatch,
  regularization,
  noisyBn,
  deepSigmoid,
  cnnMnist,
  overhead,
];

export function lessonByName(name: string): Lesson | undefined {
  return LESSONS.find((l) => l.name === name);
}

/** A step's configuration, validated by the one schema (seed 1 unless given). */
export function stepConfig(step: LessonStep, seed?: number): ExperimentConfig {
  return parseConfig(seed === undefined ? step.config : { ...step.config, seed });
}
