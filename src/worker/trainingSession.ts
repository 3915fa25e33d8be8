/// <reference lib="webworker" />
// The training worker's session, loaded by its entry (training.worker.ts) as it starts. No zod here: the session gets
// configurations already parsed by the page, and nothing it imports builds a schema (config/arms.ts).
// The WebAssembly backend, the one every fresh visit starts on (and the fallback and yardstick of the others), in this
// same script: left to the session's dynamic import (engine/backend.ts), its code and then a chunk it shares were asked
// for one after the other, only once this script had run, two round trips on the way to the first chart. Importing it
// registers the backend; nothing starts until the session sets one. WebGL's and cpu's code still load only when used.
import * as wasmBackend from '@tensorflow/tfjs-backend-wasm';
import { provideWasmBackend } from '../engine/backend';
import { fetchMnistBytes, wasmPaths } from '../platform/wasmPaths';
import { transferables, type Command } from './protocol';
import { TrainingSession, messageTask } from './session';

export interface WorkerSession {
  handle(cmd: Command): void;
}

provideWasmBackend(wasmBackend);

/**
 * The session that trains in this worker; its events are posted to the page, snapshots by transfer. `digits`: the
 * MNIST file's bytes as the entry began to download them, if it did, which the session's first load of the digits takes.
 */
export function startWorkerSession(scope: DedicatedWorkerGlobalScope, digits: Promise<Uint8Array> | null): WorkerSession {
  const session = new TrainingSession({
    emit: (event) => scope.postMessage(event, event.type === 'probe' ? transferables(event.snapshot) : []),
    fetchMnist: fetchMnistBytes,
    backendOptions: { wasmPaths },
    sliceMs: 30,
    // Slice after slice with no timer clamping in between: the page's thread is not this one.
    nextTask: messageTask,
    // The page keeps the device's timings (a worker has no localStorage).
    remember: (event) => scope.postMessage(event),
  });
  if (digits) session.fetchedAhead(digits);
  return session;
}
