/** The model panel (DOM edge): a summary sentence and the layer table of the model being explained. */
import type { Model } from '../../src/model/layers.js';
import { showShape, sizeOf } from '../../src/tensor.js';
import { layerRows } from './layer-table.js';
import type { InputGeometry } from './model-input.js';

/** Shows `model` (named `name`) in `summary` and the rows of its layers in `table`'s body; returns the number of output values per sample (its classes). */
export function renderModel(summary: HTMLElement, table: HTMLTableElement, model: Model, name: string, geometry: InputGeometry): number {
  const rows = layerRows(model, geometry.sampleShape);
  const params = rows.reduce((n, r) => n + r.parameters, 0);
  const output = rows[rows.length - 1]?.output ?? '[]';
  summary.textContent = `${name}: ${rows.length} layers, input ${showShape(geometry.sampleShape)}, output ${output}, ${params.toLocaleString('en')} parameters.`;
  table.caption!.textContent = `Layers of ${name}`;
  const body = table.tBodies[0]!;
  body.replaceChildren(
    ...rows.map((r) => {
      const tr = document.createElement('tr');
      for (const v of [String(r.index), r.name, r.inputs || '↑', r.output, r.parameters.toLocaleString('en')]) {
        const td = document.createElement('td');
        td.textContent = v;
        tr.append(td);
      }
      return tr;
    }),
  );
  return rows.length === 0 ? sizeOf(geometry.sampleShape) : rows[rows.length - 1]!.outputSize;
}
