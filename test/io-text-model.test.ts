import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readTextModel, writeTextModel } from '../src/io/text-model.js';
import { conv2dLayer, linearLayer, poolLayer, sequential, simpleLayer } from '../src/model/build.js';
import { type Model, layerName } from '../src/model/layers.js';
import { fixture } from './fixtures.js';
import { describeWith, toolboxFixtures } from './support/requirements.js';
import { expectLrpError } from './support/expect-error.js';

/** Layer names plus the header numbers, e.g. `Convolution 5 5 1 10 1 1`. */
function describeLayers(model: Model): string[] {
  return model.layers.map((l) => {
    switch (l.kind) {
      case 'linear': return `Linear ${l.inputs} ${l.outputs}`;
      case 'conv2d': return `Convolution ${l.filter.join(' ')} ${l.stride.join(' ')}`;
      case 'sumpool': case 'maxpool': case 'avgpool': return `${layerName(l)} ${l.pool.join(' ')} ${l.stride.join(' ')}`;
      default: return layerName(l);
    }
  });
}

function expectFormatError(f: () => unknown, where: string, message: RegExp): void {
  expect(expectLrpError(f, 'E_FORMAT', message).where).toBe(where);
}

/** Bit pattern equality of two float64 arrays (distinguishes -0 and 0). */
function expectBitIdentical(a: Float64Array, b: Float64Array): void {
  expect(a.length).toBe(b.length);
  expect(Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))).toBe(true);
}

function expectSameModel(a: Model, b: Model): void {
  expect(describeLayers(a)).toEqual(describeLayers(b));
  a.layers.forEach((l, i) => {
    const m = b.layers[i]!;
    expect(m.kind).toBe(l.kind);
    if ('padding' in l && 'padding' in m) expect(m.padding).toEqual(l.padding);
    if ('weights' in l && 'weights' in m) {
      expectBitIdentical(l.weights, m.weights);
      expectBitIdentical(l.bias, m.bias);
    }
  });
}

const LENET = [
  'Convolution 5 5 1 10 1 1', 'Rect', 'SumPool 2 2 2 2',
  'Convolution 5 5 10 25 1 1', 'Rect', 'SumPool 2 2 2 2',
  'Convolution 4 4 25 100 1 1', 'Rect', 'SumPool 2 2 2 2',
  'Convolution 1 1 100 10 1 1', 'Flatten',
];
const XOR = ['Linear 2 3', 'Tanh', 'Linear 3 3', 'Tanh', 'Linear 3 2', 'SoftMax'];
const EXPECTED: Record<string, string[]> = {
  'toolbox/models/LeNet-5.txt': LENET,
  'toolbox/models/xor_net_small.txt': XOR,
  'reference/models/lenet5.txt': LENET,
  'reference/models/xor.txt': XOR,
  'reference/models/cnn-max.txt': [
    'Convolution 3 3 1 8 1 1', 'Rect', 'MaxPool 2 2 2 2', 'Convolution 3 3 8 16 1 1', 'Rect', 'MaxPool 2 2 2 2',
    'Flatten', 'Linear 400 10', 'SoftMax',
  ],
  'reference/models/mlp-rect.txt': ['Linear 784 256', 'Rect', 'Linear 256 256', 'Rect', 'Linear 256 10'],
  'reference/models/mlp-tanh.txt': ['Linear 784 128', 'Tanh', 'Linear 128 64', 'Tanh', 'Linear 64 10', 'SoftMax'],
};


describeWith(toolboxFixtures, 'text models of the toolbox fixtures', () => {
  it('covers every text model shipped with the fixtures', () => {
    const shipped = ['toolbox/models', 'reference/models'].flatMap((d) =>
      readdirSync(fixture(d)).filter((f) => f.endsWith('.txt')).map((f) => `${d}/${f}`),
    );
    expect(shipped.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.keys(EXPECTED))('%s loads with the right layers', (file) => {
    const model = readTextModel(readFileSync(fixture(file), 'utf8'), file);
    expect(describeLayers(model)).toEqual(EXPECTED[file]);
    expect(model.layers.every((l) => l.kind === 'conv2d' ? l.padding === 'valid' : true)).toBe(true);
  });

  it('reads the xor weights exactly as written', () => {
    const model = readTextModel(readFileSync(fixture('toolbox/models/xor_net_small.txt'), 'utf8'));
    const first = model.layers[0]!;
    if (first.kind !== 'linear') throw new Error('expected linear');
    expect(first.weights[0]).toBe(-2.01595799878);
    expect(first.bias[2]).toBe(0.0699950389094);
  });

  it.each(Object.keys(EXPECTED))('%s: write → read is bit-exact, and toolbox files stay toolbox files', (file) => {
    const model = readTextModel(readFileSync(fixture(file), 'utf8'), file);
    const text = writeTextModel(model);
    expect(text).not.toMatch(/same|pad|valid|AvgPool|Sigmoid/);
    expectSameModel(readTextModel(text), model);
  });
});

function demoModel(): Model {
  const odd = new Float64Array([-0, 0, 5e-324, -1.7976931348623157e308, 0.1, 1 / 3, 1e21, -2.5e-8, 123456789.12345679]);
  return sequential([
    conv2dLayer([3, 3, 1, 1], [1, 1], odd, new Float64Array([Math.PI]), 'same'),
    simpleLayer('sigmoid'),
    poolLayer('avgpool', [2, 2], [1, 1], [0, 1, 0, 1]),
    poolLayer('maxpool', [2, 2], [2, 2]),
    poolLayer('sumpool', [3, 2], [1, 2], [1, 1, 2, 2]),
    simpleLayer('flatten'),
    linearLayer(3, 2, new Float64Array([1, -2, 3.5, -0, 1e-300, 7]), new Float64Array([0.5, -0.25])),
    simpleLayer('relu'),
    simpleLayer('tanh'),
    simpleLayer('softmax'),
  ]);
}

describe('text model write → read', () => {
  it('round-trips every layer kind, padding and awkward float64 values bit-exactly', () => {
    const model = demoModel();
    const text = writeTextModel(model);
    expect(text.split('\n')[0]).toBe('Convolution 3 3 1 1 1 1 same');
    expect(text).toContain('AvgPool 2 2 1 1 pad 0 1 0 1\n');
    expect(text).toContain('SumPool 3 2 1 2 pad 1 1 2 2\n');
    expect(text).toContain('MaxPool 2 2 2 2\n');
    expect(text).toContain('Sigmoid\n');
    expectSameModel(readTextModel(text), model);
  });

  it('round-trips thousands of random float64 bit patterns', () => {
    const bits = new Uint32Array(2 * 3000);
    let s = 12345;
    for (let i = 0; i < bits.length; i++) bits[i] = s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const w = new Float64Array(bits.buffer);
    for (let i = 0; i < w.length; i++) if (!Number.isFinite(w[i]!)) w[i] = i;
    const model = sequential([linearLayer(1000, 3, w, new Float64Array([1, 2, 3]))]);
    expectSameModel(readTextModel(writeTextModel(model)), model);
  });

  it('writes all-zero explicit padding as nothing', () => {
    const model = sequential([poolLayer('maxpool', [2, 2], [2, 2], [0, 0, 0, 0])]);
    expect(writeTextModel(model)).toBe('MaxPool 2 2 2 2\n');
    expect((readTextModel(writeTextModel(model)).layers[0] as { padding: unknown }).padding).toBe('valid');
  });
});

describe('text model reader', () => {
  it('writes and reads the legacy Linear variant (m lines of n weights) the same', () => {
    const model = demoModel();
    const legacy = writeTextModel(model, { variant: 'legacy' });
    expect(legacy).toContain('Linear 3 2\n1 -2\n3.5 -0\n1e-300 7\n0.5 -0.25\n');
    // The same lines a hand conversion of the current variant gives.
    const byHand = writeTextModel(model).split('\n').flatMap((line, i, all) => {
      const m = /^Linear (\d+) (\d+)$/.exec(all[i - 1] ?? '');
      if (!m) return [line];
      const n = Number(m[2]);
      const tokens = line.split(' ');
      return Array.from({ length: Number(m[1]) }, (_, r) => tokens.slice(r * n, (r + 1) * n).join(' '));
    }).join('\n');
    expect(legacy).toBe(byHand);
    expectSameModel(readTextModel(legacy), model);
  });

  it('tolerates CRLF and trailing whitespace', () => {
    const text = 'Linear 2 1  \r\n 1 2\t\r\n3\r\nTanh \r\n   \r\n';
    const model = readTextModel(text);
    expect(describeLayers(model)).toEqual(['Linear 2 1', 'Tanh']);
  });

  it('accepts an explicit valid padding', () => {
    const model = readTextModel('SumPool 2 2 2 2 valid\n');
    expect(model.layers[0]).toEqual({ kind: 'sumpool', pool: [2, 2], stride: [2, 2], padding: 'valid' });
  });

  it.each([
    ['Dense 2 2\n', 'm:1', /unknown layer "Dense"/],
    ['Rect\nLinear 2 2\n1 2 3\n4 5\n', 'm:3', /expected 4 weights, got 3/],
    ['Linear 2 2\n1 2 3 4\n4 5 6\n', 'm:3', /expected 2 biases, got 3/],
    ['Linear 2 2\n1 2 x 4\n4 5\n', 'm:2', /weight 2 is not a number: "x"/],
    ['Linear 2 2\n1 2 nan 4\n4 5\n', 'm:2', /NaN\/Inf/],
    ['Linear 2 2\n1 2 3 -Infinity\n4 5\n', 'm:2', /NaN\/Inf/],
    ['Linear 2 2\n1 2 3 1e999\n4 5\n', 'm:2', /overflows/],
    ['Linear 2 2\n1 2 3 0x10\n4 5\n', 'm:2', /not a number/],
    ['Linear 2 2\n1 2 3 4\n', 'm:3', /found the end of the model/],
    ['Linear 2 2\n1 2 3 4\n\n4 5\n', 'm:3', /expected 2 biases, got 0/],
    ['Linear 2\n1 2\n4 5\n', 'm:1', /Linear needs 2 integers/],
    ['Linear 2 0\n\n', 'm:1', /n must be a positive integer, got "0"/],
    ['Linear 2.5 2\n1 2 3 4\n4 5\n', 'm:1', /m must be a positive integer/],
    ['Convolution 3 3 1 2 1\n', 'm:1', /needs 6 integers/],
    ['Convolution 1 1 1 1 1 1 sideways\n1\n2\n', 'm:1', /padding/],
    ['MaxPool 2 2 2 2 pad 1 1\n', 'm:1', /padding/],
    ['Tanh 3\n', 'm:1', /takes no parameters/],
    ['toString\n', 'm:1', /unknown layer/],
    ['\nLinear 2 2\n', 'm:3', /found the end of the model/],
    [' \n\t\r\n', 'm:1', /no layers/],
    ['', 'm:1', /no layers/],
  ])('refuses %j', (text, where, message) => {
    expectFormatError(() => readTextModel(text, 'm'), where, message);
  });

  it('refuses absurd sizes from the counts alone (a 1e12- or 1e16-element allocation would throw a raw RangeError)', () => {
    expectFormatError(() => readTextModel('Linear 1000000 1000000\n1 2 3\n4\n', 'big'), 'big:2', /expected 1000000000000 weights, got 3/);
    expectFormatError(() => readTextModel('Convolution 10000 10000 10000 10000 1 1\n1\n1\n', 'big'), 'big:2', /expected 10000000000000000 weights, got 1/);
    expectFormatError(() => readTextModel('Linear 1000000 3\n1 2 3\n4 5 6\n', 'big'), 'big:1', /legacy Linear 1000000 3 needs 1000000 weight lines/);
    expectFormatError(() => readTextModel('Linear 99999999999999999999 2\n', 'big'), 'big:1', /positive integer/);
  });
});
