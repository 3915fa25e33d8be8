import type { ExperimentConfig } from '../config/schema';
import type { BackendName } from './backend';

/**
 * Starting fast: which backend a page starts on, from what it can tell of the device at once, and what it measured
 * on earlier visits. Timing every backend on every load took 80% of the wait for the first chart (software WebGL
 * alone 2.5–3 s), to pick wasm every time on machines without a GPU.
 *
 * No TensorFlow.js here (types aside): the page's main thread reads and keeps timings with these functions, and must
 * not load tfjs-core to do it.
 */

/** What WebGL is in this context: absent; drawn in software; a GPU by name; or a name that says nothing. */
export type GraphicsKind = 'none' | 'software' | 'hardware' | 'unknown';

export interface Graphics {
  /** The renderer WebGL names (WEBGL_debug_renderer_info's UNMASKED_RENDERER_WEBGL, else RENDERER); null if none. */
  readonly renderer: string | null;
  readonly kind: GraphicsKind;
}

/**
 * Renderers that draw WebGL on the CPU, with the name to tell a learner. Chromium's SwiftShader, Mesa's llvmpipe,
 * softpipe and lavapipe, Windows' Basic Render Driver, and any that calls itself software (Apple's "Software Renderer").
 */
const SOFTWARE_RENDERERS: readonly [RegExp, string][] = [
  [/swiftshader/i, 'SwiftShader'],
  [/llvmpipe/i, 'llvmpipe'],
  [/softpipe/i, 'softpipe'],
  [/lavapipe/i, 'lavapipe'],
  [/basic render driver/i, 'Microsoft Basic Render Driver'],
  [/osmesa|mesa offscreen/i, 'OSMesa'],
  [/\bsoftware\b/i, 'a software renderer'],
];

/** Names a browser gives when it hides the real one (privacy settings, or no debug extension). */
const GENERIC_RENDERERS = /^(webkit webgl|mozilla|generic renderer|disabled|unknown)$/i;

/** The software renderer `renderer` names, in words for a learner; null when it is not one. */
export function softwareRendererName(renderer: string | null): string | null {
  if (!renderer) return null;
  return SOFTWARE_RENDERERS.find(([re]) => re.test(renderer))?.[1] ?? null;
}

/** Whether WebGL with this renderer is drawn by a GPU ('hardware'), in software, or cannot be told ('unknown'). */
export function classifyRenderer(renderer: string | null): Exclude<GraphicsKind, 'none'> {
  const name = renderer?.trim() ?? '';
  if (name === '' || GENERIC_RENDERERS.test(name)) return 'unknown';
  return softwareRendererName(name) ? 'software' : 'hardware';
}

/**
 * Reads this context's WebGL2 renderer (window or worker) through a throwaway 1×1 context, released at once: about
 * 13 ms in a worker on SwiftShader, against seconds to start and time the WebGL backend.
 */
export function readGraphics(): Graphics {
  let gl: WebGL2RenderingContext | null = null;
  try {
    if (typeof OffscreenCanvas !== 'undefined') gl = new OffscreenCanvas(1, 1).getContext('webgl2') as WebGL2RenderingContext | null;
    else if (typeof document !== 'undefined') gl = document.createElement('canvas').getContext('webgl2');
  } catch {
    gl = null;
  }
  if (!gl) return { renderer: null, kind: 'none' };
  try {
    const debug = gl.getExtension('WEBGL_debug_renderer_info');
    const value: unknown = gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER);
    const renderer = typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
    return { renderer, kind: classifyRenderer(renderer) };
  } catch {
    return { renderer: null, kind: 'unknown' };
  } finally {
    // Browsers keep only a few contexts alive: this one has served.
    gl.getExtension('WEBGL_lose_context')?.loseContext();
  }
}

/**
 * The kind of network a timing holds for: the GPU's advantage depends mostly on it (a CNN's convolutions gain far
 * more than a small MLP on 2-D points), much less on width or batch size.
 */
export function workloadKind(config: Pick<ExperimentConfig, 'dataset' | 'model'>): string {
  return `${config.dataset.name === 'mnist' ? 'digits' : 'points'}-${config.model.kind}`;
}

/** One timing of this device on one kind of network: milliseconds per training step (every arm in lockstep). */
export interface BackendTiming {
  /** The backend timed against WebAssembly: 'webgl' in the page. */
  readonly gpu: BackendName;
  /** null: it failed to start or to run. */
  readonly gpuMs: number | null;
  /** null when the GPU backend failed before WebAssembly was timed against it. */
  readonly wasmMs: number | null;
  /** When it was measured (Date.now()): drivers and browsers change, so old timings are measured again. */
  readonly at: number;
}

/** The timings this browser keeps between visits: by renderer, then by kind of network (workloadKind). */
export type KnownTimings = Readonly<Record<string, Readonly<Record<string, BackendTiming>>>>;

/** Timings older than this are measured again. */
export const TIMING_MAX_AGE_MS = 30 * 24 * 3600 * 1000;
/** At most this many renderers are remembered (a laptop with two GPUs, a docked and undocked one). */
export const MAX_RENDERERS = 4;
/**
 * WebGL takes over only when it is at least this much faster: below that the difference is within the noise of a
 * few timed steps, and WebAssembly's numbers replay exactly from a link (WebGL's may differ in the last digits).
 */
export const GPU_MARGIN = 1.25;

/** The key under which a renderer's timings are kept; a context without a renderer name shares one entry. */
export const rendererKey = (g: Graphics): string => g.renderer ?? '(unnamed)';

const isMs = (v: unknown): v is number | null => v === null || (typeof v === 'number' && Number.isFinite(v) && v > 0);
const isBackend = (v: unknown): v is BackendName => v === 'webgl' || v === 'wasm' || v === 'cpu';

/**
 * Known timings from untrusted storage (another version of the page, a hand edit, a full disk): what is well formed
 * is kept, the rest dropped, never an exception.
 */
export function parseKnownTimings(raw: unknown): KnownTimings {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return {};
  const devices: [string, Record<string, BackendTiming>][] = [];
  for (const [renderer, byWorkload] of Object.entries(raw)) {
    if (typeof byWorkload !== 'object' || byWorkload === null || Array.isArray(byWorkload)) continue;
    const timings: [string, BackendTiming][] = [];
    for (const [workload, t] of Object.entries(byWorkload as Record<string, unknown>)) {
      if (typeof t !== 'object' || t === null) continue;
      const { gpu, gpuMs, wasmMs, at } = t as Record<string, unknown>;
      if (isBackend(gpu) && isMs(gpuMs) && isMs(wasmMs) && typeof at === 'number' && Number.isFinite(at)) timings.push([workload, { gpu, gpuMs, wasmMs, at }]);
    }
    if (timings.length) devices.push([renderer, Object.fromEntries(timings)]);
  }
  return Object.fromEntries(devices.slice(-MAX_RENDERERS));
}

/** `known` with `timing` for this renderer and kind of network; the renderers least recently measured drop out first. */
export function withTiming(known: KnownTimings, renderer: string, workload: string, timing: BackendTiming): KnownTimings {
  const newest = (r: Readonly<Record<string, BackendTiming>>) => Math.max(...Object.values(r).map((t) => t.at));
  const mine = { ...(Object.hasOwn(known, renderer) ? known[renderer] : {}), [workload]: timing };
  const others = Object.entries(known)
    .filter(([r]) => r !== renderer)
    .sort((a, b) => newest(b[1]) - newest(a[1]))
    .slice(0, MAX_RENDERERS - 1);
  return Object.fromEntries([...others.reverse(), [renderer, mine]]);
}

/** The timing that holds for this renderer, kind of network and GPU backend now; undefined if none (or too old). */
export function knownTiming(known: KnownTimings, renderer: string, workload: string, gpu: BackendName, now: number): BackendTiming | undefined {
  // Own keys only: a renderer named "constructor" finds no timing on Object's prototype.
  const byWorkload = Object.hasOwn(known, renderer) ? known[renderer] : undefined;
  const t = byWorkload && Object.hasOwn(byWorkload, workload) ? byWorkload[workload] : undefined;
  return t && t.gpu === gpu && now - t.at <= TIMING_MAX_AGE_MS && t.at <= now ? t : undefined;
}

/** Whether a timing says the GPU backend is clearly faster than WebAssembly. */
export function gpuWins(t: BackendTiming): boolean {
  return t.gpuMs !== null && t.wasmMs !== null && t.gpuMs * GPU_MARGIN <= t.wasmMs;
}

/** Backend names as a learner reads them. */
export const BACKEND_LABEL: Readonly<Record<BackendName, string>> = { webgl: 'WebGL', wasm: 'WebAssembly', cpu: 'plain JavaScript (cpu)' };

/** Milliseconds as a learner reads them: "4.2", "13". */
const num = (x: number) => (x < 10 ? x.toFixed(1) : String(Math.round(x)));
/** A ratio: "3.1", and "1.09" near 1, where one decimal would make 1.04 read as "1.0× faster". */
const ratioText = (x: number) => (x < 2 ? x.toFixed(2) : num(x));

export interface BackendPlan {
  /** The backend to start on. */
  readonly name: BackendName;
  /** Why, for the header (BackendChoice.reason). */
  readonly reason: string;
  /** The sentence to show if this plan replaces another backend between runs. */
  readonly change: string;
  /** Time the GPU backend against WebAssembly in the background once the run is on screen. */
  readonly measure: boolean;
}

/**
 * Which backend to start on, at once: WebAssembly unless this device's GPU was measured clearly faster on this kind
 * of network. WebGL is timed (in the background, by the caller, where it `canTime`) only where a GPU is likely: never
 * where WebGL is drawn in software, and once per device and kind of network, since the timing is kept (`timing`).
 */
export function planBackend(graphics: Graphics, timing: BackendTiming | undefined, gpu: BackendName = 'webgl', canTime = true): BackendPlan {
  const G = BACKEND_LABEL[gpu];
  const wasm = (reason: string, change: string, measure = false): BackendPlan => ({ name: 'wasm', reason: `wasm: ${reason}`, change: `Switched to WebAssembly: ${change}.`, measure });
  if (graphics.kind === 'none') return wasm(`this browser offers no WebGL2, so WebAssembly runs the networks`, 'this browser offers no WebGL2');
  if (graphics.kind === 'software') {
    const soft = softwareRendererName(graphics.renderer) ?? 'software';
    return wasm(`${G} here is drawn in software (${soft}), not by a GPU, so it is not tried: WebAssembly runs the networks`, `${G} here is drawn in software (${soft})`);
  }
  const device = graphics.kind === 'hardware' ? 'this GPU' : 'this device';
  if (!timing && !canTime) {
    return wasm(
      `${G} has not been timed on ${device} for networks like this one, and training on the page's main thread does not time it, so WebAssembly runs the networks`,
      `${G} has not been timed on networks like this one`,
    );
  }
  if (!timing) {
    return wasm(
      `WebAssembly starts at once; ${G} is timed on ${device} in the background and takes over from the next run if it is clearly faster on networks like this one`,
      `${G} has not been timed on networks like this one yet`,
      true,
    );
  }
  if (timing.gpuMs === null || timing.wasmMs === null) {
    const when = new Date(timing.at).toISOString().slice(0, 10);
    return wasm(`${G} failed on ${device} when last tried (${when}), so WebAssembly runs the networks`, `${G} failed on ${device}`);
  }
  const ratio = timing.wasmMs / timing.gpuMs;
  const pair = `${num(timing.gpuMs)} against ${num(timing.wasmMs)} ms per training step`;
  if (gpuWins(timing)) {
    const said = `your GPU measured ${ratioText(ratio)}× faster than WebAssembly on networks like this one (${pair})`;
    return { name: gpu, reason: `${gpu}: ${said}`, change: `Switched to ${G}: ${said}.`, measure: false };
  }
  const verdict =
    ratio > 1
      ? `${G} measured only ${ratioText(ratio)}× faster than WebAssembly on ${device} for networks like this one (${pair}): too little to give up WebAssembly, whose numbers replay exactly from a link`
      : `WebAssembly measured faster than ${G} on ${device} for networks like this one (${num(timing.wasmMs)} against ${num(timing.gpuMs)} ms per training step)`;
  return wasm(verdict, ratio > 1 ? `${G} was not clearly faster on ${device} for networks like this one` : `it measured faster than ${G} on ${device} for networks like this one`);
}
