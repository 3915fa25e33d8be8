/// <reference lib="webworker" />
// First: configures zod before any module below parses a schema.
import '../platform/cspSafeZod';
import { fetchMnistBytes, wasmPaths } from '../platform/wasmPaths';
import { transferables, type Command } from './protocol';
import { TrainingSession, messageTask } from './session';

// The Web Worker entry: a TrainingSession whose events are posted to the page, snapshots by transfer.
const scope = self as unknown as DedicatedWorkerGlobalScope;
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
scope.onmessage = (e: MessageEvent<Command>) => session.handle(e.data);
// While the page still loads its own code and reads the link, download and compile the WebAssembly backend's code:
// nearly every run starts on it (backendPlan.ts), and the session's own import then finds it loaded. Only the code:
// the backend itself starts when the session asks for it.
import('@tensorflow/tfjs-backend-wasm').catch(() => {
  // The session's own import meets the same failure and reports it.
});
