import { PRESETS, presetConfig } from './presets';
import { readSweepParam, writeSweepParam, type SweepSpec } from './sweepParam';
import {
  ACTIVATIONS,
  CONFIG_VERSION,
  MAX_TEST_SIZE,
  DATASETS,
  INITS,
  MODEL_KINDS,
  NORMS,
  OPTIMIZERS,
  PLACEMENTS,
  configSchema,
  describeIssues,
  type ArmConfig,
  type ExperimentConfig,
  type ScheduleChange,
  type ScheduleEvent,
} from './schema';

/**
 * The share link: an ExperimentConfig plus the view state, as a query string a person can read and type
 * (`?lr=2&bs=8`). Only what differs from the nearest preset is written, so links stay short. Reading a link never
 * fails: each bad parameter is named in a notice and falls back to its default, and the whole configuration is
 * validated by the one schema before anything runs.
 *
 * Versioned: `v` is LINK_VERSION. Links written before must keep opening as they did; when the schema grows, add
 * parameters (an absent one means its default) or a migration keyed on `v`, never change what a name means.
 * Version 2 added `test` (probe.testSize) when the cnn-mnist preset began to score 500 of the test digits: a
 * version-1 link without it scores the whole test set, as every version-1 link did. Version 3: the MNIST MLP presets
 * (ioffe-mnist and the presets built on it) score the first 1,000 of the 2,000 test digits; a version-2 link without
 * `test` scores what its preset did then (presetTestSizeAt).
 */
export const LINK_VERSION = 3;
/** Longer query strings are not read at all (a pasted essay, an attack): the lab opens with its defaults. */
export const MAX_LINK_LENGTH = 4000;
export const DEFAULT_PRESET = 'ioffe-mnist';

export const VIEW_NAMES = ['convergence', 'distributions', 'boundary', 'network', 'ics', 'inspector', 'landscape', 'sweep', 'rnn', 'gan'] as const;
export type ViewName = (typeof VIEW_NAMES)[number];
/**
 * The views the lab shows when the link names none. Views of their own experiments (they train runs of their own
 * when asked) are not among them: they are opened from the Views menu or by a link's `views=`.
 */
export const DEFAULT_VIEWS: readonly ViewName[] = ['convergence', 'distributions', 'boundary', 'network', 'ics', 'inspector'];
/** The views on screen: those chosen, or the defaults when none were. */
export const viewsShown = (views: readonly ViewName[] | null): readonly ViewName[] => views ?? DEFAULT_VIEWS;
const sameViews = (a: readonly ViewName[], b: readonly ViewName[]) => a.length === b.length && a.every((v) => b.includes(v));
export const BACKEND_NAMES = ['webgl', 'wasm', 'cpu'] as const;
/** What Convergence plots against: steps, or each arm's training seconds on this machine. */
export type ConvergenceAxis = 'steps' | 'seconds';
/** The link's word for each axis: `x=time` reads better in an address than `x=seconds`. */
const X_AXIS_WORDS: Record<ConvergenceAxis, string> = { steps: 'steps', seconds: 'time' };

/** The view state a link carries: what the sender was looking at. */
export interface LinkView {
  /** 0-based hidden layer. */
  layer?: number;
  /** The unit of that layer picked in the views (the distributions view's one unit, the inspector's unit). */
  unit?: number | null;
  /**
   * Activation distributions: one unit or the whole layer pooled (`dscope=layer`), batch norm in training mode
   * (`dmode=train`) or inference mode. Absent means the lab's default, one unit in inference mode (what Ioffe &
   * Szegedy's Figure 1b–c plots). Links written before these existed carry neither, so they now open on that default
   * rather than on the whole layer in training mode they showed then: the configuration and the run are the same,
   * and the two controls above the view name what is shown.
   */
  distScope?: 'unit' | 'layer';
  distMode?: 'train' | 'inference';
  theme?: 'light' | 'dark';
  logLoss?: boolean;
  smoothing?: number;
  /** Convergence's x axis: training steps (the default) or each arm's own training seconds (`x=time`). */
  xAxis?: ConvergenceAxis;
  /** The views shown; absent means all. */
  views?: ViewName[];
  /** Projector mode: large type, thick lines, the chosen views fitted to the screen. */
  projector?: boolean;
  /** Embed mode (an iframe in a course page): the transport and the chosen views, nothing else. */
  embed?: boolean;
  /** The sweep view's sweep (`sweep=bs:2,4,8;norm:none,batch;steps:300`): what it will run when Run sweep is pressed. */
  sweep?: SweepSpec;
}

export interface LinkState {
  config: ExperimentConfig;
  /** Train to this step and pause there. */
  to?: number;
  /** The backend the sender's run used; replays on it when this browser has it. */
  backend?: (typeof BACKEND_NAMES)[number];
  view: LinkView;
  /** A guided lesson and its step (0-based); the lesson's own registry says whether the name exists. */
  lesson?: { name: string; step: number };
}

export interface LinkReading extends LinkState {
  /** One line per ignored parameter: which, and why. Empty for a good link. */
  problems: string[];
}

type FieldKind =
  | { type: 'number' }
  | { type: 'int' }
  | { type: 'enum'; values: readonly string[] }
  | { type: 'bool' };

/** The configuration fields and their short names. The order is the order written. */
const FIELDS: readonly { key: string; path: string; kind: FieldKind }[] = [
  { key: 'seed', path: 'seed', kind: { type: 'int' } },
  { key: 'data', path: 'dataset.name', kind: { type: 'enum', values: DATASETS } },
  { key: 'noise', path: 'dataset.noise', kind: { type: 'number' } },
  { key: 'model', path: 'model.kind', kind: { type: 'enum', values: MODEL_KINDS } },
  { key: 'depth', path: 'model.depth', kind: { type: 'int' } },
  { key: 'width', path: 'model.width', kind: { type: 'int' } },
  { key: 'act', path: 'activation', kind: { type: 'enum', values: ACTIVATIONS } },
  { key: 'init', path: 'init.scheme', kind: { type: 'enum', values: INITS } },
  { key: 'scale', path: 'init.scale', kind: { type: 'number' } },
  { key: 'opt', path: 'optimizer.kind', kind: { type: 'enum', values: OPTIMIZERS } },
  { key: 'lr', path: 'optimizer.learningRate', kind: { type: 'number' } },
  { key: 'mom', path: 'optimizer.momentum', kind: { type: 'number' } },
  { key: 'b1', path: 'optimizer.beta1', kind: { type: 'number' } },
  { key: 'b2', path: 'optimizer.beta2', kind: { type: 'number' } },
  { key: 'bs', path: 'batchSize', kind: { type: 'int' } },
  { key: 'place', path: 'normalization.placement', kind: { type: 'enum', values: PLACEMENTS } },
  { key: 'bnmom', path: 'normalization.momentum', kind: { type: 'number' } },
  { key: 'eps', path: 'normalization.epsilon', kind: { type: 'number' } },
  { key: 'affine', path: 'normalization.affine', kind: { type: 'bool' } },
  { key: 'every', path: 'probe.interval', kind: { type: 'int' } },
  { key: 'pbs', path: 'probe.batchSize', kind: { type: 'int' } },
  { key: 'test', path: 'probe.testSize', kind: { type: 'int' } },
  { key: 'bins', path: 'probe.bins', kind: { type: 'int' } },
  { key: 'range', path: 'probe.range', kind: { type: 'number' } },
  { key: 'landscape', path: 'probe.landscape', kind: { type: 'bool' } },
];

/** Short names of the changes a schedule event can make. */
const CHANGE_FIELDS: readonly { key: string; field: keyof ScheduleChange; kind: FieldKind }[] = [
  { key: 'lr', field: 'learningRate', kind: { type: 'number' } },
  { key: 'mom', field: 'momentum', kind: { type: 'number' } },
  { key: 'bnmom', field: 'bnMomentum', kind: { type: 'number' } },
  { key: 'bs', field: 'batchSize', kind: { type: 'int' } },
  { key: 'affine', field: 'affine', kind: { type: 'bool' } },
  { key: 'mode', field: 'bnMode', kind: { type: 'enum', values: ['train', 'inference'] } },
];

/** Parameters that are not configuration: the view, the replay, the page. */
const OTHER_KEYS = new Set(['v', 'preset', 'arm', 'at', 'to', 'be', 'layer', 'unit', 'dscope', 'dmode', 'theme', 'log', 'smooth', 'x', 'views', 'mainthread', 'lesson', 'lstep', 'projector', 'embed', 'sweep']);

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** A parameter's text as a typed value, or the reason it is not one. */
function readValue(raw: string, kind: FieldKind): { ok: true; value: unknown } | { ok: false; why: string } {
  const text = raw.trim();
  switch (kind.type) {
    case 'number':
    case 'int': {
      if (!NUMBER.test(text)) return { ok: false, why: `${quote(raw)} is not a number` };
      const v = Number(text);
      if (!Number.isFinite(v)) return { ok: false, why: `${quote(raw)} is not a finite number` };
      if (kind.type === 'int' && !Number.isInteger(v)) return { ok: false, why: `${quote(raw)} is not a whole number` };
      return { ok: true, value: v };
    }
    case 'enum':
      return kind.values.includes(text) ? { ok: true, value: text } : { ok: false, why: `${quote(raw)} is not one of ${kind.values.join(', ')}` };
    case 'bool':
      if (text === '1' || text === 'true') return { ok: true, value: true };
      if (text === '0' || text === 'false') return { ok: true, value: false };
      return { ok: false, why: `${quote(raw)} is not 1 or 0` };
  }
}

/** A value shown in a notice: short, and as text (the notice is never HTML). */
function quote(raw: string): string {
  const s = raw.length > 24 ? `${raw.slice(0, 24)}…` : raw;
  return JSON.stringify(s);
}

function getPath(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, k) => (node as Record<string, unknown> | undefined)?.[k], obj);
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = obj;
  for (const k of keys.slice(0, -1)) node = node[k] as Record<string, unknown>;
  node[keys[keys.length - 1]!] = value;
}

function formatValue(v: unknown): string {
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'number') return String(v);
  return String(v);
}

// ---- arms and schedule: `arm=batch,lr:2.5,label:BN ×5`, `arm=batch,noise:1`, `arm=group,groups:4` and `at=300,lr:0.05,bs:8` ----

function encodeArm(arm: ArmConfig): string {
  const parts: string[] = [arm.norm];
  if (arm.learningRate !== undefined) parts.push(`lr:${arm.learningRate}`);
  if (arm.initScale !== undefined) parts.push(`scale:${arm.initScale}`);
  if (arm.placement !== undefined) parts.push(`place:${arm.placement}`);
  if (arm.noise !== undefined) parts.push(`noise:${arm.noise}`);
  if (arm.groups !== undefined) parts.push(`groups:${arm.groups}`);
  // Only the characters of the arm's own grammar are escaped; the query encoding does the rest.
  if (arm.label !== undefined) parts.push(`label:${arm.label.replace(/%/g, '%25').replace(/,/g, '%2C').replace(/:/g, '%3A')}`);
  return parts.join(',');
}

function decodeArm(raw: string, problems: string[], n: number): ArmConfig | null {
  const [norm = '', ...rest] = raw.split(',');
  const where = `arm ${n}`;
  if (!(NORMS as readonly string[]).includes(norm)) {
    problems.push(`${where}: ${quote(norm)} is not one of ${NORMS.join(', ')}; arm ignored`);
    return null;
  }
  const arm: ArmConfig = { norm: norm as ArmConfig['norm'] };
  for (const item of rest) {
    const colon = item.indexOf(':');
    const key = colon < 0 ? item : item.slice(0, colon);
    const value = colon < 0 ? '' : item.slice(colon + 1);
    if (key === 'lr') {
      const r = readValue(value, { type: 'number' });
      if (r.ok) arm.learningRate = r.value as number;
      else problems.push(`${where} lr: ${r.why}; ignored`);
    } else if (key === 'scale') {
      const r = readValue(value, { type: 'number' });
      if (r.ok) arm.initScale = r.value as number;
      else problems.push(`${where} scale: ${r.why}; ignored`);
    } else if (key === 'place') {
      const r = readValue(value, { type: 'enum', values: PLACEMENTS });
      if (r.ok) arm.placement = r.value as ArmConfig['placement'];
      else problems.push(`${where} place: ${r.why}; ignored`);
    } else if (key === 'noise') {
      const r = readValue(value, { type: 'number' });
      if (r.ok) arm.noise = r.value as number;
      else problems.push(`${where} noise: ${r.why}; ignored`);
    } else if (key === 'groups') {
      const r = readValue(value, { type: 'int' });
      if (r.ok) arm.groups = r.value as number;
      else problems.push(`${where} groups: ${r.why}; ignored`);
    } else if (key === 'label') {
      let label: string;
      try {
        label = decodeURIComponent(value);
      } catch {
        label = value;
      }
      label = label.replace(/\p{Cc}/gu, '').trim();
      if (label.length >= 1 && label.length <= 40) arm.label = label;
      else problems.push(`${where} label: must be 1 to 40 characters; ignored`);
    } else problems.push(`${where}: unknown setting ${quote(key)}; ignored`);
  }
  return arm;
}

function encodeEvent(e: ScheduleEvent): string {
  const parts = [String(e.step)];
  for (const f of CHANGE_FIELDS) {
    const v = e.set[f.field];
    if (v !== undefined) parts.push(`${f.key}:${formatValue(v)}`);
  }
  return parts.join(',');
}

function decodeEvent(raw: string, problems: string[]): ScheduleEvent | null {
  const [stepText = '', ...rest] = raw.split(',');
  const step = readValue(stepText, { type: 'int' });
  if (!step.ok || (step.value as number) < 0) {
    problems.push(`at: the step ${quote(stepText)} is not a whole number of at least 0; change ignored`);
    return null;
  }
  const set: Record<string, unknown> = {};
  for (const item of rest) {
    const colon = item.indexOf(':');
    const key = colon < 0 ? item : item.slice(0, colon);
    const f = CHANGE_FIELDS.find((c) => c.key === key);
    if (!f) {
      problems.push(`at ${String(step.value)}: unknown setting ${quote(key)}; ignored`);
      continue;
    }
    const r = readValue(colon < 0 ? '' : item.slice(colon + 1), f.kind);
    if (r.ok) set[f.field] = r.value;
    else problems.push(`at ${String(step.value)} ${key}: ${r.why}; ignored`);
  }
  if (Object.keys(set).length === 0) {
    problems.push(`at ${String(step.value)}: no valid change; ignored`);
    return null;
  }
  return { step: step.value as number, set: set as ScheduleChange };
}

// ---- the configuration ----

/**
 * probe.testSize of a preset as links of `version` left it out: what a link without `test` scored when it was
 * written. History, so never derived from today's presets: version 1 scored the whole test set everywhere, version 2
 * only cnn-mnist scored fewer (500), and from version 3 on a preset scores what presets.ts says.
 */
function presetTestSizeAt(name: string, version: number): number {
  if (version < 2) return MAX_TEST_SIZE;
  if (version < 3) return name === 'cnn-mnist' ? 500 : MAX_TEST_SIZE;
  return presetConfig(name).probe.testSize;
}

/** A preset as a link of `version` reads it: today's configuration with the test size it had then. */
function presetConfigAt(name: string, version: number): ExperimentConfig {
  const config = presetConfig(name);
  return { ...config, probe: { ...config.probe, testSize: presetTestSizeAt(name, version) } };
}

/** The number of fields in which two configurations differ (what a link would have to write). */
function distance(a: ExperimentConfig, b: ExperimentConfig): number {
  let d = 0;
  for (const f of FIELDS) if (getPath(a, f.path) !== getPath(b, f.path)) d++;
  if (JSON.stringify(a.arms) !== JSON.stringify(b.arms)) d += a.arms.length;
  return d;
}

/** The query parameters of a configuration: the nearest preset and what differs from it. */
export function configParams(config: ExperimentConfig): [string, string][] {
  let best = PRESETS[0]!.name;
  let bestD = Infinity;
  for (const p of PRESETS) {
    const d = distance(config, presetConfig(p.name));
    if (d < bestD) [best, bestD] = [p.name, d];
  }
  const base = presetConfig(best);
  const out: [string, string][] = [];
  if (best !== DEFAULT_PRESET || bestD === 0) out.push(['preset', best]);
  for (const f of FIELDS) {
    const v = getPath(config, f.path);
    if (v !== getPath(base, f.path)) out.push([f.key, formatValue(v)]);
  }
  if (JSON.stringify(config.arms) !== JSON.stringify(base.arms)) for (const a of config.arms) out.push(['arm', encodeArm(a)]);
  for (const e of config.schedule) out.push(['at', encodeEvent(e)]);
  return out;
}

/** The whole link state as a query string (without `?`); readable: `,` `:` `@` stay as they are. */
export function encodeLink(state: LinkState): string {
  const params: [string, string][] = [['v', String(LINK_VERSION)], ...configParams(state.config)];
  if (state.to !== undefined && state.to > 0) params.push(['to', String(state.to)]);
  if (state.backend) params.push(['be', state.backend]);
  const v = state.view;
  if (v.layer !== undefined) params.push(['layer', String(v.layer + 1)]);
  if (v.unit !== undefined && v.unit !== null) params.push(['unit', String(v.unit + 1)]);
  if (v.distScope) params.push(['dscope', v.distScope]);
  if (v.distMode) params.push(['dmode', v.distMode]);
  if (v.theme) params.push(['theme', v.theme]);
  if (v.logLoss) params.push(['log', '1']);
  if (v.smoothing) params.push(['smooth', String(v.smoothing)]);
  if (v.xAxis === 'seconds') params.push(['x', X_AXIS_WORDS.seconds]);
  if (v.views && !sameViews(v.views, DEFAULT_VIEWS)) params.push(['views', v.views.join(',')]);
  if (v.projector) params.push(['projector', '1']);
  if (v.embed) params.push(['embed', '1']);
  if (v.sweep) params.push(['sweep', writeSweepParam(v.sweep)]);
  if (state.lesson) {
    params.push(['lesson', state.lesson.name]);
    if (state.lesson.step > 0) params.push(['lstep', String(state.lesson.step + 1)]);
  }
  return params.map(([k, val]) => `${k}=${encodeQueryValue(val)}`).join('&');
}

function encodeQueryValue(v: string): string {
  return encodeURIComponent(v).replace(/%2C/g, ',').replace(/%3A/g, ':').replace(/%40/g, '@').replace(/%3B/g, ';').replace(/%20/g, '+');
}

/**
 * Reads a query string into a complete, valid link state. Never throws: a bad parameter falls back to its
 * default (the preset's value) and is named in `problems`.
 */
export function decodeLink(search: string): LinkReading {
  const problems: string[] = [];
  const text = search.startsWith('?') ? search.slice(1) : search;
  if (text.length > MAX_LINK_LENGTH) {
    problems.push(`the link is ${text.length.toLocaleString('en-US')} characters long (at most ${MAX_LINK_LENGTH.toLocaleString('en-US')}): it was not read, the lab opened with its defaults`);
    return { config: presetConfig(DEFAULT_PRESET), view: {}, problems };
  }
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(text);
  } catch {
    problems.push('the link could not be read: the lab opened with its defaults');
    return { config: presetConfig(DEFAULT_PRESET), view: {}, problems };
  }
  const once = (key: string): string | null => {
    const all = params.getAll(key);
    if (all.length > 1) problems.push(`${key}: given ${all.length} times; the first was used`);
    return all.length ? all[0]! : null;
  };

  const version = once('v');
  // A link without a (usable) version is read as today's: typed by hand, it means what the names mean now.
  let linkVersion = LINK_VERSION;
  if (version !== null) {
    const n = readValue(version, { type: 'int' });
    if (!n.ok) problems.push(`v: ${n.why}; read as version ${LINK_VERSION}`);
    else if ((n.value as number) > LINK_VERSION) problems.push(`v: version ${String(n.value)} is newer than this lab (${LINK_VERSION}); the settings it knows were read`);
    else if ((n.value as number) < 1) problems.push(`v: there is no version ${String(n.value)}; read as version ${LINK_VERSION}`);
    else linkVersion = n.value as number;
  }

  for (const key of new Set(params.keys())) {
    if (!OTHER_KEYS.has(key) && !FIELDS.some((f) => f.key === key)) problems.push(`${quote(key)}: unknown parameter; ignored`);
  }

  let presetName = DEFAULT_PRESET;
  const presetParam = once('preset');
  if (presetParam !== null) {
    if (PRESETS.some((p) => p.name === presetParam)) presetName = presetParam;
    else problems.push(`preset: ${quote(presetParam)} is not one of ${PRESETS.map((p) => p.name).join(', ')}; ${DEFAULT_PRESET} used`);
  }
  // The preset as the link's version had it, so that what the link leaves out (and what falls back to a default
  // below) is what its sender ran: a version-2 ioffe-mnist link without `test` scores all 2,000 test digits.
  const base = presetConfigAt(presetName, linkVersion);
  const draft = structuredClone(base) as unknown as Record<string, unknown>;
  /** Where each path's value came from, to put it back (and say so) if the schema refuses it. */
  const fromLink = new Map<string, string>();
  for (const f of FIELDS) {
    const raw = once(f.key);
    if (raw === null) continue;
    const r = readValue(raw, f.kind);
    if (r.ok) {
      setPath(draft, f.path, r.value);
      fromLink.set(f.path, f.key);
    } else problems.push(`${f.key}: ${r.why}; default used`);
  }
  const armTexts = params.getAll('arm');
  if (armTexts.length) {
    const arms = armTexts.map((t, i) => decodeArm(t, problems, i + 1)).filter((a): a is ArmConfig => a !== null);
    if (arms.length > 4) problems.push(`arm: at most 4 arms; the first 4 were used`);
    if (arms.length) draft.arms = arms.slice(0, 4);
  }
  const events = params
    .getAll('at')
    .map((t) => decodeEvent(t, problems))
    .filter((e): e is ScheduleEvent => e !== null)
    .sort((a, b) => a.step - b.step);
  draft.schedule = events;

  const config = validate(draft, base, fromLink, problems);
  const view = readView(once, problems, config);
  const state: LinkReading = { config, view, problems };
  const to = once('to');
  if (to !== null) {
    const r = readValue(to, { type: 'int' });
    if (r.ok && (r.value as number) >= 0 && (r.value as number) <= 1_000_000) state.to = r.value as number;
    else problems.push(`to: ${r.ok ? `${String(r.value)} is outside 0 … 1,000,000` : r.why}; the run starts paused at step 0`);
  }
  const lesson = once('lesson');
  if (lesson !== null) {
    if (/^[a-z0-9-]{1,40}$/.test(lesson)) {
      state.lesson = { name: lesson, step: 0 };
      const lstep = once('lstep');
      if (lstep !== null) {
        const r = readValue(lstep, { type: 'int' });
        if (r.ok && (r.value as number) >= 1 && (r.value as number) <= 50) state.lesson.step = (r.value as number) - 1;
        else problems.push(`lstep: ${r.ok ? `${String(r.value)} is outside 1 … 50` : r.why}; the lesson starts at its first step`);
      }
    } else problems.push(`lesson: ${quote(lesson)} is not a lesson name; ignored`);
  } else if (once('lstep') !== null) problems.push('lstep: a lesson step needs a lesson; ignored');
  const be = once('be');
  if (be !== null) {
    if ((BACKEND_NAMES as readonly string[]).includes(be)) state.backend = be as LinkState['backend'];
    else problems.push(`be: ${quote(be)} is not one of ${BACKEND_NAMES.join(', ')}; ignored`);
  }
  return state;
}

/**
 * Validates the draft with the schema. A field it refuses goes back to the preset's value and is named; a bad
 * arm or schedule event is dropped. Several rounds, since one fix can reveal the next conflict.
 */
function validate(draft: Record<string, unknown>, base: ExperimentConfig, fromLink: Map<string, string>, problems: string[]): ExperimentConfig {
  for (let round = 0; round < 12; round++) {
    const result = configSchema.safeParse(draft);
    if (result.success) return result.data;
    const issue = result.error.issues[0]!;
    const [message] = describeIssues([issue]);
    const path = issue.path.map(String);
    if (path[0] === 'schedule' && path.length > 1) {
      const i = Number(path[1]);
      const events = draft.schedule as ScheduleEvent[];
      problems.push(`at ${String(events[i]?.step ?? '?')}: ${message ?? 'invalid'}; change ignored`);
      events.splice(i, 1);
      continue;
    }
    if (path[0] === 'arms') {
      const arms = draft.arms as ArmConfig[];
      const i = Number(path[1]);
      if (path.length > 2 && arms[i]) {
        problems.push(`arm ${i + 1}: ${message ?? 'invalid'}; that setting ignored`);
        delete (arms[i] as unknown as Record<string, unknown>)[path[2]!];
      } else {
        problems.push(`arm: ${message ?? 'invalid'}; the preset's arms used`);
        draft.arms = structuredClone(base.arms);
      }
      continue;
    }
    // A top-level field (or a cross-field rule): put the fields the link set back to the preset's values.
    const dotted = path.join('.');
    const key = fromLink.get(dotted);
    if (key) {
      problems.push(`${key}: ${message?.replace(`${dotted}: `, '') ?? 'invalid'}; default used`);
      setPath(draft, dotted, getPath(base, dotted));
      fromLink.delete(dotted);
      continue;
    }
    // A conflict between fields: undo the link's settings one at a time, last first.
    const last = [...fromLink.entries()].pop();
    if (last) {
      problems.push(`${last[1]}: conflicts with the other settings (${message ?? 'invalid'}); default used`);
      setPath(draft, last[0], getPath(base, last[0]));
      fromLink.delete(last[0]);
      continue;
    }
    break;
  }
  problems.push('the settings could not be made consistent; the preset was used as it is');
  return base;
}

function readView(once: (k: string) => string | null, problems: string[], config: ExperimentConfig): LinkView {
  const view: LinkView = {};
  const int = (key: string, lo: number, hi: number, set: (v: number) => void) => {
    const raw = once(key);
    if (raw === null) return;
    const r = readValue(raw, { type: 'int' });
    if (r.ok && (r.value as number) >= lo && (r.value as number) <= hi) set(r.value as number);
    else problems.push(`${key}: ${r.ok ? `${String(r.value)} is outside ${lo} … ${hi}` : r.why}; ignored`);
  };
  int('layer', 1, config.model.depth, (v) => (view.layer = v - 1));
  int('unit', 1, config.model.width, (v) => (view.unit = v - 1));
  const scope = once('dscope');
  if (scope !== null) {
    if (scope === 'unit' || scope === 'layer') view.distScope = scope;
    else problems.push(`dscope: ${quote(scope)} is not unit or layer; ignored`);
  }
  const mode = once('dmode');
  if (mode !== null) {
    if (mode === 'train' || mode === 'inference') view.distMode = mode;
    else problems.push(`dmode: ${quote(mode)} is not train or inference; ignored`);
  }
  const theme = once('theme');
  if (theme !== null) {
    if (theme === 'light' || theme === 'dark') view.theme = theme;
    else problems.push(`theme: ${quote(theme)} is not light or dark; ignored`);
  }
  const log = once('log');
  if (log !== null) {
    const r = readValue(log, { type: 'bool' });
    if (r.ok) view.logLoss = r.value as boolean;
    else problems.push(`log: ${r.why}; ignored`);
  }
  const smooth = once('smooth');
  if (smooth !== null) {
    const r = readValue(smooth, { type: 'number' });
    if (r.ok && (r.value as number) >= 0 && (r.value as number) < 1) view.smoothing = r.value as number;
    else problems.push(`smooth: ${r.ok ? `${String(r.value)} is outside 0 … 0.99` : r.why}; ignored`);
  }
  const x = once('x');
  if (x !== null) {
    const axis = (Object.keys(X_AXIS_WORDS) as ConvergenceAxis[]).find((a) => X_AXIS_WORDS[a] === x);
    if (axis) view.xAxis = axis;
    else problems.push(`x: ${quote(x)} is not steps or time; ignored`);
  }
  for (const key of ['projector', 'embed'] as const) {
    const raw = once(key);
    if (raw === null) continue;
    const r = readValue(raw, { type: 'bool' });
    if (r.ok) view[key] = r.value as boolean;
    else problems.push(`${key}: ${r.why}; ignored`);
  }
  const sweep = once('sweep');
  if (sweep !== null) {
    const read = readSweepParam(sweep, config);
    problems.push(...read.problems);
    view.sweep = read.spec;
  }
  const views = once('views');
  if (views !== null) {
    const names = views.split(',').filter(Boolean);
    const bad = names.filter((n) => !(VIEW_NAMES as readonly string[]).includes(n));
    if (bad.length) problems.push(`views: ${bad.map(quote).join(', ')} ${bad.length > 1 ? 'are not views' : 'is not a view'} (${VIEW_NAMES.join(', ')}); ignored`);
    const good = VIEW_NAMES.filter((n) => names.includes(n));
    if (good.length) view.views = good;
  }
  return view;
}

/** The same link state as a full address, for the Copy link button. */
export function linkUrl(state: LinkState, location: { origin: string; pathname: string }): string {
  return `${location.origin}${location.pathname}?${encodeLink(state)}`;
}

/** The version of the configuration schema this codec writes (kept beside the link's own version). */
export const SCHEMA_VERSION = CONFIG_VERSION;

/**
 * The query string without the pieces that would break other code reading the address: text that is not valid
 * percent-encoding (tfjs-core decodes every parameter with decodeURIComponent at start-up and throws "URI
 * malformed"), and `tfjsflags`, through which an address could change the engine's flags. The link itself is read
 * from the original text, so each dropped piece is still named in the notice.
 */
export function sanitizeSearch(search: string): string {
  const text = search.startsWith('?') ? search.slice(1) : search;
  if (text === '') return search;
  const kept = text.split('&').filter((piece) => {
    try {
      const name = decodeURIComponent((piece.split('=')[0] ?? '').replace(/\+/g, ' '));
      decodeURIComponent(piece.replace(/\+/g, ' '));
      return name !== 'tfjsflags';
    } catch {
      return false;
    }
  });
  return kept.length ? `?${kept.join('&')}` : '';
}
