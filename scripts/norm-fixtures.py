#!/usr/bin/python3
"""Float64 reference fixtures for the engine's batch, layer, group and instance norm, computed with PyTorch.

Writes src/engine/norm/fixtures/torch-norms.json, which src/engine/norm/torchReference.test.ts reads. Run it with
Debian's python3-torch (the same package the exported-script tests use):

    /usr/bin/python3 scripts/norm-fixtures.py

Each case draws its inputs in float32 (what the engine receives) from a fixed NumPy seed, then computes, in float64,
the training-mode forward y and the gradients of ℓ = Σ y·dy with respect to x, γ and β by autograd through
PyTorch's own functional ops, which share no code with the engine. Tensors are NHWC like the engine's; PyTorch's
are NCHW, so 4-D inputs are permuted on the way in and out. The same cases run once more in float32 through the
same PyTorch ops, and the relative error of that run is recorded (`torchFloat32Error`): on the large-offset cases
(1e4 + 1e-3·randn) it shows how much of the spread float32 moments taken directly lose.

The output is deterministic: same NumPy and PyTorch, same file.
"""

import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'src', 'engine', 'norm', 'fixtures', 'torch-norms.json')
EPSILON = 1e-5

# kind, shape (NHWC or [batch, features]), groups (group norm only), large offset?
CASES = [
    ('batch', [16, 5], None, False),
    ('batch', [3, 4, 4, 4], None, False),
    ('layer', [6, 9], None, False),
    ('layer', [3, 4, 2, 5], None, False),
    ('group', [8, 12], 3, False),
    ('group', [3, 4, 5, 6], 3, False),
    ('group', [5, 6], 6, False),  # one feature per group: each statistic sees one value, so x̂ = 0 and y = β
    ('instance', [2, 4, 3, 6], None, False),  # group norm with one channel per group
    ('batch', [64, 5], None, True),
    ('batch', [4, 5, 5, 3], None, True),
    ('layer', [6, 64], None, True),
    ('layer', [2, 4, 4, 6], None, True),
    ('group', [8, 48], 3, True),
    ('group', [2, 5, 5, 8], 4, True),
    ('instance', [2, 6, 6, 4], None, True),
]


def draw(rng, kind, shape, offset):
    """Float32 inputs: channels on very different scales and means, or all near 1e4 with a spread of 1e-3."""
    channels = shape[-1]
    if offset:
        x = 1e4 + 1e-3 * rng.standard_normal(shape)
    else:
        c = np.arange(channels)
        x = (2 + 3 * rng.standard_normal(shape)) * (1 + c) - c
    gamma = 1 + 0.5 * rng.standard_normal(channels)
    beta = rng.standard_normal(channels)
    dy = rng.standard_normal(shape)
    return [np.asarray(a, dtype=np.float32) for a in (x, gamma, beta, dy)]


def forward(kind, groups, x, gamma, beta):
    """The normalization in PyTorch's own terms, on an NHWC (or [N, F]) tensor."""
    nchw = x.dim() == 4
    if kind == 'layer':
        # Per example over all of its units, γ and β per channel: layer_norm over the trailing dims with γ, β
        # broadcast to them (for 4-D, [H, W, C]), a route that shares no kernel with group_norm.
        normalized = tuple(x.shape[1:])
        return F.layer_norm(x, normalized, gamma.expand(normalized), beta.expand(normalized), EPSILON)
    t = x.permute(0, 3, 1, 2) if nchw else x
    if kind == 'batch':
        y = F.batch_norm(t, None, None, gamma, beta, training=True, eps=EPSILON)
    elif kind == 'group':
        y = F.group_norm(t, groups, gamma, beta, EPSILON)
    elif kind == 'instance':
        y = F.instance_norm(t, weight=gamma, bias=beta, use_input_stats=True, eps=EPSILON)
    else:
        raise ValueError(kind)
    return y.permute(0, 2, 3, 1) if nchw else y


def run(kind, groups, arrays, dtype, shift=0.0):
    """y and the gradients of Σ y·dy; x − shift is what is normalized (exact in float64 for the shifts used here)."""
    x, gamma, beta, dy = (torch.tensor(a, dtype=dtype) for a in arrays)
    x = x - shift
    for t in (x, gamma, beta):
        t.requires_grad_(True)
    y = forward(kind, groups, x, gamma, beta)
    (y * dy).sum().backward()
    return {'y': y.detach(), 'dx': x.grad, 'dGamma': gamma.grad, 'dBeta': beta.grad}


def relative_error(a, b):
    """‖a − b‖₂ / ‖b‖₂, the measure the engine's tests bound."""
    a, b = a.double(), b.double()
    return float(torch.linalg.norm(a - b) / torch.linalg.norm(b).clamp_min(1e-30))


def float32s(a):
    """Float32 values as the shortest decimals that come back as the same float32 the way the test reads them
    (JSON.parse to float64, then Float32Array): short, and exact."""
    out = []
    for v in a.reshape(-1):
        short = float(repr(v))  # NumPy's shortest float32 repr, as Python reads it (a float64)
        out.append(short if np.float32(short) == v else float(v))
    return out


def float64s(t, digits=12):
    """Float64 results to `digits` significant digits: ten times finer than anything the tests compare."""
    return [float(f'{v:.{digits}g}') for v in t.detach().double().reshape(-1).tolist()]


def main():
    rng = np.random.default_rng(20181)
    cases = []
    for kind, shape, groups, offset in CASES:
        arrays = draw(rng, kind, shape, offset)
        # Even float64 loses digits on 1e4 + 1e-3·randn in some of PyTorch's kernels (group_norm's one-pass moments
        # are off by 4e-4 there), so the reference normalizes x − 1e4 instead: exact in float64, since x is a
        # float32 near 1e4, and it changes nothing in exact arithmetic, the transform being shift-invariant.
        shift = 1e4 if offset else 0.0
        ref = run(kind, groups, arrays, torch.float64, shift)
        direct64 = run(kind, groups, arrays, torch.float64) if offset else ref
        if kind == 'instance':
            # Instance norm is group norm with one channel per group: the two PyTorch routes must agree.
            t = (torch.tensor(arrays[0], dtype=torch.float64) - shift).permute(0, 3, 1, 2)
            g, b = (torch.tensor(a, dtype=torch.float64) for a in arrays[1:3])
            by_groups = F.group_norm(t, shape[-1], g, b, EPSILON).permute(0, 2, 3, 1)
            assert relative_error(by_groups, ref['y']) < 1e-12, 'instance_norm and group_norm(groups=C) disagree'
        f32 = run(kind, groups, arrays, torch.float32)
        name = f"{kind}-{len(shape)}d" + (f"-g{groups}" if groups else '') + ('-offset' if offset else '')
        cases.append({
            'name': name,
            'kind': kind,
            'shape': shape,
            'groups': groups if kind == 'group' else shape[-1] if kind == 'instance' else None,
            'epsilon': EPSILON,
            'largeOffset': offset,
            **{k: float32s(a) for k, a in zip(('x', 'gamma', 'beta', 'dy'), arrays)},
            **{k: float64s(v) for k, v in ref.items()},
            'referenceShift': shift,
            'torchFloat32Error': {k: float(f'{relative_error(f32[k], ref[k]):.3g}') for k in ref},
            'torchFloat64DirectError': {k: float(f'{relative_error(direct64[k], ref[k]):.3g}') for k in ref},
        })
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    meta = {
        'generator': 'scripts/norm-fixtures.py',
        'torch': torch.__version__,
        'numpy': np.__version__,
        'python': sys.version.split()[0],
        'note': 'float32 inputs; float64 y and gradients of sum(y * dy) by PyTorch autograd; NHWC layout',
    }
    with open(OUT, 'w') as f:
        json.dump({'meta': meta, 'cases': cases}, f, separators=(',', ':'))
        f.write('\n')
    for c in cases:
        f32, f64 = c['torchFloat32Error'], c['torchFloat64DirectError']
        print(f"{c['name']:<22} torch float32 error: y {f32['y']:.1e} dx {f32['dx']:.1e} · float64 without the shift: y {f64['y']:.1e} dx {f64['dx']:.1e}")
    print(f'wrote {os.path.relpath(OUT)} ({os.path.getsize(OUT) // 1024} kB)')


if __name__ == '__main__':
    main()
