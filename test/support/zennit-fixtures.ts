import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readNpy } from '../../src/io/npy.js';
import type { Layer, Model } from '../../src/model/layers.js';
import { type ExplainOptions, createExplainer } from '../../src/explainer.js';
import { toFloat64 } from '../../src/tensor.js';

/**
 * The Zennit reference fixtures (test/fixtures/zennit, written by scripts/zennit-reference.py):
 * the arrays, and the three models rebuilt in lrpjs's own layout (NHWC, weights `[in, out]` and
 * HWIO) from the PyTorch weights the script saved.
 */

export const ZENNIT_DIR = fileURLToPath(new URL('../fixtures/zennit/', import.meta.url));

/** What the script recorded: versions, z^B bounds, IG steps and the cases. */
export interface ZennitVersions {
  readonly torch: string;
  readonly zennit: string | null;
  readonly zennit_commit: string | null;
  readonly low: number;
  readonly high: number;
  readonly ig_steps: number;
  readonly cases: readonly string[];
}

export const zennitVersions = JSON.parse(readFileSync(`${ZENNIT_DIR}versions.json`, 'utf8')) as ZennitVersions;

/** An array of the fixtures as float64 with its shape. */
export function fixture(name: string): { data: Float64Array; shape: number[] } {
  const t = toFloat64(readNpy(readFileSync(`${ZENNIT_DIR}${name}.npy`), name));
  return { data: t.data, shape: [...t.shape] };
}

/** `[N, C, H, W]` → `[N, H, W, C]` (or back with `toNchw`). */
export function transposeImage(data: Float64Array, shape: readonly number[], toNchw = false): Float64Array {
  const [n, a, b, c] = shape as [number, number, number, number];
  // Input axes (a, b, c) = (C, H, W) to NHWC, or (H, W, C) to NCHW.
  const out = new Float64Array(data.length);
  let k = 0;
  for (let s = 0; s < n; s++) {
    if (!toNchw) for (let h = 0; h < b; h++) for (let w = 0; w < c; w++) for (let ch = 0; ch < a; ch++) out[k++] = data[((s * a + ch) * b + h) * c + w]!;
    else for (let ch = 0; ch < c; ch++) for (let h = 0; h < a; h++) for (let w = 0; w < b; w++) out[k++] = data[((s * a + h) * b + w) * c + ch]!;
  }
  return out;
}

/** PyTorch Linear weight `[out, in]` → lrpjs `[in, out]`. */
function linearWeights(w: { data: Float64Array; shape: number[] }): Float64Array {
  const [o, i] = w.shape as [number, number];
  return Float64Array.from({ length: o * i }, (_, k) => w.data[(k % o) * i + Math.floor(k / o)]!);
}

/** PyTorch Conv weight `[out, in/groups, kh, kw]` → HWIO `[kh, kw, in/groups, out]`. */
function convWeights(w: { data: Float64Array; shape: number[] }): Float64Array {
  const [o, i, kh, kw] = w.shape as [number, number, number, number];
  const out = new Float64Array(w.data.length);
  let k = 0;
  for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) for (let c = 0; c < i; c++) for (let f = 0; f < o; f++) out[k++] = w.data[((f * i + c) * kh + y) * kw + x]!;
  return out;
}

function dense(model: string, name: string, from?: number[]): Layer {
  const w = fixture(`${model}.${name}.weight`);
  const [outputs, inputs] = w.shape as [number, number];
  return { kind: 'linear', inputs, outputs, weights: linearWeights(w), bias: fixture(`${model}.${name}.bias`).data, ...(from ? { from } : {}) };
}

function conv(model: string, name: string, pad: number, stride: number, from?: number[]): Layer {
  const w = fixture(`${model}.${name}.weight`);
  const [o, i, kh, kw] = w.shape as [number, number, number, number];
  return {
    kind: 'conv2d', filter: [kh, kw, i, o], stride: [stride, stride], padding: [pad, pad, pad, pad],
    weights: convWeights(w), bias: fixture(`${model}.${name}.bias`).data, ...(from ? { from } : {}),
  };
}

function depthwise(model: string, name: string, pad: number): Layer {
  const w = fixture(`${model}.${name}.weight`);
  const [c, , kh, kw] = w.shape as [number, number, number, number];
  return { kind: 'depthwiseconv2d', filter: [kh, kw, c, 1], stride: [1, 1], padding: [pad, pad, pad, pad], weights: convWeights(w), bias: fixture(`${model}.${name}.bias`).data };
}

/** PyTorch BatchNorm2d (inference, ε = 1e-5) as lrpjs's per-channel affine node. */
function batchnorm(model: string, name: string): Layer {
  const gamma = fixture(`${model}.${name}.weight`).data;
  const beta = fixture(`${model}.${name}.bias`).data;
  const mean = fixture(`${model}.${name}.running_mean`).data;
  const variance = fixture(`${model}.${name}.running_var`).data;
  const scale = gamma.map((g, c) => g / Math.sqrt(variance[c]! + 1e-5));
  return { kind: 'batchnorm', scale, shift: beta.map((b, c) => b - mean[c]! * scale[c]!) };
}

/** The reference models, rebuilt from their weights. */
export const zennitModels: Record<'mlp' | 'pools' | 'dwcnn' | 'bncnn', () => Model> = {
  mlp: () => ({ layers: [dense('mlp', 'fc1'), { kind: 'relu' }, dense('mlp', 'fc2'), { kind: 'relu' }, dense('mlp', 'fc3')] }),
  pools: () => ({
    layers: [
      conv('pools', 'conv1', 1, 1), { kind: 'relu' }, { kind: 'sumpool', pool: [2, 2], stride: [2, 2], padding: 'valid' },
      conv('pools', 'conv2', 1, 1), { kind: 'relu' }, { kind: 'avgpool', pool: [2, 2], stride: [2, 2], padding: 'valid' },
      conv('pools', 'conv3', 1, 1), { kind: 'relu' }, { kind: 'maxpool', pool: [2, 2], stride: [2, 2], padding: 'valid' },
      { kind: 'flatten' }, dense('pools', 'fc'),
    ],
  }),
  dwcnn: () => ({
    layers: [
      /* 0 */ conv('dwcnn', 'stem', 1, 1),
      /* 1 */ { kind: 'relu6' },
      /* 2 */ depthwise('dwcnn', 'dw', 1),
      /* 3 */ { kind: 'relu6' },
      /* 4 */ conv('dwcnn', 'pw', 0, 1),
      /* 5 */ { kind: 'add', from: [1, 4] },
      /* 6 */ { kind: 'relu' },
      /* 7 */ conv('dwcnn', 'left', 1, 2),
      /* 8 */ { kind: 'relu' },
      /* 9 */ conv('dwcnn', 'right', 0, 2, [6]),
      /* 10 */ { kind: 'relu' },
      /* 11 */ { kind: 'concat', axis: -1, from: [8, 10] },
      /* 12 */ { kind: 'globalavgpool', from: [11] },
      /* 13 */ { kind: 'globalmaxpool', from: [11] },
      /* 14 */ { kind: 'concat', axis: -1, from: [12, 13] },
      /* 15 */ dense('dwcnn', 'fc'),
    ],
  }),
  bncnn: () => ({
    layers: [
      conv('bncnn', '0', 1, 1), batchnorm('bncnn', '1'), { kind: 'relu' },
      conv('bncnn', '3', 1, 1), batchnorm('bncnn', '4'), { kind: 'relu' },
      { kind: 'globalavgpool' }, dense('bncnn', '8'),
    ],
  }),
};

/** The explain options of a reference case (file suffix), under `compat: 'zennit'`. */
export function caseOptions(name: string): ExplainOptions {
  const { low, high, ig_steps: steps } = zennitVersions;
  const rule: Record<string, string> = {
    'rule-epsilon': 'epsilon', 'rule-epsilon-0.25': 'epsilon=0.25', 'rule-simple': 'simple', 'rule-zplus': 'zplus',
    'rule-alphabeta-2-1': 'alphabeta=2,1', 'rule-gamma-0.25': 'gamma=0.25', 'rule-zbox': `zbox=${low},${high}`, 'rule-flat': 'flat', 'rule-ww': 'ww',
  };
  if (rule[name] !== undefined) return { compat: 'zennit', rule: rule[name] };
  if (name.startsWith('composite-')) return { compat: 'zennit', composite: name.slice('composite-'.length), compositeOptions: { low, high } };
  if (name === 'method-integrated-gradients') return { compat: 'zennit', method: 'integrated-gradients', steps };
  throw new Error(`unknown reference case ${name}`);
}

/** Relevance of one reference case in the fixture's layout (NCHW for images). */
export async function zennitCase(model: keyof typeof zennitModels, name: string, backend: 'js' | 'wasm', canonize = true): Promise<Float64Array> {
  const x = fixture(`${model}.input`);
  const r0 = fixture(`${model}.r0`);
  const image = x.shape.length === 4;
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const input = image ? { data: transposeImage(x.data, x.shape), shape: [n, h, w, c] } : x;
  const ex = await createExplainer(zennitModels[model](), { backend, canonize });
  try {
    const out = ex.explain(input, { ...caseOptions(name), initial: r0 });
    const data = Float64Array.from(out.relevance.data);
    return image ? transposeImage(data, [n, h, w, c], true) : data;
  } finally {
    ex.dispose();
  }
}
