/**
 * Training of sequential models by minibatch SGD on any backend (the toolbox's `Sequential.train`),
 * fresh models from architecture specs, and evaluation.
 */
export { train, type TrainData, type TrainResult } from './train.js';
export { type TrainOptions, type TrainProgress, type TrainEvaluation, type LrateDecay, type SelectBy, resolveTrainOptions } from './options.js';
export { evaluate, type Evaluation } from './evaluate.js';
export { batchGradients, type BatchGradients } from './backprop.js';
export { softmaxCrossEntropy, type LossResult } from './loss.js';
export { TrainableParams, type LayerGradient } from './params.js';
export { type LabelledData, toTargets } from './data.js';
export { type ArchLayer, parseArch, buildModel } from './arch.js';
export { type InitScheme, initWeights, initLinear, initConv2d, reinitModel } from './init.js';
export { Rng } from '../rng.js';
