import { chooseBackend, type BackendChoice, type BackendOptions } from '../engine/backend';
import { mnistDataset, gunzip, parseMnistBinary } from '../engine/data/mnist';
import type { Dataset } from '../engine/data/types';
import type { RnnConfig } from '../engine/rnn/config';
import { RnnLockstep, type RnnProbe } from '../engine/rnn/lockstep';

/**
 * The RNN view's worker and its protocol: trains the three recurrent arms (src/engine/rnn) apart from the lab's own
 * training session, which it never touches. The view creates the worker when Train is first pressed and terminates
 * it when it unmounts; Pause and Resume are messages, taken between slices of training.
 */

/** Page → worker. */
export type RnnCommand = { type: 'start'; config: RnnConfig; steps: number } | { type: 'pause' } | { type: 'resume' };

/** Worker → page. */
export type RnnEvent =
  | { type: 'backend'; backend: BackendChoice }
  | { type: 'probe'; probe: RnnProbe }
  | { type: 'state'; state: 'running' | 'paused' | 'done' }
  | { type: 'failed'; message: string };

export interface RnnRunnerHost {
  emit(e: RnnEvent): void;
  fetchMnist(): Promise<Uint8Array>;
  backendOptions: BackendOptions;
  /** How long to train before letting messages in (ms); Pause waits at most this long. */
  sliceMs?: number;
  /** Yields to the message queue (a macrotask in the worker). */
  yieldToMessages?: () => Promise<void>;
}

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

export function createRnnRunner(host: RnnRunnerHost): { handle(m: RnnCommand): Promise<void> } {
  const sliceMs = host.sliceMs ?? 40;
  const yieldToMessages = host.yieldToMessages ?? (() => new Promise<void>((r) => setTimeout(r, 0)));
  let data: Dataset | null = null;
  let trainer: RnnLockstep | null = null;
  let target = 0;
  let paused = false;
  let looping = false;

  async function loop(t: RnnLockstep): Promise<void> {
    looping = true;
    try {
      while (trainer === t && !paused && t.step < target) {
        const until = performance.now() + sliceMs;
        while (t.step < target && performance.now() < until) {
          t.trainStep();
          if (t.step % t.config.probeEvery === 0 || t.step === target) host.emit({ type: 'probe', probe: await t.probe() });
        }
        await yieldToMessages();
      }
      if (trainer === t && t.step >= target) host.emit({ type: 'state', state: 'done' });
    } finally {
      looping = false;
    }
  }

  return {
    async handle(m) {
      try {
        if (m.type === 'start') {
          trainer?.dispose();
          trainer = null;
          const backend = await chooseBackend('wasm', { ...host.backendOptions, candidates: ['wasm', 'cpu'] });
          host.emit({ type: 'backend', backend });
          data ??= mnistDataset(parseMnistBinary(await gunzip(await host.fetchMnist())));
          const t = new RnnLockstep(m.config, data);
          trainer = t;
          target = m.steps;
          paused = false;
          host.emit({ type: 'state', state: 'running' });
          host.emit({ type: 'probe', probe: await t.probe() });
          await loop(t);
        } else if (m.type === 'pause') {
          paused = true;
          host.emit({ type: 'state', state: 'paused' });
        } else if (trainer && paused) {
          paused = false;
          host.emit({ type: 'state', state: 'running' });
          if (!looping) await loop(trainer);
        }
      } catch (e) {
        host.emit({ type: 'failed', message: messageOf(e) });
      }
    },
  };
}
