// Reference cases on lrpjs's tfjs backend with backend 'gpu' in a browser: tfjs-core passed in, its
// GPU backend (webgpu, else webgl) imported by lrpjs through the page's import map. The test sends
// the cases (model URL, inputs) and compares the relevances in Node. `lib` is the built package's
// namespace and `tf` tfjs-core's, as the page imported them.

/** Explains each case with its R0 and from its target; returns the numbers and the tensors left (the page makes no others). */
async function explainCases(lib, tf, cases) {
  const results = [];
  let info;
  for (const c of cases) {
    const model = await lib.loadModel(new URL(c.modelPath, location.origin));
    const ex = await lib.createExplainer(model, { backend: 'gpu', tf, keepSoftmax: c.keepSoftmax });
    info = ex.backendInfo;
    const pass = ex.forward({ data: Float64Array.from(c.X.data), shape: c.X.shape });
    const withInit = pass.explain({ ...c.options, initial: { data: Float64Array.from(c.R0.data), shape: c.R0.shape } });
    const fromTarget = pass.explain({ ...c.options, target: c.target });
    pass.dispose();
    ex.dispose();
    results.push({
      name: c.name,
      output: Array.from(pass.output.data),
      withInit: Array.from(withInit.relevance.data),
      fromTarget: Array.from(fromTarget.relevance.data),
      target: Array.from(fromTarget.target),
    });
  }
  return { info, results, tensorsLeft: tf.memory().numTensors, tfBackend: tf.getBackend() };
}

/** Installs `window.__explainCases(cases)` (errors come back as `{error}`) and sets `window.__ready`. */
export function installTfjsCases(lib, tf) {
  const page = /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (window));
  page.__explainCases = async (cases) => {
    try {
      return await explainCases(lib, tf, cases);
    } catch (e) {
      return { error: String(/** @type {Error} */ (e)?.stack ?? e) };
    }
  };
  page.__ready = true;
}
