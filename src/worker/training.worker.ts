/// <reference lib="webworker" />
// The training worker's entry, a few kB on purpose. It runs as soon as its own script has arrived, and from there asks
// at once for the digits, when its name says the run will train on them (headStart.ts), and for the session's code
// (TensorFlow.js, its WebAssembly backend and the engine; the build asks for the chunks that code imports at the same
// time: vite.config.ts). Before, the digits were asked for only once the page had decoded the link and sent the run.
// The digits are only downloaded here, not decoded: decoding them (gunzip, then every pixel scaled) takes this thread
// for some 200 ms, which, done as soon as they arrived, held back the session's code behind it; the session decodes
// them once it has asked for the backend's binary, which then downloads and compiles meanwhile (session.ts).
import { fetchMnistBytes } from '../platform/wasmPaths';
import { headStartOf } from './headStart';
import type { Command } from './protocol';
import type { WorkerSession } from './trainingSession';

const scope = self as unknown as DedicatedWorkerGlobalScope;
// Start-up marks (named `startup:`), for a profile of the way to the first chart (a DevTools trace shows them).
performance.mark('startup:worker-entry');

const digits = headStartOf(scope.name).digits ? fetchMnistBytes() : null;
// Its failure is reported, with the file's name, by the session's load that takes it.
digits?.then(
  () => performance.mark('startup:digits-fetched'),
  () => undefined,
);

/** Commands that came before the session's code: handed to it, in order, once it has loaded. */
const held: Command[] = [];
let session: WorkerSession | null = null;
scope.onmessage = (e: MessageEvent<Command>) => {
  if (session) session.handle(e.data);
  else held.push(e.data);
};

import('./trainingSession').then(
  ({ startWorkerSession }) => {
    session = startWorkerSession(scope, digits);
    performance.mark('startup:worker-session');
    for (const cmd of held.splice(0)) session.handle(cmd);
  },
  (e: unknown) => {
    // Thrown from a task of its own, the failure reaches the page as the worker's error event, as a script that did
    // not load would: the page then trains on its main thread and says why.
    setTimeout(() => {
      throw e instanceof Error ? e : new Error(String(e));
    });
  },
);
