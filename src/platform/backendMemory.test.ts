import { describe, expect, it } from 'vitest';
import type { BackendTiming } from '../engine/backendPlan';
import type { TimingEvent } from '../worker/protocol';
import { BACKEND_MEMORY_KEY, localDeviceMemory } from './backendMemory';

/** localStorage's interface over a Map; `full` makes every write throw, as a full or refused storage does. */
function fakeStorage(entries: Record<string, string> = {}) {
  const map = new Map(Object.entries(entries));
  const s = {
    full: false,
    get length() {
      return map.size;
    },
    key: (i: number) => [...map.keys()][i] ?? null,
    getItem: (k: string) => map.get(k) ?? null,
    setItem(k: string, v: string) {
      if (s.full) throw new DOMException('quota exceeded', 'QuotaExceededError');
      map.set(k, v);
    },
    removeItem: (k: string) => void map.delete(k),
    clear: () => map.clear(),
    map,
  };
  return s;
}

const timing: BackendTiming = { gpu: 'webgl', gpuMs: 4, wasmMs: 12, at: Date.UTC(2026, 10, 26) };
const event = (renderer: string, workload = 'digits-mlp', t = timing): TimingEvent => ({ type: 'timing', renderer, workload, timing: t });

describe('the page’s memory of this device’s backend timings', () => {
  it('keeps each timing by renderer and kind of network, under a versioned key', () => {
    const storage = fakeStorage();
    const memory = localDeviceMemory(storage as unknown as Storage)!;
    expect(memory.read()).toEqual({});
    memory.write(event('GPU A'));
    memory.write(event('GPU A', 'digits-cnn', { ...timing, gpuMs: 20, wasmMs: 130 }));
    memory.write(event('GPU B'));
    expect(memory.read()).toEqual({ 'GPU A': { 'digits-mlp': timing, 'digits-cnn': { ...timing, gpuMs: 20, wasmMs: 130 } }, 'GPU B': { 'digits-mlp': timing } });
    expect([...storage.map.keys()]).toEqual([BACKEND_MEMORY_KEY]);
    // Another visit (a new memory over the same storage) reads the same.
    expect(localDeviceMemory(storage as unknown as Storage)!.read()).toEqual(memory.read());
  });

  it('starts afresh from what another version or a hand edit left, and removes older versions’ keys', () => {
    const storage = fakeStorage({ [BACKEND_MEMORY_KEY]: '{not json', 'batchnorm-explorer.backend-timings.v0': '{}', 'another-app': 'kept' });
    const memory = localDeviceMemory(storage as unknown as Storage)!;
    expect(memory.read()).toEqual({});
    memory.write(event('GPU A'));
    expect(memory.read()).toEqual({ 'GPU A': { 'digits-mlp': timing } });
    expect([...storage.map.keys()].sort()).toEqual(['another-app', BACKEND_MEMORY_KEY].sort());
  });

  it('never throws: a full or refused storage just keeps nothing, and no storage means no memory', () => {
    const storage = fakeStorage();
    storage.full = true;
    const memory = localDeviceMemory(storage as unknown as Storage)!;
    expect(() => memory.write(event('GPU A'))).not.toThrow();
    expect(memory.read()).toEqual({});
    const refusing = { getItem: () => { throw new DOMException('denied', 'SecurityError'); } };
    expect(localDeviceMemory(refusing as unknown as Storage)!.read()).toEqual({});
    expect(localDeviceMemory(null)).toBeNull();
    // Node has no localStorage: the default is none.
    expect(localDeviceMemory()).toBeNull();
  });
});
