import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PRESET_NAMES, presetConfig } from '../config/presets';
import { armName, parseConfig, type ExperimentConfig } from '../config/schema';
import { syntheticDataset } from '../engine/data/synthetic';
import { buildArchitecture } from '../engine/model';
import { kerasScript } from './keras';
import { classifierFanIn, initStds, netShapeFromRun, samePadding, type NetShape } from './network';
import { pyFloat, pyValue } from './python';
import { pytorchScript } from './pytorch';

/** The network the engine builds for a configuration, as the scripts receive it. */
function netOf(config: ExperimentConfig): NetShape {
  const mnist = config.dataset.name === 'mnist';
  const input = mnist ? (config.model.kind === 'cnn' ? [28, 28, 1] : [784]) : [2];
  const arch = buildArchitecture(config, input, mnist ? 10 : config.dataset.name === 'blobs' ? 3 : 2);
  return { inputShape: arch.inputShape, hidden: arch.hidden, numClasses: arch.numClasses };
}

const OPTS = { steps: 500, fileName: 'batchnorm-explorer_pytorch.py' };
const config = (name: string, patch: (c: Record<string, any>) => void = () => {}): ExperimentConfig => { // eslint-disable-line @typescript-eslint/no-explicit-any
  const c = structuredClone(presetConfig(name)) as unknown as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  patch(c);
  return parseConfig(c);
};
/** A net_<norm>() body: the lines between its def and the next blank line. */
const builder = (script: string, norm: string) => script.split(`def net_${norm}():`)[1]!.split('\n\n')[0]!;

const PYTHON = '/usr/bin/python3';
const hasPython = fs.existsSync(PYTHON);
const hasTorch = hasPython && spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;

describe('Python literals', () => {
  it('writes floats as Python does', () => {
    expect(pyFloat(1e-5)).toBe('1e-05');
    expect(pyFloat(1.5e-8)).toBe('1.5e-08');
    expect(pyFloat(0.1)).toBe('0.1');
    expect(pyFloat(2)).toBe('2.0');
    expect(pyFloat(0.0001)).toBe('0.0001');
    expect(pyValue({ learningRate: 0.05, affine: false, bnMode: 'inference', batchSize: 8 })).toBe(
      '{"learningRate": 0.05, "affine": False, "bnMode": "inference", "batchSize": 8}',
    );
  });
});

describe('the network description', () => {
  it('matches the engine: shapes from the run description, TensorFlow padding, initial std per layer', () => {
    const cnn = config('cnn-mnist');
    const net = netOf(cnn);
    const fromRun = netShapeFromRun({ inputShape: [28, 28, 1], layers: net.hidden.map((l) => ({ ...l, outShape: [...l.outShape] })), numClasses: 10 });
    expect(fromRun.hidden.map((l) => l.inShape)).toEqual(net.hidden.map((l) => l.inShape));
    expect(classifierFanIn(net)).toBe(7 * 7 * 16);
    expect(samePadding(28, 1)).toEqual([1, 1]);
    expect(samePadding(28, 2)).toEqual([0, 1]);
    expect(samePadding(7, 2)).toEqual([1, 1]);
    // He: std = gain·√(2/fan_in), fan_in = 9·channels in for a 3×3 convolution.
    expect(initStds(cnn, net)[1]).toBeCloseTo(Math.sqrt(2 / (9 * 16)), 12);
    expect(initStds(config('deep-sigmoid'), netOf(config('deep-sigmoid')))[0]).toBeCloseTo(Math.sqrt(2 / (784 + 64)), 12);
  });
});

describe('the PyTorch script', () => {
  it('puts BatchNorm1d with the lab’s momentum and ε before the nonlinearity, and drops that layer’s bias', () => {
    const s = pytorchScript(config('ioffe-mnist'), netOf(config('ioffe-mnist')), OPTS);
    const bn = builder(s, 'batch');
    expect(bn).toContain('nn.Linear(784, 100, bias=False), nn.BatchNorm1d(100, eps=1e-05, momentum=0.1), nn.Sigmoid(),');
    expect(bn.match(/BatchNorm1d/g)).toHaveLength(3);
    expect(bn).toContain('nn.Linear(100, 10),');
    // The plain arm keeps its biases.
    expect(builder(s, 'none')).toContain('nn.Linear(784, 100), nn.Sigmoid(),');
    expect(s).toContain('INIT_STD = [0.1, 0.1, 0.1, 0.1]');
    expect(s).toContain('torch.optim.SGD(params, lr=lr)');
    expect(s).toContain('BATCH_SIZE = 60');
    expect(s).toContain('SEED = 1');
    expect(s).toContain('STEPS = 500');
    expect(s).toContain('EVERY = 50');
    expect(s).toContain('("plain", "none", 0.5, 1.0)');
  });

  it('places batch norm after the nonlinearity with the bias kept, and layer norm as LayerNorm', () => {
    const c = config('small-batch', (x) => {
      x.normalization = { placement: 'after', momentum: 0.05, epsilon: 1e-3, affine: false };
    });
    const s = pytorchScript(c, netOf(c), OPTS);
    expect(builder(s, 'batch')).toContain('nn.Linear(784, 100), nn.Sigmoid(), nn.BatchNorm1d(100, eps=0.001, momentum=0.05, affine=False),');
    expect(builder(s, 'layer')).toContain('nn.Linear(784, 100), nn.Sigmoid(), nn.LayerNorm(100, eps=0.001, elementwise_affine=False),');
    expect(s).toContain('BATCH_SIZE = 2');
  });

  it('writes the CNN with the engine’s strides and TensorFlow’s asymmetric padding', () => {
    const c = config('cnn-mnist', (x) => {
      x.arms = [{ norm: 'batch' }, { norm: 'layer' }];
    });
    const s = pytorchScript(c, netOf(c), OPTS);
    const bn = builder(s, 'batch');
    expect(bn).toContain('nn.Conv2d(1, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16, eps=1e-05, momentum=0.1), nn.ReLU(),');
    expect(bn).toContain('nn.ZeroPad2d((0, 1, 0, 1)), nn.Conv2d(16, 16, 3, stride=2, bias=False), nn.BatchNorm2d(16, eps=1e-05, momentum=0.1), nn.ReLU(),');
    expect(bn).toContain('nn.Flatten(), nn.Linear(784, 10),');
    expect(builder(s, 'layer')).toContain('nn.Conv2d(1, 16, 3, padding=1), nn.GroupNorm(1, 16, eps=1e-05), nn.ReLU(),');
    expect(s).toContain('x = pixels.reshape(count, 1, rows, cols)');
  });

  it('writes group norm as GroupNorm(G, C) after the layer and its bias, one builder per number of groups', () => {
    const c = config('ioffe-mnist', (x) => {
      x.arms = [{ norm: 'none' }, { norm: 'group' }, { norm: 'group', groups: 20, placement: 'after' }];
    });
    const s = pytorchScript(c, netOf(c), OPTS);
    // GroupNorm takes a dense layer's [N, C] as it is; layer and group norm keep the bias (the group mean does not cancel it).
    expect(builder(s, 'group4')).toContain('nn.Linear(784, 100), nn.GroupNorm(4, 100, eps=1e-05), nn.Sigmoid(),');
    expect(builder(s, 'group4').match(/GroupNorm\(4, 100/g)).toHaveLength(3);
    expect(builder(s, 'group20_after')).toContain('nn.Linear(784, 100), nn.Sigmoid(), nn.GroupNorm(20, 100, eps=1e-05),');
    expect(s).toContain('("GN", "group4", 0.5, 1.0),');
    expect(s).toContain('("GN 20 groups after", "group20_after", 0.5, 1.0),');
    expect(s).toContain('  GN: group norm, 4 groups of 25 units, learning rate 0.5');
    expect(s).toContain('  GN 20 groups after: group norm, 20 groups of 5 units, after the nonlinearity, learning rate 0.5');
    const cnn = config('cnn-mnist', (x) => {
      x.arms = [{ norm: 'group', groups: 16 }];
      x.normalization = { placement: 'before', momentum: 0.1, epsilon: 1e-5, affine: false };
    });
    const t = pytorchScript(cnn, netOf(cnn), OPTS);
    expect(builder(t, 'group16')).toContain('nn.Conv2d(1, 16, 3, padding=1), nn.GroupNorm(16, 16, eps=1e-05, affine=False), nn.ReLU(),');
    expect(t).toContain('  GN 16 groups: group norm, 16 groups of 1 channel, learning rate');
  });

  it('carries per-arm learning rates, the optimizer and the schedule', () => {
    const c = config('bn-x5', (x) => {
      x.arms = [{ norm: 'none' }, { norm: 'batch' }, { norm: 'batch', learningRate: 2.5, label: 'BN ×5' }];
      x.optimizer = { kind: 'momentum', learningRate: 0.5, momentum: 0.8 };
      x.schedule = [
        { step: 200, set: { learningRate: 0.1, batchSize: 30 } },
        { step: 400, set: { bnMomentum: 0.01, bnMode: 'inference', affine: false } },
      ];
    });
    const s = pytorchScript(c, netOf(c), OPTS);
    expect(s).toContain('("BN ×5", "batch", 2.5, 5.0)');
    expect(s).toContain('torch.optim.SGD(params, lr=lr, momentum=0.8)');
    expect(s).toContain('200: {"learningRate": 0.1, "batchSize": 30}');
    expect(s).toContain('400: {"bnMomentum": 0.01, "affine": False, "bnMode": "inference"}');
    expect(s).toContain('group["lr"] = change["learningRate"] * arm.ratio');
    expect(s).toContain('m.momentum = change["bnMomentum"]');
    const adam = config('spirals');
    expect(pytorchScript(adam, netOf(adam), OPTS)).toContain('torch.optim.Adam(params, lr=lr, betas=(0.9, 0.999), eps=1e-08)');
  });

  it('embeds the 2-D points the lab trains on, bit for bit', () => {
    const c = config('spirals');
    const s = pytorchScript(c, netOf(c), OPTS);
    const literal = (name: string) =>
      s
        .split(`${name} = (\n`)[1]!
        .split('\n)')[0]!
        .split('\n')
        .map((l) => l.trim().slice(1, -1))
        .join('');
    const floats = (b64: string) => new Float32Array(new Uint8Array(Buffer.from(b64, 'base64')).buffer);
    const ds = syntheticDataset('spirals', { seed: 1, noise: 0.1 });
    expect(floats(literal('TRAIN_X'))).toEqual(ds.trainX);
    expect(floats(literal('TEST_X'))).toEqual(ds.testX);
    expect(new Uint8Array(Buffer.from(literal('TRAIN_Y'), 'base64'))).toEqual(ds.trainY);
    expect(s).not.toContain('mnist.bin [');
  });
});

describe('each arm’s own settings', () => {
  /** Four arms that differ from the shared settings in one way each. */
  const own = config('ioffe-mnist', (x) => {
    x.arms = [
      { norm: 'none', initScale: 0.5 },
      { norm: 'batch', placement: 'after' },
      { norm: 'batch', noise: 1 },
      { norm: 'batch', noise: 0.5, learningRate: 2.5 },
    ];
  });

  it('PyTorch: each arm builds its own network, with its placement, its noise and its initial scale', () => {
    const s = pytorchScript(own, netOf(own), OPTS);
    expect(s).toContain('("plain std 0.5", "none", 0.5, 1.0, 5.0),');
    expect(s).toContain('("BN after", "batch_after", 0.5, 1.0),');
    expect(s).toContain('("BN + noise 1", "batch_noise1", 0.5, 1.0),');
    expect(s).toContain('("BN + noise 0.5 lr 2.5", "batch_noise0_5", 2.5, 5.0),');
    expect(s).toContain('NETS = {"none": net_none, "batch_after": net_batch_after, "batch_noise1": net_batch_noise1, "batch_noise0_5": net_batch_noise0_5}');
    // After the sigmoid, batch norm keeps the layer's bias; before it, the bias goes and the noise follows batch norm.
    expect(builder(s, 'batch_after')).toContain('nn.Linear(784, 100), nn.Sigmoid(), nn.BatchNorm1d(100, eps=1e-05, momentum=0.1),');
    expect(builder(s, 'batch_noise1')).toContain('nn.Linear(784, 100, bias=False), nn.BatchNorm1d(100, eps=1e-05, momentum=0.1), BNNoise(1.0), nn.Sigmoid(),');
    expect(builder(s, 'batch_noise1').match(/BNNoise\(1\.0\)/g)).toHaveLength(3);
    expect(builder(s, 'batch_noise0_5')).toContain('BNNoise(0.5)');
    expect(s).toContain('class BNNoise(nn.Module):');
    expect(s).toContain('nn.init.normal_(m.weight, 0.0, std * factor)');
    expect(s).toContain('  plain std 0.5: no normalization, initial weights ×5, learning rate 0.5');
    expect(s).toContain('  BN after: batch norm, after the nonlinearity, learning rate 0.5');
    expect(s).toContain('  BN + noise 1: batch norm, noise 1 after batch norm, learning rate 0.5');
    expect(s).toContain('Noise n after batch norm (Santurkar et al. 2018, section 2.1): in training only');
  });

  it('PyTorch: a configuration without per-arm settings writes neither the noise module nor the factors', () => {
    const s = pytorchScript(config('ioffe-mnist'), netOf(config('ioffe-mnist')), OPTS);
    expect(s).not.toContain('BNNoise');
    expect(s).toContain('ARMS = [  # name, network (its net_… builder), learning rate, its ratio to the base rate\n');
    expect(s).toContain('NETS = {"none": net_none, "batch": net_batch}');
  });

  it('Keras: the same arms, with a seeded noise layer and the kernels scaled after building', () => {
    const s = kerasScript(own, netOf(own), { ...OPTS, fileName: 'batchnorm-explorer_keras.py' });
    expect(s).toContain('("plain std 0.5", "none", 0.5, 1.0, 5.0),');
    expect(builder(s, 'batch_after')).toContain('layers.Dense(100, kernel_initializer=init(0)), layers.Activation("sigmoid"), layers.BatchNormalization(momentum=0.9, epsilon=1e-05),');
    expect(builder(s, 'batch_noise1')).toContain(
      'layers.Dense(100, use_bias=False, kernel_initializer=init(1)), layers.BatchNormalization(momentum=0.9, epsilon=1e-05), BNNoise(1.0, seed=SEED * 1000 + 100 + 1), layers.Activation("sigmoid"),',
    );
    expect(s).toContain('class BNNoise(layers.Layer):');
    expect(s).toContain('layer.kernel.assign(layer.kernel * init_factor)');
    // The noise layer draws with keras.random, which tf.keras 2 does not have.
    expect(s).toContain('Needs Keras 3 (any backend: TensorFlow, JAX or PyTorch; the noise after batch norm draws with keras.random) and NumPy.');
  });
});

describe('the test examples the scripts score, as the lab does (probe.testSize)', () => {
  it.each([
    ['ioffe-mnist', 1000],
    ['small-batch', 1000],
    ['cnn-mnist', 500],
  ] as const)('%s: both scripts score the first %i test digits and say so', (name, n) => {
    const c = config(name);
    expect(c.probe.testSize).toBe(n);
    for (const s of [pytorchScript(c, netOf(c), OPTS), kerasScript(c, netOf(c), { ...OPTS, fileName: 'batchnorm-explorer_keras.py' })]) {
      expect(s).toContain(`    # The lab scores the test set's first ${n} examples (probe.testSize).\n    x_test, y_test = x_test[:${n}], y_test[:${n}]`);
      expect(s).toContain(`  the other 2,000 test, exactly as in the lab, which scores the first ${n.toLocaleString('en-US')} of them.`);
    }
  });

  it('a configuration that scores the whole test set (a version-2 ioffe-mnist link, the spirals) slices nothing', () => {
    for (const c of [config('ioffe-mnist', (x) => (x.probe.testSize = 10000)), config('spirals')]) {
      const s = pytorchScript(c, netOf(c), OPTS);
      expect(s).not.toContain('x_test[:');
      expect(s).not.toContain('which scores the first');
    }
  });
});

describe('the Keras script', () => {
  it('uses Keras’s momentum convention, the same ε and no bias before batch norm', () => {
    const c = config('ioffe-mnist');
    const s = kerasScript(c, netOf(c), { ...OPTS, fileName: 'batchnorm-explorer_keras.py' });
    expect(builder(s, 'batch')).toContain(
      'layers.Dense(100, use_bias=False, kernel_initializer=init(0)), layers.BatchNormalization(momentum=0.9, epsilon=1e-05), layers.Activation("sigmoid"),',
    );
    expect(builder(s, 'none')).toContain('layers.Dense(100, kernel_initializer=init(0)), layers.Activation("sigmoid"),');
    expect(s).toContain('keras.Input(shape=(784,))');
    expect(s).toContain('keras.optimizers.SGD(learning_rate=lr)');
  });

  it('writes the CNN with padding "same" and layer norm as GroupNormalization(groups=1)', () => {
    const c = config('cnn-mnist', (x) => {
      x.arms = [{ norm: 'layer' }];
      x.normalization = { placement: 'before', momentum: 0.3, epsilon: 1e-5, affine: true };
    });
    const s = kerasScript(c, netOf(c), OPTS);
    expect(s).toContain('layers.Conv2D(16, 3, strides=2, padding="same", kernel_initializer=init(1)), layers.GroupNormalization(groups=1, epsilon=1e-05), layers.Activation("relu"),');
    expect(s).toContain('keras.Input(shape=(28, 28, 1))');
    expect(s).toContain('x = pixels.reshape(count, rows, cols, 1)');
  });

  it('writes group norm as GroupNormalization(groups=G), on a dense layer’s units or a convolution’s channels', () => {
    const c = config('ioffe-mnist', (x) => {
      x.arms = [{ norm: 'group' }];
    });
    const s = kerasScript(c, netOf(c), OPTS);
    expect(builder(s, 'group4')).toContain('layers.Dense(100, kernel_initializer=init(0)), layers.GroupNormalization(groups=4, epsilon=1e-05), layers.Activation("sigmoid"),');
    const cnn = config('cnn-mnist', (x) => {
      x.arms = [{ norm: 'group', groups: 8 }];
      x.normalization = { placement: 'before', momentum: 0.1, epsilon: 1e-5, affine: false };
    });
    expect(builder(kerasScript(cnn, netOf(cnn), OPTS), 'group8')).toContain(
      'layers.Conv2D(16, 3, strides=2, padding="same", kernel_initializer=init(1)), layers.GroupNormalization(groups=8, epsilon=1e-05, center=False, scale=False), layers.Activation("relu"),',
    );
  });
});

describe('the scripts are valid Python', () => {
  it('has Python and PyTorch to check them with (npm run test:unit installs them)', () => {
    expect(hasPython && hasTorch, `${PYTHON} with torch`).toBe(true);
  });

  it('compiles every preset’s scripts, and a schedule’s', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bnx-scripts-'));
    const configs = PRESET_NAMES.map((n) => [n, config(n)] as const);
    configs.push(['own', config('ioffe-mnist', (x) => {
      x.arms = [{ norm: 'none', initScale: 0.5 }, { norm: 'batch', placement: 'after', noise: 2 }, { norm: 'layer', placement: 'after' }, { norm: 'group', groups: 10 }];
    })]);
    configs.push(['own-cnn', config('cnn-mnist', (x) => {
      x.arms = [{ norm: 'batch', noise: 1.5 }, { norm: 'batch', initScale: 2 }, { norm: 'group', placement: 'after' }];
    })]);
    configs.push([
      'schedule',
      config('bn-x5', (x) => {
        x.optimizer = { kind: 'momentum', learningRate: 0.5, momentum: 0.9 };
        x.schedule = [{ step: 5, set: { learningRate: 0.1, momentum: 0.5, bnMomentum: 0.2, batchSize: 10, affine: false, bnMode: 'inference' } }];
      }),
    ]);
    const files = configs.flatMap(([name, c]) => {
      const torch = path.join(dir, `${name}_torch.py`);
      const keras = path.join(dir, `${name}_keras.py`);
      fs.writeFileSync(torch, pytorchScript(c, netOf(c), OPTS));
      fs.writeFileSync(keras, kerasScript(c, netOf(c), OPTS));
      return [torch, keras];
    });
    const r = spawnSync(PYTHON, ['-m', 'py_compile', ...files], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
  });
});

describe('the PyTorch script runs', () => {
  it('trains noisy batch norm, each arm with its own settings, dense and convolutional, with batch norm switched to inference', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bnx-torch-noise-'));
    const run = (c: ExperimentConfig, name: string) => {
      const file = path.join(dir, `${name}.py`);
      fs.writeFileSync(file, pytorchScript(c, netOf(c), OPTS));
      return spawnSync(PYTHON, [file, '--steps', '20', '--every', '10'], { encoding: 'utf8', timeout: 180_000 });
    };
    const dense = config('spirals', (x) => {
      x.arms = [{ norm: 'none', initScale: 0.5 }, { norm: 'batch' }, { norm: 'batch', noise: 1 }, { norm: 'batch', noise: 3, placement: 'after', learningRate: 0.02 }];
      x.schedule = [{ step: 15, set: { bnMode: 'inference' } }];
    });
    const r = run(dense, 'dense');
    expect(r.status, r.stderr).toBe(0);
    const reports = r.stdout.split('\n').filter((l) => l.includes('test acc:'));
    expect(reports.map((l) => Number(/^step\s+(\d+)/.exec(l)![1]))).toEqual([0, 10, 20]);
    const names = dense.arms.map((a) => armName(a, dense));
    expect(names).toEqual(['plain gain 0.5', 'BN', 'BN + noise 1', 'BN + noise 3 after lr 0.02']);
    for (const l of reports) {
      const cells = l.split('test acc: ')[1]!.split('   ');
      expect(cells.map((c) => c.replace(/ \d\.\d{3}$/, '')), l).toEqual(names);
    }
    // A small CNN with noise per channel (BatchNorm2d then BNNoise on NCHW), and group norm on NCHW.
    const cnn = config('cnn-mnist', (x) => {
      x.model = { kind: 'cnn', depth: 2, width: 4 };
      x.arms = [{ norm: 'batch', noise: 1 }, { norm: 'group', groups: 2 }];
    });
    const mnistBin = path.resolve('public/data/mnist.bin');
    const file = path.join(dir, 'cnn.py');
    fs.writeFileSync(file, pytorchScript(cnn, netOf(cnn), OPTS));
    const c = spawnSync(PYTHON, [file, mnistBin, '--steps', '3', '--every', '3'], { encoding: 'utf8', timeout: 180_000 });
    expect(c.status, c.stderr).toBe(0);
    expect(c.stdout).toMatch(/step 3 {2}test acc: BN \+ noise 1 \d\.\d{3} {3}GN 2 groups \d\.\d{3}/);
  });

  it('the noise module draws per unit and per step, and adds nothing in eval mode', () => {
    const c = config('ioffe-mnist', (x) => {
      x.arms = [{ norm: 'batch', noise: 2 }];
    });
    const script = pytorchScript(c, netOf(c), OPTS);
    const noiseClass = script.slice(script.indexOf('class BNNoise'), script.indexOf('\n\n\ndef net_'));
    const check = `import math\nimport torch\nfrom torch import nn\n${noiseClass}\n
torch.manual_seed(0)
m = BNNoise(2.0)
x = torch.randn(500, 7)
a, b = m(x), m(x)
# One scale and shift per unit: y = s*x + m exactly, so two examples fix them.
s = (a[1] - a[0]) / (x[1] - x[0])
shift = a[0] - s * x[0]
assert torch.allclose(a, x * s + shift, atol=1e-5)
assert ((shift > -2) & (shift < 2)).all() and ((s >= 1 / 3 - 1e-6) & (s <= 3 + 1e-6)).all()
assert not torch.allclose(a, b)
m.eval()
assert torch.equal(m(x), x)
# A convolution's output (NCHW): one scale and shift per channel, over the batch and every pixel.
m.train()
x4 = torch.randn(8, 3, 5, 5)
y4 = m(x4)
for c in range(3):
    dx = (x4[:, c] - x4[:, c].mean()).flatten()
    dy = (y4[:, c] - y4[:, c].mean()).flatten()
    s_c = (dx @ dy) / (dx @ dx)
    assert torch.allclose(dy, s_c * dx, atol=1e-4)
print("ok")
`;
    const r = spawnSync(PYTHON, ['-c', check], { encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('ok');
  });

  it('trains the spirals preset, with a schedule, and prints test accuracy at each probe', () => {
    const c = config('spirals', (x) => {
      x.arms = [{ norm: 'none' }, { norm: 'batch' }, { norm: 'layer' }, { norm: 'group' }];
      x.schedule = [
        { step: 20, set: { learningRate: 0.005, batchSize: 16, bnMomentum: 0.3 } },
        { step: 30, set: { affine: false, bnMode: 'inference' } },
      ];
    });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bnx-torch-'));
    const file = path.join(dir, 'run.py');
    fs.writeFileSync(file, pytorchScript(c, netOf(c), OPTS));
    const r = spawnSync(PYTHON, [file, '--steps', '40', '--every', '20'], { encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    const reports = lines.filter((l) => l.includes('test acc:'));
    expect(reports.map((l) => Number(/^step\s+(\d+)/.exec(l)![1]))).toEqual([0, 20, 40]);
    for (const l of reports) {
      const accs = [...l.matchAll(/(plain|BN|LN|GN) (\d\.\d{3})/g)].map((m) => Number(m[2]));
      expect(accs).toHaveLength(4);
      for (const a of accs) expect(a).toBeGreaterThanOrEqual(0);
    }
    expect(lines.filter((l) => l.includes('from here on'))).toHaveLength(2);
  });
});
