import type { ExperimentConfig } from '../config/schema';
import { classifierFanIn, samePadding, type NetLayer, type NetShape } from './network';
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
 * The configuration as a short PyTorch script: the same architecture, initialisation, optimizer, batch size,
 * normalization (BatchNorm1d/2d, LayerNorm or GroupNorm(1, C), GroupNorm(G, C) at the same place, with the same momentum and ε),
 * each arm's own learning rate, initial scale, placement and noise after batch norm, and the schedule, on the same
 * data. It trains every arm and prints test accuracy at regular
 * steps, as the lab's convergence view and the CLI's table do.
 */

const ACTIVATION = { sigmoid: 'nn.Sigmoid()', tanh: 'nn.Tanh()', relu: 'nn.ReLU()' } as const;

/** One hidden layer's modules, in order, for an arm's network (its normalization, placement and noise). */
export function torchLayer(config: ExperimentConfig, layer: NetLayer, { norm, placement, noise, groups }: NetVariant): string[] {
  const { epsilon, momentum, affine } = config.normalization;
  // Batch norm right after the layer subtracts the batch mean, which cancels a bias: β takes its role (§3.2).
  const bias = norm === 'batch' && placement === 'before' ? ', bias=False' : '';
  const out: string[] = [];
  if (layer.kind === 'dense') {
    out.push(`nn.Linear(${layer.inShape[0]}, ${layer.units}${bias})`);
  } else {
    const [h, w, c] = layer.inShape as [number, number, number];
    const [top, bottom] = samePadding(h, layer.stride);
    const [left, right] = samePadding(w, layer.stride);
    const stride = layer.stride > 1 ? `, stride=${layer.stride}` : '';
    if (top === bottom && left === right) {
      out.push(`nn.Conv2d(${c}, ${layer.units}, 3${stride}, padding=${top === left ? top : `(${top}, ${left})`}${bias})`);
    } else {
      // TensorFlow's 'same' padding puts the odd pixel after (right and bottom); Conv2d's padding is symmetric.
      out.push(`nn.ZeroPad2d((${left}, ${right}, ${top}, ${bottom}))`, `nn.Conv2d(${c}, ${layer.units}, 3${stride}${bias})`);
    }
  }
  const conv = layer.kind === 'conv';
  let normModule: string | null = null;
  if (norm === 'batch') {
    normModule = `nn.BatchNorm${conv ? '2d' : '1d'}(${layer.units}, eps=${pyFloat(epsilon)}, momentum=${pyFloat(momentum)}${affine ? '' : ', affine=False'})`;
    if (noise > 0) normModule += `, BNNoise(${pyFloat(noise)})`;
  } else if (norm === 'layer') {
    // Per example over all of the layer's units (for a convolution: height, width and channels), γ and β per
    // channel: LayerNorm for a dense layer, GroupNorm with one group for a convolution.
    normModule = conv
      ? `nn.GroupNorm(1, ${layer.units}, eps=${pyFloat(epsilon)}${affine ? '' : ', affine=False'})`
      : `nn.LayerNorm(${layer.units}, eps=${pyFloat(epsilon)}${affine ? '' : ', elementwise_affine=False'})`;
  } else if (norm === 'group') {
    // GroupNorm takes (N, C, …): a dense layer's [N, C] as it is, a convolution's NCHW; γ and β per channel.
    normModule = `nn.GroupNorm(${groups}, ${layer.units}, eps=${pyFloat(epsilon)}${affine ? '' : ', affine=False'})`;
  }
  const act = ACTIVATION[config.activation];
  if (normModule && placement === 'before') out.push(normModule, act);
  else if (normModule) out.push(act, normModule);
  else out.push(act);
  return out;
}

/** `def net_batch(): return nn.Sequential(…)` for one of the arms' networks. */
function torchBuilder(config: ExperimentConfig, net: NetShape, variant: NetVariant & { net: string }): string {
  const lines = net.hidden.map((l) => `        ${torchLayer(config, l, variant).join(', ')},`);
  const conv = net.hidden.some((l) => l.kind === 'conv');
  lines.push(`        ${conv ? 'nn.Flatten(), ' : ''}nn.Linear(${classifierFanIn(net)}, ${net.numClasses}),`);
  return `def net_${variant.net}():\n    return nn.Sequential(\n${lines.join('\n')}\n    )`;
}

/** The noise module, written only when an arm uses it: the engine's noise (src/engine/norm/noise.ts) in PyTorch. */
const TORCH_NOISE = `class BNNoise(nn.Module):
    """Noise of strength n after batch norm (Santurkar et al. 2018, section 2.1), in training only: each
    unit's output is scaled by s and shifted by m, both drawn anew at every step, m ~ U(-n, n) and
    log s ~ U(-log(1 + n), log(1 + n)); one s and one m per unit (per channel for a convolution), the same for
    every example of the batch; in eval() mode (testing, or batch norm switched to inference) nothing."""

    def __init__(self, strength):
        super().__init__()
        self.strength = strength

    def forward(self, x):
        if not self.training:
            return x
        shape = (1, x.shape[1]) + (1,) * (x.dim() - 2)
        u = torch.rand((2,) + shape, device=x.device) * 2 - 1
        return x * torch.exp(math.log1p(self.strength) * u[1]) + self.strength * u[0]`;

function torchOptimizer(config: ExperimentConfig): string {
  const o = config.optimizer;
  if (o.kind === 'sgd') return 'torch.optim.SGD(params, lr=lr)';
  // PyTorch's heavy-ball form is the lab's: v ← μv + g, θ ← θ − ηv.
  if (o.kind === 'momentum') return `torch.optim.SGD(params, lr=lr, momentum=${pyFloat(o.momentum)})`;
  return `torch.optim.Adam(params, lr=lr, betas=(${pyFloat(o.beta1)}, ${pyFloat(o.beta2)}), eps=1e-08)`;
}

/** The schedule's changes that this script can apply, as the body of apply_change. */
function torchApplyChange(config: ExperimentConfig): string {
  const keys = new Set(config.schedule.flatMap((e) => Object.keys(e.set)));
  const body: string[] = [];
  if (keys.has('learningRate')) {
    body.push(
      '    if "learningRate" in change:  # an arm with its own rate keeps its ratio to the base rate',
      '        for arm in arms:',
      '            for group in arm.opt.param_groups:',
      '                group["lr"] = change["learningRate"] * arm.ratio',
    );
  }
  if (keys.has('momentum')) {
    body.push('    if "momentum" in change:', '        for arm in arms:', '            for group in arm.opt.param_groups:', '                group["momentum"] = change["momentum"]');
  }
  if (keys.has('bnMomentum')) {
    body.push('    if "bnMomentum" in change:', '        for arm in arms:', '            for m in batch_norms(arm.net):', '                m.momentum = change["bnMomentum"]');
  }
  if (keys.has('affine')) {
    body.push(
      '    if "affine" in change:  # False freezes γ and β where they are; True lets them learn again',
      '        for arm in arms:',
      '            for m in arm.net.modules():',
      '                if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d, nn.LayerNorm, nn.GroupNorm)) and m.weight is not None:',
      '                    m.weight.requires_grad_(change["affine"])',
      '                    m.bias.requires_grad_(change["affine"])',
    );
  }
  if (keys.has('bnMode')) {
    body.push(
      '    if "bnMode" in change:  # "inference": batch norm uses its running statistics, which stop updating',
      '        for arm in arms:',
      '            arm.bn_inference = change["bnMode"] == "inference"',
    );
  }
  if (keys.has('batchSize')) body.push('    if "batchSize" in change:', '        batch_size = change["batchSize"]');
  return `def apply_change(change, arms, batch_size):
    """One scheduled change, from now on; returns the batch size to use."""
${body.join('\n')}
    return batch_size`;
}

export function pytorchScript(config: ExperimentConfig, net: NetShape, opts: ScriptOptions): string {
  const variants = netVariants(config);
  const noisy = usesNoise(config);
  const conv = net.hidden.some((l) => l.kind === 'conv');
  const keys = new Set(config.schedule.flatMap((e) => Object.keys(e.set)));
  // Only what the schedule needs: a run without changes gets a script without their machinery.
  const needsBatchNorms = keys.has('bnMomentum') || keys.has('bnMode');
  const bnInference = keys.has('bnMode');
  return `#!/usr/bin/env python3
${pyDocstring(config, net, opts, 'pytorch')}
${pyStdImports(config)}

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

${pySettings(config, net, opts)}


${pythonDataLoader(config, conv ? 'nchw' : 'flat')}


${noisy ? `${TORCH_NOISE}\n\n\n` : ''}${variants.map((v) => torchBuilder(config, net, v)).join('\n\n\n')}


NETS = {${variants.map((v) => `"${v.net}": net_${v.net}`).join(', ')}}


def init_weights(net, factor=1.0):
    """The lab's initialisation: Gaussian weights with each layer's std, zero biases, γ = 1 and β = 0 (PyTorch's
    default). Reseeding first gives every arm the same initial weights, as in the lab; an arm with its own initial
    scale gets the same draws times its factor."""
    torch.manual_seed(SEED)
    layers = [m for m in net.modules() if isinstance(m, (nn.Linear, nn.Conv2d))]
    assert len(layers) == len(INIT_STD)
    for m, std in zip(layers, INIT_STD):
        nn.init.normal_(m.weight, 0.0, std * factor)
        if m.bias is not None:
            nn.init.zeros_(m.bias)


${
    needsBatchNorms
      ? `def batch_norms(net):
    return [m for m in net.modules() if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d))]


`
      : ''
  }class Arm:
    def __init__(self, name, net, lr, ratio, init_factor=1.0):
        self.name = name
        self.ratio = ratio
        self.net = NETS[net]()
        init_weights(self.net, init_factor)
        params = self.net.parameters()
        self.opt = ${torchOptimizer(config)}
${bnInference ? '        self.bn_inference = False\n' : ''}        self.diverged_at = None

    def train_step(self, x, y, step):
        self.net.train()
${bnInference ? `        if self.bn_inference:  # batch norm on its running statistics, which then stay as they are\n            for m in batch_norms(self.net)${noisy ? ' + [m for m in self.net.modules() if isinstance(m, BNNoise)]' : ''}:\n                m.eval()\n` : ''}        self.opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(self.net(x), y)
        # As in the lab: a loss that is not finite or above 1e6 means the weights blew up; the arm stops training.
        value = loss.item()
        if not math.isfinite(value) or value > 1e6:
            self.diverged_at = step
            return
        loss.backward()
        self.opt.step()

    @torch.no_grad()
    def test_accuracy(self, x, y):
        """Inference mode, as the lab tests: batch norm uses its running statistics."""
        self.net.eval()
        return (self.net(x).argmax(1) == y).float().mean().item()


${PY_BATCHES}
${config.schedule.length ? `\n\n${torchApplyChange(config)}\n` : ''}

def main():
${pyArgParser(config)}
    x_train, y_train = torch.from_numpy(x_train), torch.from_numpy(y_train)
    x_test, y_test = torch.from_numpy(x_test), torch.from_numpy(y_test)
    arms = [Arm(*a) for a in ARMS]
    batches = Batches(len(y_train), SEED)
    batch_size = BATCH_SIZE
    width = len(str(args.steps))

${PY_REPORT}

    report(0)
    for step in range(args.steps):
${config.schedule.length ? PY_SCHEDULE_HOOK : ''}        idx = torch.from_numpy(batches.next(batch_size))
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
