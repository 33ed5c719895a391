import { describe, expect, it } from 'vitest';
import { ConfigError, MeasureError, ModelBudgetError, ModelLoadError, problem } from '../../../src/errors.js';
import { fromWire, toWire } from '../../../src/formats/worker/wire.js';

/** Through the structured clone a worker's message takes, and back. */
const across = (error: unknown): Error => fromWire(structuredClone(toWire(error)));

describe('errors across the load worker boundary', () => {
  it('keeps our class, message, file, line and column', () => {
    const back = across(new ModelLoadError('models/a.json: not valid JSON', { file: '/w/models/a.json', line: 3, column: 7 }));
    expect(back).toBeInstanceOf(ModelLoadError);
    expect(back).toBeInstanceOf(ModelBudgetError);
    expect(back).toMatchObject({ name: 'ModelLoadError', message: 'models/a.json: not valid JSON', file: '/w/models/a.json', line: 3, column: 7 });
  });

  it('keeps the catalog code, fix and example (the Action summary prints the example)', () => {
    const sent = new ModelLoadError(problem('model/heap-over-limit', { path: 'net/model.json', heapMb: 2304 }), { file: 'net/model.json' });
    expect(sent.example).toBeDefined();
    const back = across(sent) as ModelLoadError;
    expect(back).toBeInstanceOf(ModelLoadError);
    expect({ code: back.code, fix: back.fix, example: back.example, message: back.message }).toEqual({
      code: 'model/heap-over-limit',
      fix: sent.fix,
      example: sent.example,
      message: sent.message,
    });
  });

  it("keeps a ConfigError's issues", () => {
    const issue = { file: 'model-budget.yml', line: 7, column: 14, path: 'models[0].inputs.x', message: 'no input "x"' };
    const back = across(new ConfigError([issue]));
    expect(back).toBeInstanceOf(ConfigError);
    expect((back as ConfigError).issues).toEqual([issue]);
    expect(back.message).toBe('model-budget.yml:7:14 models[0].inputs.x: no input "x"');
  });

  it('keeps the chain of causes and the stack where it was thrown', () => {
    const inner = new TypeError('x is not a function');
    const outer = new MeasureError('m: failed', { cause: inner });
    const back = across(outer);
    expect(back).toBeInstanceOf(MeasureError);
    expect(back.stack).toBe(outer.stack);
    expect(back.cause).toBeInstanceOf(Error);
    expect(back.cause).toMatchObject({ name: 'TypeError', message: 'x is not a function' });
  });

  it("keeps another error's name and code, and a thrown value that is no Error", () => {
    const error = Object.assign(new Error('no such file'), { code: 'ENOENT' });
    expect(across(error)).toMatchObject({ name: 'Error', message: 'no such file', code: 'ENOENT' });
    expect(across('plain text')).toMatchObject({ name: 'Error', message: 'plain text' });
  });
});
