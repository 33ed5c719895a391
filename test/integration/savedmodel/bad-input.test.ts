/** Damaged, foreign and unsupported SavedModels: each fails with a ModelLoadError that says what is wrong. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModelLoadError } from '../../../src/errors.js';
import { convertSavedModel } from '../../../src/formats/savedmodel/load.js';
import { buildTable, editIndexEntry, editProto, fixtureFiles, memoryReader, protoType } from '../../helpers/savedmodel-files.js';
import { readTable } from '../../../src/formats/savedmodel/table.js';

const TIMES_THREE = fixtureFiles(join(import.meta.dirname, '..', '..', 'fixtures', 'savedmodel', 'times-three-float'));
const INDEX = 'variables/variables.index';
const DATA = 'variables/variables.data-00000-of-00001';
const VARIABLE = 'v/.ATTRIBUTES/VARIABLE_VALUE';

function variant(edit: (files: Map<string, Uint8Array>) => void): Map<string, Uint8Array> {
  const files = new Map([...TIMES_THREE].map(([k, v]) => [k, v.slice()]));
  edit(files);
  return files;
}

/** Where the bytes of checkpoint `key` start in its shard. */
function entryOffset(index: Uint8Array, key: string): number {
  const value = readTable(index, 'index').get(key);
  if (value === undefined) throw new Error(`no entry ${key}`);
  const type = protoType('BundleEntryProto');
  return Number((type.toObject(type.decode(value), { longs: String }) as { offset?: string }).offset ?? 0);
}

function get(files: Map<string, Uint8Array>, path: string): Uint8Array {
  const bytes = files.get(path);
  if (bytes === undefined) throw new Error(`fixture has no ${path}`);
  return bytes;
}

/** Edits the body of function `name` inside saved_model.pb. */
function editFunction(files: Map<string, Uint8Array>, name: string, edit: (nodes: Record<string, unknown>[]) => void): void {
  files.set(
    'saved_model.pb',
    editProto('SavedModel', get(files, 'saved_model.pb'), (sm) => {
      const mg = (sm['metaGraphs'] as Record<string, unknown>[])[0] as {
        graphDef: { library: { function: { signature: { name: string }; nodeDef: Record<string, unknown>[] }[] } };
      };
      const fn = mg.graphDef.library.function.find((f) => f.signature.name === name);
      if (fn === undefined) throw new Error(`no function ${name}`);
      edit(fn.nodeDef);
    }),
  );
}

async function failure(files: Map<string, Uint8Array>, signature?: string): Promise<string> {
  const error = await convertSavedModel(memoryReader(files), 'model', signature === undefined ? {} : { signature }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ModelLoadError);
  return (error as Error).message;
}

describe('SavedModel bad input', () => {
  it('the untouched fixture converts (the variants below differ only in what they break)', async () => {
    await expect(convertSavedModel(memoryReader(TIMES_THREE), 'model')).resolves.toMatchObject({ signature: 'serving_default' });
  });

  it.each([
    {
      what: 'a folder without saved_model.pb',
      edit: (f: Map<string, Uint8Array>) => f.delete('saved_model.pb'),
      message: /model is not a SavedModel: it has no saved_model.pb/,
    },
    {
      what: 'a text-format SavedModel',
      edit: (f: Map<string, Uint8Array>) => {
        f.set('saved_model.pbtxt', get(f, 'saved_model.pb'));
        f.delete('saved_model.pb');
      },
      message: /saved_model.pbtxt \(text format\)/,
    },
    {
      what: 'a truncated saved_model.pb',
      edit: (f: Map<string, Uint8Array>) => f.set('saved_model.pb', get(f, 'saved_model.pb').subarray(0, 2000)),
      message: /saved_model.pb is not a valid SavedModel protocol buffer/,
    },
    {
      what: 'saved_model.pb that is not a protobuf',
      edit: (f: Map<string, Uint8Array>) => f.set('saved_model.pb', new Uint8Array(64).fill(0xff)),
      message: /is not a valid SavedModel protocol buffer/,
    },
    { what: 'an empty saved_model.pb', edit: (f: Map<string, Uint8Array>) => f.set('saved_model.pb', new Uint8Array()), message: /holds no MetaGraph/ },
    { what: 'variables.index missing, data present', edit: (f: Map<string, Uint8Array>) => f.delete(INDEX), message: /variables\/variables.index is missing/ },
    {
      what: 'no variables/ at all',
      edit: (f: Map<string, Uint8Array>) => {
        f.delete(INDEX);
        f.delete(DATA);
      },
      message: /the graph reads variables, but the SavedModel has no variables\/ folder/,
    },
    {
      what: 'variables.index that is not a table',
      edit: (f: Map<string, Uint8Array>) => f.set(INDEX, new Uint8Array(100).fill(7)),
      message: /does not end with the table magic number/,
    },
    {
      what: 'variables.index shorter than a footer',
      edit: (f: Map<string, Uint8Array>) => f.set(INDEX, new Uint8Array(10)),
      message: /shorter than a table footer/,
    },
    {
      what: 'a flipped byte in an index block',
      edit: (f: Map<string, Uint8Array>) => {
        const i = get(f, INDEX);
        i[3] = (i[3] ?? 0) ^ 0x40;
      },
      message: /block at byte \d+ fails its crc32c check/,
    },
    {
      what: 'a flipped byte in the variable data',
      edit: (f: Map<string, Uint8Array>) => {
        const d = get(f, DATA);
        const at = entryOffset(get(f, INDEX), VARIABLE);
        d[at] = (d[at] ?? 0) ^ 1;
      },
      message: /variable "v\/.ATTRIBUTES\/VARIABLE_VALUE" in variables\/variables.data-00000-of-00001 fails its crc32c check/,
    },
    {
      what: 'the data shard missing',
      edit: (f: Map<string, Uint8Array>) => f.delete(DATA),
      message: /variables.data-00000-of-00001 is missing \(the index names 1 shard\(s\)\)/,
    },
    {
      what: 'an entry pointing outside its shard',
      edit: (f: Map<string, Uint8Array>) =>
        f.set(
          INDEX,
          editIndexEntry(get(f, INDEX), VARIABLE, (e) => {
            e['offset'] = '1000000';
          }),
        ),
      message: /lies at bytes 1000000…1000004 of variables\/variables.data-00000-of-00001, which has \d+/,
    },
    {
      what: 'an entry in a shard that does not exist',
      edit: (f: Map<string, Uint8Array>) =>
        f.set(
          INDEX,
          editIndexEntry(get(f, INDEX), VARIABLE, (e) => {
            e['shardId'] = 3;
          }),
        ),
      message: /points to shard 3, but the index names 1/,
    },
    {
      what: 'an absurd shape',
      edit: (f: Map<string, Uint8Array>) =>
        f.set(
          INDEX,
          editIndexEntry(get(f, INDEX), VARIABLE, (e) => {
            e['shape'] = { dim: [{ size: '100000' }, { size: '100000' }] };
          }),
        ),
      message: /shape \[100000, 100000\] = 10000000000 elements, more than 2147483647/,
    },
    {
      what: 'a negative dimension',
      edit: (f: Map<string, Uint8Array>) =>
        f.set(
          INDEX,
          editIndexEntry(get(f, INDEX), VARIABLE, (e) => {
            e['shape'] = { dim: [{ size: '-1' }] };
          }),
        ),
      message: /every dimension must be a known size/,
    },
    {
      what: 'a size that disagrees with dtype and shape',
      edit: (f: Map<string, Uint8Array>) =>
        f.set(
          INDEX,
          editIndexEntry(get(f, INDEX), VARIABLE, (e) => {
            e['shape'] = { dim: [{ size: '2' }] };
          }),
        ),
      message: /holds 4 bytes, but DT_FLOAT \[2\] needs 8/,
    },
    {
      what: 'a snappy-compressed index',
      edit: (f: Map<string, Uint8Array>) => f.set(INDEX, buildTable(readTable(get(f, INDEX), 'index'), 1)),
      message: /uses compression type 1; only uncompressed tables/,
    },
    {
      what: 'a variable whose stored shape disagrees with the graph',
      edit: (f: Map<string, Uint8Array>) =>
        f.set(
          'saved_model.pb',
          editProto('SavedModel', get(f, 'saved_model.pb'), (sm) => {
            const nodes = ((sm['metaGraphs'] as Record<string, unknown>[])[0] as { objectGraphDef: { nodes: { variable?: { shape: unknown } }[] } })
              .objectGraphDef.nodes;
            const variable = nodes.find((n) => n.variable !== undefined)?.variable;
            if (variable === undefined) throw new Error('no variable');
            variable.shape = { dim: [{ size: '3' }] };
          }),
        ),
      message: /is stored with shape \[\] but the graph declares \[3\]/,
    },
  ])('$what', async ({ edit, message }) => {
    expect(await failure(variant(edit))).toMatch(message);
  });

  it('an unknown signature lists the ones that exist', async () => {
    expect(await failure(TIMES_THREE, 'predict')).toBe(
      'the SavedModel has no signature "predict"; it has "serving_default" (choose one with --signature serving_default)',
    );
  });

  it('unsupported ops are listed together, each with where it sits and what to do', async () => {
    const files = variant((f) =>
      editFunction(f, '__inference___call___15', (nodes) => {
        for (const node of nodes as { op: string; name: string }[]) {
          if (node.op === 'Mul') node.op = 'PyFunc';
          if (node.op === 'Identity') node.op = 'Enter';
        }
      }),
    );
    const message = await failure(files);
    expect(message).toContain('signature "serving_default" uses 2 op(s) the TF.js graph cannot run:');
    expect(message).toContain('- Enter × 1: StatefulPartitionedCall/StatefulPartitionedCall/Identity (in function __inference___call___15)');
    expect(message).toContain('TensorFlow 1 control flow');
    expect(message).toContain('- PyFunc × 1: StatefulPartitionedCall/StatefulPartitionedCall/mul (in function __inference___call___15)');
    expect(message).toContain('runs Python code');
  });

  it('a function that calls itself is refused, not followed', async () => {
    const files = variant((f) =>
      editFunction(f, '__inference_signature_wrapper_32', (nodes) => {
        for (const node of nodes as { op: string; attr: Record<string, { func?: { name: string } }> }[]) {
          const func = node.attr['f']?.func;
          if (node.op === 'StatefulPartitionedCall' && func !== undefined) func.name = '__inference_signature_wrapper_32';
        }
      }),
    );
    expect(await failure(files)).toMatch(
      /calls "__inference_signature_wrapper_32" from inside itself \(__inference_signature_wrapper_32 → __inference_signature_wrapper_32\)/,
    );
  });

  it('a variable used by an op other than a read is reported as a resource op', async () => {
    const files = variant((f) =>
      editFunction(f, '__inference___call___15', (nodes) => {
        for (const node of nodes as { op: string }[]) if (node.op === 'ReadVariableOp') node.op = 'ResourceApplyGradientDescent';
      }),
    );
    expect(await failure(files)).toMatch(/ResourceApplyGradientDescent × 1: .*\n.*uses a variable other than by reading it/);
  });
});
