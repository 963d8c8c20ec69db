/**
 * lrpjs — Layer-wise Relevance Propagation for JavaScript.
 *
 * Load a model ({@link loadModel}), create an explainer ({@link createExplainer}) and explain
 * inputs with LRP rules (Bach et al. 2015; Montavon et al. 2019), composites (Zennit's names),
 * the LRP Toolbox's formula codes, or gradient-based methods.
 * @packageDocumentation
 */
export { LrpError, type LrpErrorCode } from './errors.js';
export { type Tensor, type NdArray, type DType, type TypedArray, sizeOf, toFloat64 } from './tensor.js';
export type {
  Layer, LayerKind, LinearLayer, Conv2dLayer, PoolLayer, SimpleLayer, Model, Padding, NodeEdges, ClipLayer, AddLayer, ConcatLayer,
  BatchNormLayer, PadLayer, ReshapeLayer, DepthwiseConv2dLayer, ParamLayer,
} from './model/layers.js';
export { isParamLayer, layerName, nodeInputs } from './model/layers.js';
export { nodeSources, nodeConsumers, isChain, firstWeightedNodes } from './model/graph.js';
export { type Canonized, type FoldedBatchNorm, foldBatchNorms } from './model/canonize.js';
export { linearLayer, conv2dLayer, poolLayer, simpleLayer, sequential, dropSoftmax } from './model/build.js';
export { inferShapes, layerOutputShape, nodeOutputShape, parameterCount } from './model/shapes.js';
export { type Rule, type RuleName, type RuleKind, type RuleDefinition, rules, ruleNames, ruleDefinitions, parseRule, formatRule, withDefinition } from './rules/rule.js';
export { type Method, methodNames, parseMethod } from './rules/method.js';
export { type Composite, type CompositeName, type CompositeOptions, composite, compositeNames } from './rules/composite.js';
export { type Formula, type FormulaCode, formulaCodes, resolveFormula } from './rules/formula.js';
export { type RuleSpec, type RulePlan, type PathSum, resolveRules } from './rules/plan.js';
export type { Target } from './engine/initial.js';
export type { SamplingOptions } from './engine/attribution.js';
export { type Limits, DEFAULT_MAX_MEMORY, DEFAULT_MAX_COST } from './engine/budget.js';
export { type RunPlan, type LayerPlan, planRun, layerMacs } from './engine/run-plan.js';
export type { Ops, UnaryOp, BinaryOp, Stabilizer, BackendPlacement } from './engine/ops.js';
export { type BackendName, type BackendOptions, type InitOptions, backendNames, createBackend, init } from './backends/index.js';
export type { TfjsInstance } from './backends/tfjs/tfjs-instance.js';
export {
  createExplainer,
  DEFAULT_RETAIN_MEMORY,
  Explainer,
  ForwardPass,
  type BackendInfo,
  type ExplainerOptions,
  type ExplainOptions,
  type Explanation,
} from './explainer.js';
export {
  PooledExplainer, DEFAULT_MIN_POOL_BATCH, type PoolOptions, type PooledExplainOptions,
} from './workers/pooled-explainer.js';
export { loadModel } from './io/load-model.js';
export { type TfjsModelArtifacts, tfjsModelFromArtifacts } from './io/tfjs-model.js';
export { SUPPORTED_TFJS_LAYERS } from './io/tfjs-layers.js';
export { type ReadInputOptions, DEFAULT_MAX_INPUT_BYTES } from './io/file-system.js';
export { readTextModel, writeTextModel } from './io/text-model.js';
export { readNnModel } from './io/nn-model.js';
export { parseModel } from './io/model-file.js';
export { readNpy, writeNpy } from './io/npy.js';
export { readMat, readMatVariable, writeMat } from './io/mat.js';
export { readMatrixText, writeMatrixText } from './io/matrix-text.js';
export { readDataFile, writeDataFile } from './io/data-file.js';
export {
  train, type TrainData, type TrainResult, type TrainOptions, type TrainProgress, type TrainEvaluation, type LrateDecay, type SelectBy,
  evaluate, type Evaluation, softmaxCrossEntropy, type LossResult, parseArch, buildModel, type ArchLayer,
  type InitScheme, reinitModel, Rng,
} from './train/index.js';
/** Heatmap rendering (render.py's colormaps and pipeline, Zennit's colormaps); PNG encoding is in `lrpjs/png`. */
export * as render from './render/index.js';
export {
  heatmap, heatmaps, hmToRgb, digitToRgb, stripImages, toImageData, colormaps, colormapNames, getColormap,
  type HeatmapOptions, type RgbaImage, type RgbFloatImage, type Colormap,
} from './render/index.js';
