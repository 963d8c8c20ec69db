import { describe, expect, it } from 'vitest';
import { infoLines } from '../src/cli/info-command.js';
import { planRun } from '../src/engine/run-plan.js';
import { mixedGraph } from './support/graph-models.js';

describe('lrp info on a graph', () => {
  it('prints each node with its inputs, output shape, parameters, cost and attributes, and what canonization folds', () => {
    const { model, inShape } = mixedGraph(1);
    const lines = infoLines(model, 'g.json', '[7, 7, 2]', planRun(model, inShape, 1, 4));
    expect(lines[0]).toBe('g.json: 15 layers, 336 parameters, input [7, 7, 2]\n');
    expect(lines[1]).toMatch(/^index\s+kind\s+inputs\s+output\s+params\s+MACs\s+attributes\n$/);
    const row = (i: number) => lines[2 + i]!.trim().split(/\s{2,}/);
    expect(row(0)).toEqual(['0', 'Pad', '-1', '[8, 8, 2]', '0', '128', 'pad 1,0,0,1']);
    expect(row(1)).toEqual(['1', 'Convolution', '0', '[8, 8, 3]', '27', '1536', '2x2x2x3 stride 1x1 pad same dilation 2x1']);
    expect(row(2)).toEqual(['2', 'BatchNorm', '1', '[8, 8, 3]', '6', '192', '3 channels']);
    expect(row(4)).toEqual(['4', 'DepthwiseConvolution', '3', '[8, 8, 6]', '60', '3456', '3x3x3x2 stride 1x1 pad same']);
    expect(row(7)).toEqual(['7', 'Concat', '5,6', '[8, 8, 8]', '0', '512', 'axis -1']);
    expect(row(9)).toEqual(['9', 'Clip', '3', '[8, 8, 3]', '0', '192', '[-1, 2]']);
    expect(row(10)).toEqual(['10', 'Add', '8,3,9', '[8, 8, 3]', '0', '384']);
    expect(row(12)).toEqual(['12', 'GlobalAvgPool', '11', '[3]', '0', '192']);
    expect(row(13)).toEqual(['13', 'Reshape', '12', '[3]', '0', '0', '→[3]']);
    expect(lines[17]).toBe('canonize: layer 2 (BatchNorm) folds into layer 1 (Convolution) (explanations use the folded layer; canonize: false keeps it)\n');
    expect(lines[18]).toMatch(/^cost per sample: forward /);
  });

  it('a chain prints as before: no inputs column, nothing folded', () => {
    const model = { layers: [{ kind: 'linear' as const, inputs: 2, outputs: 1, weights: new Float64Array(2), bias: new Float64Array(1) }] };
    const lines = infoLines(model, 'm.txt', '[2]', null);
    expect(lines[1]).toBe('index  kind    output  params  MACs  attributes\n');
    expect(lines.length).toBe(3);
  });
});
