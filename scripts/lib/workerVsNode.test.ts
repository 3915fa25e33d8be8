import { describe, expect, it } from 'vitest';
import { NODE_FRESH_MS, compareWithNode, readNodeBench, stepsPerSecond } from './workerVsNode.mjs';

const now = Date.parse('2026-11-27T03:00:00Z');
const file = (date: string, rows: unknown[]) => JSON.stringify({ date, rows });
const ioffe = { preset: 'ioffe-mnist', backend: 'wasm', stepsPerSecond: 100, path: 'fast', arms: 2 };

describe('the worker against Node', () => {
  it('divides the worker’s steps/s by Node’s for the same preset and backend, against the 0.85× target', () => {
    const node = readNodeBench(file('2026-11-27T02:50:00Z', [{ ...ioffe, backend: 'cpu', stepsPerSecond: 10 }, ioffe]), now);
    expect(node.stale).toBe(false);
    expect(node.problem).toBeNull();
    const c = compareWithNode({ preset: 'ioffe-mnist', backend: 'wasm', stepsPerSecond: 90, rounds: [90] }, node);
    expect(c.ratio).toBeCloseTo(0.9);
    expect(c.met).toBe(true);
    expect(c.node).toMatchObject({ stepsPerSecond: 100, path: 'fast', stale: false });
    expect(compareWithNode({ preset: 'ioffe-mnist', backend: 'wasm', stepsPerSecond: 80, rounds: [80] }, node).met).toBe(false);
  });

  it('says when the file is missing, unreadable, stale or without the row, instead of a ratio', () => {
    const worker = { preset: 'cnn-mnist', backend: 'wasm', stepsPerSecond: 5, rounds: [5] };
    const missing = compareWithNode(worker, readNodeBench(null, now));
    expect(missing.ratio).toBeNull();
    expect(missing.note).toMatch(/missing/);
    expect(readNodeBench('{', now).problem).toMatch(/does not parse/);
    const noRow = compareWithNode(worker, readNodeBench(file('2026-11-27T02:50:00Z', [ioffe]), now));
    expect(noRow.ratio).toBeNull();
    expect(noRow.note).toMatch(/no row for cnn-mnist on wasm/);
    const old = readNodeBench(file(new Date(now - NODE_FRESH_MS - 1).toISOString(), [ioffe]), now);
    expect(old.stale).toBe(true);
    const stale = compareWithNode({ ...worker, preset: 'ioffe-mnist' }, old);
    // Still compared (same machine), but marked.
    expect(stale.ratio).toBeCloseTo(0.05);
    expect(stale.note).toMatch(/stale: written 60 min ago/);
  });

  it('takes steps/s from the first counter sample to the last', () => {
    expect(stepsPerSecond([[1000, 20], [1500, 70], [3000, 220]])).toBeCloseTo(100);
    expect(stepsPerSecond([[1000, 20]])).toBeNull();
    expect(stepsPerSecond([[1000, 20], [2000, 20]])).toBeNull();
  });
});
