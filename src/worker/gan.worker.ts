/// <reference lib="webworker" />
// First: configures zod before any module below parses a schema.
import '../platform/cspSafeZod';
import { wasmPaths } from '../platform/wasmPaths';
import { createGanRunner, type GanCommand } from './ganRunner';

// The GAN view's worker: the two GAN arms, trained apart from the lab's own training worker. Each probe's samples
// are transferred to the page, not copied.
const scope = self as unknown as DedicatedWorkerGlobalScope;
const runner = createGanRunner({
  emit: (e) => scope.postMessage(e, e.type === 'probe' ? e.probe.arms.map((a) => a.samples.buffer as ArrayBuffer) : []),
  backendOptions: { wasmPaths },
});
scope.onmessage = (e: MessageEvent<GanCommand>) => void runner.handle(e.data);
