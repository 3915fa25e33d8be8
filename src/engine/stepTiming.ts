/**
 * How long one arm's training step takes on this machine: the price of batch norm, measured rather than assumed.
 *
 * Time is not a function of the seed: the same run takes a different time on another machine, on another backend, or
 * while another program is busy. So timing is kept apart from everything a test compares digit for digit, and
 * nothing here ever changes what is computed, only when a clock is read.
 *
 * The estimate is robust: the median of recent samples, so one garbage collection, a tab switch or the first step's
 * one-off compilation (shaders, wasm caches) does not become the arm's price.
 */

/** Samples the per-step estimate looks back over. */
export const TIMING_WINDOW = 64;
/**
 * A probe interval's own median is used for its steps when it has at least this many samples (cpu and wasm time
 * every step); otherwise (WebGL samples a few steps) the recent window's median is.
 */
export const MIN_INTERVAL_SAMPLES = 5;
/**
 * On an asynchronous backend (WebGL) a step is timed only at the first steps and then one in this many: each sample
 * waits for the GPU to finish, which stalls its pipeline, so timing every step would slow training down.
 */
export const ASYNC_SAMPLE_EVERY = 20;
/** Steps timed at the start of a run on an asynchronous backend, so the first interval has an estimate. */
export const ASYNC_FIRST_SAMPLES = 3;

/** The median of a list (the mean of the middle two for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return NaN;
  const sorted = [...finite].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** What a probe reports of an arm's time: machine-dependent, never part of a bit-for-bit comparison. */
export interface ArmTiming {
  /** Milliseconds per training step of this arm alone: the median of its recent timed steps (NaN before any). */
  msPerStep: number;
  /**
   * Seconds this arm has spent training up to the probe, probes excluded: each probe interval's steps at that
   * interval's median time per step (so a one-off stall is not counted, and an arm that diverged stops the clock).
   */
  trainingSeconds: number;
}

/**
 * Which steps a backend times. cpu and wasm run every kernel while the step's call runs, so a clock around the call
 * is the step's cost, and every step is timed (two clock reads). WebGL only queues work: a clock around the call
 * would measure the dispatch, so a sample must wait for the GPU, and only some steps are sampled.
 */
export function isSampledStep(step: number, synchronous: boolean): boolean {
  if (synchronous) return true;
  return step < ASYNC_FIRST_SAMPLES || (step + 1) % ASYNC_SAMPLE_EVERY === 0;
}

/** Backends that execute kernels during the call (tfjs-node's 'tensorflow' too): a wall clock around a call is honest. */
export function isSynchronousBackend(name: string): boolean {
  return name === 'cpu' || name === 'wasm' || name === 'tensorflow';
}

/** One arm's step timings and its running total of training time. */
export class StepTimer {
  private readonly recent: number[] = [];
  private interval: number[] = [];
  private seconds = 0;

  /** Records one timed step of `ms` milliseconds. */
  add(ms: number): void {
    if (!(ms >= 0) || !Number.isFinite(ms)) return;
    this.recent.push(ms);
    if (this.recent.length > TIMING_WINDOW) this.recent.shift();
    this.interval.push(ms);
  }

  /** The robust time per step: the median of the recent samples (NaN before the first). */
  get msPerStep(): number {
    return median(this.recent);
  }

  /**
   * Closes a probe interval of `steps` trained steps: adds them to the training time at the interval's median (or the
   * recent window's, when the interval has few samples), and returns what the probe reports.
   */
  settle(steps: number): ArmTiming {
    const own = this.interval.length >= MIN_INTERVAL_SAMPLES ? median(this.interval) : NaN;
    const perStep = Number.isFinite(own) ? own : this.msPerStep;
    if (steps > 0 && Number.isFinite(perStep)) this.seconds += (steps * perStep) / 1000;
    this.interval = [];
    return { msPerStep: this.msPerStep, trainingSeconds: this.seconds };
  }
}
