// Bench inputs written to a temporary folder at bench time (never committed): the seeded
// 784-1296³-10 MLP of bench/models.mjs as a toolbox text model, as a pickled toolbox model (.nn,
// pickle protocol 2 with the toolbox's class paths, written by python3 + numpy) and as .npy weight
// files; and digits from the toolbox's test_images.mat as .npy inputs.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readMatVariable, writeNpy, writeTextModel } from '../dist/index.js';
import { mlp } from './models.mjs';

/** The fixtures folder (LRPJS_FIXTURES, else ../shared/fixtures), or undefined. */
export function fixturesDir() {
  const dir = process.env.LRPJS_FIXTURES ?? new URL('../../shared/fixtures', import.meta.url).pathname;
  return existsSync(dir) ? dir : undefined;
}

/** A fresh temporary folder for one bench run. */
export function benchDir() {
  return mkdtempSync(join(tmpdir(), 'lrpjs-bench-'));
}

// Writes one pickled toolbox Sequential of Linear/Rect layers from .npy weights (protocol 2, the
// class paths modules.<file>.<Class> of the toolbox's python package).
const PICKLE_MLP = `
import pickle, sys, types, numpy as np
out, count = sys.argv[1], int(sys.argv[2])
sys.modules['modules'] = types.ModuleType('modules')
def cls(file, name):
    mod = types.ModuleType('modules.' + file)
    c = type(name, (object,), {'__module__': 'modules.' + file})
    setattr(mod, name, c)
    sys.modules['modules.' + file] = mod
    return c
Sequential, Linear, Rect = cls('sequential', 'Sequential'), cls('linear', 'Linear'), cls('rect', 'Rect')
mods = []
for i in range(count):
    l = Linear()
    l.W = np.load(out + '.W%d.npy' % i); l.B = np.load(out + '.B%d.npy' % i)
    l.m, l.n = l.W.shape
    mods.append(l)
    if i < count - 1: mods.append(Rect())
s = Sequential(); s.modules = mods; s.lrp_param = 1.0
with open(out, 'wb') as f: pickle.dump(s, f, 2)
`;

/**
 * Writes the MLP into `dir` in every form; returns the paths: `txt`, `nn` (undefined without
 * python3 + numpy), `npy` (weight and bias files in layer order), and the model.
 */
export function writeMlpFiles(dir) {
  const bench = mlp();
  const txt = join(dir, 'mlp.txt');
  writeFileSync(txt, writeTextModel(bench.model));
  const base = join(dir, 'mlp.nn');
  const npy = [];
  bench.dense.forEach((d, i) => {
    const w = `${base}.W${i}.npy`;
    const b = `${base}.B${i}.npy`;
    writeFileSync(w, writeNpy({ data: d.w, shape: [d.m, d.n], dtype: 'float64' }));
    writeFileSync(b, writeNpy({ data: d.b, shape: [d.n], dtype: 'float64' }));
    npy.push(w, b);
  });
  let nn;
  try {
    execFileSync('python3', ['-c', PICKLE_MLP, base, String(bench.dense.length)], { stdio: ['ignore', 'ignore', 'pipe'] });
    nn = base;
  } catch (e) {
    console.log(`(no .nn form: python3 + numpy failed: ${String(/** @type {{stderr?: Buffer, message: string}} */ (e).stderr ?? /** @type {Error} */ (e).message).trim().split('\n').pop()})`);
  }
  return { txt, nn, npy, bench };
}

/**
 * Writes `count` digits of the toolbox's test_images.mat (scaled to [-1, 1] as its demos do) to
 * `file` as float32 .npy: `[count, 32, 32, 1]` padded with -1 for LeNet-5 (`padded`), else `[count, 784]`.
 */
export function writeDigits(file, count, padded) {
  const fixtures = fixturesDir();
  if (!fixtures) throw new Error('the toolbox fixtures (LRPJS_FIXTURES or ../shared/fixtures) are needed for the digits');
  const images = readMatVariable(new Uint8Array(readFileSync(join(fixtures, 'toolbox/data/test_images.mat'))), 'data');
  const [n, size] = images.shape;
  if (count > n || size !== 784) throw new Error(`test_images.mat has shape [${images.shape}]`);
  const side = padded ? 32 : 28;
  const pad = padded ? 2 : 0;
  const data = new Float32Array(count * side * side).fill(-1);
  for (let s = 0; s < count; s++) {
    for (let r = 0; r < 28; r++) {
      for (let c = 0; c < 28; c++) data[s * side * side + (r + pad) * side + c + pad] = Number(images.data[s * 784 + r * 28 + c]) / 127.5 - 1;
    }
  }
  writeFileSync(file, writeNpy({ data, shape: padded ? [count, 32, 32, 1] : [count, 784], dtype: 'float32' }));
  return file;
}
