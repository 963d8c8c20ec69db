#!/usr/bin/env python3
"""Zennit on PyTorch (CPU, one thread) as a speed peer of `bench/lrp.mjs`: forward + ε-LRP images/s
of the same three architectures (LeNet-5, the 784-1296³-10 MLP, the ResNet-style graph), float32,
ε = 0.01 on every dense and convolution layer (Zennit's base layer map elsewhere: activations pass,
pools get Norm). Seeded random weights (speed does not depend on them). A dev-only bench: needs
PyTorch and Zennit, which lrpjs neither depends on nor ships:

    PYTHONPATH=/path/to/zennit/src /usr/bin/python3 bench/zennit-peer.py [--seconds S]

Prints one JSON object per line: {"model", "batch", "images_per_s", "torch", "zennit"}. On torch 1.x
it reuses the shim of scripts/zennit-reference.py (Zennit 1.0 hooks with keyword arguments).
"""
import importlib.util
import json
import os
import sys
import time

import torch
from torch import nn

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location('zennit_reference', os.path.join(here, '..', 'scripts', 'zennit-reference.py'))
ref = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ref)  # applies the torch-1.x shim and imports Zennit

from zennit.attribution import Gradient  # noqa: E402
from zennit.rules import Epsilon  # noqa: E402

seconds = float(sys.argv[sys.argv.index('--seconds') + 1]) if '--seconds' in sys.argv else 2.0
torch.set_num_threads(1)
torch.manual_seed(0)


def lenet5():
    """The toolbox's LeNet-5 shape (sum pools as average pools: the same work for Zennit's Norm)."""
    return nn.Sequential(
        nn.Conv2d(1, 10, 5), nn.ReLU(), nn.AvgPool2d(2),
        nn.Conv2d(10, 25, 5), nn.ReLU(), nn.AvgPool2d(2),
        nn.Conv2d(25, 100, 4), nn.ReLU(), nn.AvgPool2d(2),
        nn.Conv2d(100, 10, 1), nn.Flatten(),
    ), (1, 32, 32)


def mlp():
    sizes = [784, 1296, 1296, 1296, 10]
    layers = []
    for i in range(4):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < 3:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers), (784,)


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv1 = nn.Conv2d(c, c, 3, padding=1)
        self.act = nn.ReLU()
        self.conv2 = nn.Conv2d(c, c, 3, padding=1)
        self.sum = ref.Sum()
        self.out = nn.ReLU()

    def forward(self, x):
        return self.out(self.sum(torch.stack([self.conv2(self.act(self.conv1(x))), x], dim=-1)))


def resnet8():
    c = 16
    return nn.Sequential(
        nn.Conv2d(3, c, 3, padding=1), nn.ReLU(), *[Block(c) for _ in range(8)],
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c, 10),
    ), (3, 32, 32)


def images_per_second(model, shape, batch):
    model.eval()
    x = torch.rand(batch, *shape) * 2 - 1
    composite = ref.single(Epsilon(epsilon=0.01))()
    with Gradient(model=model, composite=composite) as attributor:
        def run():
            out = model(x)
            one_hot = torch.zeros_like(out)
            one_hot[torch.arange(batch), out.argmax(1)] = 1
            attributor(x, one_hot * out.detach())
        run()
        n, t0 = 0, time.perf_counter()
        while True:
            run()
            n += 1
            elapsed = time.perf_counter() - t0
            if elapsed >= seconds:
                return n * batch / elapsed


def zennit_version():
    """Zennit's version from its package metadata; a source tree on PYTHONPATH has none ('source')."""
    try:
        from importlib.metadata import version
        return version('zennit')
    except Exception:
        return 'source'


for name, build, batches in [('LeNet-5', lenet5, [1, 16, 64, 256]), ('MLP', mlp, [1, 16, 64, 256]), ('ResNet-style', resnet8, [1, 16, 64])]:
    model, shape = build()
    for batch in batches:
        print(json.dumps({'model': name, 'batch': batch, 'images_per_s': images_per_second(model, shape, batch),
                          'torch': torch.__version__, 'zennit': zennit_version()}), flush=True)
