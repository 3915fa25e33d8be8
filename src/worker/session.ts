import type { ExperimentConfig } from '../config/schema';
import { preloadKernels } from '../engine/fast/kernels';
import { chooseBackend, trySetBackend, type BackendChoice, type BackendName, type BackendOptions } from '../engine/backend';
import {
  BACKEND_LABEL,
  knownTiming,
  planBackend,
  readGraphics,
  rendererKey,
  withTiming,
  workloadKind,
  type BackendPlan,
  type BackendTiming,
  type Graphics,
  type KnownTimings,
} from '../engine/backendPlan';
import { timeBackends } from '../engine/backendTiming';
import { DatasetLoader } from '../engine/data/load';
import type { Dataset } from '../engine/data/types';
import { LockstepTrainer } from '../engine/trainer';
import { enqueueCommand, rebuildWaiting } from './commandQueue';
import type { Command, SessionEvent, SessionPhase, TimingEvent } from './protocol';

/**
 * How the session finds and times this device's GPU backend. The page's is WebGL (WEBGL); tests stand in for it,
 * since Node has no WebGL.
 */
export interface GpuAccess {
  /** The backend that runs on a GPU. */
  backend: BackendName;
  /** This context's WebGL renderer, read once, when the first run's backend is planned. */
  graphics(): Graphics;
  /**
   * Times a training step on several backends (timeBackends), in the background; null where it must not run: on the
   * main thread, WebGL's first steps compile shaders for a second or more, which would freeze the page.
   */
  time: typeof timeBackends | null;
}

export const WEBGL: GpuAccess = { backend: 'webgl', graphics: readGraphics, time: timeBackends };

export interface SessionHost {
  emit(event: SessionEvent): void;
  fetchMnist(): Promise<Uint8Array>;
  backendOptions: BackendOptions;
  /** Longest stretch of training before yielding to messages (and, on the main thread, to rendering). */
  sliceMs: number;
  /** Keeps what the session measured of this device for later visits (the page keeps it in localStorage). */
  remember?(event: TimingEvent): void;
  /** The GPU backend (default: WEBGL). */
  gpu?: GpuAccess;
  /** Idle time before the background timing (default: BACKGROUND_TIMING_DELAY_MS). */
  timingDelayMs?: number;
  /**
   * Queues the next slice of training as a new task at once, and returns what cancels it (default: setTimeout(0),
   * which leaves the page's thread its 4-ms breaks between slices; the worker's: messageTask).
   */
  nextTask?(run: () => void): () => void;
}

/**
 * A new task at once, through a message to itself: unlike a chain of setTimeout(0), which HTML clamps to 4 ms from
 * the fifth nested call on, it is not delayed. Between the worker's 30-ms slices of training the clamp measured 6–10 ms
 * on a busy machine (2 ms this way), a sixth of the worker's speed. Returns what cancels it.
 */
export function messageTask(run: () => void): () => void {
  const channel = new MessageChannel();
  let live = true;
  channel.port1.onmessage = () => {
    channel.port1.close();
    if (live) run();
  };
  channel.port2.postMessage(null);
  return () => {
    live = false;
    channel.port1.close();
  };
}

/** setTimeout, as a function that cancels it. */
function timerTask(run: () => void, delay: number): () => void {
  const timer = setTimeout(run, delay);
  return () => clearTimeout(timer);
}

/** How long the session waits, idle with a run on screen, before timing the GPU backend: the page settles first. */
export const BACKGROUND_TIMING_DELAY_MS = 1000;

/** A plan to start on, or a backend asked for by name (a link's `be=`), which chooseBackend starts and explains. */
type StartPlan = (BackendPlan & { named: false }) | { name: BackendName; named: true };

/** Lets messages (and, on the main thread, input and rendering) that are already waiting in the event loop in. */
const yieldToEvents = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

let kernelsCompiled: Promise<void> | null = null;
/**
 * The fast path's module, compiled once (asynchronously: a page's main thread may not compile it synchronously), and
 * begun as the session is made: the compiler's threads work while the digits and the backend load, not after them
 * on the way to the first run. A compile that fails is tried again by the next run's build; meanwhile the trainer
 * stays on tfjs.
 */
function compileKernels(): Promise<void> {
  kernelsCompiled ??= preloadKernels().catch(() => {
    kernelsCompiled = null;
  });
  return kernelsCompiled;
}

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
  /** The backend the newest configure asked for by name, until it is started ('auto': none). */
  private requested: BackendName | 'auto' = 'auto';
  /** A configure named a backend (a link's `be=`): the session keeps the one it got, never a measured one. */
  private pinned = false;
  private backend: BackendChoice | null = null;
  /** Backends that failed to start in this session: not planned again. */
  private readonly unstartable = new Set<BackendName>();
  private readonly gpu: GpuAccess;
  /** This context's WebGL, read once, when the first run's backend is planned. */
  private graphics: Graphics | null = null;
  /** What the page kept of earlier visits' timings, and what this session measured since. */
  private known: KnownTimings = {};
  /** The kind of network (workloadKind) to time the GPU backend on once the session is idle, or null. */
  private timingDue: string | null = null;
  private timingTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly data: DatasetLoader;
  /** The digits' bytes downloaded ahead (fetchedAhead), until the first load of the digits takes them. */
  private mnistAhead: Promise<Uint8Array> | null = null;
  /** The dataset of the run being built or trained (the background timing trains on it too). */
  private dataset: Dataset | null = null;
  private pending: Command[] = [];
  private runId = 0;
  private playing = false;
  private target: number | null = null;
  private stepsPerSecond: number | null = null;
  /** Cancels the pending slice, if one is queued. */
  private loopTimer: (() => void) | null = null;
  private rate = 0;
  private lastProgress = 0;
  private busy: Promise<void> = Promise.resolve();

  constructor(private readonly host: SessionHost) {
    this.data = new DatasetLoader(() => {
      const ahead = this.mnistAhead;
      this.mnistAhead = null;
      return ahead ?? this.host.fetchMnist();
    });
    this.gpu = host.gpu ?? WEBGL;
    void compileKernels();
  }

  /**
   * The MNIST file's bytes, already downloading ahead of the first configure (the worker's entry): the first load of
   * the digits decodes these instead of downloading them again (a failed download is that load's error; the next
   * load downloads anew).
   */
  fetchedAhead(bytes: Promise<Uint8Array>): void {
    // Its failure is the taking load's to report: not an unhandled rejection meanwhile.
    bytes.catch(() => undefined);
    this.mnistAhead = bytes;
  }

  /**
   * Commands are applied in order, each after the previous one finished, except those a newer command makes
   * pointless, which are dropped while they wait.
   */
  handle(cmd: Command): void {
    // A configure or reset replaces the run on screen: it stops now, not when the rebuild gets its turn (behind
    // the slices already queued, seconds on a busy machine), and the page is told, so its Play button is not left
    // saying Pause for a run that is going away. A play sent after the change plays the new run.
    if ((cmd.type === 'configure' || cmd.type === 'reset') && this.playing) {
      this.playing = false;
      this.target = null;
      this.progress(true);
    }
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
        if (cmd.backend !== 'auto') {
          this.requested = cmd.backend;
          this.pinned = true;
        }
        await this.setUp();
        break;
      case 'timings':
        this.known = cmd.known;
        // The page's reading of this device's WebGL, made before the worker could: the session need not make its own.
        if (cmd.graphics) this.graphics ??= cmd.graphics;
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
    this.whenIdle();
  }

  /**
   * The data and the backend together (the wasm binary downloads and compiles while the digits are decoded), then
   * the run. The backend is the one a configure named, if any; else the one planned for this device and kind of
   * network (planBackend): WebAssembly at once, unless WebGL was measured clearly faster here. Every step is done again
   * after a failure, so a configure or reset after one starts over where it failed.
   */
  private async setUp(): Promise<void> {
    if (!this.config) return;
    // A burst of changes arrives as many messages: let those already sent in first, so they merge.
    await yieldToEvents();
    if (this.superseded()) return;
    // The run these phases lead to is the next one: rebuild() numbers it.
    const runId = this.runId + 1;
    const plan = this.plan();
    if (!this.backend || plan.name !== this.backend.name) {
      // The backend first: its binary downloads and compiles off this thread, so it is asked for before the digits
      // are decoded on it (some 200 ms). Decoded first, they held the binary's request back by as much, on the way to
      // the first chart. (The worker's entry downloaded the digits already; elsewhere their download starts a moment
      // later, after this thread's turn.)
      const starting = this.startBackend(plan);
      // Awaited below; handled now, so that a failure during the turn is not reported as unhandled meanwhile.
      starting.catch(() => undefined);
      await yieldToEvents();
      const data = this.loadData(runId);
      try {
        await data;
      } catch (e) {
        // Settled before the error is reported, so that a Reset does not start a backend while this one still starts.
        await starting.catch(() => undefined);
        throw e;
      }
      if (!this.superseded()) this.status(runId, { phase: 'backends' });
      this.backend = await starting;
      // Asked and answered: later configures keep this backend (one that fails over to another keeps that one).
      this.requested = 'auto';
      if (this.superseded()) return;
    } else if (!plan.named) {
      // The same backend, for a reason that may have changed (WebGL timed since, and found slower).
      this.backend = { name: this.backend.name, reason: plan.reason };
    }
    this.timingDue = !plan.named && plan.measure && this.backend.name === 'wasm' && this.gpu.time ? workloadKind(this.config) : null;
    await this.rebuild();
  }

  /** The backend this configuration should run on, and why. */
  private plan(): StartPlan {
    if (this.requested !== 'auto') return { name: this.requested, named: true };
    if (this.pinned && this.backend) return { name: this.backend.name, named: true };
    this.graphics ??= this.gpu.graphics();
    const timing = knownTiming(this.known, rendererKey(this.graphics), workloadKind(this.config!), this.gpu.backend, Date.now());
    const plan = planBackend(this.graphics, timing, this.gpu.backend, this.gpu.time !== null);
    // A backend that would not start here is not tried on every change of setting: the one running stays.
    if (this.backend && this.unstartable.has(plan.name)) return { name: this.backend.name, named: true };
    return { ...plan, named: false };
  }

  /** Starts the planned backend, or the next that starts (saying why); `change` when it replaces the previous run's. */
  private async startBackend(plan: StartPlan): Promise<BackendChoice> {
    const opts = this.host.backendOptions;
    if (plan.named) return chooseBackend(plan.name, opts);
    const previous = this.backend?.name ?? null;
    const change = (name: BackendName, sentence: string) => (previous !== null && previous !== name ? { change: sentence } : {});
    if (await trySetBackend(plan.name, opts)) return { name: plan.name, reason: plan.reason, ...change(plan.name, plan.change) };
    this.unstartable.add(plan.name);
    // A GPU measured fast on an earlier visit that no longer starts (a new driver, a GPU the browser now blocks).
    if (plan.name === this.gpu.backend) this.learn(workloadKind(this.config!), { gpu: plan.name, gpuMs: null, wasmMs: null, at: Date.now() });
    const next = await chooseBackend('wasm', { ...opts, candidates: ['wasm', 'cpu'].filter((b) => b !== plan.name) as BackendName[] });
    const failed = `${BACKEND_LABEL[plan.name]} failed to start here`;
    return { name: next.name, reason: `${next.name}: ${failed}, so ${BACKEND_LABEL[next.name]} runs the networks`, ...change(next.name, `Switched to ${BACKEND_LABEL[next.name]}: ${failed}.`) };
  }

  /** Keeps a timing of this device, and hands it to the page to keep for later visits. */
  private learn(workload: string, timing: BackendTiming): void {
    this.graphics ??= this.gpu.graphics();
    const renderer = rendererKey(this.graphics);
    this.known = withTiming(this.known, renderer, workload, timing);
    this.host.remember?.({ type: 'timing', renderer, workload, timing });
  }

  /** Nothing asked of the session, and a run on screen: the moment for background work. */
  private idle(): boolean {
    return this.trainer !== null && !this.playing && this.pending.length === 0;
  }

  /**
   * Times the GPU backend against WebAssembly once the session is idle (and again at its next idle moment if a
   * command interrupts it). A GPU that is clearly faster takes over at the next reset or change of setting, which
   * says so; the run on screen is never switched under the learner's eyes.
   */
  private whenIdle(): void {
    if (this.timingDue === null || this.timingTimer !== null || !this.idle()) return;
    this.timingTimer = setTimeout(() => {
      this.timingTimer = null;
      this.busy = this.busy.then(() => this.timeGpu()).catch(() => {
        // Background work: a failure of the timing itself is no failure of the run. It is not tried again.
        this.timingDue = null;
      });
    }, this.host.timingDelayMs ?? BACKGROUND_TIMING_DELAY_MS);
  }

  private async timeGpu(): Promise<void> {
    const { config, dataset, trainer, timingDue: workload } = this;
    const time = this.gpu.time;
    if (workload === null || !time || !config || !dataset || !trainer || !this.idle() || workloadKind(config) !== workload) return;
    const gpu = this.gpu.backend;
    const times = await time(config, dataset, ['wasm', gpu], {
      backendOptions: this.host.backendOptions,
      // Between rounds, messages get in; any command, or a new run, stops the timing until the next idle moment.
      interrupted: async () => {
        await yieldToEvents();
        return this.trainer !== trainer || !this.idle();
      },
    });
    if (times === null) {
      this.whenIdle();
      return;
    }
    this.timingDue = null;
    const gpuMs = times.get(gpu) ?? null;
    const wasmMs = times.get('wasm') ?? null;
    // WebAssembly runs this very session: if it could not be timed, there is nothing to compare.
    if (gpuMs !== null && wasmMs === null) return;
    this.learn(workload, { gpu, gpuMs, wasmMs, at: Date.now() });
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
    // The fast path's module, compiled since the session began (compileKernels); where it cannot be, the trainer
    // stays on tfjs.
    await compileKernels();
    if (this.superseded()) return;
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
      stepPath: trainer.path,
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
      testScored: trainer.testScored,
      numTest: data.numTest,
      points: data.inputShape.length === 1 && data.inputShape[0] === 2 ? { xy: data.testX.slice(), labels: data.testY.slice() } : null,
    });
    this.host.emit({ type: 'probe', runId: this.runId, snapshot: first });
    // A change of backend is told with the run that it began; the runs after it are on the same backend.
    if (this.backend.change !== undefined) this.backend = { name: this.backend.name, reason: this.backend.reason };
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
      this.loopTimer();
    }
    const run = () => {
      this.loopTimer = null;
      this.busy = this.busy.then(() => this.slice()).catch((e: unknown) => this.fail(e));
    };
    this.loopTimer = delay === 0 && this.host.nextTask ? this.host.nextTask(run) : timerTask(run, delay);
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
    } else this.whenIdle();
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
          // Not planned again on this device, this visit or the next (until the timing is old enough to retry).
          this.unstartable.add('webgl');
          if (this.gpu.backend === 'webgl' && this.config) this.learn(workloadKind(this.config), { gpu: 'webgl', gpuMs: null, wasmMs: null, at: Date.now() });
          this.backend = {
            name: next.name,
            reason: `WebGL failed (${message}); switched to ${next.name} and replayed to step ${step}`,
            change: `Switched to ${BACKEND_LABEL[next.name]}: WebGL failed (${message}), so the run was rebuilt and replayed to step ${step}.`,
          };
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
