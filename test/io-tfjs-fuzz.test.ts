import type * as TF from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createExplainer } from '../src/explainer.js';
import { LrpError } from '../src/errors.js';
import { parseTfjsModelJson, tfjsModelFromArtifacts } from '../src/io/tfjs-model.js';
import type { Model } from '../src/model/layers.js';
import { uniform } from './support/random-model.js';
import { depthwiseSeparable, inceptionBlock, seedWeights, seededInput } from './support/tfjs-models.js';
import { type SavedTfjs, loadTf, modelJson, saveArtifacts } from './support/tfjs-save.js';

type Rand = () => number;
const int = (r: Rand, n: number): number => Math.floor(r() * n);

/** Values a hostile or broken model.json may hold where a number, string, list or object was. */
const HOSTILE: readonly unknown[] = [null, undefined, -1, 0, 1, 2.5, 1e9, 2 ** 53, -(2 ** 31), Number.NaN, '', 'same', 'relu', 'x', [], [0], [1, 2], [[1, 2], [3]], {}, { a: 1 }, true, false, '__proto__', 'constructor'];

/** Every [parent, key] slot of a JSON value (objects and arrays, depth-first). */
function slots(v: unknown, out: [Record<string | number, unknown>, string | number][] = []): [Record<string | number, unknown>, string | number][] {
  if (Array.isArray(v)) v.forEach((x, i) => (out.push([v as unknown as Record<number, unknown>, i]), slots(x, out)));
  else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) (out.push([v as Record<string, unknown>, k]), slots(x, out));
  return out;
}

/** Runs `f`: a Model, or an LrpError with an E_ code; anything else fails with the case named. */
function modelOrLrpError(name: string, f: () => Model): 'model' | 'error' {
  try {
    const m = f();
    expect(m.layers.length, name).toBeGreaterThan(0);
    return 'model';
  } catch (e) {
    if (!(e instanceof LrpError)) throw new Error(`case ${name}: threw ${String(e)} instead of an LrpError`);
    expect(e.code, name).toMatch(/^E_/);
    return 'error';
  }
}

let tf: typeof TF;
let saved: SavedTfjs[];
beforeAll(async () => {
  tf = await loadTf();
  saved = [];
  for (const [build, seed] of [[inceptionBlock, 91], [depthwiseSeparable, 92]] as const) {
    const m = build(tf);
    seedWeights(tf, m, seed);
    saved.push(await saveArtifacts(tf, m));
  }
});

describe('tfjs import fuzz (seeded): every mutation loads or is an LrpError', () => {
  it('one topology value replaced by a hostile one, 1,500 cases; what loads runs forward', async () => {
    const r = uniform(2024);
    const counts = { model: 0, error: 0 };
    for (let n = 0; n < 1500; n++) {
      const base = saved[n % saved.length]!;
      const topology = structuredClone(base.modelTopology);
      const all = slots(topology);
      const [parent, key] = all[int(r, all.length)]!;
      const value = HOSTILE[int(r, HOSTILE.length)];
      parent[key] = value;
      const name = `#${n} ${String(key)} = ${JSON.stringify(value)}`;
      const outcome = modelOrLrpError(name, () => tfjsModelFromArtifacts({ ...base, modelTopology: topology }));
      counts[outcome]++;
      if (outcome === 'model' && n % 25 === 0) {
        // a model that loads must also run or refuse cleanly
        const m = tfjsModelFromArtifacts({ ...base, modelTopology: topology });
        const ex = await createExplainer(m, { backend: 'js' });
        try {
          ex.explain(seededInput(m.inputShape ?? [1], 1, n), { rule: 'epsilon' });
        } catch (e) {
          if (!(e instanceof LrpError)) throw new Error(`case ${name}: explain threw ${String(e)}`);
        }
        ex.dispose();
      }
    }
    expect(counts.model + counts.error).toBe(1500);
    expect(counts.error).toBeGreaterThan(100);
    expect(counts.model).toBeGreaterThan(100);
  });

  it('weight specs and bytes: entries dropped, swapped, reshaped, retyped; data cut or grown, 600 cases', () => {
    const r = uniform(7);
    for (let n = 0; n < 600; n++) {
      const base = saved[n % saved.length]!;
      let specs: unknown[] = structuredClone(base.weightSpecs);
      let data = new Uint8Array(base.weightData.slice(0));
      const i = int(r, specs.length);
      const spec = specs[i] as Record<string, unknown>;
      switch (n % 6) {
        case 0: specs.splice(i, 1); break;
        case 1: specs = [...specs.slice(0, i), specs[(i + 1) % specs.length], specs[i], ...specs.slice(i + 2)]; break;
        case 2: spec.shape = HOSTILE[int(r, HOSTILE.length)]; break;
        case 3: spec.dtype = HOSTILE[int(r, HOSTILE.length)]; break;
        case 4: data = data.subarray(0, int(r, data.length)); break;
        default: spec.quantization = { dtype: ['uint8', 'uint16', 'float16', 'int8'][int(r, 4)], scale: HOSTILE[int(r, HOSTILE.length)], min: 0 };
      }
      modelOrLrpError(`#${n}`, () => tfjsModelFromArtifacts({ modelTopology: base.modelTopology, weightSpecs: specs, weightData: data }));
    }
  });

  it('model.json bytes cut at every 7th byte or with one byte changed, 800 cases: parse or LrpError', () => {
    const bytes = new TextEncoder().encode(JSON.stringify(modelJson(saved[0]!)));
    const r = uniform(11);
    for (let n = 0; n < 800; n++) {
      const b = n % 2 === 0 ? bytes.subarray(0, (n * 7) % bytes.length) : Uint8Array.from(bytes, (x, k) => (k === int(r, bytes.length) ? int(r, 256) : x));
      try {
        parseTfjsModelJson(b, 'model.json');
      } catch (e) {
        if (!(e instanceof LrpError)) throw new Error(`case #${n}: threw ${String(e)} instead of an LrpError`);
      }
    }
  });
});
