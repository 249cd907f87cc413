import { describe, expect, it } from 'vitest';
import type { StepRecord } from '../../server/protocol';
import { stepDifferences } from '../../server/python/versions';

const value = (repr: string, line: number): StepRecord => ({ call: 'next(g)', outcome: { kind: 'value', repr }, state: 'GEN_SUSPENDED', at: { file: 'spin.py', line, function: 'spin' }, printed: '' });
// Interrupted in place, the generator is closed; killed with its worker, nothing is known of it.
const interrupted: StepRecord = { call: 'next(g)', outcome: { kind: 'timeout' }, state: 'GEN_CLOSED', at: null, printed: 'sp' };
const killed: StepRecord = { call: 'next(g)', outcome: { kind: 'timeout' }, state: null, at: null, printed: '' };

describe('comparing the answer key with each CPython', () => {
  it('counts a step that did not finish alike however it was stopped, and any other difference by version', () => {
    const key = [value('1', 2), killed];
    expect(stepDifferences(key, [{ version: '3.12.1', records: [value('1', 2), interrupted] }])).toEqual([]);
    expect(stepDifferences(key, [
      { version: '3.10.13', records: [value('1', 3), interrupted] },
      { version: '3.11.7', records: [value('1', 3), value('2', 3)] },
      { version: '3.13.0', records: [interrupted, interrupted] },
    ])).toEqual([
      { step: 0, versions: ['3.10.13', '3.11.7'], record: value('1', 3) },
      { step: 0, versions: ['3.13.0'], record: interrupted },
      { step: 1, versions: ['3.11.7'], record: value('2', 3) },
    ]);
  });
});
