import type { Graphics } from '../engine/backendPlan';
import { localDeviceMemory, type DeviceMemory } from '../platform/backendMemory';
import { enqueueCommand } from './commandQueue';
import type { Command, SessionEvent, SessionMessage } from './protocol';
import { startTrainingWorker } from './trainingWorker';

export type ExecutionMode = 'worker' | 'main-thread';

export interface SessionClient {
  send(cmd: Command): void;
  dispose(): void;
  /** Where training runs, and why, for the page to say; it changes once if the worker fails before its first run. */
  readonly mode: ExecutionMode;
  readonly reason: string;
  /** A few words for the header: "in a Web Worker", "on the main thread", "on the main thread (the worker failed)". */
  readonly label: string;
}

/** The part of a Worker the client uses (a test passes a fake). */
export interface WorkerLike {
  postMessage(cmd: Command): void;
  terminate(): void;
  onmessage: ((e: MessageEvent<SessionMessage>) => void) | null;
  onerror: ((e: ErrorEvent) => void) | null;
}

/** What runs the session on the main thread: loaded on demand, since the worker usually makes it unneeded. */
export type MainThreadLoader = () => Promise<(emit: (e: SessionMessage) => void) => { handle(cmd: Command): void }>;

export interface SessionClientOptions {
  forceMainThread?: boolean;
  /** Told when training moves to the main thread after the worker failed, with the client's new mode. */
  onModeChange?: (client: SessionClient) => void;
  /** The training worker (tests: a fake; the page: the one its entry started early); null where there is none. */
  startWorker?: (() => WorkerLike) | null;
  loadMainThread?: MainThreadLoader;
  /** Where this device's backend timings are kept between visits (default: localStorage; null: nowhere). */
  memory?: DeviceMemory | null;
  /** This device's WebGL renderer, if the page has read it (the session reads it itself otherwise). */
  graphics?: Graphics | null;
}


const defaultMainThread: MainThreadLoader = async () => {
  const [{ TrainingSession, WEBGL }, { fetchMnistBytes, wasmPaths }] = await Promise.all([import('./session'), import('../platform/wasmPaths')]);
  // Short slices so rendering and input get the thread between them; no background timing of WebGL, whose shader
  // compilation would freeze the page (a timing kept from an earlier visit is still used).
  return (emit) => new TrainingSession({ emit, remember: emit, fetchMnist: fetchMnistBytes, backendOptions: { wasmPaths }, sliceMs: 8, gpu: { ...WEBGL, time: null } });
};

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * Starts the training session in a module Web Worker. Where workers are unavailable, or the worker fails before
 * its first run is ready (its script does not load, or throws as it starts), the same session runs on the main
 * thread in short time slices, the commands the worker had been sent are replayed to it, and `mode` says so.
 *
 * Every event passes through here, so the client knows the newest run id and tags its own errors with it (an
 * error is applied only to the run it belongs to).
 */
export function createSessionClient(onEvent: (e: SessionEvent) => void, opts: SessionClientOptions = {}): SessionClient {
  let runId = 0;
  const memory = opts.memory === undefined ? localDeviceMemory() : opts.memory;
  const deliver = (e: SessionMessage) => {
    // A timing of this device belongs to no run: it is kept for later visits, and the page's store never sees it.
    if (e.type === 'timing') {
      memory?.write(e);
      return;
    }
    runId = Math.max(runId, e.runId);
    onEvent(e);
  };
  /** What a new session is told first: this device's timings from earlier visits, and its WebGL if the page read it. */
  const greeting = (): Command[] => (memory || opts.graphics ? [{ type: 'timings', known: memory?.read() ?? {}, ...(opts.graphics ? { graphics: opts.graphics } : {}) }] : []);
  const fail = (message: string) => deliver({ type: 'error', runId, message });

  let mode: ExecutionMode = 'worker';
  let reason = 'training runs in a Web Worker';
  let label = 'in a Web Worker';
  let target: { send(cmd: Command): void; dispose(): void };

  const client: SessionClient = {
    send: (cmd) => target.send(cmd),
    dispose: () => target.dispose(),
    get mode() {
      return mode;
    },
    get reason() {
      return reason;
    },
    get label() {
      return label;
    },
  };

  const toMainThread = (why: string, short: string, replay: Command[] = []) => {
    mode = 'main-thread';
    reason = why;
    label = short;
    target = mainThread(opts.loadMainThread ?? defaultMainThread, deliver, fail);
    for (const cmd of [...greeting(), ...replay.filter((c) => c.type !== 'timings')]) target.send(cmd);
  };

  const startWorker = opts.startWorker === undefined ? (typeof Worker === 'undefined' ? null : startTrainingWorker) : opts.startWorker;
  if (opts.forceMainThread) {
    toMainThread('training runs on the main thread (requested)', 'on the main thread');
  } else if (!startWorker) {
    toMainThread('no Web Worker support: training runs on the main thread', 'on the main thread');
  } else {
    try {
      target = inWorker(startWorker(), deliver, fail, (why, sent) => {
        toMainThread(`the training worker failed to start (${why}): training runs on the main thread`, 'on the main thread (the worker failed)', sent);
        opts.onModeChange?.(client);
      });
      for (const cmd of greeting()) target.send(cmd);
    } catch (e) {
      toMainThread(`no Web Worker (${messageOf(e)}): training runs on the main thread`, 'on the main thread');
    }
  }
  return client;
}

/** The longest a run's 'ready' waits for its first probe (inWorker): they are posted together, so this is a safety. */
const READY_HOLD_MS = 250;

/**
 * The session in a worker. Until the worker's first run is ready, the commands sent are kept (merged as the
 * session merges them), so that if the worker fails they can be replayed on the main thread; after that a
 * failure is an error of the run on screen.
 */
function inWorker(worker: WorkerLike, deliver: (e: SessionMessage) => void, fail: (message: string) => void, fallBack: (why: string, sent: Command[]) => void) {
  let proven = false;
  let dead = false;
  const sent: Command[] = [];
  // A run's 'ready' waits for the message after it, the run's first probe (the session posts the two back to back), so
  // that both reach the page in one task and its first frame draws the run with its first picture. Delivered apart, a
  // frame came in between that drew the run without it while the probe waited (some 100 ms on the way to the first
  // chart). A timer delivers it should nothing follow.
  let held: SessionMessage | null = null;
  let holding: ReturnType<typeof setTimeout> | undefined;
  const release = () => {
    if (!held) return;
    const e = held;
    held = null;
    clearTimeout(holding);
    deliver(e);
  };
  worker.onmessage = (e) => {
    if (dead) return;
    if (e.data.type === 'ready' && !proven) {
      proven = true;
      sent.length = 0;
    }
    release();
    if (e.data.type === 'ready') {
      held = e.data;
      holding = setTimeout(release, READY_HOLD_MS);
      return;
    }
    deliver(e.data);
  };
  worker.onerror = (e) => {
    // Handled here: the page says what happened, the console need not.
    e.preventDefault();
    if (dead) return;
    release();
    // A script that does not load gives an event with no message.
    const why = e.message || 'its script did not load';
    if (proven) {
      fail(`the training worker failed: ${why}`);
      return;
    }
    dead = true;
    worker.terminate();
    fallBack(why, sent.splice(0));
  };
  return {
    send(cmd: Command) {
      if (!proven) enqueueCommand(sent, cmd);
      worker.postMessage(cmd);
    },
    dispose: () => {
      clearTimeout(holding);
      worker.terminate();
    },
  };
}

/**
 * The session on the main thread, once its code has loaded; commands wait (merged) until then. If the code does
 * not load (offline, say), that is the run's error, and the next configure or reset tries again.
 */
function mainThread(load: MainThreadLoader, deliver: (e: SessionMessage) => void, fail: (message: string) => void) {
  let session: { handle(cmd: Command): void } | null = null;
  let loading = false;
  const waiting: Command[] = [];
  const start = () => {
    loading = true;
    load().then(
      (create) => {
        loading = false;
        session = create(deliver);
        for (const cmd of waiting.splice(0)) session.handle(cmd);
      },
      (e: unknown) => {
        loading = false;
        fail(`could not load the training engine: ${messageOf(e)}`);
      },
    );
  };
  start();
  return {
    send(cmd: Command) {
      if (session) {
        session.handle(cmd);
        return;
      }
      enqueueCommand(waiting, cmd);
      if (!loading && (cmd.type === 'reset' || cmd.type === 'configure')) start();
    },
    dispose() {
      session?.handle({ type: 'pause' });
      waiting.length = 0;
    },
  };
}
