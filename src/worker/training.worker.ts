/// <reference lib="webworker" />
// First: configures zod before any module below parses a schema.
import '../platform/cspSafeZod';
import { fetchMnistBytes, wasmPaths } from '../platform/wasmPaths';
import { transferables, type Command } from './protocol';
import { TrainingSession } from './session';

// The Web Worker entry: a TrainingSession whose events are posted to the page, snapshots by transfer.
const scope = self as unknown as DedicatedWorkerGlobalScope;
const session = new TrainingSession({
  emit: (event) => scope.postMessage(event, event.type === 'probe' ? transferables(event.snapshot) : []),
  fetchMnist: fetchMnistBytes,
  backendOptions: { wasmPaths },
  sliceMs: 30,
  // The page keeps the device's timings (a worker has no localStorage).
  remember: (event) => scope.postMessage(event),
});
scope.onmessage = (e: MessageEvent<Command>) => session.handle(e.data);
