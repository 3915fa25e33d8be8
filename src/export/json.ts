import type { ExperimentConfig } from '../config/schema';
import { layerDrift, type ArmHistory, type BandDrift, type LayerHistory } from '../engine/history';

/**
 * The histories as JSON: one format for `npm run experiment -- --out FILE.json` and the lab's download, built here
 * so the two cannot drift apart. Pure: no Node or DOM APIs.
 */

/** JSON with NaN and ±Infinity as null (JSON has no such numbers), and typed arrays as plain arrays. */
export function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : ArrayBuffer.isView(v) ? Array.from(v as Float32Array) : v),
    2,
  );
}

/** Who wrote the file: the CLI or the page. */
export type RecordTool = 'batchnorm-explorer experiment' | 'batchnorm-explorer lab';

export interface ExperimentRecord {
  tool: RecordTool;
  /** The preset the configuration is, or started from; null when it matches none. */
  preset: string | null;
  /** Where the configuration came from, e.g. "preset ioffe-mnist" or "config run.json" (the CLI says; the lab may). */
  source?: string;
  /** The CLI's --set overrides, in the order applied on top of the source. */
  overrides?: readonly { path: string; value: unknown }[];
  config: ExperimentConfig;
  /** The backend that trained it, and why it was chosen. */
  backend: { name: string; reason: string } | null;
  /** Training steps done. */
  steps: number;
  /** Wall-clock seconds of training, NaN (null in JSON) where it was not measured as one stretch. */
  seconds: number;
  stepsPerSecond: number;
  arms: readonly ArmHistory[];
}

/**
 * Each layer's history with its drift summary: how far the pooled median and the 15–85 width moved from the first
 * probe to the last, with batch norm in training and in inference mode (the same numbers for an arm without it).
 * Net displacements, so a file probed every 50 steps and one probed every 250 agree.
 */
export interface LayerRecord extends LayerHistory {
  drift: { train: BandDrift; inference: BandDrift };
}

export interface ArmRecord extends Omit<ArmHistory, 'layers'> {
  layers: LayerRecord[];
}

export function armRecord(arm: ArmHistory): ArmRecord {
  return {
    ...arm,
    layers: arm.layers.map((l) => ({ ...l, drift: { train: layerDrift(arm.steps, l, 'train'), inference: layerDrift(arm.steps, l, 'inference') } })),
  };
}

/** The record in the CLI's key order (tool, preset, [source, overrides,] config, backend, steps, seconds, stepsPerSecond, arms). */
export function experimentRecord(r: ExperimentRecord): Omit<ExperimentRecord, 'arms'> & { arms: ArmRecord[] } {
  return {
    tool: r.tool,
    preset: r.preset,
    ...(r.source !== undefined ? { source: r.source } : {}),
    ...(r.overrides !== undefined ? { overrides: r.overrides } : {}),
    config: r.config,
    backend: r.backend,
    steps: r.steps,
    seconds: r.seconds,
    stepsPerSecond: r.stepsPerSecond,
    arms: r.arms.map(armRecord),
  };
}

export function experimentJson(r: ExperimentRecord): string {
  return toJson(experimentRecord(r));
}
