import type { ExperimentConfig } from '../config/schema';
import { type NetLayer, type NetShape } from './network';
import {
  PY_BATCHES,
  PY_REPORT,
  PY_SCHEDULE_HOOK,
  netVariants,
  pyArgParser,
  pyDocstring,
  pyFloat,
  pySettings,
  pyStdImports,
  pythonDataLoader,
  usesNoise,
  type NetVariant,
  type ScriptOptions,
} from './python';

/**
 * The configuration as a short Keras 3 script (it also runs on tf.keras 2.11+): the same architecture,
 * initialisation, optimizer, batch size and normalization (BatchNormalization with Keras's momentum = 1 − the
 * lab's, LayerNormalization or GroupNormalization(groups=1), GroupNormalization(groups=G) at the same place), each arm's own learning rate,
 * initial scale, placement and noise after batch norm, the schedule's changes that Keras can make mid-run, on the
 * same data.
 */

/** Keras's momentum for the lab's (PyTorch's) one, without float noise (1 − 0.7 is 0.30000000000000004). */
export function kerasMomentum(pytorchMomentum: number): number {
  return Number((1 - pytorchMomentum).toPrecision(12));
}

export function kerasLayer(config: ExperimentConfig, layer: NetLayer, { norm, placement, noise, groups }: NetVariant, index: number): string[] {
  const { epsilon, momentum, affine } = config.normalization;
  // Batch norm right after the layer subtracts the batch mean, which cancels a bias: β takes its role (§3.2).
  const bias = norm === 'batch' && placement === 'before' ? ', use_bias=False' : '';
  const init = `kernel_initializer=init(${index})`;
  const out: string[] = [];
  if (layer.kind === 'dense') out.push(`layers.Dense(${layer.units}${bias}, ${init})`);
  // 'same' is TensorFlow's padding, the lab's: the odd pixel goes after.
  else out.push(`layers.Conv2D(${layer.units}, 3, strides=${layer.stride}, padding="same"${bias}, ${init})`);
  const noAffine = affine ? '' : ', center=False, scale=False';
  let normLayer: string | null = null;
  if (norm === 'batch') {
    normLayer = `layers.BatchNormalization(momentum=${pyFloat(kerasMomentum(momentum))}, epsilon=${pyFloat(epsilon)}${noAffine})`;
    // Each noise layer draws from its own seeded stream (apart from the initializers' seeds), as the lab's layers do.
    if (noise > 0) normLayer += `, BNNoise(${pyFloat(noise)}, seed=SEED * 1000 + 100 + ${index})`;
  } else if (norm === 'layer') {
    // Per example over all of the layer's units (a convolution's height, width and channels), γ and β per channel.
    normLayer = layer.kind === 'conv' ? `layers.GroupNormalization(groups=1, epsilon=${pyFloat(epsilon)}${noAffine})` : `layers.LayerNormalization(epsilon=${pyFloat(epsilon)}${noAffine})`;
  } else if (norm === 'group') {
    // Groups of consecutive channels on the last axis (NHWC, or a dense layer's units), γ and β per channel.
    normLayer = `layers.GroupNormalization(groups=${groups}, epsilon=${pyFloat(epsilon)}${noAffine})`;
  }
  const act = `layers.Activation("${config.activation}")`;
  if (normLayer && placement === 'before') out.push(normLayer, act);
  else if (normLayer) out.push(act, normLayer);
  else out.push(act);
  return out;
}

function kerasBuilder(config: ExperimentConfig, net: NetShape, variant: NetVariant & { net: string }): string {
  const lines = [`        keras.Input(shape=(${net.inputShape.join(', ')}${net.inputShape.length === 1 ? ',' : ''})),`];
  net.hidden.forEach((l, i) => lines.push(`        ${kerasLayer(config, l, variant, i).join(', ')},`));
  const conv = net.hidden.some((l) => l.kind === 'conv');
  lines.push(`        ${conv ? 'layers.Flatten(), ' : ''}layers.Dense(${net.numClasses}, kernel_initializer=init(${net.hidden.length})),`);
  return `def net_${variant.net}():\n    return keras.Sequential([\n${lines.join('\n')}\n    ])`;
}

/** The noise layer, written only when an arm uses it: the engine's noise (src/engine/norm/noise.ts) in Keras 3. */
const KERAS_NOISE = `class BNNoise(layers.Layer):
    """Noise of strength n after batch norm (Santurkar et al. 2018, section 2.1), in training only: each
    unit's output is scaled by s and shifted by m, both drawn anew at every step, m ~ U(-n, n) and
    log s ~ U(-log(1 + n), log(1 + n)); one s and one m per unit (per channel for a convolution), the same for
    every example of the batch; nothing outside training."""

    def __init__(self, strength, seed, **kwargs):
        super().__init__(**kwargs)
        self.strength = strength
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, x, training=False):
        if not training:
            return x
        shape = (2,) + (1,) * (len(x.shape) - 1) + (x.shape[-1],)
        u = keras.random.uniform(shape, minval=-1.0, maxval=1.0, seed=self.seed_generator)
        return x * keras.ops.exp(math.log1p(self.strength) * u[1]) + self.strength * u[0]`;

function kerasOptimizer(config: ExperimentConfig): string {
  const o = config.optimizer;
  if (o.kind === 'sgd') return 'keras.optimizers.SGD(learning_rate=lr)';
  // Keras keeps v ← μv − ηg, θ ← θ + v: the lab's (PyTorch's) v ← μv + g, θ ← θ − ηv scaled by −η, the same steps
  // while η is constant (after a learning-rate change Keras's velocity still carries the old rate for a while).
  if (o.kind === 'momentum') return `keras.optimizers.SGD(learning_rate=lr, momentum=${pyFloat(o.momentum)})`;
  // Keras adds ε to √v̂ after folding the bias corrections into the rate; with ε = 1e-8 the difference is nil.
  return `keras.optimizers.Adam(learning_rate=lr, beta_1=${pyFloat(o.beta1)}, beta_2=${pyFloat(o.beta2)}, epsilon=1e-08)`;
}

function kerasApplyChange(config: ExperimentConfig): string {
  const keys = new Set(config.schedule.flatMap((e) => Object.keys(e.set)));
  const body: string[] = [];
  if (keys.has('learningRate')) {
    body.push(
      '    if "learningRate" in change:  # an arm with its own rate keeps its ratio to the base rate',
      '        for arm in arms:',
      '            arm.model.optimizer.learning_rate = change["learningRate"] * arm.ratio',
    );
  }
  // Keras compiles the training step with these numbers in it: trace it again after changing them.
  if (keys.has('momentum')) {
    body.push(
      '    if "momentum" in change:',
      '        for arm in arms:',
      '            arm.model.optimizer.momentum = change["momentum"]',
      '            arm.model.make_train_function(force=True)',
    );
  }
  if (keys.has('bnMomentum')) {
    body.push(
      '    if "bnMomentum" in change:  # Keras\'s momentum is 1 − the lab\'s',
      '        for arm in arms:',
      '            for layer in arm.model.layers:',
      '                if isinstance(layer, layers.BatchNormalization):',
      '                    layer.momentum = 1 - change["bnMomentum"]',
      '            arm.model.make_train_function(force=True)',
    );
  }
  if (keys.has('affine') || keys.has('bnMode')) {
    // Keras ties freezing γ and β to inference mode (a BatchNormalization layer that is not trainable runs on its
    // moving statistics), and either needs a recompile that resets the optimizer: not the lab's change.
    body.push(
      '    for key in ("affine", "bnMode"):',
      '        if key in change:',
      '            print(f"  ({key} = {change[key]} is not translated to Keras: it cannot freeze γ and β or switch batch norm to inference mode mid-run on its own)")',
    );
  }
  if (keys.has('batchSize')) body.push('    if "batchSize" in change:', '        batch_size = change["batchSize"]');
  return `def apply_change(change, arms, batch_size):
    """One scheduled change, from now on; returns the batch size to use."""
${body.join('\n')}
    return batch_size`;
}

export function kerasScript(config: ExperimentConfig, net: NetShape, opts: ScriptOptions): string {
  const variants = netVariants(config);
  const conv = net.hidden.some((l) => l.kind === 'conv');
  return `#!/usr/bin/env python3
${pyDocstring(config, net, opts, 'keras')}
${pyStdImports(config)}

import keras
import numpy as np
from keras import layers

${pySettings(config, net, opts)}


${pythonDataLoader(config, conv ? 'nhwc' : 'flat')}


def init(layer):
    """Gaussian weights with the layer's std (biases start at zero, Keras's default). A seeded initializer draws the
    same values every time, so every arm starts from the same weights, as in the lab."""
    return keras.initializers.RandomNormal(mean=0.0, stddev=INIT_STD[layer], seed=SEED * 1000 + layer)


${usesNoise(config) ? `${KERAS_NOISE}\n\n\n` : ''}${variants.map((v) => kerasBuilder(config, net, v)).join('\n\n\n')}


NETS = {${variants.map((v) => `"${v.net}": net_${v.net}`).join(', ')}}


class Arm:
    def __init__(self, name, net, lr, ratio, init_factor=1.0):
        self.name = name
        self.ratio = ratio
        self.model = NETS[net]()
        if init_factor != 1.0:  # an arm with its own initial scale: the same draws, scaled, as in the lab
            for layer in self.model.layers:
                if isinstance(layer, (layers.Dense, layers.Conv2D)):
                    layer.kernel.assign(layer.kernel * init_factor)
        self.model.compile(optimizer=${kerasOptimizer(config)}, loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        self.diverged_at = None

    def train_step(self, x, y, step):
        loss = float(np.asarray(self.model.train_on_batch(x, y)).reshape(-1)[0])
        # As in the lab: a loss that is not finite or above 1e6 means the weights blew up; the arm stops training.
        if not math.isfinite(loss) or loss > 1e6:
            self.diverged_at = step

    def test_accuracy(self, x, y):
        """Inference mode, as the lab tests: batch norm uses its moving statistics."""
        logits = np.asarray(self.model.predict_on_batch(x))
        return float(np.mean(np.argmax(logits, axis=1) == y))


${PY_BATCHES}
${config.schedule.length ? `\n\n${kerasApplyChange(config)}\n` : ''}

def main():
${pyArgParser(config)}
    keras.utils.set_random_seed(SEED)
    arms = [Arm(*a) for a in ARMS]
    batches = Batches(len(y_train), SEED)
    batch_size = BATCH_SIZE
    width = len(str(args.steps))

${PY_REPORT}

    report(0)
    for step in range(args.steps):
${config.schedule.length ? PY_SCHEDULE_HOOK : ''}        idx = batches.next(batch_size)
        x, y = x_train[idx], y_train[idx]
        for arm in arms:
            if arm.diverged_at is None:
                arm.train_step(x, y, step + 1)
        if (step + 1) % args.every == 0 or step + 1 == args.steps:
            report(step + 1)


if __name__ == "__main__":
    main()
`;
}
