// The wasm binaries as Vite assets (hashed copies in the build); setWasmPaths takes this map by file name.
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

export const wasmPaths: Record<string, string> = {
  'tfjs-backend-wasm.wasm': wasmUrl,
  'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl,
};

/**
 * public/data/mnist.bin (made by scripts/convert-mnist.mjs). Vite rewrites this `new URL(…, import.meta.url)` to
 * a path relative to the bundle that contains it, so it resolves the same in the page and in the worker (whose
 * own location is assets/, where the relative BASE_URL './' would point) under whatever sub-path the build is
 * served from.
 */
const mnistUrl = new URL('/data/mnist.bin', import.meta.url);

/** The converted MNIST digits. The loader (engine/data/load.ts) adds which file, and keeps it once loaded. */
export async function fetchMnistBytes(): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetch(mnistUrl);
  } catch (e) {
    // The browser's own words ("Failed to fetch") say nothing of what to do about it.
    throw new Error(`the download failed (${e instanceof Error ? e.message : String(e)}); is the network down?`);
  }
  if (!res.ok) throw new Error(`the server answered HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`);
  return new Uint8Array(await res.arrayBuffer());
}
