import type { ExperimentConfig } from '../config/schema';
import { chooseBackend, type BackendChoice, type BackendName, type BackendOptions } from '../engine/backend';
import { DatasetLoader } from '../engine/data/load';
import type { Dataset } from '../engine/data/types';
import { LockstepTrainer } from '../engine/trainer';
import { enqueueCommand, rebuildWaiting } from './commandQueue';
import type { Command, SessionEvent, SessionPhase } from './protocol';

export interface SessionHost {
  emit(event: SessionEvent): void;
  fetchMnist(): Promise<Uint8Array>;
  backendOptions: BackendOptions;
  /** Longest stretch of training before yielding to messages (and, on the main thread, to rendering). */
  sliceMs: number;
}

/** Lets messages (and, on the main thread, input and rendering) that are already waiting in the event loop in. */
const yieldToEvents = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * A training session: owns one LockstepTrainer and runs it on its own clock in small time slices, probing on the
 * configuration's schedule. The same class runs inside the Web Worker and, as the fallback, on the main thread.
 *
 * Commands wait in a queue where a newer one drops those it makes pointless (commandQueue.ts), and a run being
 * built stops as soon as a newer configure or reset waits: a burst of changes builds one run, the newest.
 */
export class TrainingSession {
  private trainer: LockstepTrainer | null = null;
  private config: ExperimentConfig | null = null;
  /** The backend the newest configure asked for ('auto': measure once, then keep the one in use). */
  private requested: BackendName | 'auto' = 'auto';
  private backend: BackendChoice | null = null;
  private readonly data: DatasetLoader;
  /** The dataset of the run being built or trained (the backend measurement trains on it too). */
  private dataset: Dataset | null = null;
  private pending: Command[] = [];
  private runId = 0;
  private playing = false;
  private target: number | null = null;
  private stepsPerSecond: number | null = null;
  private loopTimer: ReturnType<typeof setTimeout> | null = null;
  private rate = 0;
  private lastProgress = 0;
  private busy: Promise<void> = Promise.resolve();

  constructor(private readonly host: SessionHost) {
    this.data = new DatasetLoader(() => this.host.fetchMnist());
  }

  /**
   * Commands are applied in order, each after the previous one finished, except those a newer command makes
   * pointless, which are dropped while they wait.
   */
  handle(cmd: Command): void {
    enqueueCommand(this.pending, cmd);
    // One link of the chain per command handled: dropped commands leave links that find the queue empty.
    this.busy = this.busy.then(() => this.next()).catch((e: unknown) => this.fail(e));
  }

  private async next(): Promise<void> {
    const cmd = this.pending.shift();
    if (cmd) await this.apply(cmd);
  }

  /** A newer configure or reset waits: the run being built would be thrown away, so stop building it. */
  private superseded(): boolean {
    return rebuildWaiting(this.pending);
  }

  private async apply(cmd: Command): Promise<void> {
    switch (cmd.type) {
      case 'configure':
        this.config = cmd.config;
        if (cmd.backend !== 'auto') this.requested = cmd.backend;
        await this.setUp();
        break;
      case 'schedule':
        this.config = cmd.config;
        if (!this.trainer) break;
        try {
          this.trainer.setSchedule(cmd.config.schedule);
        } catch {
          // The change reaches into steps already trained (a stale command): only a new run can honour it.
          await this.rebuild();
        }
        break;
      case 'reset':
        // Reset retries whatever failed: the data or the backends before any run was built, else the build.
        await this.setUp();
        break;
      case 'play':
        this.playing = true;
        this.target = null;
        this.schedule();
        break;
      case 'pause':
        this.playing = false;
        this.target = null;
        break;
      case 'step': {
        this.playing = false;
        this.target = null;
        const trainer = this.trainer;
        await this.advance(1);
        // A manual step is looked at: probe it even off the schedule, so every view shows this very step.
        if (trainer && trainer === this.trainer && trainer.step % trainer.config.probe.interval !== 0) await this.probe();
        break;
      }
      case 'runTo':
        if (this.trainer && cmd.step > this.trainer.step) {
          this.target = cmd.step;
          this.playing = true;
          this.schedule();
        }
        break;
      case 'setSpeed':
        this.stepsPerSecond = cmd.stepsPerSecond;
        break;
    }
    this.progress(true);
  }

  /**
   * The data, then the backend (measured once, or the one asked for by name), then the run. Every step is done
   * again after a failure, so a configure or reset after one starts over where it failed.
   */
  private async setUp(): Promise<void> {
    if (!this.config) return;
    // A burst of changes arrives as many messages: let those already sent in first, so they merge.
    await yieldToEvents();
    if (this.superseded()) return;
    if (!this.backend || (this.requested !== 'auto' && this.requested !== this.backend.name)) {
      // The run these phases lead to is the next one: rebuild() numbers it.
      await this.loadData(this.runId + 1);
      if (this.superseded()) return;
      this.status(this.runId + 1, { phase: 'backends' });
      this.backend = await chooseBackend(this.requested, {
        ...this.host.backendOptions,
        measure: (name, best) => {
          this.status(this.runId + 1, { phase: 'measure', backend: name });
          return this.measure(name, best);
        },
      });
      // Asked and answered: later configures keep this backend (one that fails over to another keeps that one).
      this.requested = 'auto';
    }
    await this.rebuild();
  }

  private async rebuild(): Promise<void> {
    if (!this.config || !this.backend) return;
    await yieldToEvents();
    if (this.superseded()) return;
    this.trainer?.dispose();
    this.trainer = null;
    this.playing = false;
    this.target = null;
    this.runId++;
    const data = await this.loadData(this.runId);
    if (this.superseded()) return;
    this.status(this.runId, { phase: 'build' });
    const trainer = new LockstepTrainer(this.config, data);
    // Building and the first probe take a while (every arm's weights; a forward pass of the test set): a change
    // that came meanwhile makes this run stale before anyone saw it, so it is dropped, not shown. The run is
    // announced only with its first probe, so that a burst of changes shows one run, the newest.
    const stale = async () => {
      await yieldToEvents();
      if (!this.superseded()) return false;
      trainer.dispose();
      return true;
    };
    if (await stale()) return;
    this.status(this.runId, { phase: 'probe' });
    let first;
    try {
      first = await trainer.probe();
    } catch (e) {
      // Not yet the session's trainer: nothing else would free its tensors.
      trainer.dispose();
      throw e;
    }
    if (await stale()) return;
    this.trainer = trainer;
    this.host.emit({
      type: 'ready',
      runId: this.runId,
      backend: this.backend,
      arms: trainer.arms.map((a) => ({
        name: a.name,
        norm: a.spec.norm,
        placement: a.spec.placement,
        noise: a.spec.noise?.strength ?? 0,
        ...(a.spec.groups === undefined ? {} : { groups: a.spec.groups }),
        learningRate: a.learningRate,
        params: a.layout.map((p) => ({ name: p.name, layer: p.layer, role: p.role, shape: [...p.shape] })),
      })),
      layers: trainer.architecture.hidden.map((l) => ({ kind: l.kind, units: l.units, stride: l.stride, outShape: [...l.outShape] })),
      inputShape: [...trainer.architecture.inputShape],
      numClasses: trainer.architecture.numClasses,
      dataset: data.name,
      points: data.inputShape.length === 1 && data.inputShape[0] === 2 ? { xy: data.testX.slice(), labels: data.testY.slice() } : null,
    });
    this.host.emit({ type: 'probe', runId: this.runId, snapshot: first });
  }

  /**
   * The configuration's dataset. MNIST is downloaded once for the session, whatever the seed or network; the page
   * is told only when there is something to wait for.
   */
  private async loadData(runId: number): Promise<Dataset> {
    const c = this.config!;
    if (!this.data.has(c)) this.status(runId, { phase: 'data', dataset: c.dataset.name });
    this.dataset = await this.data.load(c);
    return this.dataset;
  }

  /** Tells the page what it is waiting for (the page times each phase itself: the clocks differ). */
  private status(runId: number, phase: SessionPhase): void {
    this.host.emit({ type: 'status', runId, ...phase });
  }

  /**
   * Milliseconds per lockstep training step of the current configuration on the active backend. `bestMs` is the
   * fastest backend's time so far: a candidate that is clearly slower is not timed to the end (the cpu backend's
   * CNN step takes seconds, and the page waits for this).
   */
  private async measure(_name: BackendName, bestMs: number): Promise<number> {
    const trainer = new LockstepTrainer(this.config!, this.dataset!);
    const sync = () => trainer.arms[0]!.lossSum.data();
    try {
      // Warm-up compiles shaders (webgl) and fills caches; then time a few real steps, ending on a read-back so
      // asynchronous backends are charged for their work.
      const w0 = performance.now();
      trainer.trainStep();
      await sync();
      const first = performance.now() - w0;
      if (first > 20 * bestMs) return first;
      for (let i = 0; i < 2; i++) trainer.trainStep();
      await sync();
      const t0 = performance.now();
      let steps = 0;
      while (steps < 6) {
        trainer.trainStep();
        steps++;
        if (steps % 2 === 0) {
          await sync();
          if (performance.now() - t0 > 3 * bestMs * steps) break;
        }
      }
      await sync();
      return (performance.now() - t0) / steps;
    } finally {
      trainer.dispose();
    }
  }

  /** Trains `n` steps, probing whenever the schedule says so. */
  private async advance(n: number): Promise<void> {
    const trainer = this.trainer;
    if (!trainer) return;
    for (let i = 0; i < n; i++) {
      // A new network's first step is its slowest (seconds for the CNN): say so before the thread is busy with it.
      if (trainer.step === 0) this.status(this.runId, { phase: 'warmup', step: 0 });
      trainer.trainStep();
      if (trainer.step % trainer.config.probe.interval === 0 || trainer.step === this.target) await this.probe();
      if (trainer.arms.every((a) => a.divergedAt !== null)) {
        this.playing = false;
        break;
      }
    }
  }

  private async probe(): Promise<void> {
    const trainer = this.trainer;
    if (!trainer) return;
    const runId = this.runId;
    const snapshot = await trainer.probe();
    if (runId === this.runId) this.host.emit({ type: 'probe', runId, snapshot });
  }

  /**
   * Queues the next time slice after `delay` ms. There is only ever one pending slice: a play or run-to that
   * arrives while the loop waits (speed limit) replaces the wait instead of starting a second loop.
   */
  private schedule(delay = 0): void {
    if (this.loopTimer !== null) {
      if (delay > 0) return;
      clearTimeout(this.loopTimer);
    }
    this.loopTimer = setTimeout(() => {
      this.loopTimer = null;
      this.busy = this.busy.then(() => this.slice()).catch((e: unknown) => this.fail(e));
    }, delay);
  }

  /** One time slice of training: as many steps as fit in sliceMs (or as the speed limit allows). */
  private async slice(): Promise<void> {
    const trainer = this.trainer;
    if (!this.playing || !trainer) return;
    const start = performance.now();
    const budget = this.stepsPerSecond ? Math.min(this.host.sliceMs, 1000 / this.stepsPerSecond) : this.host.sliceMs;
    let steps = 0;
    do {
      if (this.target !== null && trainer.step >= this.target) {
        this.playing = false;
        this.target = null;
        break;
      }
      await this.advance(1);
      steps++;
    } while (this.playing && performance.now() - start < budget);
    const elapsed = performance.now() - start;
    if (steps > 0) this.rate = this.rate === 0 ? (steps * 1000) / elapsed : 0.8 * this.rate + 0.2 * ((steps * 1000) / elapsed);
    this.progress(!this.playing);
    if (this.playing) {
      const wait = this.stepsPerSecond ? Math.max(0, (steps * 1000) / this.stepsPerSecond - elapsed) : 0;
      this.schedule(wait);
    }
  }

  private progress(force: boolean): void {
    if (!this.trainer) return;
    const now = performance.now();
    if (!force && now - this.lastProgress < 16) return;
    this.lastProgress = now;
    this.host.emit({ type: 'progress', runId: this.runId, step: this.trainer.step, playing: this.playing, stepsPerSecond: this.rate });
  }

  /**
   * A failure while training. On WebGL (a lost context, a shader that will not compile) the run is rebuilt on
   * the next backend from its configuration and replayed to the step it had reached: every draw comes from the
   * seed, so the replay is the same run. Elsewhere the error is reported and the settings are kept.
   */
  private fail(e: unknown): void {
    this.playing = false;
    const message = e instanceof Error ? e.message : String(e);
    if (this.backend?.name === 'webgl' && this.config && /webgl|context|shader|texture|gpu/i.test(message)) {
      const step = this.trainer?.step ?? 0;
      this.busy = this.busy
        .then(async () => {
          const next = await chooseBackend('wasm', { ...this.host.backendOptions, candidates: ['wasm', 'cpu'] });
          this.backend = { name: next.name, reason: `WebGL failed (${message}); switched to ${next.name} and replayed to step ${step}` };
          await this.rebuild();
          if (step > 0) await this.apply({ type: 'runTo', step });
        })
        .catch((err: unknown) => this.host.emit({ type: 'error', runId: this.runId, message: err instanceof Error ? err.message : String(err) }));
      return;
    }
    this.host.emit({ type: 'error', runId: this.runId, message });
  }
}

export type { BackendName };
