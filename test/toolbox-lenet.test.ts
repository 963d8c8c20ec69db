import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { createExplainer } from '../src/explainer.js';
import { readMatVariable } from '../src/io/mat.js';
import { readNpy } from '../src/io/npy.js';
import { readTextModel } from '../src/io/text-model.js';
import { toFloat64 } from '../src/tensor.js';
import { fixture } from './fixtures.js';
import { describeWith, toolboxFixtures } from './support/requirements.js';


/** The toolbox demo's preprocessing: x/127.5 − 1, 28×28 padded to 32×32 with −1, NHWC. */
function toLenetInput(pixels: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * 32 * 32).fill(-1);
  for (let s = 0; s < n; s++) {
    for (let y = 0; y < 28; y++) {
      for (let x = 0; x < 28; x++) out[s * 1024 + (y + 2) * 32 + (x + 2)] = pixels[s * 784 + y * 28 + x] / 127.5 - 1;
    }
  }
  return out;
}

describeWith(toolboxFixtures, 'the toolbox LeNet-5 on its MNIST test set', () => {
  it('classifies the first 1000 digits of test_images.mat with accuracy >= 0.98', async () => {
    const images = toFloat64(readMatVariable(readFileSync(fixture('toolbox', 'data', 'test_images.mat'))));
    const labels = toFloat64(readNpy(readFileSync(fixture('toolbox', 'data', 'test_labels.npy'))));
    expect(images.shape).toEqual([10000, 784]);
    expect(labels.shape).toEqual([10000, 1]);
    const model = readTextModel(readFileSync(fixture('toolbox', 'models', 'LeNet-5.txt'), 'utf8'));
    const ex = await createExplainer(model, { backend: 'js' });
    const n = 1000;
    const pass = ex.forward({ data: toLenetInput(images.data, n), shape: [n, 32, 32, 1] });
    let correct = 0;
    for (let s = 0; s < n; s++) {
      const row = Array.from(pass.output.data.subarray(s * 10, s * 10 + 10));
      if (row.indexOf(Math.max(...row)) === labels.data[s]) correct++;
    }
    pass.dispose();
    expect(correct / n).toBeGreaterThanOrEqual(0.98);
  });
});
