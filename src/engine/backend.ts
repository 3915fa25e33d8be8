import { readGraphics } from './backendPlan';
import { tf } from './tf';

export type BackendName = 'webgl' | 'wasm' | 'cpu';

export interface BackendChoice {
  readonly name: BackendName;
  /** Why this backend runs, in words for the page and the CLI's log. */
  readonly reason: string;
  /** When this run's backend replaced the previous run's: what happened, in a sentence for the page to show once. */
  readonly change?: string;
}

export interface BackendOptions {
  /** Where the wasm binaries are: a directory ('…/') or a map from file name to URL (Vite's `?url` imports). */
  wasmPaths?: string | Record<string, string>;
}

const loaded = new Set<BackendName>();

type WasmModule = typeof import('@tensorflow/tfjs-backend-wasm');
let bundledWasm: WasmModule | null = null;

/**
 * The WebAssembly backend's module, where the caller's own code includes it (the training worker's session does, so
 * that its first run needs no more downloads than the binary): taken instead of the dynamic import, which a bundler
 * then leaves as a small chunk of its own, one more round trip on the way to the first run.
 */
export function provideWasmBackend(module: WasmModule): void {
  bundledWasm = module;
}

/** Imports a backend's module on demand, so Node never loads WebGL and the page loads only what it uses. */
async function register(name: BackendName, opts: BackendOptions): Promise<void> {
  if (loaded.has(name)) return;
  if (name === 'cpu') await import('@tensorflow/tfjs-backend-cpu');
  if (name === 'webgl') await import('@tensorflow/tfjs-backend-webgl');
  if (name === 'wasm') {
    const wasm = bundledWasm ?? (await import('@tensorflow/tfjs-backend-wasm'));
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
  return readGraphics().kind !== 'none';
}

/**
 * Picks the backend: an explicit request is honoured when it can run (else the next in webgl → wasm → cpu order,
 * with the reason); 'auto' takes the first of the candidates that starts (webgl only where there is WebGL2). The
 * page does not use 'auto': it plans its start from what it knows of this device (backendPlan.ts).
 */
export async function chooseBackend(request: BackendName | 'auto', opts: BackendOptions & { candidates?: BackendName[] } = {}): Promise<BackendChoice> {
  const order: BackendName[] = opts.candidates ?? ['webgl', 'wasm', 'cpu'];
  if (request !== 'auto') {
    if (await trySetBackend(request, opts)) return { name: request, reason: `${request} requested` };
    for (const alt of order.filter((b) => b !== request)) {
      if (await trySetBackend(alt, opts)) return { name: alt, reason: `${request} requested but unavailable here; fell back to ${alt}` };
    }
    throw new Error('no TensorFlow.js backend could start');
  }
  const why: string[] = [];
  for (const b of order) {
    if (b === 'webgl' && !hasWebGL2()) {
      why.push('no WebGL2');
      continue;
    }
    if (await trySetBackend(b, opts)) return { name: b, reason: why.length ? `${b} (${why.join('; ')})` : `${b} (first available)` };
    why.push(`${b} failed to start`);
  }
  throw new Error('no TensorFlow.js backend could start');
}
