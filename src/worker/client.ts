import type { Command, SessionEvent } from './protocol';

export interface SessionClient {
  send(cmd: Command): void;
  dispose(): void;
  /** Where training runs, and why, for the page to say. */
  readonly mode: 'worker' | 'main-thread';
  readonly reason: string;
}

/**
 * Starts the training session in a module Web Worker; where workers are unavailable (or the worker fails to
 * start), the same session runs on the main thread in short time slices, and `mode` says so.
 */
export async function createSessionClient(onEvent: (e: SessionEvent) => void, opts: { forceMainThread?: boolean } = {}): Promise<SessionClient> {
  if (!opts.forceMainThread && typeof Worker !== 'undefined') {
    try {
      const worker = new Worker(new URL('./training.worker.ts', import.meta.url), { type: 'module', name: 'training' });
      worker.onmessage = (e: MessageEvent<SessionEvent>) => onEvent(e.data);
      worker.onerror = (e) => {
        e.preventDefault();
        onEvent({ type: 'error', runId: -1, message: `the training worker failed: ${e.message || 'unknown error'}` });
      };
      return { send: (cmd) => worker.postMessage(cmd), dispose: () => worker.terminate(), mode: 'worker', reason: 'training runs in a Web Worker' };
    } catch (e) {
      return mainThread(onEvent, `no Web Worker (${e instanceof Error ? e.message : String(e)}): training runs on the main thread`);
    }
  }
  return mainThread(onEvent, opts.forceMainThread ? 'training runs on the main thread (requested)' : 'no Web Worker support: training runs on the main thread');
}

async function mainThread(onEvent: (e: SessionEvent) => void, reason: string): Promise<SessionClient> {
  const [{ TrainingSession }, { fetchMnistBytes, wasmPaths }] = await Promise.all([import('./session'), import('../platform/wasmPaths')]);
  // Short slices so rendering and input get the thread between them.
  const session = new TrainingSession({ emit: onEvent, fetchMnist: fetchMnistBytes, backendOptions: { wasmPaths }, sliceMs: 8 });
  return { send: (cmd) => session.handle(cmd), dispose: () => session.handle({ type: 'pause' }), mode: 'main-thread', reason };
}
