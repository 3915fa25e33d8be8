#!/usr/bin/python3
"""The native anchor of `npm run bench:engine`: the engine's networks trained in PyTorch, on one CPU thread.

src/cli/bench.ts spawns this script once and talks to it in JSON lines, so that its measurements can be interleaved
with the engine's (engine, PyTorch, engine, PyTorch, ...) while both see the same load on a shared machine:

  stdout, first line: {"type": "hello", "torch": ..., "blas": {...}, "sgemmGflops": ...}
  stdin,  each line:  {"id": 1, "spec": {...}, "data": {...}, "budgetMs": 3000, "minSteps": 5, "warmupSteps": 3}
  stdout, each reply: {"type": "result", "id": 1, "steps": ..., "seconds": ..., "arms": [...]} or {"type": "error", ...}

The spec (src/cli/torchSpec.ts) is the engine's own architecture: dense or 3x3 convolution layers with TensorFlow's
'same' padding, each arm's normalization before or after the nonlinearity (batch norm's layer has no bias, as in the
engine), the initialisation scheme, optimizer, learning rate per arm and batch size. The training data are the
engine's, read from the float32 and uint8 files the benchmark writes. One lockstep step trains every arm on the
same mini-batch, as the engine's LockstepTrainer does; a step of an arm is zero_grad, forward, cross-entropy,
backward and the optimizer's step, and its loss is added to a running sum on the device (the engine keeps one too).

Standalone, `/usr/bin/python3 scripts/torch-bench.py --hello` prints the hello line (versions, BLAS, sgemm) and exits.
"""

import ctypes
import json
import os
import sys
import time

# One thread, set before torch (and OpenBLAS, which reads these when it loads) is imported: torch.set_num_threads(1)
# limits PyTorch's own OpenMP pool but not OpenBLAS's pthreads, which otherwise start one thread per core.
for _name in ('OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS'):
    os.environ.setdefault(_name, '1')

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

torch.set_num_threads(1)
torch.set_default_dtype(torch.float32)


def send(message):
    sys.stdout.write(json.dumps(message) + '\n')
    sys.stdout.flush()


def blas_info():
    """The BLAS that PyTorch loaded: OpenBLAS's own report of the core it chose and its thread count, if it is OpenBLAS."""
    paths = set()
    with open('/proc/self/maps') as maps:
        for line in maps:
            path = line.split()[-1] if len(line.split()) >= 6 else ''
            if 'blas' in os.path.basename(path):
                paths.add(path)
    for path in sorted(paths):
        try:
            lib = ctypes.CDLL(path)
            corename = lib.openblas_get_corename
            corename.restype = ctypes.c_char_p
            config = lib.openblas_get_config
            config.restype = ctypes.c_char_p
            return {
                'library': path,
                'core': corename().decode(),
                'threads': int(lib.openblas_get_num_threads()),
                'config': config().decode().strip(),
            }
        except (OSError, AttributeError):
            continue
    return {'library': ', '.join(sorted(paths)) or None, 'core': None, 'threads': None, 'config': None}


def sgemm_gflops(n=1024, repeats=7):
    """Best of a few n x n float32 products: 2n^3 flops each. A sanity line for the BLAS the anchor runs on."""
    gen = torch.Generator().manual_seed(0)
    a = torch.randn(n, n, generator=gen)
    b = torch.randn(n, n, generator=gen)
    torch.mm(a, b)
    best = float('inf')
    for _ in range(repeats):
        t0 = time.perf_counter()
        torch.mm(a, b)
        best = min(best, time.perf_counter() - t0)
    return 2 * n ** 3 / best / 1e9


ACTIVATIONS = {'sigmoid': nn.Sigmoid, 'tanh': nn.Tanh, 'relu': nn.ReLU}


def init_std(scheme, scale, fan_in, fan_out):
    """src/engine/init.ts: Gaussian std = scale; Glorot normal; He normal."""
    if scheme == 'gaussian':
        return scale
    if scheme == 'glorot':
        return scale * (2 / (fan_in + fan_out)) ** 0.5
    return scale * (2 / fan_in) ** 0.5


def norm_module(arm, layer):
    conv = layer['kind'] == 'conv'
    units = layer['units']
    eps, affine = arm['epsilon'], arm['affine']
    if arm['norm'] == 'batch':
        cls = nn.BatchNorm2d if conv else nn.BatchNorm1d
        return cls(units, eps=eps, momentum=arm['bnMomentum'], affine=affine)
    if arm['norm'] == 'layer':
        # Per example over all of the layer's units (a convolution's height, width and channels), gamma and beta per
        # channel: what GroupNorm with one group computes.
        return nn.GroupNorm(1, units, eps=eps, affine=affine) if conv else nn.LayerNorm(units, eps=eps, elementwise_affine=affine)
    return None


def build_net(spec, arm, gen):
    """One arm's network, its weights drawn with the engine's schemes (zero biases, gamma 1 and beta 0)."""
    modules = []
    weights = []
    for layer in spec['hidden']:
        no_bias = arm['norm'] == 'batch' and arm['placement'] == 'before'
        if layer['kind'] == 'dense':
            lin = nn.Linear(layer['fanIn'], layer['units'], bias=not no_bias)
            modules.append(lin)
        else:
            top, bottom, left, right = layer['padding']
            # TensorFlow's 'same' padding puts the odd pixel after; Conv2d's own padding is symmetric.
            if top == bottom and left == right:
                lin = nn.Conv2d(layer['inChannels'], layer['units'], 3, stride=layer['stride'], padding=(top, left), bias=not no_bias)
                modules.append(lin)
            else:
                lin = nn.Conv2d(layer['inChannels'], layer['units'], 3, stride=layer['stride'], bias=not no_bias)
                modules += [nn.ZeroPad2d((left, right, top, bottom)), lin]
        weights.append((lin, layer['fanIn'], layer['fanOut']))
        norm = norm_module(arm, layer)
        act = ACTIVATIONS[spec['activation']]()
        if norm is not None and arm['placement'] == 'before':
            modules += [norm, act]
        elif norm is not None:
            modules += [act, norm]
        else:
            modules.append(act)
    if spec['hidden'] and spec['hidden'][0]['kind'] == 'conv':
        modules.append(nn.Flatten())
    classifier = nn.Linear(spec['classifierFanIn'], spec['numClasses'])
    modules.append(classifier)
    weights.append((classifier, spec['classifierFanIn'], spec['numClasses']))
    with torch.no_grad():
        for module, fan_in, fan_out in weights:
            std = init_std(spec['init']['scheme'], arm['initScale'], fan_in, fan_out)
            module.weight.normal_(0, std, generator=gen)
            if module.bias is not None:
                module.bias.zero_()
    return nn.Sequential(*modules)


def make_optimizer(spec, arm, params):
    opt = spec['optimizer']
    if opt['kind'] == 'sgd':
        return torch.optim.SGD(params, lr=arm['learningRate'])
    if opt['kind'] == 'momentum':
        return torch.optim.SGD(params, lr=arm['learningRate'], momentum=opt['momentum'])
    return torch.optim.Adam(params, lr=arm['learningRate'], betas=(opt['beta1'], opt['beta2']), eps=1e-8)


def load_data(data, spec):
    n = data['count']
    x = torch.from_numpy(np.fromfile(data['x'], dtype=np.float32)).view(n, *spec['inputShape'])
    if len(spec['inputShape']) == 3:
        # The engine's images are NHWC; PyTorch's convolutions take NCHW.
        x = x.permute(0, 3, 1, 2).contiguous()
    y = torch.from_numpy(np.fromfile(data['y'], dtype=np.uint8).astype(np.int64))
    if y.numel() != n:
        raise ValueError(f"{data['y']}: {y.numel()} labels for {n} examples")
    return x, y


class Batches:
    """Each epoch a fresh seeded permutation cut into full batches, the last partial one dropped (as the engine)."""

    def __init__(self, n, size, seed):
        self.n, self.size = n, size
        self.gen = torch.Generator().manual_seed(seed)
        self.order, self.pos = torch.randperm(n, generator=self.gen), 0

    def next(self):
        if self.pos + self.size > self.n:
            self.order, self.pos = torch.randperm(self.n, generator=self.gen), 0
        idx = self.order[self.pos:self.pos + self.size]
        self.pos += self.size
        return idx


def measure(req):
    spec = req['spec']
    # nn.Linear and nn.Conv2d draw default weights from the global generator before ours replace them: seed it too.
    torch.manual_seed(spec['seed'])
    x_all, y_all = load_data(req['data'], spec)
    arms = []
    for arm in spec['arms']:
        # Every arm starts from the same draws (the engine's arms share their initial weights).
        net = build_net(spec, arm, torch.Generator().manual_seed(spec['seed']))
        net.train()
        arms.append({'arm': arm, 'net': net, 'opt': make_optimizer(spec, arm, net.parameters()), 'loss': torch.zeros(()), 'seconds': 0.0})
    batches = Batches(x_all.shape[0], spec['batchSize'], spec['seed'])

    def lockstep(timed):
        idx = batches.next()
        xb, yb = x_all[idx], y_all[idx]
        for a in arms:
            t0 = time.perf_counter()
            a['opt'].zero_grad(set_to_none=True)
            loss = F.cross_entropy(a['net'](xb), yb)
            loss.backward()
            a['opt'].step()
            a['loss'] += loss.detach()
            if timed:
                a['seconds'] += time.perf_counter() - t0

    for _ in range(req.get('warmupSteps', 3)):
        lockstep(False)
    budget = req['budgetMs'] / 1000
    min_steps = req['minSteps']
    steps = 0
    t0 = time.perf_counter()
    while True:
        lockstep(True)
        steps += 1
        elapsed = time.perf_counter() - t0
        if steps >= min_steps and elapsed >= budget:
            break
    finite = all(bool(torch.isfinite(a['loss'])) for a in arms)
    return {
        'steps': steps,
        'seconds': elapsed,
        'finite': finite,
        # Trainable parameters per arm: the benchmark's tests compare them with the engine's own layout.
        'arms': [
            {'name': a['arm']['name'], 'msPerStep': 1000 * a['seconds'] / steps, 'parameters': sum(p.numel() for p in a['net'].parameters())}
            for a in arms
        ],
    }


def hello():
    gflops = sgemm_gflops()
    return {
        'type': 'hello',
        'python': sys.version.split()[0],
        'torch': torch.__version__,
        'numpy': np.__version__,
        'threads': torch.get_num_threads(),
        'mkldnn': bool(torch.backends.mkldnn.is_available()),
        'blas': blas_info(),
        'coretypeEnv': os.environ.get('OPENBLAS_CORETYPE'),
        'sgemmGflops': gflops,
    }


def main():
    send(hello())
    if '--hello' in sys.argv[1:]:
        return
    for line in sys.stdin:
        if not line.strip():
            continue
        req = {}
        try:
            req = json.loads(line)
            send({'type': 'result', 'id': req.get('id'), **measure(req)})
        except Exception as e:  # noqa: BLE001 -- any failure is one reply the benchmark prints, not a dead child
            send({'type': 'error', 'id': req.get('id'), 'message': f'{type(e).__name__}: {e}'})


if __name__ == '__main__':
    main()
