#!/usr/bin/python3
"""Float64 reference fixtures for the engine's normalized tanh RNN cell (src/engine/rnn/cell.ts), computed with PyTorch.

Writes src/engine/rnn/fixtures/torch-rnn.json, which src/engine/rnn/torchReference.test.ts reads. Run it with Debian's
python3-torch:

    /usr/bin/python3 scripts/rnn-fixtures.py

For each variant (no norm, layer norm, batch norm with per-time-step statistics) it draws float32 weights and
sequences from a fixed NumPy seed and computes in float64, by PyTorch's autograd through its own functional ops
(F.layer_norm, F.batch_norm, which share no code with the engine):
  - the forward logits and the mean cross-entropy of a batch read for a few steps, in training mode;
  - the gradients of that loss with respect to the input sequence and every parameter;
  - three plain SGD steps on three batches, and then the parameters and (batch norm) the running averages of every
    time step, PyTorch's convention (momentum 0.1, the unbiased variance stored);
  - then the logits in inference mode of a sequence two steps longer than the training ones: batch norm has no
    statistics for those two steps and uses the last trained step's (Cooijmans et al. 2016, §3).
The first row of every sequence is zero, as the blank top rows of an MNIST digit are: with h_0 = 0, a_1 is exactly 0,
so layer and batch norm see a variance of 0 there (x̂ = 0, and the gradient is scaled by 1/√ε).

The cell, as the engine defines it:
    a_t = x_t W_x + h_{t-1} W_h;  h_t = tanh(a_t + b) | tanh(LN(a_t)·γ + β) | tanh(BN_t(a_t)·γ + β);  logits = h_T W_o + b_o

The output is deterministic: same NumPy and PyTorch, same file.
"""

import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'src', 'engine', 'rnn', 'fixtures', 'torch-rnn.json')
EPSILON = 1e-5
MOMENTUM = 0.1
LEARNING_RATE = 0.1
BATCH, STEPS, INPUT, HIDDEN, CLASSES = 5, 4, 3, 6, 4
TRAIN_BATCHES = 3
LONGER = STEPS + 2

PARAM_NAMES = {
    'none': ['wx', 'wh', 'b', 'wo', 'bo'],
    'layer': ['wx', 'wh', 'gamma', 'beta', 'wo', 'bo'],
    'batch': ['wx', 'wh', 'gamma', 'beta', 'wo', 'bo'],
}


def draw_sequences(rng, batch, steps):
    """Float32 [B, T, I] with a zero first row (a blank top row of a digit), and labels."""
    x = rng.standard_normal((batch, steps, INPUT)).astype(np.float32)
    x[:, 0, :] = 0
    return x, rng.integers(0, CLASSES, batch)


def draw_params(rng, norm):
    shapes = {'wx': (INPUT, HIDDEN), 'wh': (HIDDEN, HIDDEN), 'b': (HIDDEN,), 'gamma': (HIDDEN,), 'beta': (HIDDEN,), 'wo': (HIDDEN, CLASSES), 'bo': (CLASSES,)}
    scale = {'wx': 0.6, 'wh': 0.4, 'b': 0.2, 'gamma': 0.3, 'beta': 0.2, 'wo': 0.5, 'bo': 0.1}
    out = {}
    for name in PARAM_NAMES[norm]:
        v = scale[name] * rng.standard_normal(shapes[name])
        if name == 'gamma':
            v = v + 1
        out[name] = v.astype(np.float32)
    return out


def forward(norm, p, x, mode, running=None, record_moments=None):
    """Logits of x [B, T, I] in float64. mode 'train' uses batch statistics (and appends each step's batch mean and
    biased variance to record_moments); 'inference' uses running[t] (the last row beyond the trained length)."""
    batch, steps, _ = x.shape
    h = torch.zeros(batch, HIDDEN, dtype=x.dtype)
    for t in range(steps):
        a = x[:, t, :] @ p['wx'] + h @ p['wh']
        if norm == 'none':
            z = a + p['b']
        elif norm == 'layer':
            z = F.layer_norm(a, (HIDDEN,), p['gamma'], p['beta'], EPSILON)
        elif mode == 'train':
            z = F.batch_norm(a, None, None, p['gamma'], p['beta'], training=True, eps=EPSILON)
            if record_moments is not None:
                record_moments.append((a.detach().mean(0), a.detach().var(0, unbiased=False)))
        else:
            row = min(t, running['mean'].shape[0] - 1)
            z = F.batch_norm(a, running['mean'][row], running['variance'][row], p['gamma'], p['beta'], training=False, eps=EPSILON)
        h = torch.tanh(z)
    return h @ p['wo'] + p['bo']


def to64(arrays):
    return {k: torch.tensor(v, dtype=torch.float64) for k, v in arrays.items()}


def float32s(a):
    """Float32 values as the shortest decimals that read back (JSON → float64 → Float32Array) as the same float32."""
    out = []
    for v in np.asarray(a, dtype=np.float32).reshape(-1):
        short = float(repr(v))
        out.append(short if np.float32(short) == v else float(v))
    return out


def float64s(t, digits=12):
    return [float(f'{v:.{digits}g}') for v in torch.as_tensor(t).detach().double().reshape(-1).tolist()]


def case(rng, norm):
    params = draw_params(rng, norm)
    x, labels = draw_sequences(rng, BATCH, STEPS)

    # Forward and gradients in training mode.
    p = to64(params)
    for t in p.values():
        t.requires_grad_(True)
    xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    logits = forward(norm, p, xt, 'train')
    loss = F.cross_entropy(logits, torch.tensor(labels))
    loss.backward()

    # Three SGD steps; batch norm's running averages per time step, PyTorch's update.
    batches = [draw_sequences(rng, BATCH, STEPS) for _ in range(TRAIN_BATCHES)]
    q = to64(params)
    running = {'mean': torch.zeros(STEPS, HIDDEN, dtype=torch.float64), 'variance': torch.ones(STEPS, HIDDEN, dtype=torch.float64)}
    for bx, by in batches:
        for t in q.values():
            t.requires_grad_(True)
            t.grad = None
        moments = []
        step_loss = F.cross_entropy(forward(norm, q, torch.tensor(bx, dtype=torch.float64), 'train', record_moments=moments), torch.tensor(by))
        step_loss.backward()
        with torch.no_grad():
            q = {k: (v - LEARNING_RATE * v.grad).detach() for k, v in q.items()}
        if norm == 'batch':
            mean = torch.stack([m for m, _ in moments])
            var = torch.stack([v for _, v in moments]) * BATCH / (BATCH - 1)
            running = {'mean': (1 - MOMENTUM) * running['mean'] + MOMENTUM * mean, 'variance': (1 - MOMENTUM) * running['variance'] + MOMENTUM * var}

    # Inference on sequences longer than the trained ones.
    longer, _ = draw_sequences(rng, BATCH, LONGER)
    with torch.no_grad():
        inference_logits = forward(norm, q, torch.tensor(longer, dtype=torch.float64), 'inference', running)

    return {
        'norm': norm,
        'shape': {'batch': BATCH, 'steps': STEPS, 'input': INPUT, 'hidden': HIDDEN, 'classes': CLASSES},
        'epsilon': EPSILON,
        'params': {k: float32s(v) for k, v in params.items()},
        'x': float32s(x),
        'labels': [int(v) for v in labels],
        'logits': float64s(logits),
        'loss': float(f'{loss.item():.12g}'),
        'grads': {'x': float64s(xt.grad), **{k: float64s(v.grad) for k, v in p.items()}},
        'training': {
            'learningRate': LEARNING_RATE,
            'momentum': MOMENTUM,
            'batches': [{'x': float32s(bx), 'labels': [int(v) for v in by]} for bx, by in batches],
            'params': {k: float64s(v) for k, v in q.items()},
            'runningMean': float64s(running['mean']) if norm == 'batch' else None,
            'runningVariance': float64s(running['variance']) if norm == 'batch' else None,
            'longerSteps': LONGER,
            'longerX': float32s(longer),
            'inferenceLogits': float64s(inference_logits),
        },
    }


def main():
    rng = np.random.default_rng(2016)
    cases = [case(rng, norm) for norm in ('none', 'layer', 'batch')]
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    meta = {
        'generator': 'scripts/rnn-fixtures.py',
        'torch': torch.__version__,
        'numpy': np.__version__,
        'python': sys.version.split()[0],
        'note': 'float32 inputs and weights; float64 forward, gradients of the mean cross-entropy, SGD steps and running averages by PyTorch',
    }
    with open(OUT, 'w') as f:
        json.dump({'meta': meta, 'cases': cases}, f, separators=(',', ':'))
        f.write('\n')
    for c in cases:
        print(f"{c['norm']:<6} loss {c['loss']:.6f}  |dL/dx| {np.linalg.norm(c['grads']['x']):.4f}")
    print(f'wrote {os.path.relpath(OUT)} ({os.path.getsize(OUT) // 1024} kB)')


if __name__ == '__main__':
    main()
