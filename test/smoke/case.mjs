// The smoke case shared by Node, Deno and the browser: a small ReLU net written and read back in
// the toolbox text format, explained with LRP-ε on the default (wasm) backend. `lib` is the built
// package's namespace, however the runtime imported it.
/** The smoke model: a small ReLU net written and read back in the toolbox text format. */
export function smokeModel(lib) {
  const { linearLayer, readTextModel, simpleLayer, writeTextModel } = lib;
  return readTextModel(
    writeTextModel({
      layers: [
        linearLayer(2, 3, new Float64Array([1, -1, 0.5, 0.25, 2, -1]), new Float64Array([0.1, 0, -0.1])),
        simpleLayer('relu'),
        linearLayer(3, 2, new Float64Array([1, 0, -1, 1, 0.5, 0.5]), new Float64Array([0, 0])),
      ],
    }),
  );
}

export async function smokeCase(lib) {
  const { createExplainer } = lib;
  const model = smokeModel(lib);
  const explainer = await createExplainer(model);
  const { output, relevance } = explainer.explain({ data: new Float32Array([1, 2, -1, 0.5]), shape: [2, 2] }, { rule: 'epsilon=0.01' });
  explainer.dispose();
  return { backend: explainer.backend, output: Array.from(output.data), relevance: Array.from(relevance.data) };
}
