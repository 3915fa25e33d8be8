import { parseConfig, type ExperimentConfig } from '../config/schema';

/**
 * A configuration with one field changed, validated. Every field of ExperimentConfig defines the run (data,
 * weights, batches, optimizer, probe schedule), so any change restarts it from step 0; what does not invalidate
 * the run (speed, the viewed layer and unit, the theme) lives outside the configuration.
 */
export function withChange(config: ExperimentConfig, path: string, value: unknown): ExperimentConfig {
  const next = structuredClone(config) as unknown as Record<string, unknown>;
  const keys = path.split('.');
  let node = next;
  for (const k of keys.slice(0, -1)) node = node[k] as Record<string, unknown>;
  node[keys[keys.length - 1]!] = value;
  // Cross-field fixes the controls promise: a CNN needs MNIST, and switching between MLP and CNN starts from
  // that architecture's own sensible size (100 units vs 16 channels) instead of clamping the other's.
  const c = next as unknown as ExperimentConfig;
  if (c.dataset.name !== 'mnist' && c.model.kind === 'cnn') c.model.kind = 'mlp';
  if (c.model.kind !== config.model.kind) c.model = { ...ARCHITECTURE_DEFAULTS[c.model.kind] };
  return parseConfig(c);
}

export const ARCHITECTURE_DEFAULTS = {
  mlp: { kind: 'mlp', depth: 3, width: 100 },
  cnn: { kind: 'cnn', depth: 3, width: 16 },
} as const satisfies Record<string, ExperimentConfig['model']>;

/** A log-scale slider position (0…1000) ↔ value over [min, max]. */
export function logToSlider(value: number, min: number, max: number): number {
  return Math.round((1000 * Math.log(value / min)) / Math.log(max / min));
}
export function sliderToLog(pos: number, min: number, max: number, digits = 2): number {
  const v = min * Math.exp((pos / 1000) * Math.log(max / min));
  return Number(v.toPrecision(digits));
}

export const BATCH_SIZES = [2, 4, 8, 16, 32, 60, 64, 128, 256, 512] as const;

/** Compact display of a number: 0.5, 0.05, 1e-5. */
export function formatNumber(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e4) return String(Number(v.toPrecision(3)));
  return v.toExponential(1).replace('e-', 'e−');
}
