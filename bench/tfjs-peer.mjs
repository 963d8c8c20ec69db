// The peer: forward + gradient×input (tf.grad) of the same models on @tensorflow/tfjs-backend-wasm
// (XNNPACK), single-threaded, measured in the same run as lrpjs.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** Loads tfjs-core with the wasm backend, one thread, SIMD. */
export async function loadTfjsWasm() {
  // The union package registers every op's gradient (tfjs-core alone has none for tf.grad).
  const tf = await import('@tensorflow/tfjs');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
  wasm.setWasmPaths(join(dist, '/'));
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  await tf.setBackend('wasm');
  await tf.ready();
  if (tf.getBackend() !== 'wasm') throw new Error(`tfjs backend is ${tf.getBackend()}, not wasm`);
  return tf;
}

/** Builds `f(x) = Σ y ⊙ onehot(target)` of a bench model in tfjs and returns a gradient×input runner. */
export function tfjsGradientTimesInput(tf, bench) {
  const convs = bench.convs.map((c) => ({ w: tf.tensor4d(Float32Array.from(c.w), c.filter), b: tf.tensor1d(Float32Array.from(c.b)) }));
  const dense = bench.dense.map((d) => ({ w: tf.tensor2d(Float32Array.from(d.w), [d.m, d.n]), b: tf.tensor1d(Float32Array.from(d.b)) }));
  const forward = (x) => {
    let h = x;
    if (bench.resnet) {
      const conv = (t, c) => tf.add(tf.conv2d(t, c.w, 1, 'same'), c.b);
      h = tf.relu(conv(h, convs[0]));
      for (let k = 0; k < 8; k++) h = tf.relu(tf.add(conv(tf.relu(conv(h, convs[1 + 2 * k])), convs[2 + 2 * k]), h));
      return tf.add(tf.matMul(tf.mean(h, [1, 2]), dense[0].w), dense[0].b);
    }
    if (convs.length) {
      convs.forEach((c, i) => {
        h = tf.add(tf.conv2d(h, c.w, 1, 'valid'), c.b);
        if (i < convs.length - 1) h = tf.mul(tf.avgPool(tf.relu(h), 2, 2, 'valid'), 2); // SumPool: sum / sqrt(4)
      });
      return tf.reshape(h, [h.shape[0], -1]);
    }
    dense.forEach((d, i) => {
      h = tf.add(tf.matMul(h, d.w), d.b);
      if (i < dense.length - 1) h = tf.relu(h);
    });
    return h;
  };
  return (input) =>
    tf.tidy(() => {
      const x = tf.tensor(input.data, input.shape);
      const y = forward(x);
      const mask = tf.oneHot(tf.argMax(y, 1), y.shape[1]);
      const g = tf.grad((xx) => tf.sum(tf.mul(forward(xx), mask)))(x);
      return tf.mul(g, x).dataSync();
    });
}
