import type { ExperimentConfig, NormKind, Placement } from '../config/schema';
import type { ParamInfo } from '../engine/model';
import type { BackendChoice, BackendName } from '../engine/backend';
import type { BackendTiming, Graphics, KnownTimings } from '../engine/backendPlan';
import type { ProbeSnapshot } from '../engine/probes/types';

/**
 * The typed protocol between the page and the training session (in a Web Worker, or on the main thread as a
 * fallback). Commands go in; events come out. Nothing else crosses.
 */
export type Command =
  | { type: 'configure'; config: ExperimentConfig; backend: BackendName | 'auto' }
  /** The same run with a new schedule of changes from the current step on: training goes on, nothing restarts. */
  | { type: 'schedule'; config: ExperimentConfig }
  | { type: 'play' }
  | { type: 'pause' }
  | { type: 'step' }
  | { type: 'reset' }
  | { type: 'runTo'; step: number }
  | { type: 'setSpeed'; stepsPerSecond: number | null }
  /**
   * What this browser measured of its device on earlier visits, which the page keeps (a worker has no localStorage),
   * and the WebGL renderer the page read as it started, if it did (main.tsx: a WebGL context made while the page draws
   * its first frames waits a third of a second for the GPU process, one made before that about 15 ms). Sent first,
   * before any configure; it outlives runs.
   */
  | { type: 'timings'; known: KnownTimings; graphics?: Graphics };

export interface ArmInfo {
  name: string;
  norm: NormKind;
  placement: Placement;
  /** Santurkar et al.'s noise after batch norm (its strength; absent or 0 for none): it moves the arm's bands in training mode. */
  noise?: number;
  /** Group norm's number of groups (absent for the other normalizations). */
  groups?: number;
  learningRate: number;
  /** The trainable tensors as the engine built them (name, layer, role, shape), for the network view's counts. */
  params: ParamInfo[];
}

export interface LayerInfo {
  kind: 'dense' | 'conv';
  units: number;
  stride: number;
  outShape: number[];
}

/** What a freshly built run is: its arms, its network and its data. The store keeps it as the run's state. */
export interface RunDescription {
  /** How the training steps are computed: the WebAssembly SIMD kernels (engine/fast) or the tfjs ops. */
  stepPath: 'fast' | 'tfjs';
  arms: ArmInfo[];
  layers: LayerInfo[];
  inputShape: number[];
  numClasses: number;
  dataset: string;
  /** The test examples each probe scores (the test set's first ones), of the test set's `numTest`. */
  testScored: number;
  numTest: number;
  /** 2-D datasets: the test points, [x0, y0, x1, y1, …] and their labels, for the decision-boundary view. */
  points: { xy: Float32Array; labels: Uint8Array } | null;
}

export type SessionEvent =
  /** A run was (re)built: the backend in use, the network of each arm. `runId` tags every later event of it. */
  | ({ type: 'ready'; runId: number; backend: BackendChoice } & RunDescription)
  /** Progress between probes: cheap, at most one per animation frame. */
  | { type: 'progress'; runId: number; step: number; playing: boolean; stepsPerSecond: number }
  /** A probe's read-back (typed arrays are transferred, not copied). */
  | { type: 'probe'; runId: number; snapshot: ProbeSnapshot }
  | { type: 'error'; runId: number; message: string }
  /**
   * What the session is busy with while the page waits: the start-up phases before a run is ready, and the first
   * step of a new network (the slowest). `runId` is the run the phase belongs to (the next one while building).
   */
  | ({ type: 'status'; runId: number } & SessionPhase);

/**
 * What the session measured of this device (WebGL against WebAssembly on one kind of network), for the page to keep
 * between visits. It belongs to no run, so it is not a SessionEvent: the client keeps it and the store never sees it.
 */
export interface TimingEvent {
  type: 'timing';
  renderer: string;
  workload: string;
  timing: BackendTiming;
}

/** Everything the session sends the page. */
export type SessionMessage = SessionEvent | TimingEvent;

/** The phases a page may wait through, in the order they happen. */
export type SessionPhase =
  /** Reading the digits (MNIST: a download and decoding) or drawing a synthetic set from the seed. */
  | { phase: 'data'; dataset: string }
  /** Loading and starting the TensorFlow.js backend (the wasm binary, or a WebGL context and its shaders). */
  | { phase: 'backends' }
  /** Building every arm's network from the seed. */
  | { phase: 'build' }
  /** Probing the new networks at step 0, the views' first picture: 'ready' comes with it, then the probe. */
  | { phase: 'probe' }
  /** The first training step of a new network, about to start. */
  | { phase: 'warmup'; step: number };

/** The typed-array buffers of a snapshot, for postMessage's transfer list. */
export function transferables(snapshot: ProbeSnapshot): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  const add = (a: Float32Array | null | undefined) => {
    if (a && a.buffer instanceof ArrayBuffer) out.add(a.buffer);
  };
  for (const arm of snapshot.arms) {
    add(arm.boundary?.probs);
    if (arm.landscape) [arm.landscape.stepSizes, arm.landscape.loss, arm.landscape.gradientChange].forEach(add);
    for (const l of arm.layers) {
      for (const d of l.inference ? [l, l.inference] : [l]) {
        add(d.pooled.percentiles);
        add(d.pooled.histogram);
        add(d.units.percentiles);
        add(d.units.mean);
        add(d.units.std);
        add(d.units.histogram);
      }
      if (l.bn) Object.values(l.bn).forEach(add);
      if (l.inspect) [l.inspect.gamma, l.inspect.beta, l.inspect.dGamma, l.inspect.dBeta, l.inspect.dMean, l.inspect.dVariance, l.inspect.x, l.inspect.dy, l.inspect.dx].forEach(add);
    }
  }
  return [...out];
}
