// The wasm binaries as Vite assets (hashed copies in the build); setWasmPaths takes this map by file name.
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

export const wasmPaths: Record<string, string> = {
  'tfjs-backend-wasm.wasm': wasmUrl,
  'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl,
};

/** The converted MNIST digits, served from public/ (made by scripts/convert-mnist.mjs). */
export async function fetchMnistBytes(): Promise<Uint8Array> {
  const res = await fetch(new URL('data/mnist.bin', new URL(import.meta.env.BASE_URL, self.location.href)));
  if (!res.ok) throw new Error(`could not load the MNIST digits (HTTP ${res.status})`);
  return new Uint8Array(await res.arrayBuffer());
}
