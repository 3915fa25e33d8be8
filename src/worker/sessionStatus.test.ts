import { describe, expect, it } from 'vitest';
import '@tensorflow/tfjs-backend-cpu';
import { readMnistBytes } from '../engine/testing/fixtures';
import type { SessionEvent } from './protocol';
import { TrainingSession } from './session';
import { pollUntil, XOR_CONFIG } from './sessionTesting';

const config = XOR_CONFIG;
const until = pollUntil;

/** The events' kinds in order: a status as its phase, the rest by type; progress left out. */
const trace = (events: SessionEvent[]) => events.filter((e) => e.type !== 'progress').map((e) => (e.type === 'status' ? `status:${e.phase}` : e.type));

describe('training session: what the page waits for', () => {
  it('says each start-up phase before it begins, then the first step of each new network', async () => {
    const events: SessionEvent[] = [];
    const s = new TrainingSession({ emit: (e) => events.push(e), fetchMnist: readMnistBytes, backendOptions: {}, sliceMs: 5 });
    s.handle({ type: 'configure', config, backend: 'cpu' });
    s.handle({ type: 'step' });
    s.handle({ type: 'step' });
    await until(() => events.some((e) => e.type === 'progress' && e.step === 2));
    expect(trace(events)).toEqual(['status:data', 'status:backends', 'status:build', 'status:probe', 'ready', 'probe', 'status:warmup', 'probe', 'probe']);
    const first = events.find((e) => e.type === 'status');
    expect(first).toEqual({ type: 'status', runId: 1, phase: 'data', dataset: 'xor' });
    expect(events.find((e) => e.type === 'status' && e.phase === 'warmup')).toMatchObject({ runId: 1, step: 0 });

    // A run is announced with its first probe ('ready', then the probe), so that a run a newer change made stale
    // before it was shown is never shown. A reset builds a new network from the same data (cached: no data phase)
    // and warms it up again.
    events.length = 0;
    s.handle({ type: 'reset' });
    s.handle({ type: 'step' });
    await until(() => events.some((e) => e.type === 'progress' && e.runId === 2 && e.step === 1));
    expect(trace(events)).toEqual(['status:build', 'status:probe', 'ready', 'probe', 'status:warmup', 'probe']);
  });

  it('starts on WebAssembly at once, with no backend timed before the first probe', async () => {
    const events: SessionEvent[] = [];
    const s = new TrainingSession({ emit: (e) => events.push(e), fetchMnist: readMnistBytes, backendOptions: {}, sliceMs: 5 });
    s.handle({ type: 'configure', config, backend: 'auto' });
    await until(() => events.some((e) => e.type === 'probe' || e.type === 'error'));
    // Node has no WebGL2: nothing to time, now or later.
    expect(trace(events)).toEqual(['status:data', 'status:backends', 'status:build', 'status:probe', 'ready', 'probe']);
    const ready = events.find((e) => e.type === 'ready');
    expect(ready?.type === 'ready' && ready.backend).toEqual({ name: 'wasm', reason: 'wasm: this browser offers no WebGL2, so WebAssembly runs the networks' });
  });
});
