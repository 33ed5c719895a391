import { describe, expect, it } from 'vitest';
import { guardConsole, type GuardedConsole } from '../../../src/console-guard.js';
import { readInputs } from '../../../src/action/inputs.js';
import { workflowCommands } from '../../helpers/runner-commands.js';

describe('input verbose', () => {
  it.each([
    { value: '', expected: false },
    { value: 'false', expected: false },
    { value: 'true', expected: true },
    { value: ' TRUE ', expected: true },
  ])('"$value" → $expected', ({ value, expected }) => {
    expect(readInputs((name) => (name === 'verbose' ? value : '')).verbose).toBe(expected);
  });

  it('anything else names the input and the accepted values', () => {
    expect(() => readInputs((name) => (name === 'verbose' ? 'yes' : ''))).toThrow('input "verbose" is "yes"; expected true or false');
  });
});

describe('guardConsole', () => {
  it("routes libraries' console output through the log neutraliser, stdout and stderr kept apart", () => {
    const target = { ...console } as GuardedConsole;
    let stdout = '';
    let stderr = '';
    guardConsole(target, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
    // What tfjs-layers prints for a layer named by the model file: "Layer <name> was passed …".
    target.warn('Layer %s was passed non-serializable keyword arguments', 'x\n::stop-commands::pwn');
    target.log('##[error]forged');
    target.info('%d models', 2);
    expect(workflowCommands(stdout + stderr)).toEqual([]);
    expect(stderr).toBe('Layer x\n:\u200d:stop-commands::pwn was passed non-serializable keyword arguments\n');
    expect(stdout).toBe('#\u200d#[error]forged\n2 models\n');
  });
});
