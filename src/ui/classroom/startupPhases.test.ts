import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../../config/schema';
import { createLabStore } from '../../store/labStore';
import { formatElapsed, phaseLabel, startupLine } from './startupPhases';

afterEach(() => vi.restoreAllMocks());

/** A page clock the test moves by hand. */
function clock(start = 1000) {
  let t = start;
  vi.spyOn(performance, 'now').mockImplementation(() => t);
  return { at: () => t, advance: (ms: number) => (t += ms) };
}

describe('feedback while waiting', () => {
  it('names every start-up phase truthfully', () => {
    expect(phaseLabel({ phase: 'engine' })).toBe('starting the engine');
    expect(phaseLabel({ phase: 'data', dataset: 'mnist' })).toBe('loading the digits');
    expect(phaseLabel({ phase: 'data', dataset: 'spirals' })).toBe('drawing the 2-D data set');
    expect(phaseLabel({ phase: 'backends' })).toBe('starting the backend');
    expect(phaseLabel({ phase: 'build' })).toBe('building the networks');
    expect(phaseLabel({ phase: 'probe' })).toBe('taking the first probe');
    expect(formatElapsed(430)).toBe('0.4 s');
    expect(formatElapsed(12_340)).toBe('12.3 s');
    expect(formatElapsed(75_400)).toBe('75 s');
  });

  it('the store times each phase on the page’s clock, from the engine loading to the first probe', () => {
    const t = clock();
    const store = createLabStore(parseConfig({}));
    const receive = store.getState().receive;
    expect(startupLine(store.getState().waiting, t.at())!.current.label).toBe('starting the engine');
    t.advance(2000);
    receive({ type: 'status', runId: 1, phase: 'data', dataset: 'mnist' });
    t.advance(400);
    receive({ type: 'status', runId: 1, phase: 'backends' });
    t.advance(600);
    receive({ type: 'status', runId: 1, phase: 'build' });
    t.advance(500);
    const line = startupLine(store.getState().waiting, t.at())!;
    expect(line.current).toEqual({ label: 'building the networks', ms: 500 });
    expect(line.done).toEqual([
      { label: 'engine', ms: 2000 },
      { label: 'digits', ms: 400 },
      { label: 'backend', ms: 600 },
    ]);
    expect(line.totalMs).toBe(3500);
    receive({
      type: 'ready',
      runId: 1,
      backend: { name: 'wasm', reason: 'measured fastest' },
      stepPath: 'fast',
      arms: [],
      layers: [],
      inputShape: [784],
      numClasses: 10,
      dataset: 'mnist',
      testScored: 2000,
      numTest: 2000,
      points: null,
    });
    // Ready, but the views wait for the first probe (and the worker takes no command before it).
    receive({ type: 'status', runId: 1, phase: 'probe' });
    t.advance(1200);
    expect(startupLine(store.getState().waiting, t.at())!.current).toEqual({ label: 'taking the first probe', ms: 1200 });
    receive({ type: 'probe', runId: 1, snapshot: { step: 0, arms: [] } as never });
    expect(store.getState().waiting).toEqual([]);
    expect(startupLine(store.getState().waiting, t.at())).toBeNull();
  });

  it('a new network’s first step is marked from its start until a later step arrives', () => {
    const t = clock();
    const store = createLabStore(parseConfig({}));
    const receive = store.getState().receive;
    receive({ type: 'ready', runId: 1, backend: { name: 'wasm', reason: '' }, stepPath: 'fast', arms: [], layers: [], inputShape: [784], numClasses: 10, dataset: 'mnist', testScored: 2000, numTest: 2000, points: null });
    receive({ type: 'probe', runId: 1, snapshot: { step: 0, arms: [] } as never });
    expect(store.getState().waiting).toEqual([]);
    // Another run's warm-up (a stale message) is not this run's.
    receive({ type: 'status', runId: 0, phase: 'warmup', step: 0 });
    expect(store.getState().run.warmup).toBeNull();
    receive({ type: 'status', runId: 1, phase: 'warmup', step: 0 });
    expect(store.getState().run.warmup).toBe(t.at());
    // The progress sent as the play command is taken (still at step 0) keeps it.
    receive({ type: 'progress', runId: 1, step: 0, playing: true, stepsPerSecond: 0 });
    expect(store.getState().run.warmup).toBe(t.at());
    t.advance(5000);
    receive({ type: 'progress', runId: 1, step: 1, playing: true, stepsPerSecond: 0.2 });
    expect(store.getState().run.warmup).toBeNull();
    // A rebuild starts a new run without one; an error ends the wait.
    receive({ type: 'status', runId: 2, phase: 'build' });
    expect(store.getState().waiting).toHaveLength(1);
    receive({ type: 'error', runId: 2, message: 'boom' });
    expect(store.getState().waiting).toEqual([]);
  });
});
