import { tf } from './tf';

export type BackendName = 'webgl' | 'wasm' | 'cpu';

export interface BackendChoice {
  readonly name: BackendName;
  /** Why this backend runs, in words for the page and the CLI's log. */
  readonly reason: string;
}

export interface BackendOptions {
  /** Where the wasm binaries are: a directory ('…/') or a map from file name to URL (Vite's `?url` imports). */
  wasmPaths?: string | Record<string, string>;
}

const loaded = new Set<BackendName>();

/** Imports a backend's module on demand, so Node never loads WebGL and the page loads only what it uses. */
async function register(name: BackendName, opts: BackendOptions): Promise<void> {
  if (loaded.has(name)) return;
  if (name === 'cpu') await import('@tensorflow/tfjs-backend-cpu');
  if (name === 'webgl') await import('@tensorflow/tfjs-backend-webgl');
  if (name === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    if (opts.wasmPaths) wasm.setWasmPaths(opts.wasmPaths as never);
  }
  loaded.add(name);
}

/** Switches tfjs to `name`; false (and a console-free failure) when the backend cannot initialise here. */
export async function trySetBackend(name: BackendName, opts: BackendOptions = {}): Promise<boolean> {
  try {
    await register(name, opts);
    return await tf.setBackend(name);
  } catch {
    return false;
  }
}

/** WebGL2 in this context (window or worker): what tfjs-backend-webgl needs to run at full precision. */
export function hasWebGL2(): boolean {
  try {
    if (typeof OffscreenCanvas !== 'undefined') return new OffscreenCanvas(1, 1).getContext('webgl2') !== null;
    if (typeof document !== 'undefined') return document.createElement('canvas').getContext('webgl2') !== null;
  } catch {
    /* no WebGL */
  }
  return false;
}

/**
 * Picks the backend: an explicit request is honoured when it can run (else the next in webgl → wasm → cpu order,
 * with the reason); 'auto' takes the first that initialises, unless `measure` is given, which times each candidate
 * on the actual workload and keeps the fastest.
 */
export async function chooseBackend(
  request: BackendName | 'auto',
  opts: BackendOptions & { candidates?: BackendName[]; measure?: (name: BackendName, bestMs: number) => Promise<number> } = {},
): Promise<BackendChoice> {
  const order: BackendName[] = opts.candidates ?? ['webgl', 'wasm', 'cpu'];
  if (request !== 'auto') {
    if (await trySetBackend(request, opts)) return { name: request, reason: `${request} requested` };
    for (const alt of order.filter((b) => b !== request)) {
      if (await trySetBackend(alt, opts)) return { name: alt, reason: `${request} requested but unavailable here; fell back to ${alt}` };
    }
    throw new Error('no TensorFlow.js backend could start');
  }
  const usable: BackendName[] = [];
  const why: string[] = [];
  for (const b of order) {
    if (b === 'webgl' && !hasWebGL2()) {
      why.push('no WebGL2');
      continue;
    }
    if (await trySetBackend(b, opts)) usable.push(b);
    else why.push(`${b} failed to start`);
  }
  if (usable.length === 0) throw new Error('no TensorFlow.js backend could start');
  if (!opts.measure || usable.length === 1) {
    const name = usable[0]!;
    await tf.setBackend(name);
    return { name, reason: why.length ? `${name} (${why.join('; ')})` : `${name} (first available)` };
  }
  const times = new Map<BackendName, number>();
  for (const b of usable) {
    await tf.setBackend(b);
    times.set(b, await opts.measure(b, Math.min(Infinity, ...times.values())));
  }
  const best = [...times.entries()].sort((a, b) => a[1] - b[1])[0]![0];
  await tf.setBackend(best);
  const detail = [...times.entries()].map(([b, ms]) => `${b} ${ms.toFixed(1)} ms/step`).join(', ');
  return { name: best, reason: `${best}: measured fastest (${detail})${why.length ? `; ${why.join('; ')}` : ''}` };
}
