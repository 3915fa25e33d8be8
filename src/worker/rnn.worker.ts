/// <reference lib="webworker" />
// First: configures zod before any module below parses a schema.
import '../platform/cspSafeZod';
import { fetchMnistBytes, wasmPaths } from '../platform/wasmPaths';
import { createRnnRunner, type RnnCommand } from './rnnRunner';

// The RNN view's worker: the three recurrent arms, trained apart from the lab's own training worker.
const scope = self as unknown as DedicatedWorkerGlobalScope;
const runner = createRnnRunner({ emit: (e) => scope.postMessage(e), fetchMnist: fetchMnistBytes, backendOptions: { wasmPaths } });
scope.onmessage = (e: MessageEvent<RnnCommand>) => void runner.handle(e.data);
