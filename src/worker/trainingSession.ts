/// <reference lib="webworker" />
// The training worker's session, loaded by its entry (training.worker.ts) as it starts.
// First: configures zod before any module below parses a schema.
import '../platform/cspSafeZod';
import type { ParsedMnist } from '../engine/data/mnist';
import { fetchMnistBytes, wasmPaths } from '../platform/wasmPaths';
import { transferables, type Command } from './protocol';
import { TrainingSession, messageTask } from './session';

export interface WorkerSession {
  handle(cmd: Command): void;
}

/**
 * The session that trains in this worker; its events are posted to the page, snapshots by transfer. `digits`: the
 * MNIST file as the entry began to read it, if it did, which the session's first load of the digits takes.
 */
export function startWorkerSession(scope: DedicatedWorkerGlobalScope, digits: Promise<ParsedMnist> | null): WorkerSession {
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
  if (digits) session.readDigitsAhead(digits);
  return session;
}
