import { describe, expect, it } from 'vitest';
import { heldUntilHeard, type RawWorker } from './trainingWorker';

/** A worker whose events the test fires, as a real one would, whether or not a handler is set. */
function rawWorker() {
  const w = {
    posted: [] as unknown[],
    terminated: false,
    onmessage: null as RawWorker['onmessage'],
    onerror: null as RawWorker['onerror'],
    postMessage: (m: unknown) => w.posted.push(m),
    terminate: () => (w.terminated = true),
    message: (data: unknown) => w.onmessage?.({ data } as MessageEvent),
    error: (message: string) => {
      let prevented = false;
      w.onerror?.({ message, preventDefault: () => (prevented = true) } as unknown as ErrorEvent);
      return prevented;
    },
  };
  return w;
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('a worker started before anyone listens', () => {
  it('keeps its messages and errors, in order, until handlers are set, and hands them on after the code that set them', async () => {
    const raw = rawWorker();
    const w = heldUntilHeard(raw);
    raw.message('a');
    // Held, and handled: the browser does not report it to the console.
    expect(raw.error('its script did not load')).toBe(true);
    raw.message('b');
    const seen: string[] = [];
    w.onmessage = (e) => seen.push(`message ${String(e.data)}`);
    // The error waits for its handler, and so does everything after it.
    await flush();
    expect(seen).toEqual(['message a']);
    w.onerror = (e) => seen.push(`error ${e.message}`);
    expect(seen).toEqual(['message a']);
    await flush();
    expect(seen).toEqual(['message a', 'error its script did not load', 'message b']);
    // From now on, straight through.
    raw.message('c');
    expect(seen.at(-1)).toBe('message c');
  });

  it('passes commands through and forgets what it held when terminated', async () => {
    const raw = rawWorker();
    const w = heldUntilHeard(raw);
    w.postMessage({ type: 'pause' });
    expect(raw.posted).toEqual([{ type: 'pause' }]);
    raw.message('late');
    w.terminate();
    expect(raw.terminated).toBe(true);
    const seen: unknown[] = [];
    w.onmessage = (e) => seen.push(e.data);
    await flush();
    expect(seen).toEqual([]);
  });
});
