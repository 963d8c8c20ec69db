#!/usr/bin/env python3
"""Writes the pickled-model test fixtures of lrpjs (test/data/pickles/).

Today's LRP Toolbox `model_io.write(model, 'x.nn')` pickles a `modules.Sequential` object under
Python 3.8+ with numpy 1.x or 2.x. This script builds equivalent objects without the toolbox:
classes named like the toolbox's (`modules.sequential.Sequential`, `modules.linear.Linear`, ...)
are defined here and registered as modules, so `pickle` records the same `module name` globals.

For every model (a tiny MLP and a tiny CNN) it writes, for pickle protocols 2, 3, 4 and 5:

- `<model>-np2-p<P>.nn`: the pickle exactly as the local numpy (2.x) writes it
  (`numpy._core.multiarray._reconstruct`, or `numpy._core.numeric._frombuffer` with an in-band
  BYTEARRAY8 buffer under protocol 5);
- `<model>-np1-p<P>.nn`: the numpy 1.x spelling (`numpy.core.multiarray` / `numpy.core.numeric`).
  Only one numpy is installed here (no package index), so this variant is the same pickle with
  the `numpy._core.*` module names rewritten to `numpy.core.*` by a pickler that writes those
  globals itself (GLOBAL for protocols < 4, two strings + STACK_GLOBAL from 4 on; frames and
  memo entries stay consistent because the pickler writes them). Everything else numpy 1.x
  writes for these arrays is the same opcodes.

and `<model>-input.npy` / `<model>-output.npy`: a fixed input and the model's output (SoftMax
included) computed here with numpy, so the tests check numbers, not only that a file loads.

Run from the repository root: `python3 scripts/write-pickle-fixtures.py` (needs numpy).
"""
import io
import os
import pickle
import sys
import types

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'data', 'pickles')


def toolbox_module(file_name, cls):
    """Registers `cls` as `modules.<file_name>.<ClassName>`, like the toolbox's python/modules."""
    package = sys.modules.setdefault('modules', types.ModuleType('modules'))
    package.__path__ = []
    name = 'modules.' + file_name
    mod = sys.modules.setdefault(name, types.ModuleType(name))
    setattr(package, file_name, mod)
    cls.__module__ = name
    setattr(mod, cls.__name__, cls)
    return cls


class Module:
    """The toolbox's `modules.Module` state: the LRP presets every module carries."""

    def __init__(self):
        self.lrp_var = None
        self.lrp_param = 1.0


class Sequential(Module):
    def __init__(self, modules):
        Module.__init__(self)
        self.modules = modules

    def forward(self, X):
        for m in self.modules:
            X = m.forward(X)
        return X


class Linear(Module):
    def __init__(self, m, n, rng):
        Module.__init__(self)
        self.m, self.n = m, n
        self.B = rng.standard_normal(n) * 0.1
        self.W = rng.standard_normal((m, n)) * m ** -0.5

    def forward(self, X):
        self.X = X
        self.Y = X @ self.W + self.B
        return self.Y


class Convolution(Module):
    def __init__(self, filtersize, stride, rng):
        Module.__init__(self)
        self.fh, self.fw, self.fd, self.n = filtersize
        self.stride = stride
        self.W = rng.standard_normal(filtersize) * (self.fh * self.fw * self.fd) ** -0.5
        self.B = rng.standard_normal(self.n) * 0.1

    def forward(self, X):
        self.X = X
        N, H, W, _ = X.shape
        hs, ws = self.stride
        Ho, Wo = (H - self.fh) // hs + 1, (W - self.fw) // ws + 1
        Y = np.zeros((N, Ho, Wo, self.n))
        for i in range(Ho):
            for j in range(Wo):
                patch = X[:, i * hs:i * hs + self.fh, j * ws:j * ws + self.fw, :]
                Y[:, i, j, :] = np.tensordot(patch, self.W, axes=([1, 2, 3], [0, 1, 2])) + self.B
        self.Y = Y
        return Y


class Pool(Module):
    def __init__(self, pool=(2, 2), stride=(2, 2)):
        Module.__init__(self)
        self.pool, self.stride = pool, stride

    def forward(self, X):
        N, H, W, D = X.shape
        hp, wp = self.pool
        hs, ws = self.stride
        Ho, Wo = (H - hp) // hs + 1, (W - wp) // ws + 1
        Y = np.zeros((N, Ho, Wo, D))
        for i in range(Ho):
            for j in range(Wo):
                Y[:, i, j, :] = self.reduce(X[:, i * hs:i * hs + hp, j * ws:j * ws + wp, :], axis=(1, 2))
        return Y


class SumPool(Pool):
    def reduce(self, X, axis):  # the toolbox's SumPool scales by (hp * wp) ** -0.5
        return ((self.pool[0] * self.pool[1]) ** -.5 * X).sum(axis=axis)


class MaxPool(Pool):
    def reduce(self, X, axis):
        return X.max(axis=axis)


class Rect(Module):
    def forward(self, X):
        return np.maximum(0, X)


class Tanh(Module):
    def forward(self, X):
        return np.tanh(X)


class SoftMax(Module):
    def forward(self, X):
        e = np.exp(X - X.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)


class Flatten(Module):
    def forward(self, X):
        self.inputshape = X.shape
        return X.reshape(X.shape[0], -1)


for _file, _cls in [('sequential', Sequential), ('linear', Linear), ('convolution', Convolution),
                    ('sumpool', SumPool), ('maxpool', MaxPool), ('rect', Rect), ('tanh', Tanh),
                    ('softmax', SoftMax), ('flatten', Flatten)]:
    toolbox_module(_file, _cls)


class Numpy1Pickler(pickle._Pickler):
    """The pure-python pickler, writing numpy 2's `numpy._core.*` globals as numpy 1's `numpy.core.*`."""

    def save_global(self, obj, name=None):
        module = getattr(obj, '__module__', '') or ''
        if not module.startswith('numpy._core'):
            return super().save_global(obj, name)
        module = 'numpy.core' + module[len('numpy._core'):]
        name = name or obj.__qualname__
        if self.proto >= 4:
            self.save(module)
            self.save(name)
            self.write(pickle.STACK_GLOBAL)
        else:
            self.write(pickle.GLOBAL + module.encode('ascii') + b'\n' + name.encode('ascii') + b'\n')
        self.memoize(obj)

    dispatch = pickle._Pickler.dispatch.copy()
    dispatch[types.FunctionType] = save_global


def numpy1_dumps(obj, protocol):
    f = io.BytesIO()
    Numpy1Pickler(f, protocol).dump(obj)
    return f.getvalue()


def mlp(rng):
    return Sequential([Linear(4, 6, rng), Rect(), Linear(6, 5, rng), Tanh(), Linear(5, 3, rng), SoftMax()])


def cnn(rng):
    conv = Convolution((3, 3, 1, 2), (1, 1), rng)
    conv.W = np.asfortranarray(conv.W)  # a Fortran-order array: 'F' order / is_fortran in the pickle
    head = Linear(8, 3, rng)
    head.B = head.B.astype('>f4')  # a big-endian float32 array (widened on load)
    return Sequential([conv, Rect(), SumPool((2, 2), (2, 2)), Convolution((2, 2, 2, 2), (1, 1), rng),
                       Tanh(), MaxPool((1, 1), (1, 1)), Flatten(), head, SoftMax()])


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, build, shape in [('mlp', mlp, (3, 4)), ('cnn', cnn, (2, 8, 8, 1))]:
        rng = np.random.default_rng(20240611)
        model = build(rng)
        x = rng.standard_normal(shape)
        y = model.forward(x)
        np.save(os.path.join(OUT, f'{name}-input.npy'), x)
        np.save(os.path.join(OUT, f'{name}-output.npy'), y)
        for m in model.modules:  # the toolbox keeps forward-pass buffers; drop the large ones
            for attr in ('X', 'Y'):
                if hasattr(m, attr):
                    delattr(m, attr)
        for protocol in (2, 3, 4, 5):
            for variant, data in [('np2', pickle.dumps(model, protocol)), ('np1', numpy1_dumps(model, protocol))]:
                with open(os.path.join(OUT, f'{name}-{variant}-p{protocol}.nn'), 'wb') as f:
                    f.write(data)
    print(f'wrote fixtures to {os.path.normpath(OUT)} (numpy {np.__version__}, python {sys.version.split()[0]})')


if __name__ == '__main__':
    main()
