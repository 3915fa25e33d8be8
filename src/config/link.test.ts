import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeLink, encodeLink, MAX_LINK_LENGTH, sanitizeSearch, type LinkState } from './link';
import { PRESETS, presetConfig } from './presets';
import { ACTIVATIONS, BN_NOISE_MAX, DATASETS, INITS, MAX_TEST_SIZE, NORMS, OPTIMIZERS, PLACEMENTS, armName, configSchema, groupChoices, numericRange, type ExperimentConfig } from './schema';

/** Numbers as a person or a slider would give them: a few significant digits, inside [lo, hi]. */
const num = (lo: number, hi: number) =>
  fc.oneof(
    fc.constantFrom(lo, hi),
    fc.double({ min: lo, max: hi, noNaN: true, noDefaultInfinity: true }).map((v) => Math.min(hi, Math.max(lo, Number(v.toPrecision(3))))),
    fc.double({ min: lo, max: hi, noNaN: true, noDefaultInfinity: true }),
  ).map((v) => (Object.is(v, -0) ? 0 : v));
const int = (lo: number, hi: number) => fc.integer({ min: lo, max: hi });

const change = fc
  .record(
    {
      learningRate: num(1e-5, 10),
      momentum: num(0, 0.999),
      bnMomentum: num(0.001, 1),
      batchSize: int(2, 1000),
      affine: fc.boolean(),
      bnMode: fc.constantFrom('train' as const, 'inference' as const),
    },
    { requiredKeys: [] },
  )
  .filter((c) => Object.keys(c).length > 0);

const arm = fc
  .record(
    {
      norm: fc.constantFrom(...NORMS),
      learningRate: num(1e-5, 10),
      initScale: num(1e-4, 10),
      placement: fc.constantFrom(...PLACEMENTS),
      noise: num(0, BN_NOISE_MAX),
      groups: int(1, 512),
      label: fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim() === s && s.length > 0 && !/\p{Cc}/u.test(s)),
    },
    { requiredKeys: ['norm'] },
  )
  // Noise after batch norm exists only in a batch-norm arm, groups only in a group-norm arm (the schema says so);
  // elsewhere they are left out. The groups are made to fit the network below, once it is drawn.
  .map(({ noise, groups, ...rest }) => ({
    ...rest,
    ...(rest.norm === 'batch' && noise !== undefined ? { noise } : {}),
    ...(rest.norm === 'group' && groups !== undefined ? { groups } : {}),
  }));

/** Random configurations that the schema accepts, with schedules of changes. */
const validConfig: fc.Arbitrary<ExperimentConfig> = fc
  .record({
    seed: int(0, 2 ** 31 - 1),
    dataset: fc.record({ name: fc.constantFrom(...DATASETS), noise: num(0, 1) }),
    model: fc.record({ kind: fc.constantFrom('mlp' as const, 'cnn' as const), depth: int(1, 8), width: int(2, 512) }),
    activation: fc.constantFrom(...ACTIVATIONS),
    init: fc.record({ scheme: fc.constantFrom(...INITS), scale: num(1e-4, 10) }),
    optimizer: fc.record({ kind: fc.constantFrom(...OPTIMIZERS), learningRate: num(1e-5, 10), momentum: num(0, 0.999), beta1: num(0, 0.9999), beta2: num(0, 0.99999) }),
    batchSize: int(2, 1000),
    normalization: fc.record({ placement: fc.constantFrom(...PLACEMENTS), momentum: num(0.001, 1), epsilon: num(1e-8, 1), affine: fc.boolean() }),
    arms: fc.array(arm, { minLength: 1, maxLength: 4 }),
    probe: fc.record({ interval: int(1, 1000), batchSize: int(16, 2000), testSize: fc.oneof(fc.constantFrom(500, 1000, MAX_TEST_SIZE), int(100, MAX_TEST_SIZE)), bins: int(8, 200), range: num(0.5, 100), landscape: fc.boolean() }),
    schedule: fc.uniqueArray(fc.record({ step: int(0, 1_000_000), set: change }), { maxLength: 6, selector: (e) => e.step }).map((es) => es.sort((a, b) => a.step - b.step)),
  })
  .map((c) => {
    if (c.model.kind === 'cnn') c.dataset.name = 'mnist';
    if (c.model.kind === 'cnn') c.model.width = Math.min(c.model.width, 64);
    // A drawn group count becomes one that divides the layers (drawn counts rarely would): the k-th choice, cyclically.
    const choices = groupChoices(c.model);
    for (const a of c.arms) if (a.groups !== undefined) a.groups = choices[a.groups % choices.length];
    return configSchema.safeParse(c);
  })
  .filter((r) => r.success)
  .map((r) => r.data!);

describe('share links', () => {
  it('encode and decode 1,000 random valid configurations, with schedules, to the same value', () => {
    let withSchedule = 0;
    let withNoise = 0;
    let withGroups = 0;
    fc.assert(
      fc.property(validConfig, int(0, 100_000), (config, to) => {
        if (config.schedule.length) withSchedule++;
        if (config.arms.some((a) => a.noise !== undefined)) withNoise++;
        if (config.arms.some((a) => a.groups !== undefined)) withGroups++;
        const state: LinkState = { config, to, backend: 'wasm', view: { layer: 0, theme: 'dark', logLoss: true, smoothing: 0.5, ...(to % 2 === 0 ? { projector: true } : {}), ...(to % 3 === 0 ? { embed: true } : {}), ...(to % 5 === 0 ? { distScope: 'layer' as const } : {}), ...(to % 7 === 0 ? { distMode: 'train' as const } : {}) }, lesson: { name: 'high-lr', step: to % 5 } };
        const read = decodeLink(encodeLink(state));
        expect(read.problems).toEqual([]);
        expect(read.config).toEqual(config);
        expect(read.to).toBe(to || undefined);
        expect(read.view).toEqual(state.view);
        expect(read.lesson).toEqual(state.lesson);
      }),
      { numRuns: 1000, seed: 20261126 },
    );
    // (About 29%: a schedule that changes batch norm's settings needs a batch-norm arm, one norm in four.)
    expect(withSchedule).toBeGreaterThan(250);
    expect(withNoise).toBeGreaterThan(100);
    expect(withGroups).toBeGreaterThan(100);
  });

  it('carries a group-norm arm and its number of groups, and names a count that does not fit', () => {
    const config = { ...presetConfig('ioffe-mnist'), arms: [{ norm: 'none' as const }, { norm: 'group' as const, groups: 4 }, { norm: 'group' as const, groups: 20, label: 'GN twenty' }] };
    const link = encodeLink({ config, view: {} });
    expect(link).toBe('v=3&arm=none&arm=group,groups:4&arm=group,groups:20,label:GN+twenty');
    expect(decodeLink(link)).toMatchObject({ config, problems: [] });
    // Without its own count a group-norm arm takes the default, and the link stays without it.
    const plainGn = decodeLink('arm=none&arm=group');
    expect(plainGn).toMatchObject({ problems: [], config: { arms: [{ norm: 'none' }, { norm: 'group' }] } });
    expect(encodeLink({ config: plainGn.config, view: {} })).toBe('v=3&arm=none&arm=group');
    // A CNN's channels: 16 groups of one channel (instance norm) fit there.
    const cnn = decodeLink('preset=cnn-mnist&arm=batch&arm=group,groups:16');
    expect(cnn.problems).toEqual([]);
    expect(cnn.config.arms).toEqual([{ norm: 'batch' }, { norm: 'group', groups: 16 }]);
    // A count that does not fit, or is not a count, is dropped with a notice: the arm keeps the default.
    const odd = decodeLink('arm=none&arm=group,groups:16');
    expect(odd.problems).toEqual(["arm 2: arms.1.groups: arm 2's 16 groups do not divide the 100 units of hidden layer 1; use one of 1, 2, 4, 5, 10, 20, 25, 50; that setting ignored"]);
    expect(odd.config.arms).toEqual([{ norm: 'none' }, { norm: 'group' }]);
    expect(decodeLink('arm=group,groups:two').problems).toEqual(['arm 1 groups: "two" is not a number; ignored']);
    expect(decodeLink('arm=layer,groups:2').problems).toEqual(['arm 1: arms.0.groups: a number of groups needs a group-norm arm; that setting ignored']);
  });

  it('carries the loss-landscape measurement (landscape=1), so a shared link measures it too', () => {
    const config = { ...presetConfig('ioffe-mnist'), probe: { ...presetConfig('ioffe-mnist').probe, landscape: true } };
    const link = encodeLink({ config, view: { views: ['convergence', 'landscape'] } });
    expect(link).toBe('v=3&landscape=1&views=convergence,landscape');
    expect(decodeLink(link)).toMatchObject({ config, problems: [], view: { views: ['convergence', 'landscape'] } });
    // Off is the default: the link leaves it out, and an explicit 0 reads as off.
    expect(encodeLink({ config: presetConfig('ioffe-mnist'), view: {} })).not.toContain('landscape');
    expect(decodeLink('landscape=0')).toMatchObject({ problems: [], config: { probe: { landscape: false } } });
    expect(decodeLink('landscape=yes')).toMatchObject({ problems: ['landscape: "yes" is not 1 or 0; default used'], config: { probe: { landscape: false } } });
  });

  it('carries an arm’s noise after batch norm, and names a bad one', () => {
    const config = { ...presetConfig('ioffe-mnist'), arms: [{ norm: 'none' as const }, { norm: 'batch' as const }, { norm: 'batch' as const, noise: 1 }] };
    const link = encodeLink({ config, view: {} });
    expect(link).toBe('v=3&arm=none&arm=batch&arm=batch,noise:1');
    expect(decodeLink(link)).toMatchObject({ config, problems: [] });
    expect(armName(config.arms[2]!, config)).toBe('BN + noise 1');
    // The bounds the sidebar's field reads off the schema.
    expect(numericRange('arms.0.noise')).toEqual({ min: 0, max: BN_NOISE_MAX });
    // Noise 0 is kept as written (the engine treats it as no noise, bit for bit).
    expect(decodeLink('arm=batch,noise:0,lr:2').config.arms).toEqual([{ norm: 'batch', noise: 0, learningRate: 2 }]);
    const typo = decodeLink('arm=none&arm=batch,noise:lots');
    expect(typo.problems).toEqual(['arm 2 noise: "lots" is not a number; ignored']);
    expect(typo.config.arms).toEqual([{ norm: 'none' }, { norm: 'batch' }]);
    const tooMuch = decodeLink('arm=none&arm=batch,noise:50');
    expect(tooMuch.problems).toEqual([`arm 2: arms.1.noise: must be at most ${BN_NOISE_MAX} (allowed 0 … ${BN_NOISE_MAX}); that setting ignored`]);
    expect(tooMuch.config.arms).toEqual([{ norm: 'none' }, { norm: 'batch' }]);
    const plainNoise = decodeLink('arm=none,noise:1&arm=batch');
    expect(plainNoise.problems).toEqual(['arm 1: arms.0.noise: noise after batch norm needs a batch-norm arm; that setting ignored']);
    expect(plainNoise.config.arms).toEqual([{ norm: 'none' }, { norm: 'batch' }]);
  });

  it('every preset opens from its own link, and the default lab needs no parameters at all', () => {
    for (const p of PRESETS) {
      const config = presetConfig(p.name);
      const link = encodeLink({ config, view: {} });
      expect(decodeLink(link)).toMatchObject({ config, problems: [] });
    }
    expect(encodeLink({ config: presetConfig('ioffe-mnist'), view: {} })).toBe('v=3&preset=ioffe-mnist');
  });

  it('every preset’s link, as Copy link writes it at step 3,000, is short', () => {
    const lengths = PRESETS.map((p) => encodeLink({ config: presetConfig(p.name), to: 3000, backend: 'wasm', view: { theme: 'dark', layer: 0 } }).length);
    // The query only: a preset, the step, the backend, the view. (62 characters at most on 2026-11-26.)
    expect(Math.max(...lengths)).toBeLessThanOrEqual(80);
  });

  it('carries the test examples a probe scores (test=); a version-1 link scores the whole test set, as it did', () => {
    const cnn = presetConfig('cnn-mnist');
    expect(cnn.probe.testSize).toBe(500);
    expect(encodeLink({ config: cnn, view: {} })).toBe('v=3&preset=cnn-mnist');
    // Version 1 scored all 2,000 test digits: its cnn-mnist link keeps doing so, and says so when written again.
    const old = decodeLink('v=1&preset=cnn-mnist&to=300');
    expect(old.problems).toEqual([]);
    expect(old.config.probe.testSize).toBe(MAX_TEST_SIZE);
    expect(encodeLink(old)).toBe('v=3&preset=cnn-mnist&test=10000&to=300');
    expect(decodeLink('v=1&preset=cnn-mnist&test=500').config.probe.testSize).toBe(500);
    expect(decodeLink('v=2&preset=cnn-mnist').config.probe.testSize).toBe(500);
    expect(decodeLink('preset=cnn-mnist').config.probe.testSize, 'no version: today\'s meaning').toBe(500);
    const custom = { ...presetConfig('ioffe-mnist'), probe: { ...presetConfig('ioffe-mnist').probe, testSize: 500 } };
    expect(encodeLink({ config: custom, view: {} })).toBe('v=3&test=500');
    expect(decodeLink('v=3&test=50').problems).toEqual(['test: must be at least 100 (allowed 100 … 10000); default used']);
  });

  it('version 3: the MNIST MLP presets score the first 1,000 test digits, cnn-mnist 500, the 2-D sets all of theirs', () => {
    const sizes = Object.fromEntries(PRESETS.map((p) => [p.name, presetConfig(p.name).probe.testSize]));
    expect(sizes).toEqual({
      'ioffe-mnist': 1000,
      'ioffe-mnist-slow': 1000,
      'init-scale': 1000,
      'bn-x5': 1000,
      'deep-sigmoid': 1000,
      'small-batch': 1000,
      'cnn-mnist': 500,
      spirals: MAX_TEST_SIZE,
    });
    // Every MNIST MLP preset, not only those listed above: a new one built on ioffe-mnist scores the same.
    for (const p of PRESETS) {
      const c = presetConfig(p.name);
      if (c.dataset.name === 'mnist' && c.model.kind === 'mlp') expect(c.probe.testSize, p.name).toBe(1000);
    }
    const ioffe = presetConfig('ioffe-mnist');
    const now = decodeLink('v=3&preset=ioffe-mnist&to=500');
    expect(now).toMatchObject({ config: ioffe, problems: [], to: 500 });
    expect(encodeLink(now)).toBe('v=3&preset=ioffe-mnist&to=500');
    expect(decodeLink('').config.probe.testSize, 'no link at all: today\'s default preset').toBe(1000);
    expect(decodeLink('preset=small-batch&lr=0.1').config.probe.testSize, 'no version: today\'s meaning').toBe(1000);
    expect(decodeLink('v=3&preset=bn-x5&test=10000').config.probe.testSize).toBe(MAX_TEST_SIZE);
  });

  it('a version-2 link without test= opens with the test size its preset had then: all 2,000 digits, cnn-mnist 500', () => {
    const ioffe = presetConfig('ioffe-mnist');
    const whole = { ...ioffe, probe: { ...ioffe.probe, testSize: MAX_TEST_SIZE } };
    // Copied from the lab on 2026-11-27 (version 2): the default preset, written as such, trained to step 500.
    const old = decodeLink('v=2&preset=ioffe-mnist&to=500&be=wasm');
    expect(old.problems).toEqual([]);
    expect(old.config).toEqual(whole);
    // Written again, it says so: today's ioffe-mnist scores 1,000, so test=10000 is what differs from it.
    expect(encodeLink(old)).toBe('v=3&test=10000&to=500&be=wasm');
    expect(decodeLink(encodeLink(old)).config).toEqual(whole);
    // Without preset= a version-2 link starts from the default preset as it was then.
    expect(decodeLink('v=2&lr=2&bs=8').config).toEqual({ ...whole, optimizer: { ...whole.optimizer, learningRate: 2 }, batchSize: 8 });
    for (const p of PRESETS) {
      const read = decodeLink(`v=2&preset=${p.name}`);
      expect(read.problems, p.name).toEqual([]);
      expect(read.config.probe.testSize, p.name).toBe(p.name === 'cnn-mnist' ? 500 : MAX_TEST_SIZE);
      // Everything else is the preset as it is.
      expect({ ...read.config, probe: { ...read.config.probe, testSize: 0 } }, p.name).toEqual({ ...presetConfig(p.name), probe: { ...presetConfig(p.name).probe, testSize: 0 } });
      // The round trip through a version-3 link keeps the old run, and names the preset it is nearest to.
      const again = encodeLink({ config: read.config, view: {} });
      expect(decodeLink(again).config, again).toEqual(read.config);
      if (p.name !== 'ioffe-mnist') expect(again, p.name).toMatch(new RegExp(`^v=3&preset=${p.name}(&|$)`));
    }
    // A test= it carries wins; one the schema refuses falls back to what version 2 scored, and is named.
    expect(decodeLink('v=2&preset=bn-x5&test=1000').config).toEqual(presetConfig('bn-x5'));
    const bad = decodeLink('v=2&preset=deep-sigmoid&test=50');
    expect(bad.problems).toEqual(['test: must be at least 100 (allowed 100 … 10000); default used']);
    expect(bad.config.probe.testSize).toBe(MAX_TEST_SIZE);
  });

  it('a version-1 link opens as it did: every preset scores the whole test set', () => {
    for (const p of PRESETS) {
      const read = decodeLink(`v=1&preset=${p.name}&to=100`);
      expect(read.problems, p.name).toEqual([]);
      expect(read.config.probe.testSize, p.name).toBe(MAX_TEST_SIZE);
      expect(decodeLink(encodeLink(read)).config, p.name).toEqual(read.config);
    }
    expect(decodeLink('v=1&lr=2').config.probe.testSize).toBe(MAX_TEST_SIZE);
  });

  it('a link written today keeps opening: the pinned version-1 link', () => {
    // Written by this codec on 2026-11-26. If this test fails, old links in the wild break: add a migration.
    const pinned = 'v=1&preset=bn-x5&lr=0.3&bs=32&arm=none&arm=batch&arm=batch,lr:1.5,label:BN+%C3%975&at=300,lr:0.05&at=500,mode:inference,affine:0&to=800&be=wasm&layer=2&theme=dark';
    const read = decodeLink(pinned);
    expect(read.problems).toEqual([]);
    expect(read.config.optimizer.learningRate).toBe(0.3);
    expect(read.config.batchSize).toBe(32);
    expect(read.config.arms).toEqual([{ norm: 'none' }, { norm: 'batch' }, { norm: 'batch', learningRate: 1.5, label: 'BN ×5' }]);
    expect(read.config.schedule).toEqual([
      { step: 300, set: { learningRate: 0.05 } },
      { step: 500, set: { bnMode: 'inference', affine: false } },
    ]);
    expect(read).toMatchObject({ to: 800, backend: 'wasm', view: { layer: 1, theme: 'dark' } });
  });

  it('carries Convergence’s x axis as x=time, and a link without it (every version-1 link so far) plots steps', () => {
    const config = presetConfig('ioffe-mnist');
    const link = encodeLink({ config, to: 400, backend: 'wasm', view: { xAxis: 'seconds', logLoss: true } });
    expect(link).toBe('v=3&preset=ioffe-mnist&to=400&be=wasm&log=1&x=time');
    expect(decodeLink(link)).toMatchObject({ problems: [], config, to: 400, view: { xAxis: 'seconds', logLoss: true } });
    // Steps are the default: not written, and read back as no choice at all (the lab then plots steps).
    expect(encodeLink({ config, view: { xAxis: 'steps' } })).toBe('v=3&preset=ioffe-mnist');
    expect(decodeLink('v=1&x=steps').view).toEqual({ xAxis: 'steps' });
    expect(decodeLink('v=1&preset=bn-x5&to=800&be=wasm&layer=2&theme=dark').view.xAxis).toBeUndefined();
    const bad = decodeLink('v=1&x=seconds');
    expect(bad.view.xAxis).toBeUndefined();
    expect(bad.problems).toEqual(['x: "seconds" is not steps or time; ignored']);
  });

  it('carries the distributions view’s choices (dscope=layer, dmode=train), and the pinned version-1 link decodes as it did', () => {
    const config = presetConfig('ioffe-mnist');
    const link = encodeLink({ config, to: 500, backend: 'wasm', view: { layer: 1, unit: 41, distScope: 'layer', distMode: 'train' } });
    expect(link).toBe('v=3&preset=ioffe-mnist&to=500&be=wasm&layer=2&unit=42&dscope=layer&dmode=train');
    expect(decodeLink(link)).toMatchObject({ problems: [], config, view: { layer: 1, unit: 41, distScope: 'layer', distMode: 'train' } });
    expect(decodeLink('dscope=unit&dmode=inference').view).toEqual({ distScope: 'unit', distMode: 'inference' });
    // The lab's defaults (one unit, inference mode) are not written by the page (linkStateOf leaves them out), and a
    // link without them reads as no choice: the view then shows its default.
    expect(decodeLink('v=1&preset=ioffe-mnist').view).toEqual({});
    // Links written before these parameters existed decode exactly as before: no choice of scope or mode. They
    // open on the lab's default view of the distributions (documented in link.ts and the README).
    const pinned = decodeLink('v=1&preset=bn-x5&lr=0.3&bs=32&arm=none&arm=batch&at=500,mode:inference,affine:0&to=800&be=wasm&layer=2&unit=7&theme=dark');
    expect(pinned.problems).toEqual([]);
    expect(pinned.view).toEqual({ layer: 1, unit: 6, theme: 'dark' });
    const bad = decodeLink('dscope=neuron&dmode=eval');
    expect(bad.view).toEqual({});
    expect(bad.problems).toEqual(['dscope: "neuron" is not unit or layer; ignored', 'dmode: "eval" is not train or inference; ignored']);
  });

  it('a teacher can type the common knobs by hand', () => {
    const read = decodeLink('?lr=2&bs=8');
    expect(read.problems).toEqual([]);
    expect(read.config).toEqual({ ...presetConfig('ioffe-mnist'), optimizer: { ...presetConfig('ioffe-mnist').optimizer, learningRate: 2 }, batchSize: 8 });
  });

  it('links stay readable: commas and colons are not percent-encoded', () => {
    const config = { ...presetConfig('ioffe-mnist'), schedule: [{ step: 200, set: { learningRate: 0.05 } }] };
    expect(encodeLink({ config, view: {} })).toContain('at=200,lr:0.05');
  });

  it.each([
    ['?lr=abc', /^lr: "abc" is not a number; default used$/],
    ['?lr=1e999', /^lr: "1e999" is not a finite number/],
    ['?lr=50', /^lr: must be at most 10 \(allowed 0.00001 … 10\)|^lr: must be at most 10/],
    ['?bs=2.5', /^bs: "2.5" is not a whole number/],
    ['?act=softmax', /^act: "softmax" is not one of sigmoid, tanh, relu/],
    ['?optimizr=adam', /^"optimizr": unknown parameter; ignored$/],
    ['?preset=nope', /^preset: "nope" is not one of/],
    ['?v=99', /^v: version 99 is newer than this lab/],
    ['?model=cnn&data=spirals', /conflicts with the other settings|the CNN needs image input/],
    ['?arm=instance', /^arm 1: "instance" is not one of none, batch, layer, group; arm ignored$/],
    ['?arm=group,groups:3', /^arm 1: arms.0.groups: arm 1's 3 groups do not divide the 100 units of hidden layer 1; use one of 1, 2, 4, 5, 10, 20, 25, 50; that setting ignored$/],
    ['?at=-3,lr:1', /^at: the step "-3" is not a whole number of at least 0/],
    ['?at=10,mom:0.5', /^at 10: .*momentum.*change ignored$/],
    ['?to=-5', /^to: -5 is outside 0 … 1,000,000/],
    ['?layer=9', /^layer: 9 is outside 1 … 3; ignored$/],
    ['?theme=%3Cscript%3Ealert(1)%3C/script%3E', /^theme: "<script>alert\(1\)<\/script…" is not light or dark; ignored$/],
  ])('%s opens the lab with defaults and names the bad field', (search, message) => {
    const read = decodeLink(search);
    expect(read.problems.some((p) => message.test(p)), read.problems.join('\n')).toBe(true);
    expect(configSchema.safeParse(read.config).success).toBe(true);
  });

  it('an oversized link is not read at all', () => {
    const read = decodeLink(`?lr=0.1&x=${'a'.repeat(MAX_LINK_LENGTH)}`);
    expect(read.config).toEqual(presetConfig('ioffe-mnist'));
    expect(read.problems[0]).toMatch(/not read/);
  });

  it('never throws and always yields a valid configuration, whatever the text', () => {
    const keys = ['lr', 'bs', 'arm', 'at', 'v', 'preset', 'to', 'layer', 'unit', 'views', 'model', 'data', 'width', 'x', '__proto__', 'constructor'];
    const pair = fc.tuple(fc.constantFrom(...keys), fc.string({ maxLength: 30 })).map(([k, v]) => `${k}=${encodeURIComponent(v)}`);
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.array(pair, { maxLength: 8 }).map((ps) => ps.join('&'))), (search) => {
        const read = decodeLink(search);
        expect(configSchema.safeParse(read.config).success).toBe(true);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { numRuns: 2000, seed: 7 },
    );
  });

  it('the address loses what would break other readers of it, and the link still names it', () => {
    expect(sanitizeSearch('?lr=%E0%A4%A&bs=8')).toBe('?bs=8');
    expect(sanitizeSearch('?tfjsflags=WEBGL_PACK:false&lr=2')).toBe('?lr=2');
    expect(sanitizeSearch('?lr=2&bs=8')).toBe('?lr=2&bs=8');
    expect(decodeLink('?lr=%E0%A4%A').problems[0]).toMatch(/^lr: .* is not a number; default used$/);
    expect(decodeLink('?tfjsflags=X:1').problems[0]).toMatch(/"tfjsflags": unknown parameter/);
  });
});
