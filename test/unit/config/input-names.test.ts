import { describe, expect, test } from 'vitest';
import { parseConfig } from '../../../src/config/load.js';
import { formatConfigIssue } from '../../../src/errors.js';
import { declaredInputNames } from '../../../src/formats/tfjs/inputs.js';
import { unknownInputNames } from '../../../src/measure/inputs.js';

const TEXT = `version: 1
models:
  - name: net
    path: m.json
    inputs:
      shapes: { input_1: [1, 64, 64, 3], inptu_2: [1, 8] }
      values: { downsample_ratio: 0.5 }
      images: { dir: faces, input: "input_1:0" }
`;

describe('input names in the config, checked against the model right after loading', () => {
  const spec = parseConfig(TEXT, '/r/model-budget.yml', 'model-budget.yml').models[0];

  test('the config keeps every input name it uses, at its line', () => {
    expect(spec?.configuredInputs.map((c) => [c.path, c.source.line, c.source.column])).toEqual([
      ['models[0].inputs.shapes.input_1', 6, 17],
      ['models[0].inputs.shapes.inptu_2', 6, 42],
      ['models[0].inputs.values.downsample_ratio', 7, 17],
      ['models[0].inputs.images.input', 8, 29],
    ]);
  });

  test('a name the model lacks is a config error at its line with the nearest real name; x and x:0 are the same input', () => {
    const issues = unknownInputNames(['input_1', 'input_2', 'downsample_ratio'], spec?.configuredInputs ?? []);
    expect(issues.map(formatConfigIssue)).toEqual([
      'model-budget.yml:6:42 models[0].inputs.shapes.inptu_2: the model has no input "inptu_2"; did you mean "input_2"? (its inputs: "input_1", "input_2", "downsample_ratio")',
    ]);
  });

  test('a model whose files do not name their inputs is not judged here', () => {
    expect(unknownInputNames([], spec?.configuredInputs ?? [])).toEqual([]);
  });

  test('declared names: graph placeholders and signature inputs, layers input layers', () => {
    const graph = {
      format: 'graph' as const,
      artifacts: {
        modelTopology: {
          node: [
            { name: 'image', op: 'Placeholder' },
            { name: 'conv', op: 'Conv2D' },
          ],
        },
        signature: { inputs: { ratio: { name: 'downsample_ratio:0' } } },
      },
    };
    expect(declaredInputNames(graph)).toEqual(['image', 'ratio', 'downsample_ratio']);
    const layers = {
      format: 'layers' as const,
      artifacts: { modelTopology: { class_name: 'Model', config: { input_layers: [['pixels', 0, 0]], layers: [] } } },
    };
    expect(declaredInputNames(layers)).toEqual(['pixels']);
  });
});
