import { parseConfig, type ExperimentConfig, type ExperimentConfigInput } from './schema';

/**
 * Ready experiments, each a configuration validated by the same schema as share links and the CLI. The
 * descriptions say what to look for; the numbers behind them are in FACTS.md and the README.
 */
export interface Preset {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly config: ExperimentConfigInput;
}

const ioffe: ExperimentConfigInput = {
  seed: 1,
  dataset: { name: 'mnist' },
  model: { kind: 'mlp', depth: 3, width: 100 },
  activation: 'sigmoid',
  init: { scheme: 'gaussian', scale: 0.1 },
  optimizer: { kind: 'sgd', learningRate: 0.5 },
  batchSize: 60,
  normalization: { placement: 'before', momentum: 0.1, epsilon: 1e-5, affine: true },
  arms: [{ norm: 'none' }, { norm: 'batch' }],
  probe: { interval: 50, batchSize: 500, bins: 48, range: 8 },
};

export const PRESETS: readonly Preset[] = [
  {
    name: 'ioffe-mnist',
    title: 'Ioffe & Szegedy, Figure 1',
    description:
      'MNIST, three hidden layers of 100 sigmoid units, batch 60, SGD, small Gaussian weights. With batch norm the net is ahead early (look at step 500) and the sigmoid inputs stay put; without it their 15–85th percentile band drifts.',
    config: ioffe,
  },
  {
    name: 'ioffe-mnist-slow',
    title: 'Figure 1 with a small learning rate',
    description: 'The same network at learning rate 0.05: the plain net barely moves for hundreds of steps while batch norm trains at once.',
    config: { ...ioffe, optimizer: { kind: 'sgd', learningRate: 0.05 } },
  },
  {
    name: 'init-scale',
    title: 'When the effect disappears',
    description: 'Initial weights with std 0.5 instead of 0.1: the plain net starts in a better place and the gap closes. Batch norm is not magic; it removes the dependence on the initial scale.',
    config: { ...ioffe, init: { scheme: 'gaussian', scale: 0.5 } },
  },
  {
    name: 'bn-x5',
    title: 'Batch norm with 5× the learning rate',
    description: 'Ioffe & Szegedy’s BN-x5: normalized networks tolerate much higher learning rates. Plain at 0.5 against BN at 0.5 and at 2.5.',
    config: { ...ioffe, arms: [{ norm: 'none' }, { norm: 'batch' }, { norm: 'batch', learningRate: 2.5, label: 'BN ×5' }] },
  },
  {
    name: 'deep-sigmoid',
    title: 'A deep sigmoid network',
    description: 'Six sigmoid layers: without normalization the gradient vanishes in the early layers; with it all layers learn.',
    config: { ...ioffe, model: { kind: 'mlp', depth: 6, width: 64 }, init: { scheme: 'glorot', scale: 1 }, optimizer: { kind: 'sgd', learningRate: 0.2 } },
  },
  {
    name: 'small-batch',
    title: 'Tiny batches: layer norm’s case',
    description: 'Batch size 4: the batch statistics are noisy and batch norm suffers; layer norm normalizes each example by itself and does not care.',
    config: {
      ...ioffe,
      batchSize: 4,
      optimizer: { kind: 'sgd', learningRate: 0.05 },
      arms: [{ norm: 'none' }, { norm: 'batch' }, { norm: 'layer' }],
      probe: { interval: 50, batchSize: 500, bins: 48, range: 8 },
    },
  },
  {
    name: 'cnn-mnist',
    title: 'A small CNN',
    description: 'Three 3×3 convolutions with 16 channels, ReLU, He initialisation: batch norm per channel over batch, height and width.',
    config: {
      ...ioffe,
      model: { kind: 'cnn', depth: 3, width: 16 },
      activation: 'relu',
      init: { scheme: 'he', scale: 1 },
      optimizer: { kind: 'sgd', learningRate: 0.05 },
      batchSize: 32,
      probe: { interval: 25, batchSize: 64, bins: 48, range: 8 },
    },
  },
  {
    name: 'spirals',
    title: 'Two spirals',
    description: 'A 2-D set to watch the decision boundary form: four ReLU layers of 16 units with Adam.',
    config: {
      seed: 1,
      dataset: { name: 'spirals', noise: 0.1 },
      model: { kind: 'mlp', depth: 4, width: 16 },
      activation: 'relu',
      init: { scheme: 'he', scale: 1 },
      optimizer: { kind: 'adam', learningRate: 0.01 },
      batchSize: 32,
      arms: [{ norm: 'none' }, { norm: 'batch' }],
      probe: { interval: 20, batchSize: 200, bins: 48, range: 8 },
    },
  },
];

export const PRESET_NAMES = PRESETS.map((p) => p.name);

export function presetConfig(name: string): ExperimentConfig {
  const preset = PRESETS.find((p) => p.name === name);
  if (!preset) throw new Error(`unknown preset "${name}": choose one of ${PRESET_NAMES.join(', ')}`);
  return parseConfig(preset.config);
}
