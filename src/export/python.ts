import { armGroups, armName, MAX_TEST_SIZE, type ExperimentConfig, type NormKind, type Placement, type ScheduleChange } from '../config/schema';
import { syntheticDataset, type SyntheticKind } from '../engine/data/synthetic';
import { describeNet, initStds, type NetShape } from './network';

/**
 * What the PyTorch and Keras exports share: Python literals, the description of the run in words, the data
 * loaders (the lab's own mnist.bin, or the 2-D points embedded), the batch order and the schedule. Pure text.
 */

/** A Python float literal as Python's repr writes it: 0.5, 2.0, 1e-05, 1.5e-08. */
export function pyFloat(v: number): string {
  if (!Number.isFinite(v)) throw new RangeError(`not a finite number: ${v}`);
  if (v !== 0 && (Math.abs(v) < 1e-4 || Math.abs(v) >= 1e16)) {
    const [mantissa, exp] = v.toExponential().split('e') as [string, string];
    const sign = exp.startsWith('-') ? '-' : '+';
    return `${mantissa}e${sign}${exp.replace(/^[+-]/, '').padStart(2, '0')}`;
  }
  const s = String(v);
  return /^-?\d+$/.test(s) ? `${s}.0` : s;
}

/** A Python str literal (JSON's escapes are Python's too). */
export function pyStr(s: string): string {
  return JSON.stringify(s);
}

/** A JSON-like value as a Python literal: dicts, lists, True/False/None, floats for non-integers. */
export function pyValue(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) < 1e15 ? String(v) : pyFloat(v);
  if (typeof v === 'string') return pyStr(v);
  if (Array.isArray(v)) return `[${v.map(pyValue).join(', ')}]`;
  return `{${Object.entries(v as Record<string, unknown>)
    .filter(([, x]) => x !== undefined)
    .map(([k, x]) => `${pyStr(k)}: ${pyValue(x)}`)
    .join(', ')}}`;
}

/** Text for a docstring or comment: no quotes, backslashes or line breaks that could end it early. */
export function safeText(s: string): string {
  return s.replace(/[\\"]|\p{Cc}/gu, '');
}

/** Numbers in prose: 0.5, 1e-5, 8,000. */
export function prose(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) >= 1000) return v.toLocaleString('en-US');
  return v !== 0 && Math.abs(v) < 1e-4 ? v.toExponential() : String(v);
}

export interface ScriptOptions {
  /** Steps to train by default (the script's --steps). */
  steps: number;
  /** The preset's name and title, for the header, when the configuration starts from one. */
  preset?: { name: string; title: string } | null;
  /** The `npm run experiment` command that runs the same configuration on the lab's engine. */
  command?: string;
  /** The script's own file name, for the usage line. */
  fileName: string;
}

/** What a network builder depends on: the normalization, where it sits, the noise after batch norm, the groups. */
export interface NetVariant {
  norm: NormKind;
  /** Where this arm's normalization sits (the shared placement unless the arm has its own). */
  placement: Placement;
  /** Santurkar et al.'s noise strength after each batch-norm layer; 0 for none. */
  noise: number;
  /** Group norm's number of groups; null for the other normalizations. */
  groups: number | null;
}

export interface ArmRow extends NetVariant {
  name: string;
  /** The name of the arm's network builder in the script (`net_<net>`): arms that build the same network share one. */
  net: string;
  learningRate: number;
  /** Its learning rate over the base one: a schedule's learning-rate change keeps it (BN ×5 stays 5×). */
  ratio: number;
  /** Its initial scale over the shared one: the same draws, scaled, as in the lab (1 unless the arm sets its own). */
  initFactor: number;
}

/**
 * A builder's name: the normalization (group norm with its number of groups, `group4`), then what differs from the
 * shared settings (`batch_after`, `batch_noise0_5`), so a configuration without per-arm settings keeps `net_none`,
 * `net_batch`, `net_layer`.
 */
export function netKey(v: NetVariant, config: ExperimentConfig): string {
  const place = v.norm !== 'none' && v.placement !== config.normalization.placement ? `_${v.placement}` : '';
  const noise = v.noise > 0 ? `_noise${String(v.noise).replace(/[^0-9a-z]/gi, '_')}` : '';
  return v.norm + (v.groups ?? '') + place + noise;
}

export function armRows(config: ExperimentConfig): ArmRow[] {
  return config.arms.map((a) => {
    const learningRate = a.learningRate ?? config.optimizer.learningRate;
    const variant: NetVariant = {
      norm: a.norm,
      placement: a.placement ?? config.normalization.placement,
      noise: a.norm === 'batch' ? (a.noise ?? 0) : 0,
      groups: armGroups(a, config),
    };
    return {
      ...variant,
      name: armName(a, config),
      net: netKey(variant, config),
      learningRate,
      ratio: learningRate / config.optimizer.learningRate,
      initFactor: (a.initScale ?? config.init.scale) / config.init.scale,
    };
  });
}

/** The distinct networks the arms build, in arm order, each once. */
export function netVariants(config: ExperimentConfig): (NetVariant & { net: string })[] {
  const seen = new Map<string, NetVariant & { net: string }>();
  for (const a of armRows(config)) if (!seen.has(a.net)) seen.set(a.net, { norm: a.norm, placement: a.placement, noise: a.noise, groups: a.groups, net: a.net });
  return [...seen.values()];
}

/** Whether any arm injects noise after batch norm (the scripts then carry the noise module). */
export function usesNoise(config: ExperimentConfig): boolean {
  return armRows(config).some((a) => a.noise > 0);
}

/**
 * The noise after batch norm in words, for docstrings: the engine's distributions (src/engine/norm/noise.ts).
 */
export const NOISE_WORDS =
  "in training only, each unit's output is scaled by s and shifted by m, drawn anew at every step: m ~ U(-n, n) and " +
  'log s ~ U(-log(1 + n), log(1 + n))';

const NORM_WORDS: Record<NormKind, string> = { none: 'no normalization', batch: 'batch norm', layer: 'layer norm', group: 'group norm' };

export function initWords(config: ExperimentConfig): string {
  const { scheme, scale } = config.init;
  if (scheme === 'gaussian') return `Gaussian, std ${prose(scale)}`;
  if (scheme === 'glorot') return `Glorot normal, std ${prose(scale)}·√(2/(fan_in + fan_out))`;
  return `He normal, std ${prose(scale)}·√(2/fan_in)`;
}

export function optimizerWords(config: ExperimentConfig): string {
  const o = config.optimizer;
  if (o.kind === 'sgd') return 'SGD';
  if (o.kind === 'momentum') return `SGD with heavy-ball momentum ${prose(o.momentum)}`;
  return `Adam, β1 ${prose(o.beta1)}, β2 ${prose(o.beta2)}, ε 1e-8`;
}

export function changeWords(set: ScheduleChange): string {
  const parts: string[] = [];
  if (set.learningRate !== undefined) parts.push(`learning rate ${prose(set.learningRate)}`);
  if (set.momentum !== undefined) parts.push(`momentum ${prose(set.momentum)}`);
  if (set.bnMomentum !== undefined) parts.push(`batch-norm momentum ${prose(set.bnMomentum)}`);
  if (set.batchSize !== undefined) parts.push(`batch size ${set.batchSize}`);
  if (set.affine !== undefined) parts.push(set.affine ? 'γ and β learn again' : 'γ and β frozen');
  if (set.bnMode !== undefined) parts.push(set.bnMode === 'inference' ? 'batch norm in inference mode' : 'batch norm in training mode');
  return parts.join(', ');
}

/** The run in words, for the script's docstring: one fact per line. */
export function describeRun(config: ExperimentConfig, net: NetShape, framework: 'pytorch' | 'keras'): string[] {
  const n = config.normalization;
  const usesBN = config.arms.some((a) => a.norm === 'batch');
  const usesNorm = config.arms.some((a) => a.norm !== 'none');
  const lines = ['Arms, trained side by side on the same batches from the same initial weights:'];
  for (const a of armRows(config)) {
    const own: string[] = [];
    if (a.groups !== null) {
      const per = config.model.width / a.groups;
      own.push(`${a.groups} group${a.groups === 1 ? '' : 's'} of ${per} ${config.model.kind === 'cnn' ? 'channel' : 'unit'}${per === 1 ? '' : 's'}`);
    }
    if (a.norm !== 'none' && a.placement !== n.placement) own.push(`${a.placement} the nonlinearity`);
    if (a.noise > 0) own.push(`noise ${prose(a.noise)} after batch norm`);
    if (a.initFactor !== 1) own.push(`initial weights ×${prose(Number(a.initFactor.toPrecision(6)))}`);
    lines.push(`  ${safeText(a.name)}: ${NORM_WORDS[a.norm]}${own.length ? `, ${own.join(', ')}` : ''}, learning rate ${prose(a.learningRate)}`);
  }
  lines.push(`Network: ${describeNet(net)}, ${config.activation}; a dense softmax classifier on top.`);
  if (usesNorm) {
    lines.push(
      `Normalization ${n.placement} the nonlinearity, ε ${prose(n.epsilon)}, ${n.affine ? 'learnable γ and β' : 'no γ or β'}` +
        (armRows(config).some((a) => a.norm === 'batch' && a.placement === 'before') ? '; a layer followed by batch norm has no bias (β takes its place).' : '.'),
    );
  }
  if (usesNoise(config)) lines.push(`Noise n after batch norm (Santurkar et al. 2018, section 2.1): ${NOISE_WORDS}.`);
  if (usesBN) {
    lines.push(
      framework === 'pytorch'
        ? `Batch-norm running statistics: momentum ${prose(n.momentum)} (PyTorch's convention, the weight of the new batch).`
        : `Batch-norm running statistics: momentum ${prose(1 - n.momentum)} (Keras's convention: 1 − the lab's ${prose(n.momentum)}).`,
    );
  }
  const stds = initStds(config, net);
  lines.push(`Initial weights: ${initWords(config)} (std per layer ${stds.map((s) => Number(s.toPrecision(4))).join(', ')}); biases zero.`);
  lines.push(`Optimizer: ${optimizerWords(config)}; batch size ${config.batchSize}; seed ${config.seed}.`);
  for (const e of config.schedule) lines.push(`From step ${e.step}: ${changeWords(e.set)}.`);
  if (config.dataset.name === 'mnist') {
    lines.push("Data: MNIST from the lab's own mnist.bin (the page offers it for download): its first 8,000 digits train,");
    const n = scoredTest(config);
    lines.push(`  the other 2,000 test, exactly as in the lab${n === null || n >= 2000 ? '' : `, which scores the first ${n.toLocaleString('en-US')} of them`}.`);
  } else {
    lines.push(`Data: the lab's ${config.dataset.name} set (noise ${prose(config.dataset.noise)}, seed ${config.seed}), embedded below point for point:`);
    const n = scoredTest(config);
    lines.push(`  the same 800 training and 400 test points the lab trains and tests on${n === null || n >= 400 ? '' : ` (it scores the first ${n} test points)`}.`);
  }
  return lines;
}

/** Base64 of bytes, in the page and in Node alike. */
export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** A long string as a parenthesised run of Python literals, one line each. */
function pyLongString(s: string, width = 96): string {
  const lines: string[] = [];
  for (let i = 0; i < s.length; i += width) lines.push(`    "${s.slice(i, i + width)}"`);
  return `(\n${lines.join('\n')}\n)`;
}

/** Little-endian float32 bytes (every platform the lab runs on is little-endian, but say so explicitly). */
function float32Bytes(a: Float32Array): Uint8Array {
  const out = new Uint8Array(a.length * 4);
  const view = new DataView(out.buffer);
  a.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return out;
}

/**
 * The data loader, in Python, for `layout` (flat rows; NCHW images for PyTorch convolutions; NHWC for Keras).
 * Returns numpy arrays x_train, y_train, x_test, y_test.
 */
export function pythonDataLoader(config: ExperimentConfig, layout: 'flat' | 'nchw' | 'nhwc'): string {
  if (config.dataset.name === 'mnist') {
    const reshape = layout === 'flat' ? 'count, rows * cols' : layout === 'nchw' ? 'count, 1, rows, cols' : 'count, rows, cols, 1';
    return `def load_data(path):
    """The lab's mnist.bin: gzip of a 24-byte header ("BNMX", then version 1, count, rows, cols and numTrain as
    little-endian uint32), count label bytes and count·rows·cols pixel bytes. The digits are already shuffled:
    the first numTrain (8,000) train and the rest (2,000) test, the lab's fixed split."""
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] == b"\\x1f\\x8b":
        raw = gzip.decompress(raw)
    magic, version, count, rows, cols, num_train = struct.unpack_from("<4s5I", raw)
    if magic != b"BNMX" or version != 1 or len(raw) != 24 + count * (1 + rows * cols):
        raise SystemExit(f"{path}: not the lab's mnist.bin (version 1)")
    labels = np.frombuffer(raw, np.uint8, count, 24).astype(np.int64)
    pixels = np.frombuffer(raw, np.uint8, count * rows * cols, 24 + count).astype(np.float32) / 255
    x = pixels.reshape(${reshape})
    return x[:num_train], labels[:num_train], x[num_train:], labels[num_train:]`;
  }
  const ds = syntheticDataset(config.dataset.name as SyntheticKind, { seed: config.seed, noise: config.dataset.noise });
  return `# The lab's ${config.dataset.name} points for seed ${config.seed} and noise ${prose(config.dataset.noise)}, generated by
# src/engine/data/synthetic.ts: (x1, x2) pairs as little-endian float32 and labels as uint8, base64-encoded.
TRAIN_X = ${pyLongString(toBase64(float32Bytes(ds.trainX)))}
TRAIN_Y = ${pyLongString(toBase64(ds.trainY))}
TEST_X = ${pyLongString(toBase64(float32Bytes(ds.testX)))}
TEST_Y = ${pyLongString(toBase64(ds.testY))}


def load_data(_path=None):
    """The embedded points: ${ds.numTrain} training and ${ds.numTest} test, ${ds.numClasses} classes."""
    points = lambda s: np.frombuffer(base64.b64decode(s), "<f4").astype(np.float32).reshape(-1, 2)
    labels = lambda s: np.frombuffer(base64.b64decode(s), np.uint8).astype(np.int64)
    return points(TRAIN_X), labels(TRAIN_Y), points(TEST_X), labels(TEST_Y)`;
}

/** The batch order, in Python: a seeded permutation per epoch, cut into full batches as the lab does. */
export const PY_BATCHES = `class Batches:
    """Each epoch a fresh seeded permutation of the training set, cut into full batches; the last partial batch
    is dropped (as in the lab), so batch norm always sees the configured batch size."""

    def __init__(self, n, seed):
        self.n = n
        self.rng = np.random.default_rng(seed)
        self.order = self.rng.permutation(n)
        self.pos = 0

    def next(self, size):
        if self.pos + size > self.n:
            self.order = self.rng.permutation(self.n)
            self.pos = 0
        idx = self.order[self.pos : self.pos + size]
        self.pos += size
        return idx`;

/** In the training loop, before the step: a scheduled change takes effect after that many steps. */
export const PY_SCHEDULE_HOOK = `        if step in SCHEDULE:
            batch_size = apply_change(SCHEDULE[step], arms, batch_size)
            print(f"step {step:>{width}}  from here on: {SCHEDULE[step]}", flush=True)
`;

/** Prints every arm's test accuracy (or when it diverged) at a step, one line, like the lab's probes. */
export const PY_REPORT = `    def report(step):
        cells = [f"{a.name} {'diverged at ' + str(a.diverged_at) if a.diverged_at is not None else format(a.test_accuracy(x_test, y_test), '.3f')}" for a in arms]
        print(f"step {step:>{width}}  test acc: " + "   ".join(cells), flush=True)`;

/**
 * The ARMS list: (name, network, learning rate, ratio to the base rate[, initial-weight factor]); the factor is
 * written only for an arm with its own initial scale.
 */
export function pyArms(config: ExperimentConfig): string {
  const arms = armRows(config);
  const rows = arms.map((a) => {
    const factor = a.initFactor !== 1 ? `, ${pyFloat(a.initFactor)}` : '';
    return `    (${pyStr(a.name)}, ${pyStr(a.net)}, ${pyFloat(a.learningRate)}, ${pyFloat(a.ratio)}${factor}),`;
  });
  const factorNote = arms.some((a) => a.initFactor !== 1) ? ' [, the factor on its initial weights]' : '';
  return `ARMS = [  # name, network (its net_… builder), learning rate, its ratio to the base rate${factorNote}\n${rows.join('\n')}\n]`;
}

/** The SCHEDULE dict: steps done → the change applied before the next step. */
export function pySchedule(config: ExperimentConfig): string {
  if (!config.schedule.length) return 'SCHEDULE = {}  # no changes during the run';
  const rows = config.schedule.map((e) => `    ${e.step}: ${pyValue(e.set)},`);
  return `# Changes during the run: after that many training steps, before the next one (as in the lab).\nSCHEDULE = {\n${rows.join('\n')}\n}`;
}

/** The command-line arguments and the data, shared by both scripts' argument parsers. */
export function pyArgParser(config: ExperimentConfig): string {
  const data =
    config.dataset.name === 'mnist'
      ? `    parser.add_argument("data", nargs="?", default="mnist.bin", help="the lab's mnist.bin (default ./mnist.bin)")\n`
      : '';
  return `    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
${data}    parser.add_argument("--steps", type=int, default=STEPS, help="training steps (default %(default)s)")
    parser.add_argument("--every", type=int, default=EVERY, help="report test accuracy every this many steps (default %(default)s)")
    args = parser.parse_args()
    x_train, y_train, x_test, y_test = load_data(${config.dataset.name === 'mnist' ? 'args.data' : ''})${testSlice(config)}`;
}

/** The test examples the lab scores when it scores only the test set's first ones (probe.testSize), as a slice. */
function scoredTest(config: ExperimentConfig): number | null {
  return config.probe.testSize < MAX_TEST_SIZE ? Math.max(config.probe.testSize, config.probe.batchSize) : null;
}

function testSlice(config: ExperimentConfig): string {
  const n = scoredTest(config);
  return n === null ? '' : `\n    # The lab scores the test set's first ${n} examples (probe.testSize).\n    x_test, y_test = x_test[:${n}], y_test[:${n}]`;
}

/** The docstring: title, the run in words, usage, and how it relates to the lab's numbers. */
export function pyDocstring(config: ExperimentConfig, net: NetShape, opts: ScriptOptions, framework: 'pytorch' | 'keras'): string {
  const what = opts.preset ? `${safeText(opts.preset.title)} (preset ${opts.preset.name}${config.schedule.length ? ', with changes' : ''})` : 'a custom configuration';
  const name = framework === 'pytorch' ? 'PyTorch' : 'Keras';
  const usage = `python3 ${opts.fileName}${config.dataset.name === 'mnist' ? ' [mnist.bin]' : ''} [--steps N] [--every K]`;
  const needs =
    framework === 'pytorch'
      ? 'Needs PyTorch (1.13 or newer) and NumPy.'
      : usesNoise(config)
        ? 'Needs Keras 3 (any backend: TensorFlow, JAX or PyTorch; the noise after batch norm draws with keras.random) and NumPy.'
        : 'Needs Keras 3 (any backend: TensorFlow, JAX or PyTorch) or tf.keras 2.11 or newer, and NumPy.';
  return [
    `"""BatchNorm Explorer, exported as a ${name} script: ${what}.`,
    '',
    ...describeRun(config, net, framework),
    '',
    `Usage: ${usage}`,
    needs,
    "The lab draws the initial weights and the batch order from the seed with its own generator; this script draws",
    `them with ${framework === 'pytorch' ? "PyTorch's" : "Keras's"} and NumPy's from the same seed, so expect the same behaviour and close numbers,`,
    'not the same digits.',
    '"""',
    // A comment, not the docstring: a command may hold quotes and backslashes, and a comment ends only at the line's end.
    ...(opts.command ? ["# The lab's own engine runs this configuration in Node, from the project's folder, with:", `#   ${opts.command.replace(/[\r\n]/g, ' ')}`] : []),
  ].join('\n');
}

export { NORM_WORDS };

/** The standard-library imports both scripts need: the MNIST reader's or the embedded 2-D points' decoder. */
export function pyStdImports(config: ExperimentConfig): string {
  const mnist = config.dataset.name === 'mnist';
  return ['argparse', 'math', ...(mnist ? ['gzip', 'struct'] : ['base64'])]
    .sort()
    .map((m) => `import ${m}`)
    .join('\n');
}

/** The settings block both scripts start with: seed, steps, probe interval, batch size, rates, arms, init, schedule. */
export function pySettings(config: ExperimentConfig, net: NetShape, opts: ScriptOptions): string {
  const stds = initStds(config, net);
  return `SEED = ${config.seed}
STEPS = ${opts.steps}
EVERY = ${config.probe.interval}  # the lab's probe interval
BATCH_SIZE = ${config.batchSize}
BASE_LR = ${pyFloat(config.optimizer.learningRate)}
${pyArms(config)}
# Standard deviation of each weight layer's Gaussian initial values, hidden layers then the classifier.
INIT_STD = [${stds.map(pyFloat).join(', ')}]
${pySchedule(config)}`;
}
