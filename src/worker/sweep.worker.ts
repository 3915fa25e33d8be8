/// <reference lib="webworker" />
// First: configures zod before any module below parses a schema.
import '../platform/cspSafeZod';
import { fetchMnistBytes, wasmPaths } from '../platform/wasmPaths';
import { createSweepRunner, type SweepStart } from './sweepRunner';

// The sweep view's worker: trains a sweep's runs one after another, apart from the lab's own training worker.
const scope = self as unknown as DedicatedWorkerGlobalScope;
const runner = createSweepRunner({ emit: (e) => scope.postMessage(e), fetchMnist: fetchMnistBytes, backendOptions: { wasmPaths } });
scope.onmessage = (e: MessageEvent<SweepStart>) => void runner.handle(e.data);
