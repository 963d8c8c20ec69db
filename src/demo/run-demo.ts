/**
 * The demo itself, free of files and printing: explain the digits with each model under each
 * method from one forward pass, and render input | heatmap strips.
 */
import type { BackendName } from '../backends/index.js';
import { createExplainer } from '../explainer.js';
import type { Model } from '../model/layers.js';
import type { RgbaImage } from '../render/images.js';
import { type Tensor, argmaxRows } from '../tensor.js';
import type { DemoData } from './demo-data.js';
import { batchStrip } from '../render/heatmap-strips.js';
import { type DemoMethod, demoMethods } from './methods.js';

/** One digit's prediction by one model. */
export interface DemoPrediction {
  /** Index of the digit in the demo batch. */
  readonly index: number;
  /** True label, when known. */
  readonly label: number | undefined;
  /** Predicted class (argmax of the logits). */
  readonly predicted: number;
  /** The predicted class's logit (the score LRP explains). */
  readonly logit: number;
  /** Its softmax probability. */
  readonly probability: number;
}

/** One rendered strip: all digits, input | heatmap pairs. */
export interface DemoImage {
  /** File name to save it under (`cnn-epsilon.png`). */
  readonly file: string;
  /** Which model. */
  readonly model: string;
  /** Which method. */
  readonly method: DemoMethod;
  /** The strip. */
  readonly image: RgbaImage;
}

/** Everything the demo produced. */
export interface DemoResult {
  /** Backend the explanations ran on. */
  readonly backend: string;
  /** Predictions per model name. */
  readonly predictions: ReadonlyMap<string, readonly DemoPrediction[]>;
  /** The strips, per model and method. */
  readonly images: readonly DemoImage[];
}

/** Options of {@link runDemo}. */
export interface RunDemoOptions {
  /** Backend (default `auto`). */
  readonly backend?: BackendName;
  /** Methods to compare (default {@link demoMethods}). */
  readonly methods?: readonly DemoMethod[];
  /** Enlargement of the strips (default 3). */
  readonly scale?: number;
}

/** A dense model reads each digit as a flat vector; a convolutional one as an image. */
function inputFor(model: Model, digits: Tensor): Tensor {
  if (model.layers[0]?.kind !== 'linear') return digits;
  const n = digits.shape[0]!;
  return { data: digits.data, shape: [n, digits.data.length / n] };
}

function predictions(output: Tensor, labels: Int32Array | undefined): DemoPrediction[] {
  const n = output.shape[0]!;
  const k = output.data.length / n;
  const best = argmaxRows(output.data, n);
  return Array.from({ length: n }, (_, index) => {
    const row = Array.from(output.data.subarray(index * k, (index + 1) * k));
    const predicted = best[index];
    const top = row[predicted]!;
    const sum = row.reduce((a, v) => a + Math.exp(v - top), 0);
    return { index, label: labels?.[index], predicted, logit: top, probability: 1 / sum };
  });
}

/**
 * Explains the demo digits with every model under every method (one forward pass per model, the
 * toolbox's `lrp_aware`) and renders each as one strip of input | heatmap pairs.
 */
export async function runDemo(data: DemoData, options: RunDemoOptions = {}): Promise<DemoResult> {
  const images: DemoImage[] = [];
  const byModel = new Map<string, DemoPrediction[]>();
  let backend = '';
  for (const { name, model } of data.models) {
    const explainer = await createExplainer(model, { backend: options.backend ?? 'auto' });
    backend = explainer.backend;
    const input = inputFor(model, data.digits);
    const pass = explainer.forward(input);
    try {
      byModel.set(name, predictions(pass.output, data.labels));
      for (const method of options.methods ?? demoMethods) {
        const { relevance } = pass.explain(method.options);
        // Shown with the digits' own shape (a dense model's flat relevance as the image it came from).
        const image = batchStrip({ data: relevance.data, shape: data.digits.shape }, { input: data.digits, scale: options.scale });
        images.push({ file: `${name}-${method.name}.png`, model: name, method, image });
      }
    } finally {
      pass.dispose();
      explainer.dispose();
    }
  }
  return { backend, predictions: byModel, images };
}
