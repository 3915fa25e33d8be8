import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/schema';
import {
  classifyRenderer,
  GPU_MARGIN,
  gpuWins,
  knownTiming,
  MAX_RENDERERS,
  parseKnownTimings,
  planBackend,
  readGraphics,
  softwareRendererName,
  TIMING_MAX_AGE_MS,
  withTiming,
  workloadKind,
  type BackendTiming,
  type Graphics,
} from './backendPlan';

const NOW = Date.UTC(2026, 10, 26);
const timing = (gpuMs: number | null, wasmMs: number | null, at = NOW): BackendTiming => ({ gpu: 'webgl', gpuMs, wasmMs, at });
const gpuCard: Graphics = { renderer: 'ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11 vs_5_0 ps_5_0, D3D11)', kind: 'hardware' };

describe('which WebGL renderers are a GPU', () => {
  it('tells software renderers by the names they give, and names them for a learner', () => {
    const software: [string, string][] = [
      // Headless Chromium on this project's machines (FACTS.md).
      ['ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)', 'SwiftShader'],
      ['Google SwiftShader', 'SwiftShader'],
      ['llvmpipe (LLVM 15.0.6, 256 bits)', 'llvmpipe'],
      ['ANGLE (Mesa, llvmpipe (LLVM 15.0.6 256 bits), OpenGL 4.5)', 'llvmpipe'],
      ['ANGLE (Microsoft, Microsoft Basic Render Driver Direct3D11 vs_5_0 ps_5_0, D3D11)', 'Microsoft Basic Render Driver'],
      ['Apple Software Renderer', 'a software renderer'],
      ['Mesa OffScreen', 'OSMesa'],
    ];
    for (const [renderer, name] of software) {
      expect(classifyRenderer(renderer), renderer).toBe('software');
      expect(softwareRendererName(renderer), renderer).toBe(name);
    }
  });

  it('takes any other named renderer for a GPU, Mesa drivers of real hardware included', () => {
    for (const renderer of [
      gpuCard.renderer!,
      'ANGLE (Intel, Mesa Intel(R) UHD Graphics 620 (KBL GT2), OpenGL 4.6)',
      'ANGLE (AMD, AMD Radeon RX 6700 XT (radeonsi, navi22, LLVM 15.0.7, DRM 3.49), OpenGL 4.6)',
      'Apple M1',
      'Apple GPU',
      'Adreno (TM) 650',
      'Mali-G78',
    ]) {
      expect(classifyRenderer(renderer), renderer).toBe('hardware');
      expect(softwareRendererName(renderer)).toBeNull();
    }
  });

  it('cannot tell from no name, or from the generic names browsers give when they hide the real one', () => {
    for (const renderer of [null, '', '  ', 'WebKit WebGL', 'Mozilla', 'Generic Renderer']) expect(classifyRenderer(renderer)).toBe('unknown');
  });

  it('in Node there is no WebGL2 to read', () => {
    expect(readGraphics()).toEqual({ renderer: null, kind: 'none' });
  });
});

describe('timings kept between visits', () => {
  it('are kept per kind of network: digits or 2-D points, MLP or CNN', () => {
    expect(workloadKind(parseConfig({}))).toBe('digits-mlp');
    expect(workloadKind(parseConfig({ dataset: { name: 'spirals' } }))).toBe('points-mlp');
    expect(workloadKind(parseConfig({ model: { kind: 'cnn', depth: 2, width: 4 } }))).toBe('digits-cnn');
  });

  it('read from storage keep what is well formed and drop the rest, never throwing', () => {
    const good = timing(4, 12);
    const failed = timing(null, null);
    expect(parseKnownTimings({ a: { 'digits-mlp': good, 'digits-cnn': failed } })).toEqual({ a: { 'digits-mlp': good, 'digits-cnn': failed } });
    for (const raw of [null, 3, 'x', [], [good]]) expect(parseKnownTimings(raw)).toEqual({});
    const messy = {
      a: { ok: good, negative: { ...good, gpuMs: -1 }, nan: { ...good, wasmMs: Number.NaN }, name: { ...good, gpu: 'metal' }, noDate: { ...good, at: '2026' }, nul: null },
      b: 'not timings',
      c: { bad: { gpu: 'webgl' } },
    };
    expect(parseKnownTimings(messy)).toEqual({ a: { ok: good } });
    // A key that names Object's prototype is data like any other, and pollutes nothing.
    const proto = parseKnownTimings(JSON.parse(`{"__proto__": {"digits-mlp": ${JSON.stringify(good)}}}`));
    expect(Object.keys(proto)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>)['digits-mlp']).toBeUndefined();
  });

  it('hold at most a few renderers: the least recently measured drop out first', () => {
    let known = {};
    for (let i = 0; i < MAX_RENDERERS + 2; i++) known = withTiming(known, `gpu ${i}`, 'digits-mlp', timing(4, 12, NOW + i));
    expect(Object.keys(known)).toEqual(['gpu 2', 'gpu 3', 'gpu 4', 'gpu 5']);
    // Measuring an old one again makes it the newest; other kinds of network on the same renderer stay.
    known = withTiming(known, 'gpu 2', 'digits-cnn', timing(30, 130, NOW + 10));
    expect(Object.keys(known)).toEqual(['gpu 3', 'gpu 4', 'gpu 5', 'gpu 2']);
    expect(Object.keys((known as Record<string, object>)['gpu 2']!)).toEqual(['digits-mlp', 'digits-cnn']);
    expect(parseKnownTimings(JSON.parse(JSON.stringify(known)))).toEqual(known);
  });

  it('hold for their renderer, kind of network and GPU backend, for a month', () => {
    const known = withTiming({}, 'gpu', 'digits-mlp', timing(4, 12, NOW));
    expect(knownTiming(known, 'gpu', 'digits-mlp', 'webgl', NOW + 1000)).toEqual(timing(4, 12, NOW));
    expect(knownTiming(known, 'other gpu', 'digits-mlp', 'webgl', NOW)).toBeUndefined();
    expect(knownTiming(known, 'gpu', 'digits-cnn', 'webgl', NOW)).toBeUndefined();
    expect(knownTiming(known, 'gpu', 'digits-mlp', 'cpu', NOW)).toBeUndefined();
    expect(knownTiming(known, 'gpu', 'digits-mlp', 'webgl', NOW + TIMING_MAX_AGE_MS)).toBeDefined();
    expect(knownTiming(known, 'gpu', 'digits-mlp', 'webgl', NOW + TIMING_MAX_AGE_MS + 1)).toBeUndefined();
    // A clock set back: a timing from the future is not trusted either.
    expect(knownTiming(known, 'gpu', 'digits-mlp', 'webgl', NOW - 1)).toBeUndefined();
  });

  it('give WebGL the networks only when it is clearly faster', () => {
    expect(gpuWins(timing(10, 10 * GPU_MARGIN))).toBe(true);
    expect(gpuWins(timing(10, 10 * GPU_MARGIN - 0.01))).toBe(false);
    expect(gpuWins(timing(null, 10))).toBe(false);
  });
});

describe('the backend a page starts on, and why', () => {
  it('without WebGL2, or with WebGL drawn in software, WebAssembly, and nothing is timed', () => {
    expect(planBackend({ renderer: null, kind: 'none' }, undefined)).toEqual({
      name: 'wasm',
      reason: 'wasm: this browser offers no WebGL2, so WebAssembly runs the networks',
      change: 'Switched to WebAssembly: this browser offers no WebGL2.',
      measure: false,
    });
    const swiftShader = planBackend({ renderer: 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)', kind: 'software' }, undefined);
    expect(swiftShader).toMatchObject({ name: 'wasm', measure: false });
    expect(swiftShader.reason).toBe('wasm: WebGL here is drawn in software (SwiftShader), not by a GPU, so it is not tried: WebAssembly runs the networks');
    // Even a kept timing that favoured WebGL does not make a software renderer worth it: the classification decides.
    expect(planBackend({ renderer: 'llvmpipe', kind: 'software' }, timing(1, 100)).name).toBe('wasm');
  });

  it('a GPU not yet timed on this kind of network: WebAssembly at once, WebGL timed in the background', () => {
    const plan = planBackend(gpuCard, undefined);
    expect(plan).toMatchObject({ name: 'wasm', measure: true });
    expect(plan.reason).toBe(
      'wasm: WebAssembly starts at once; WebGL is timed on this GPU in the background and takes over from the next run if it is clearly faster on networks like this one',
    );
    expect(plan.change).toBe('Switched to WebAssembly: WebGL has not been timed on networks like this one yet.');
    // A renderer whose name is hidden may be a GPU too: it is timed, once.
    expect(planBackend({ renderer: 'WebKit WebGL', kind: 'unknown' }, undefined)).toMatchObject({ name: 'wasm', measure: true });
    expect(planBackend({ renderer: 'WebKit WebGL', kind: 'unknown' }, undefined).reason).toMatch(/timed on this device in the background/);
    // Where nothing is timed (training on the page's main thread), the reason does not promise it.
    expect(planBackend(gpuCard, undefined, 'webgl', false)).toMatchObject({
      name: 'wasm',
      reason: "wasm: WebGL has not been timed on this GPU for networks like this one, and training on the page's main thread does not time it, so WebAssembly runs the networks",
      measure: false,
    });
  });

  it('a GPU measured clearly faster: WebGL at once, saying by how much', () => {
    const plan = planBackend(gpuCard, timing(4.2, 13));
    expect(plan).toEqual({
      name: 'webgl',
      reason: 'webgl: your GPU measured 3.1× faster than WebAssembly on networks like this one (4.2 against 13 ms per training step)',
      change: 'Switched to WebGL: your GPU measured 3.1× faster than WebAssembly on networks like this one (4.2 against 13 ms per training step).',
      measure: false,
    });
  });

  it('a GPU measured slower, or not clearly faster, or failed: WebAssembly, saying why', () => {
    expect(planBackend(gpuCard, timing(31.5, 12))).toMatchObject({
      name: 'wasm',
      reason: 'wasm: WebAssembly measured faster than WebGL on this GPU for networks like this one (12 against 32 ms per training step)',
      measure: false,
    });
    expect(planBackend(gpuCard, timing(11, 12)).reason).toBe(
      'wasm: WebGL measured only 1.09× faster than WebAssembly on this GPU for networks like this one (11 against 12 ms per training step): too little to give up WebAssembly, whose numbers replay exactly from a link',
    );
    expect(planBackend(gpuCard, timing(null, null))).toMatchObject({
      name: 'wasm',
      reason: 'wasm: WebGL failed on this GPU when last tried (2026-11-26), so WebAssembly runs the networks',
      change: 'Switched to WebAssembly: WebGL failed on this GPU.',
      measure: false,
    });
  });

  it('names the GPU backend it was given (the tests stand in another for WebGL)', () => {
    expect(planBackend(gpuCard, { ...timing(2, 8), gpu: 'cpu' }, 'cpu')).toMatchObject({ name: 'cpu', change: expect.stringMatching(/^Switched to plain JavaScript \(cpu\): your GPU measured 4\.0× faster/) });
  });
});
