import { isDeepStrictEqual } from 'node:util';
import type { StepDifference, StepRecord } from '../decks/types';

/**
 * What two Pythons must agree on for a step: outcome kind, exception type and repr, generator
 * state, suspended line and what it printed. Messages are left out: their wording changes
 * between versions. Of a step that did not finish, only that: its state and partial output
 * depend on when and how it was stopped (interrupted in place, or its worker killed when the
 * interrupt came late on a busy machine), not on the version.
 */
export const comparableStep = (r: StepRecord) =>
  r.outcome.kind === 'timeout'
    ? { call: r.call, kind: r.outcome.kind }
    : {
        call: r.call,
        kind: r.outcome.kind,
        type: 'type' in r.outcome ? r.outcome.type : undefined,
        repr: 'repr' in r.outcome ? r.outcome.repr : undefined,
        state: r.state,
        line: r.at?.line,
        printed: r.printed,
      };

export const sameStep = (a: StepRecord, b: StepRecord) => isDeepStrictEqual(comparableStep(a), comparableStep(b));

/** The steps each CPython answers differently from the key, versions that answer alike grouped together. */
export function stepDifferences(key: StepRecord[], runs: { version: string; records: StepRecord[] }[]): StepDifference[] {
  return key.flatMap((expected, step) => {
    const groups = new Map<string, StepDifference>();
    for (const { version, records } of runs) {
      const record = records[step]!;
      if (sameStep(expected, record)) continue;
      const id = JSON.stringify(comparableStep(record));
      const group = groups.get(id) ?? { step, versions: [], record };
      group.versions.push(version);
      groups.set(id, group);
    }
    return [...groups.values()];
  });
}
