import type { WorkerLike } from './client';
import { trainingWorkerName } from './headStart';

/**
 * Starts the training worker. The page's entry (main.tsx) calls this as its first act, before the lab's own code
 * (React, the views, the schemas: most of the page's JavaScript) has even downloaded, so that the worker fetches and
 * compiles TensorFlow.js on one core while the page does the same with its own code on the other: the worker's start
 * is most of the wait for the first chart. `digits`: the run will train on MNIST (headStart.ts), so the worker reads
 * the digits at once, before the page has decoded the link and sent it the run.
 *
 * Whatever the worker says before the session client takes it over is kept for the client, not lost: above all an
 * error (its script did not load, or threw as it started), which makes the client run training on the main thread.
 */
export function startTrainingWorker({ digits = false }: { digits?: boolean } = {}): WorkerLike {
  return heldUntilHeard(new Worker(new URL('./training.worker.ts', import.meta.url), { type: 'module', name: trainingWorkerName({ digits }) }));
}

/** The parts of a Worker that heldUntilHeard wraps (a test passes a fake). */
export interface RawWorker {
  postMessage(message: unknown): void;
  terminate(): void;
  onmessage: ((e: MessageEvent) => void) | null;
  onerror: ((e: ErrorEvent) => void) | null;
}

/**
 * A worker whose events wait, in order, until a handler is set for them. A Worker drops a message or error that comes
 * while it has no handler, and the page's entry starts the worker some hundreds of milliseconds before the client
 * sets its handlers.
 */
export function heldUntilHeard(worker: RawWorker): WorkerLike {
  const held: ({ kind: 'message'; event: MessageEvent } | { kind: 'error'; event: ErrorEvent })[] = [];
  let onmessage: WorkerLike['onmessage'] = null;
  let onerror: WorkerLike['onerror'] = null;
  /** Hands on the held events, oldest first, for as long as the oldest has a handler (the order is kept). */
  const release = () => {
    for (let first = held[0]; first; first = held[0]) {
      if (first.kind === 'message' && onmessage) onmessage(first.event);
      else if (first.kind === 'error' && onerror) onerror(first.event);
      else return;
      held.shift();
    }
  };
  worker.onmessage = (event) => {
    if (onmessage && held.length === 0) onmessage(event);
    else held.push({ kind: 'message', event });
  };
  worker.onerror = (event) => {
    if (onerror && held.length === 0) {
      onerror(event);
      return;
    }
    // Handled: it is handed on when the client listens, and the page says what happened; the console need not.
    event.preventDefault();
    held.push({ kind: 'error', event });
  };
  // Released after the code that set the handler has finished (the client sets both, then sends its first
  // commands): a held error then finds the client whole, with every command it was sent kept for the fallback.
  const releaseSoon = () => queueMicrotask(release);
  return {
    postMessage: (cmd) => worker.postMessage(cmd),
    terminate: () => {
      held.length = 0;
      worker.terminate();
    },
    get onmessage() {
      return onmessage;
    },
    set onmessage(handler) {
      onmessage = handler;
      releaseSoon();
    },
    get onerror() {
      return onerror;
    },
    set onerror(handler) {
      onerror = handler;
      releaseSoon();
    },
  };
}
