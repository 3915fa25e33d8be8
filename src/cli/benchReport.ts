import { median } from '../engine/stepTiming';
import type { BenchBackend } from './benchArgs';

/**
 * The engine benchmark's arithmetic and its output, pure so the unit tests check them without timing anything:
 * the rows written to bench-results/engine-node.json, the ratios against PyTorch and the issue's targets, the
 * printed tables, and the Python child's environment.
 */

/**
 * The issue's targets. A lockstep step of the engine trains every arm; PyTorch trains the same arms one after the
 * other, so both are counted in network-steps per second (a step of two arms is two network-steps).
 */
export const TARGETS = {
  /** Engine network-steps per second as a fraction of PyTorch's (one thread, same networks), at least. */
  vsTorch: { 'ioffe-mnist': 0.4, 'cnn-mnist': 0.2 } as Readonly<Record<string, number>>,
  /** A probe of all arms costs at most this many lockstep steps' time, on the presets the issue names. */
  probeSteps: 10,
  probePresets: ['ioffe-mnist', 'cnn-mnist'] as readonly string[],
};

/** How a training step is computed: 'tfjs' (the reference engine) until a faster path reports its own name. */
export type StepPath = string;

/** The step path a trainer reports: its `path` ('fast' or 'tfjs'), or 'tfjs' for an object without one. */
export function stepPathOf(trainer: object): StepPath {
  const p = (trainer as { path?: unknown }).path;
  return typeof p === 'string' && p.length > 0 ? p : 'tfjs';
}

/** One round of one (preset, backend): its timed lockstep steps and probes. */
export interface EngineRound {
  readonly steps: number;
  /** Lockstep steps (every arm once) per second, probes excluded. */
  readonly stepsPerSecond: number;
  /** Arms that trained in the timed steps (a diverged arm stops training while the others go on). */
  readonly armsTrained: number;
  readonly probes: number;
  /** Milliseconds per probe of all arms. */
  readonly msPerProbe: number;
}

export interface EngineRow {
  readonly preset: string;
  readonly backend: BenchBackend;
  readonly path: StepPath;
  readonly arms: number;
  /** Test examples each probe scored, and whether --test-size set it (then the preset's probe target does not apply). */
  readonly testScored: number;
  readonly testOverridden: boolean;
  /** Backend kernels one lockstep step dispatches (every arm's forward, backward and update). */
  readonly kernelsPerStep: number;
  /** Backend kernels one probe of all arms dispatches. */
  readonly kernelsPerProbe: number;
  /** Medians over the rounds. */
  readonly stepsPerSecond: number;
  readonly networkStepsPerSecond: number;
  readonly msPerStep: number;
  readonly msPerProbe: number;
  /** A probe's time in lockstep steps, per round: the worst (largest) and the median. */
  readonly probeSteps: Spread;
  /** Each arm's own median step time in the last round (the trainer's timer, as the lab's Summary shows it). */
  readonly armMsPerStep: readonly { name: string; msPerStep: number }[];
  /** Live tensors before the timed steps and after the timed probes of the last round: equal when nothing leaks. */
  readonly tensorsBefore: number;
  readonly tensorsAfter: number;
  readonly rounds: readonly EngineRound[];
}

export interface TorchRound {
  /** False when a network's loss stopped being finite (diverged): PyTorch went on training it, the engine does not. */
  readonly finite: boolean;
  readonly steps: number;
  readonly seconds: number;
  readonly networkStepsPerSecond: number;
  readonly arms: readonly { name: string; msPerStep: number }[];
}

/** One (preset, backend) against PyTorch: the per-round ratios of network-steps per second, engine ÷ PyTorch. */
export interface AnchorRow {
  readonly preset: string;
  readonly backend: BenchBackend;
  readonly path: StepPath;
  readonly engineNetworkStepsPerSecond: number;
  readonly torchNetworkStepsPerSecond: number;
  readonly ratio: Spread;
  /** The issue's target for this preset, or null where it sets none. */
  readonly target: number | null;
  /** Whether the worst round meets the target (null without one). */
  readonly meets: boolean | null;
}

/** Per-round values with their worst and median: worst is the least favourable to the engine. */
export interface Spread {
  readonly rounds: readonly number[];
  readonly worst: number;
  readonly median: number;
}

export function networkStepsPerSecond(lockstepStepsPerSecond: number, armsTrained: number): number {
  return lockstepStepsPerSecond * armsTrained;
}

/** Engine ÷ PyTorch per round (measured back to back, under the same load); worst is the smallest. */
export function ratioSpread(engine: readonly number[], torch: readonly number[]): Spread {
  if (engine.length !== torch.length || engine.length === 0) throw new Error(`ratioSpread: ${engine.length} engine rounds against ${torch.length} PyTorch rounds`);
  const rounds = engine.map((e, i) => e / torch[i]!);
  return { rounds, worst: Math.min(...rounds), median: median(rounds) };
}

/** A probe's cost in lockstep steps per round; worst is the largest. */
export function probeStepsSpread(rounds: readonly EngineRound[]): Spread {
  if (rounds.length === 0) throw new Error('probeStepsSpread: no rounds');
  const values = rounds.map((r) => r.msPerProbe / (1000 / r.stepsPerSecond));
  return { rounds: values, worst: Math.max(...values), median: median(values) };
}

export function engineRow(
  head: Pick<EngineRow, 'preset' | 'backend' | 'path' | 'arms' | 'testScored' | 'testOverridden' | 'kernelsPerStep' | 'kernelsPerProbe' | 'armMsPerStep' | 'tensorsBefore' | 'tensorsAfter'>,
  rounds: readonly EngineRound[],
): EngineRow {
  const stepsPerSecond = median(rounds.map((r) => r.stepsPerSecond));
  return {
    ...head,
    stepsPerSecond,
    networkStepsPerSecond: median(rounds.map((r) => networkStepsPerSecond(r.stepsPerSecond, r.armsTrained))),
    msPerStep: 1000 / stepsPerSecond,
    msPerProbe: median(rounds.map((r) => r.msPerProbe)),
    probeSteps: probeStepsSpread(rounds),
    rounds,
  };
}

export function anchorRow(row: EngineRow, torch: readonly TorchRound[]): AnchorRow {
  const engine = row.rounds.map((r) => networkStepsPerSecond(r.stepsPerSecond, r.armsTrained));
  const ratio = ratioSpread(
    engine,
    torch.map((t) => t.networkStepsPerSecond),
  );
  const target = TARGETS.vsTorch[row.preset] ?? null;
  return {
    preset: row.preset,
    backend: row.backend,
    path: row.path,
    engineNetworkStepsPerSecond: median(engine),
    torchNetworkStepsPerSecond: median(torch.map((t) => t.networkStepsPerSecond)),
    ratio,
    target,
    meets: target === null ? null : ratio.worst >= target,
  };
}

/** The probe target's verdict for a row: null where the issue sets none for the preset. */
export function probeMeets(row: EngineRow): boolean | null {
  return TARGETS.probePresets.includes(row.preset) && !row.testOverridden ? row.probeSteps.worst <= TARGETS.probeSteps : null;
}

// --- printing -----------------------------------------------------------------------------------------------------

/** A Markdown table (so it can be pasted into the README), the first `leftColumns` columns left-aligned. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[], leftColumns = 2): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (r: readonly string[]) => '| ' + r.map((s, c) => (c < leftColumns ? s.padEnd(widths[c]!) : s.padStart(widths[c]!))).join(' | ') + ' |';
  const rule = '|' + widths.map((w, c) => (c < leftColumns ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|';
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/**
 * Numbers at a precision that suits their size: whole above 100, else 3 significant digits, and 2 below 1 (a ratio
 * of 0.0047 stays 0.0047, not 0.00). Never exponent notation.
 */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return '–';
  const a = Math.abs(x);
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  if (a >= 1 || a === 0) return x.toFixed(2);
  return x.toFixed(Math.min(20, 1 - Math.floor(Math.log10(a))));
}

const verdict = (meets: boolean | null) => (meets === null ? '' : meets ? ' ✓' : ' ✗');

export function engineTable(rows: readonly EngineRow[]): string {
  const header = ['preset', 'backend', 'path', 'arms', 'test scored', 'kernels/step', 'steps/s', 'ms/step', 'ms/probe', 'probe in steps (worst · median)', 'per arm ms/step', 'tensors'];
  const cells = rows.map((r) => [
    r.preset,
    r.backend,
    r.path,
    String(r.arms),
    `${r.testScored.toLocaleString('en-US')}${r.testOverridden ? ' (--test-size)' : ''}`,
    String(r.kernelsPerStep),
    fmt(r.stepsPerSecond),
    fmt(r.msPerStep),
    fmt(r.msPerProbe),
    `${fmt(r.probeSteps.worst)} · ${fmt(r.probeSteps.median)}${probeMeets(r) === null ? '' : ` (≤ ${TARGETS.probeSteps})${verdict(probeMeets(r))}`}`,
    r.armMsPerStep.map((a) => `${a.name} ${fmt(a.msPerStep)}`).join(' · '),
    r.tensorsBefore === r.tensorsAfter ? `${r.tensorsAfter}` : `${r.tensorsBefore}→${r.tensorsAfter}`,
  ]);
  return markdownTable(header, cells, 3);
}

export function anchorTable(rows: readonly AnchorRow[]): string {
  const header = ['preset', 'backend', 'path', 'engine net-steps/s', 'PyTorch net-steps/s', 'engine ÷ PyTorch (worst · median)', 'target'];
  const cells = rows.map((r) => [
    r.preset,
    r.backend,
    r.path,
    fmt(r.engineNetworkStepsPerSecond),
    fmt(r.torchNetworkStepsPerSecond),
    `${fmt(r.ratio.worst)}× · ${fmt(r.ratio.median)}×`,
    r.target === null ? '–' : `≥ ${r.target}×${verdict(r.meets)}`,
  ]);
  return markdownTable(header, cells, 2);
}

// --- the Python child -----------------------------------------------------------------------------------------------

/**
 * The PyTorch child's environment: one thread everywhere (torch.set_num_threads(1) does not reach OpenBLAS's own
 * pthreads), and, where the CPU has AVX-512, OPENBLAS_CORETYPE=SkylakeX: Debian's OpenBLAS 0.3.21 takes recent Xeons
 * for "Prescott" and runs SSE kernels about 4× slower. A value the caller set already is kept.
 */
export function torchChildEnv(base: Readonly<Record<string, string | undefined>>, cpuinfo: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined) env[k] = v;
  for (const k of ['OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS']) env[k] = '1';
  if (hasAvx512f(cpuinfo) && !env.OPENBLAS_CORETYPE) env.OPENBLAS_CORETYPE = 'SkylakeX';
  return env;
}

/** Whether /proc/cpuinfo's flags list avx512f (the word itself: avx512fp16 alone does not count). */
export function hasAvx512f(cpuinfo: string): boolean {
  return cpuinfo.split('\n').some((line) => /^flags\s*:/.test(line) && /(^|\s)avx512f(\s|$)/.test(line.slice(line.indexOf(':') + 1)));
}
