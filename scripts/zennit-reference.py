#!/usr/bin/env python3
"""Writes the Zennit reference fixtures of lrpjs (test/fixtures/zennit/): a dev-only generator.

Needs PyTorch and Zennit 1.0, neither of which lrpjs depends on or ships:
    PYTHONPATH=/path/to/zennit/src python3 scripts/zennit-reference.py [OUT_DIR]
(Zennit imports torchvision; on Debian: apt-get install python3-torch python3-torchvision. With
torch 1.x, Zennit 1.0's `with_kwargs` forward hooks go through a small shim below.)

It builds four seeded models in PyTorch and writes, in float64 (`model.double()`), Zennit's
relevance for every rule, composite and integrated gradients, so that `compat: 'zennit'` in lrpjs
can be checked against Zennit's own numbers (test/zennit-reference.test.ts):

- `mlp`: Linear 6→8, ReLU, Linear 8→5, ReLU, Linear 5→3 (inputs of both signs);
- `pools`: Conv, ReLU, SumPool (the toolbox's Σx/√k, an AvgPool2d subclass, so Zennit gives it
  Norm), Conv, ReLU, AvgPool2d, Conv, ReLU, MaxPool2d, Flatten, Linear;
- `dwcnn` (the ONNX done-when model): Conv, ReLU6, residual block [depthwise Conv (groups = C),
  ReLU6, Conv 1×1] added to its input, ReLU, two strided branches concatenated (torch.cat),
  AdaptiveAvgPool2d(1) and AdaptiveMaxPool2d(1) concatenated, Flatten, Linear. Exported with
  torch.onnx.export (eval mode, opset 13, dynamic batch axis) to `dwcnn.onnx`. For Zennit the
  residual addition runs as `zennit.layer.Sum` over the stacked summands (what Zennit's ResNet
  canonizers do), so it gets Norm; the export runs the plain `a + b` (ONNX `Add`). Same numbers.
- `bncnn`: Conv, BatchNorm2d, ReLU twice, AdaptiveAvgPool2d(1), Flatten, Linear, in an nn.Sequential;
  every case with Zennit's SequentialMergeBatchNorm canonizer and (`<case>.plain`) without it.
  Also exported to `bncnn.onnx` (the export folds the BatchNorms into the convolutions).

Weights and inputs are rounded to float32 first, so the float32 ONNX file and the float64 reference
hold the same values. Per model it writes `<model>.input.npy` (NCHW or [N, D]), `<model>.r0.npy`
(the initial relevance: the logit of the argmax class, one-hot), `<model>.<param>.npy` (PyTorch
layouts: Linear [out, in], Conv [out, in/groups, kh, kw]) and `<model>.<case>.npy`, the relevance
at the input, for the cases in CASES. `versions.json` records torch, Zennit and numpy.
"""
import json
import math
import os
import subprocess
import sys

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F


def _torch1_hooks():
    """Zennit 1.0 uses two keywords of torch >= 2.0: forward hooks `with_kwargs` and
    `load_state_dict(assign=True)`. On torch 1.x the hooks are wrapped here (they get empty kwargs:
    every module here is called positionally; a pre-hook's `(args, kwargs)` result is given back as
    args alone) and `assign` puts new Parameter objects on the given tensors, as torch 2 does."""
    import inspect
    if 'with_kwargs' in inspect.signature(nn.Module.register_forward_hook).parameters:
        return
    forward_hook, pre_hook = nn.Module.register_forward_hook, nn.Module.register_forward_pre_hook

    def register_forward_hook(self, hook, with_kwargs=False):
        if not with_kwargs:
            return forward_hook(self, hook)
        return forward_hook(self, lambda module, args, output: hook(module, args, {}, output))

    def register_forward_pre_hook(self, hook, with_kwargs=False):
        if not with_kwargs:
            return pre_hook(self, hook)

        def wrapped(module, args):
            result = hook(module, args, {})
            return result[0] if isinstance(result, tuple) and len(result) == 2 and isinstance(result[1], dict) else result
        return pre_hook(self, wrapped)

    load_state_dict = nn.Module.load_state_dict

    def load_state_dict_assign(self, state_dict, strict=True, assign=False):
        # Zennit's ParamMod swaps parameter tensors in and out (`assign=True`): new Parameter objects
        # on the given tensors, as torch 2 does, so the autograd graph keeps the modified ones.
        if not assign:
            return load_state_dict(self, state_dict, strict=strict)
        for key, value in state_dict.items():
            # Module.__setattr__ also drops an attribute of that name (a canonizer's merged weight).
            setattr(self, key, nn.Parameter(value, requires_grad=self._parameters[key].requires_grad))
        return None

    nn.Module.register_forward_hook = register_forward_hook
    nn.Module.register_forward_pre_hook = register_forward_pre_hook
    nn.Module.load_state_dict = load_state_dict_assign


_torch1_hooks()

import zennit  # noqa: E402
from zennit.composites import (
    EpsilonAlpha2Beta1, EpsilonAlpha2Beta1Flat, EpsilonGammaBox, EpsilonPlus, EpsilonPlusFlat, LayerMapComposite,
    layer_map_base,
)
from zennit.attribution import Gradient, IntegratedGradients
from zennit.canonizers import SequentialMergeBatchNorm
from zennit.layer import Sum
from zennit.rules import AlphaBeta, Epsilon, Flat, Gamma, Norm, WSquare, ZBox, ZPlus
from zennit.types import Linear as AnyLinear

LOW, HIGH = -3.0, 3.0
IG_STEPS = 8


class SumPool2d(nn.AvgPool2d):
    """The LRP Toolbox's SumPool: the window sum divided by √(window area)."""

    def forward(self, x):
        k = self.kernel_size * self.kernel_size
        return super().forward(x) * (k / math.sqrt(k))


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.act1 = nn.Linear(6, 8), nn.ReLU()
        self.fc2, self.act2 = nn.Linear(8, 5), nn.ReLU()
        self.fc3 = nn.Linear(5, 3)

    def forward(self, x):
        return self.fc3(self.act2(self.fc2(self.act1(self.fc1(x)))))


class Pools(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1, self.act1, self.pool1 = nn.Conv2d(2, 4, 3, padding=1), nn.ReLU(), SumPool2d(2)
        self.conv2, self.act2, self.pool2 = nn.Conv2d(4, 4, 3, padding=1), nn.ReLU(), nn.AvgPool2d(2)
        self.conv3, self.act3, self.pool3 = nn.Conv2d(4, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)
        self.flat, self.fc = nn.Flatten(), nn.Linear(4, 3)

    def forward(self, x):
        x = self.pool1(self.act1(self.conv1(x)))
        x = self.pool2(self.act2(self.conv2(x)))
        x = self.pool3(self.act3(self.conv3(x)))
        return self.fc(self.flat(x))


class DwCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem, self.act0 = nn.Conv2d(3, 6, 3, padding=1), nn.ReLU6()
        self.dw, self.act1 = nn.Conv2d(6, 6, 3, padding=1, groups=6), nn.ReLU6()
        self.pw = nn.Conv2d(6, 6, 1)
        self.sum, self.act2 = Sum(), nn.ReLU()
        self.left, self.act3 = nn.Conv2d(6, 4, 3, stride=2, padding=1), nn.ReLU()
        self.right, self.act4 = nn.Conv2d(6, 2, 1, stride=2), nn.ReLU()
        self.avg, self.max = nn.AdaptiveAvgPool2d(1), nn.AdaptiveMaxPool2d(1)
        self.flat, self.fc = nn.Flatten(), nn.Linear(12, 4)
        self.zennit_sum = True

    def forward(self, x):
        h = self.act0(self.stem(x))
        branch = self.pw(self.act1(self.dw(h)))
        h = self.sum(torch.stack([h, branch], dim=-1)) if self.zennit_sum else h + branch
        h = self.act2(h)
        h = torch.cat([self.act3(self.left(h)), self.act4(self.right(h))], dim=1)
        h = torch.cat([self.avg(h), self.max(h)], dim=1)
        return self.fc(self.flat(h))


class BnCnn(nn.Sequential):
    """Conv, BatchNorm, ReLU twice, AdaptiveAvgPool2d(1), Flatten, Linear: Zennit's
    SequentialMergeBatchNorm folds each BatchNorm into the convolution before it."""

    def __init__(self):
        super().__init__(
            nn.Conv2d(3, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(),
            nn.Conv2d(4, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(4, 3),
        )
        for bn in (self[1], self[4]):
            bn.running_mean.uniform_(-0.5, 0.5)
            bn.running_var.uniform_(0.5, 2.0)
            bn.weight.data.uniform_(0.5, 1.5)
            bn.bias.data.uniform_(-0.3, 0.3)


def single(rule):
    """A Zennit layer map with `rule` on every dense and convolution module (and Zennit's base map)."""
    return lambda **kw: LayerMapComposite(layer_map=layer_map_base() + [(AnyLinear, rule)], **kw)


# Case name (file suffix; the lrpjs test maps it to --rule / --composite) → composite factory.
CASES = {
    'rule-epsilon': single(Epsilon()),
    'rule-epsilon-0.25': single(Epsilon(epsilon=0.25)),
    'rule-simple': single(Norm()),
    'rule-zplus': single(ZPlus()),
    'rule-alphabeta-2-1': single(AlphaBeta(alpha=2, beta=1)),
    'rule-gamma-0.25': single(Gamma(gamma=0.25)),
    'rule-zbox': single(ZBox(low=LOW, high=HIGH)),
    'rule-flat': single(Flat()),
    'rule-ww': single(WSquare()),
    'composite-EpsilonPlus': EpsilonPlus,
    'composite-EpsilonPlusFlat': EpsilonPlusFlat,
    'composite-EpsilonAlpha2Beta1': EpsilonAlpha2Beta1,
    'composite-EpsilonAlpha2Beta1Flat': EpsilonAlpha2Beta1Flat,
    'composite-EpsilonGammaBox': lambda **kw: EpsilonGammaBox(low=LOW, high=HIGH, **kw),
}


def seeded(model_class, seed):
    torch.manual_seed(seed)
    model = model_class()
    with torch.no_grad():
        for t in [*model.parameters(), *model.buffers()]:
            if t.is_floating_point():
                t.copy_(t.float().double().float())  # float32 values (the ONNX file's)
    return model.double().eval()


def save(out, name, array):
    np.save(os.path.join(out, name + '.npy'), np.ascontiguousarray(array, dtype=np.float64))


def write_model(out, name, model, x, canonizers=None):
    """`canonizers`: a factory of Zennit canonizers; then every case is written twice, `<case>`
    with them and `<case>.plain` without (BatchNorm then gets Zennit's Pass)."""
    for pname, p in [*model.named_parameters(), *model.named_buffers()]:
        if p.is_floating_point():
            save(out, f'{name}.{pname}', p.detach().numpy())
    save(out, f'{name}.input', x.numpy())
    with torch.no_grad():
        y = model(x)
    r0 = torch.zeros_like(y)
    r0.scatter_(1, y.argmax(1, keepdim=True), y.gather(1, y.argmax(1, keepdim=True)))
    save(out, f'{name}.r0', r0.numpy())
    save(out, f'{name}.output', y.numpy())
    variants = [('', None)] if canonizers is None else [('', canonizers), ('.plain', None)]
    for case, make in CASES.items():
        for suffix, canon in variants:
            composite = make(canonizers=canon()) if canon else make()
            with Gradient(model=model, composite=composite) as attributor:
                _, relevance = attributor(x.clone(), r0)
            save(out, f'{name}.{case}{suffix}', relevance.detach().numpy())
    _, ig = IntegratedGradients(model=model, n_iter=IG_STEPS)(x.clone(), r0)
    save(out, f'{name}.method-integrated-gradients', ig.detach().numpy())


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join('test', 'fixtures', 'zennit')
    os.makedirs(out, exist_ok=True)
    torch.set_default_dtype(torch.float64)  # integrated gradients' path steps in float64
    gen = torch.Generator().manual_seed(7)

    def inputs(*shape):
        return torch.randn(*shape, generator=gen).clamp(LOW, HIGH).float().double()

    write_model(out, 'mlp', seeded(Mlp, 1), inputs(2, 6))
    write_model(out, 'pools', seeded(Pools, 2), inputs(2, 2, 8, 8))
    dwcnn = seeded(DwCnn, 3)
    write_model(out, 'dwcnn', dwcnn, inputs(2, 3, 8, 8))

    write_model(out, 'bncnn', seeded(BnCnn, 4), inputs(2, 3, 8, 8), canonizers=lambda: [SequentialMergeBatchNorm()])

    export = seeded(DwCnn, 3).float()
    export.zennit_sum = False
    for model_name, module in [('dwcnn', export), ('bncnn', seeded(BnCnn, 4).float())]:
        torch.onnx.export(
            module, torch.zeros(1, 3, 8, 8, dtype=torch.float32), os.path.join(out, f'{model_name}.onnx'), opset_version=13,
            input_names=['input'], output_names=['logits'], dynamic_axes={'input': {0: 'batch'}, 'logits': {0: 'batch'}},
            do_constant_folding=True,
        )
    zennit_dir = os.path.dirname(os.path.dirname(os.path.abspath(zennit.__file__)))
    commit = subprocess.run(['git', 'rev-parse', 'HEAD'], cwd=zennit_dir, capture_output=True, text=True).stdout.strip()
    versions = {
        'torch': torch.__version__, 'numpy': np.__version__, 'zennit': getattr(zennit, '__version__', None) or os.environ.get('ZENNIT_VERSION'),
        'zennit_commit': commit or os.environ.get('ZENNIT_COMMIT'), 'python': sys.version.split()[0],
        'low': LOW, 'high': HIGH, 'ig_steps': IG_STEPS, 'cases': list(CASES) + ['method-integrated-gradients'],
    }
    with open(os.path.join(out, 'versions.json'), 'w') as f:
        json.dump(versions, f, indent=2)
        f.write('\n')


if __name__ == '__main__':
    main()
