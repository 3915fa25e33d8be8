import { describe, expect, it } from 'vitest';
import '@tensorflow/tfjs-backend-cpu';
import type { BackendName } from '../engine/backend';
import type { BackendTiming, Graphics, KnownTimings } from '../engine/backendPlan';
import type { timeBackends } from '../engine/backendTiming';
import { readMnistBytes } from '../engine/testing/fixtures';
import type { Command, SessionEvent, TimingEvent } from './protocol';
import { TrainingSession, type GpuAccess } from './session';
import { DIGITS_CONFIG, pollUntil, withLr, XOR_CONFIG } from './sessionTesting';

/**
 * The session's start-up order and its background timing of the GPU backend. Node has no WebGL, so the cpu backend
 * stands in for the GPU's (it starts and trains like any other), a renderer is made up, and the timing is scripted:
 * which backend wins is the test's choice, never the machine's speed.
 */

const config = XOR_CONFIG;
const digits = DIGITS_CONFIG;

const GPU: Graphics = { renderer: 'Test GPU (stand-in)', kind: 'hardware' };

/** A scripted timing: each call is recorded; `interrupt` runs just before the session is asked whether to stop. */
function scriptedTiming(ms: Partial<Record<BackendName, number | null>>) {
  const t = {
    calls: [] as BackendName[][],
    interrupt: null as (() => void) | null,
    time: (async (_config, _dataset, backends, opts) => {
      t.calls.push([...backends]);
      const before = t.interrupt;
      t.interrupt = null;
      before?.();
      if (await opts?.interrupted?.()) return null;
      return new Map(backends.map((b) => [b, ms[b] ?? null]));
    }) as typeof timeBackends,
  };
  return t;
}

function session(opts: { graphics?: Graphics; gpu?: BackendName; timing?: ReturnType<typeof scriptedTiming> } = {}) {
  const events: SessionEvent[] = [];
  const remembered: TimingEvent[] = [];
  const timing = opts.timing ?? scriptedTiming({ wasm: 12, cpu: 4 });
  const gpu: GpuAccess = { backend: opts.gpu ?? 'cpu', graphics: () => opts.graphics ?? GPU, time: timing.time };
  const s = new TrainingSession({ emit: (e) => events.push(e), remember: (e) => remembered.push(e), fetchMnist: readMnistBytes, backendOptions: {}, sliceMs: 5, gpu, timingDelayMs: 0 });
  const until = pollUntil;
  const progress = () => events.filter((e) => e.type === 'progress');
  const lastStep = () => progress().at(-1)?.step ?? -1;
  const readies = () => events.filter((e): e is Extract<SessionEvent, { type: 'ready' }> => e.type === 'ready');
  const roundTrip = async (cmd: Command) => {
    const before = progress().length;
    s.handle(cmd);
    await until(() => progress().length > before, `the answer to ${cmd.type}`);
  };
  /**
   * Lets work the session has queued for itself happen: a background timing is due, at the latest, one timer tick
   * after the command that left the session idle, and each round trip waits behind it in the session's queue.
   */
  const settle = async () => {
    for (let i = 0; i < 3; i++) await roundTrip({ type: 'setSpeed', stepsPerSecond: null });
  };
  /** Sends a command that builds a run and waits for that run's first probe. */
  const build = async (cmd: Command) => {
    const n = readies().length;
    s.handle(cmd);
    await until(() => readies().length > n && events.at(-1)?.type !== 'ready', 'the new run’s first probe');
    return readies().at(-1)!;
  };
  return { s, events, remembered, timing, until, lastStep, readies, settle, build, roundTrip };
}

const kept = (workload: string, t: Omit<BackendTiming, 'at'>): KnownTimings => ({ [GPU.renderer!]: { [workload]: { ...t, at: Date.now() } } });

describe('starting fast: the backend a session starts on, and the GPU timed in the background', () => {
  it('a GPU not yet timed: WebAssembly at once; the GPU timed once idle, taking over at the next reset, which says so', async () => {
    const { s, events, remembered, timing, until, lastStep, readies, build, settle } = session();
    const first = await build({ type: 'configure', config, backend: 'auto' });
    expect(first.backend).toEqual({
      name: 'wasm',
      reason:
        'wasm: WebAssembly starts at once; plain JavaScript (cpu) is timed on this GPU in the background and takes over from the next run if it is clearly faster on networks like this one',
    });
    // Nothing was timed before the first probe.
    expect(events.some((e) => e.type === 'status' && (e.phase as string) === 'measure')).toBe(false);

    await until(() => remembered.length === 1, 'the background timing');
    expect(timing.calls).toEqual([['wasm', 'cpu']]);
    expect(remembered[0]).toMatchObject({ type: 'timing', renderer: GPU.renderer, workload: 'points-mlp', timing: { gpu: 'cpu', gpuMs: 4, wasmMs: 12 } });
    // The run on screen is not switched under the learner's eyes.
    await settle();
    expect(readies()).toHaveLength(1);

    const sent = events.length;
    const second = await build({ type: 'reset' });
    expect(second.backend).toEqual({
      name: 'cpu',
      reason: 'cpu: your GPU measured 3.0× faster than WebAssembly on networks like this one (4.0 against 12 ms per training step)',
      change: 'Switched to plain JavaScript (cpu): your GPU measured 3.0× faster than WebAssembly on networks like this one (4.0 against 12 ms per training step).',
    });
    expect(events.slice(sent).some((e) => e.type === 'status' && e.phase === 'backends')).toBe(true);
    s.handle({ type: 'step' });
    await until(() => lastStep() === 1, 'a step on the new backend');
    // The change is told once, with the run it began.
    expect((await build({ type: 'reset' })).backend).toEqual({ name: 'cpu', reason: second.backend.reason });

    // Another kind of network has its own timing: back to WebAssembly, saying why, and that one is timed in turn.
    const other = await build({ type: 'configure', config: digits, backend: 'auto' });
    expect(other.backend).toMatchObject({ name: 'wasm', change: 'Switched to WebAssembly: plain JavaScript (cpu) has not been timed on networks like this one yet.' });
    await until(() => remembered.length === 2, 'the second background timing');
    expect(remembered[1]).toMatchObject({ workload: 'digits-mlp' });
    expect(timing.calls).toHaveLength(2);
  });

  it('a GPU timed slower: WebAssembly stays, no change is announced, and the reason says what was measured', async () => {
    const { remembered, timing, until, build, settle } = session({ timing: scriptedTiming({ wasm: 8, cpu: 20 }) });
    await build({ type: 'configure', config, backend: 'auto' });
    await until(() => remembered.length === 1, 'the background timing');
    expect((await build({ type: 'reset' })).backend).toEqual({
      name: 'wasm',
      reason: 'wasm: WebAssembly measured faster than plain JavaScript (cpu) on this GPU for networks like this one (8.0 against 20 ms per training step)',
    });
    await settle();
    expect(timing.calls).toHaveLength(1);
  });

  it('the timing waits while the lab trains, and a command stops it until the next idle moment', async () => {
    const timing = scriptedTiming({ wasm: 12, cpu: 4 });
    const { s, remembered, until, lastStep, build } = session({ timing });
    // Play arrives just as the timing begins: it gives way.
    timing.interrupt = () => s.handle({ type: 'play' });
    await build({ type: 'configure', config, backend: 'auto' });
    await until(() => timing.calls.length === 1, 'the timing to begin');
    await until(() => lastStep() >= 15, 'training');
    // Training, not idle: nothing is timed, however long it plays.
    expect(timing.calls).toHaveLength(1);
    expect(remembered).toHaveLength(0);
    s.handle({ type: 'pause' });
    await until(() => remembered.length === 1, 'the timing, once paused');
    expect(timing.calls).toHaveLength(2);
  });

  it('a timing kept from an earlier visit decides at once, and nothing is timed again', async () => {
    const won = session();
    won.s.handle({ type: 'timings', known: kept('points-mlp', { gpu: 'cpu', gpuMs: 2, wasmMs: 8 }) });
    const ready = await won.build({ type: 'configure', config, backend: 'auto' });
    expect(ready.backend).toEqual({ name: 'cpu', reason: 'cpu: your GPU measured 4.0× faster than WebAssembly on networks like this one (2.0 against 8.0 ms per training step)' });

    const lost = session();
    lost.s.handle({ type: 'timings', known: kept('points-mlp', { gpu: 'cpu', gpuMs: 20, wasmMs: 8 }) });
    expect((await lost.build({ type: 'configure', config, backend: 'auto' })).backend.reason).toBe(
      'wasm: WebAssembly measured faster than plain JavaScript (cpu) on this GPU for networks like this one (8.0 against 20 ms per training step)',
    );
    await Promise.all([won.settle(), lost.settle()]);
    expect([won.timing.calls, lost.timing.calls]).toEqual([[], []]);
  });

  it('WebGL drawn in software is never timed', async () => {
    const { timing, build, settle } = session({ graphics: { renderer: 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)', kind: 'software' } });
    const ready = await build({ type: 'configure', config, backend: 'auto' });
    expect(ready.backend.reason).toBe('wasm: plain JavaScript (cpu) here is drawn in software (SwiftShader), not by a GPU, so it is not tried: WebAssembly runs the networks');
    // On a CPU backend the steps run on the fast path, and the run says so (the header's tooltip reads it).
    expect(ready.stepPath).toBe('fast');
    await settle();
    expect(timing.calls).toEqual([]);
  });

  it('the WebGL renderer the page read as it started, sent with the timings, is the one planned on: the session reads none', async () => {
    // The session's own reading would name a GPU (GPU); the page's says software.
    const { s, timing, build, settle } = session();
    s.handle({ type: 'timings', known: {}, graphics: { renderer: 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)', kind: 'software' } });
    const ready = await build({ type: 'configure', config, backend: 'auto' });
    expect(ready.backend.reason).toMatch(/^wasm: plain JavaScript \(cpu\) here is drawn in software \(SwiftShader\)/);
    await settle();
    expect(timing.calls).toEqual([]);
  });

  it('a backend named in the configure (a link’s be=) is used at once and kept, whatever was measured', async () => {
    const { s, timing, build, settle } = session();
    s.handle({ type: 'timings', known: kept('points-mlp', { gpu: 'cpu', gpuMs: 2, wasmMs: 8 }) });
    expect((await build({ type: 'configure', config, backend: 'wasm' })).backend).toEqual({ name: 'wasm', reason: 'wasm requested' });
    expect((await build({ type: 'configure', config: withLr(config, 0.05), backend: 'auto' })).backend.name).toBe('wasm');
    await settle();
    expect(timing.calls).toEqual([]);
  });

  it('a GPU measured fast on an earlier visit that no longer starts: WebAssembly, saying so, and the failure is kept', async () => {
    // Node's WebGL backend registers but cannot start: no WebGL context.
    const { s, events, remembered, timing, build, settle } = session({ gpu: 'webgl' });
    s.handle({ type: 'timings', known: kept('points-mlp', { gpu: 'webgl', gpuMs: 2, wasmMs: 8 }) });
    const ready = await build({ type: 'configure', config, backend: 'auto' });
    expect(ready.backend).toEqual({ name: 'wasm', reason: 'wasm: WebGL failed to start here, so WebAssembly runs the networks' });
    expect(remembered).toEqual([{ type: 'timing', renderer: GPU.renderer, workload: 'points-mlp', timing: { gpu: 'webgl', gpuMs: null, wasmMs: null, at: expect.any(Number) } }]);
    // Not tried again on the next change, nor timed.
    const sent = events.length;
    expect((await build({ type: 'configure', config: withLr(config, 0.05), backend: 'auto' })).backend.name).toBe('wasm');
    expect(events.slice(sent).some((e) => e.type === 'status' && e.phase === 'backends')).toBe(false);
    await settle();
    expect(timing.calls).toEqual([]);
  });
});
