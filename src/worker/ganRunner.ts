import { chooseBackend, type BackendChoice, type BackendOptions } from '../engine/backend';
import { GanTrainer, type GanConfig, type GanProbe } from '../engine/gan/gan';

/**
 * The GAN view's worker and its protocol: trains the two GAN arms (src/engine/gan) apart from the lab's own training
 * session, which it never touches. The view creates the worker when Train is first pressed and terminates it when it
 * unmounts; Pause and Resume are messages, taken between slices of training.
 */

/** Page → worker. */
export type GanCommand = { type: 'start'; config: Partial<GanConfig>; steps: number; probeEvery: number } | { type: 'pause' } | { type: 'resume' };

/** Worker → page. A probe's samples are transferred, not copied. */
export type GanEvent =
  | { type: 'backend'; backend: BackendChoice }
  | { type: 'probe'; probe: GanProbe }
  | { type: 'state'; state: 'running' | 'paused' | 'done' }
  | { type: 'failed'; message: string };

export interface GanRunnerHost {
  emit(e: GanEvent): void;
  backendOptions: BackendOptions;
  /** How long to train before letting messages in (ms); Pause waits at most this long. */
  sliceMs?: number;
  /** Yields to the message queue (a macrotask in the worker). */
  yieldToMessages?: () => Promise<void>;
}

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

export function createGanRunner(host: GanRunnerHost): { handle(m: GanCommand): Promise<void> } {
  const sliceMs = host.sliceMs ?? 40;
  const yieldToMessages = host.yieldToMessages ?? (() => new Promise<void>((r) => setTimeout(r, 0)));
  let trainer: GanTrainer | null = null;
  let target = 0;
  let every = 1;
  let paused = false;
  let looping = false;

  async function loop(t: GanTrainer): Promise<void> {
    looping = true;
    try {
      while (trainer === t && !paused && t.step < target) {
        const until = performance.now() + sliceMs;
        while (t.step < target && performance.now() < until) {
          // Train to the next multiple of the probe interval, so the probes fall on the same steps on every machine.
          t.train(Math.min(every - (t.step % every), target - t.step));
          host.emit({ type: 'probe', probe: await t.probe() });
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
          const t = new GanTrainer(m.config);
          trainer = t;
          target = m.steps;
          every = Math.max(1, m.probeEvery);
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
