import type { ExperimentConfig } from '../config/schema';
import { chooseBackend, type BackendChoice, type BackendName, type BackendOptions } from '../engine/backend';
import { loadDataset } from '../engine/data/load';
import type { Dataset } from '../engine/data/types';
import { LockstepTrainer } from '../engine/trainer';
import type { Command, SessionEvent, SessionPhase } from './protocol';

export interface SessionHost {
  emit(event: SessionEvent): void;
  fetchMnist(): Promise<Uint8Array>;
  backendOptions: BackendOptions;
  /** Longest stretch of training before yielding to messages (and, on the main thread, to rendering). */
  sliceMs: number;
}

/**
 * A training session: owns one LockstepTrainer and runs it on its own clock in small time slices, probing on the
 * configuration's schedule. The same class runs inside the Web Worker and, as the fallback, on the main thread.
 */
export class TrainingSession {
  private trainer: LockstepTrainer | null = null;
  private config: ExperimentConfig | null = null;
  private backend: BackendChoice | null = null;
  private dataset: { key: string; data: Dataset } | null = null;
  private runId = 0;
  private playing = false;
  private target: number | null = null;
  private stepsPerSecond: number | null = null;
  private loopTimer: ReturnType<typeof setTimeout> | null = null;
  private rate = 0;
  private lastProgress = 0;
  private busy: Promise<void> = Promise.resolve();

  constructor(private readonly host: SessionHost) {}

  /** Commands are applied strictly in order, each after the previous one finished. */
  handle(cmd: Command): void {
    this.busy = this.busy.then(() => this.apply(cmd)).catch((e: unknown) => this.fail(e));
  }

  private async apply(cmd: Command): Promise<void> {
    switch (cmd.type) {
      case 'configure':
        this.config = cmd.config;
        if (!this.backend || (cmd.backend !== 'auto' && cmd.backend !== this.backend.name)) {
          // The run these phases lead to is the next one: rebuild() numbers it.
          await this.loadData(this.runId + 1);
          this.status(this.runId + 1, { phase: 'backends' });
          this.backend = await chooseBackend(cmd.backend, {
            ...this.host.backendOptions,
            measure: (name, best) => {
              this.status(this.runId + 1, { phase: 'measure', backend: name });
              return this.measure(name, best);
            },
          });
        }
        await this.rebuild();
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
        await this.rebuild();
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

  private async rebuild(): Promise<void> {
    if (!this.config || !this.backend) return;
    this.trainer?.dispose();
    this.trainer = null;
    this.playing = false;
    this.target = null;
    this.runId++;
    const data = await this.loadData(this.runId);
    this.status(this.runId, { phase: 'build' });
    const trainer = new LockstepTrainer(this.config, data);
    this.trainer = trainer;
    this.host.emit({
      type: 'ready',
      runId: this.runId,
      backend: this.backend,
      arms: trainer.arms.map((a) => ({
        name: a.name,
        norm: a.spec.norm,
        placement: a.spec.placement,
        learningRate: a.learningRate,
        params: a.layout.map((p) => ({ name: p.name, layer: p.layer, role: p.role, shape: [...p.shape] })),
      })),
      layers: trainer.architecture.hidden.map((l) => ({ kind: l.kind, units: l.units, stride: l.stride, outShape: [...l.outShape] })),
      inputShape: [...trainer.architecture.inputShape],
      numClasses: trainer.architecture.numClasses,
      dataset: data.name,
      points: data.inputShape.length === 1 && data.inputShape[0] === 2 ? { xy: data.testX.slice(), labels: data.testY.slice() } : null,
    });
    this.status(this.runId, { phase: 'probe' });
    await this.probe();
  }

  /** The configuration's dataset, cached while the settings it depends on stay the same. */
  private async loadData(runId: number): Promise<Dataset> {
    const c = this.config!;
    const key = `${c.dataset.name}|${c.dataset.noise}|${c.seed}|${c.model.kind}`;
    if (this.dataset?.key !== key) {
      this.status(runId, { phase: 'data', dataset: c.dataset.name });
      this.dataset = { key, data: await loadDataset(c, () => this.host.fetchMnist()) };
    }
    return this.dataset.data;
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
    const trainer = new LockstepTrainer(this.config!, this.dataset!.data);
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
