import type { StepOutcome } from '../protocol/predictions';

/** How an outcome reads in a poll option or a chart: `3`, `StopIteration`, `StopIteration(5)`, `ValueError`. */
export function outcomeLabel(outcome: StepOutcome): string {
  switch (outcome.kind) {
    case 'value':
      return outcome.repr;
    case 'stop':
      return outcome.repr === 'None' ? 'StopIteration' : `StopIteration(${outcome.repr})`;
    case 'raise':
      return outcome.type;
    case 'timeout':
      return 'did not finish';
  }
}
