import { describe, expect, it } from 'vitest';
import type { Choice } from '../../server/protocol';
import { checkChoice, isOverdue, numericBounds, pollFromAdHoc, pollFromDeck, resetPoll, revealPoll, showSplit, startCountdown, stepQuestion, tallyRound } from '../../server/polls/poll';
import type { Poll } from '../../server/polls/poll';
import { Refusal } from '../../server/errors';

/** The refusal's code, or what happened instead: messages are free text, codes are the contract. */
function outcome(run: () => unknown): unknown {
  try {
    return run();
  } catch (error) {
    return error instanceof Refusal ? error.code : error;
  }
}

const bounds = { min: -1e6, max: 1e6 };
const single = pollFromAdHoc('ROOM22', 's', { kind: 'single', question: 'Which?', options: ['a', 'b', 'c'] }, 0);
const multiple = pollFromAdHoc('ROOM22', 'm', { kind: 'multiple', question: 'Which?', options: ['a', 'b'] }, 0);
const numeric = pollFromAdHoc('ROOM22', 'n', { kind: 'numeric', question: 'How many?' }, 0);
const text = pollFromAdHoc('ROOM22', 't', { kind: 'text', question: 'One word?' }, 0);
const bins = (poll: Poll, values: number[]) => {
  const tally = tallyRound(poll, 1, values.map((value) => ({ value })));
  return tally.kind === 'numeric' ? tally.bins : [];
};
const medianOf = (values: number[]) => {
  const tally = tallyRound(numeric, 1, values.map((value) => ({ value })));
  return tally.kind === 'numeric' ? tally.median : 'not numeric';
};

describe('making a poll', () => {
  it('keeps a deck poll’s options for single and multiple choice, and gives numeric and text polls none', () => {
    const deckPoll = (kind: 'single' | 'multiple') => pollFromDeck('ROOM22', { id: 'p', question: 'Q', revote: false, kind, options: ['x', 'y'] }, 0);
    expect(deckPoll('single').options).toEqual(['x', 'y']);
    expect(deckPoll('multiple').options).toEqual(['x', 'y']);
    expect(pollFromDeck('ROOM22', { id: 'n', question: 'Q', revote: false, kind: 'numeric', min: 0 }, 0).options).toEqual([]);
    expect(pollFromDeck('ROOM22', { id: 't', question: 'Q', revote: false, kind: 'text' }, 0).options).toEqual([]);
    expect(numeric.options).toEqual([]);
    expect(text.options).toEqual([]);
  });

  it('takes an ad hoc poll’s correct answers among its options, and one at most for single choice', () => {
    const adHoc = (kind: 'single' | 'multiple', correct: number[]) => outcome(() => pollFromAdHoc('ROOM22', 'q', { kind, question: 'Q', options: ['a', 'b'], correct }, 0));
    expect(adHoc('single', [1])).toMatchObject({ options: ['a', 'b'], correct: [1] });
    expect(adHoc('multiple', [0, 1])).toMatchObject({ correct: [0, 1] });
    expect(adHoc('single', [2])).toBe('INVALID_PAYLOAD');
    expect(adHoc('multiple', [2])).toBe('INVALID_PAYLOAD');
    expect(adHoc('multiple', [0, 5])).toBe('INVALID_PAYLOAD');
    expect(adHoc('single', [0, 1])).toBe('INVALID_PAYLOAD');
  });

  it('asks a prediction step after the setup and the steps before it, cut to an ad hoc question’s 300 characters', () => {
    expect(stepQuestion('g = gen()', [], 'next(g)')).toBe('After `g = gen()`: what does next(g) give?');
    expect(stepQuestion('g = gen()', ['next(g)', 'g.send(1)'], 'g.close()')).toBe('After `g = gen()` and next(g), g.send(1): what does g.close() give?');
    // 'After `g = gen()` and ' and ': what does next(g) give?' are 47 characters: with 253 more, exactly 300, kept whole.
    const fits = stepQuestion('g = gen()', ['x'.repeat(253)], 'next(g)');
    expect([fits.length, fits.endsWith('give?')]).toEqual([300, true]);
    const long = stepQuestion('g = gen()', ['x'.repeat(254)], 'next(g)');
    expect([long.length, long.endsWith('giv…')]).toEqual([300, true]);
  });
});

describe('a fresh poll', () => {
  const fresh = { roomCode: 'ROOM22', round: 1, status: 'open', revealed: false, correctShown: false, closesAt: null, createdAt: 5, version: 1 };

  // toStrictEqual: a poll without an answer has no `correct` key at all, not one set to undefined.
  it('opens round 1 of a deck poll with results and answer hidden, revoting as the deck says', () => {
    expect(pollFromDeck('ROOM22', { id: 'n', question: 'Q', revote: false, kind: 'numeric', min: 0 }, 5)).toStrictEqual({ ...fresh, id: 'n', question: 'Q', kind: 'numeric', options: [], revote: false });
    expect(pollFromDeck('ROOM22', { id: 's', question: 'Q', revote: true, kind: 'single', options: ['x', 'y'], correct: [1] }, 5)).toStrictEqual({
      ...fresh,
      id: 's',
      question: 'Q',
      kind: 'single',
      options: ['x', 'y'],
      correct: [1],
      revote: true,
    });
  });

  it('opens round 1 of an ad hoc poll with results and answer hidden, always open to a revote', () => {
    expect(pollFromAdHoc('ROOM22', 't', { kind: 'text', question: 'Q' }, 5)).toStrictEqual({ ...fresh, id: 't', question: 'Q', kind: 'text', options: [], revote: true });
    expect(pollFromAdHoc('ROOM22', 's', { kind: 'single', question: 'Q', options: ['a', 'b'], correct: [1] }, 5)).toStrictEqual({
      ...fresh,
      id: 's',
      question: 'Q',
      kind: 'single',
      options: ['a', 'b'],
      correct: [1],
      revote: true,
    });
  });
});

describe('peer instruction', () => {
  const answered = pollFromDeck('ROOM22', { id: 'p', question: 'Q', revote: true, kind: 'single', options: ['x', 'y'], correct: [0] }, 0);
  const open = pollFromDeck('ROOM22', { id: 'o', question: 'Q', revote: true, kind: 'single', options: ['x', 'y'] }, 0);

  it('shows the split without the answer, and a poll without an answer as it is', () => {
    expect(showSplit(answered)).toMatchObject({ status: 'closed', revealed: true, correctShown: false });
    expect(showSplit(open)).toMatchObject({ status: 'closed', revealed: true, correctShown: true });
  });

  it('hides results and the answer again after a reset', () => {
    expect(resetPoll(revealPoll(answered))).toMatchObject({ round: 1, status: 'open', revealed: false, correctShown: false });
  });
});

describe('countdowns', () => {
  it('closes an open round from the deadline on, not a millisecond before, and never a closed one', () => {
    const counting = startCountdown(single, 10, 1_000);
    expect(counting.closesAt).toBe(11_000);
    expect(isOverdue(counting, 10_999)).toBe(false);
    expect(isOverdue(counting, 11_000)).toBe(true);
    expect(isOverdue({ ...counting, status: 'closed' }, 20_000)).toBe(false);
    expect(isOverdue(single, 20_000)).toBe(false);
  });
});

describe('checking a ballot', () => {
  it('takes the deck’s min and max where given, else ± the bound', () => {
    expect(numericBounds({ id: 'n', question: 'q', revote: false, kind: 'numeric', min: 0 }, 50)).toEqual({ min: 0, max: 50 });
    expect(numericBounds({ id: 'n', question: 'q', revote: false, kind: 'numeric', max: 7 }, 50)).toEqual({ min: -50, max: 7 });
    expect(numericBounds({ id: 't', question: 'q', revote: false, kind: 'text' }, 50)).toEqual({ min: -50, max: 50 });
  });

  it('refuses a choice of another kind or out of range with INVALID_PAYLOAD', () => {
    const check = (poll: Poll, choice: Choice, range = bounds) => outcome(() => checkChoice(poll, choice, range));
    expect(check(single, { option: 3 })).toBe('INVALID_PAYLOAD');
    expect(check(single, { options: [0] })).toBe('INVALID_PAYLOAD');
    expect(check(multiple, { options: [0, 2] })).toBe('INVALID_PAYLOAD');
    expect(check(multiple, { option: 2 })).toBe('INVALID_PAYLOAD');
    expect(check(multiple, { value: 1 })).toBe('INVALID_PAYLOAD');
    expect(check(numeric, { text: '4' })).toBe('INVALID_PAYLOAD');
    expect(check(numeric, { value: -0.5 }, { min: 0, max: 10 })).toBe('INVALID_PAYLOAD');
    expect(check(numeric, { value: 10.5 }, { min: 0, max: 10 })).toBe('INVALID_PAYLOAD');
    expect(check(text, { value: 4 })).toBe('INVALID_PAYLOAD');
  });

  it('takes one option on a multiple-choice poll as a list of one, and numbers at exactly min and max', () => {
    expect(checkChoice(multiple, { option: 1 }, bounds)).toEqual({ options: [1] });
    expect(checkChoice(numeric, { value: 0 }, { min: 0, max: 10 })).toEqual({ value: 0 });
    expect(checkChoice(numeric, { value: 10 }, { min: 0, max: 10 })).toEqual({ value: 10 });
  });

  it('collapses each run of whitespace in a text answer to one space', () => {
    expect(checkChoice(text, { text: 'a   b\t\tc' }, bounds)).toEqual({ text: 'a b c' });
  });
});

describe('counting a round', () => {
  it('counts a multiple-choice ballot once per option ticked', () => {
    expect(tallyRound(multiple, 1, [{ options: [0, 1] }, { option: 1 }, { options: [1] }])).toEqual({ round: 1, ballots: 3, kind: 'multiple', counts: [1, 3] });
  });

  it('counts a ballot of another kind for no answer', () => {
    const stray: Choice[] = [{ value: 3 }, { text: 'x' }, { option: 1 }];
    const choiceTally = tallyRound(single, 1, stray);
    expect(choiceTally).toEqual({ round: 1, ballots: 3, kind: 'single', counts: [0, 1, 0] });
    // No count filed under any other key of the array either.
    expect(Object.keys(choiceTally.kind === 'single' ? choiceTally.counts : {})).toEqual(['0', '1', '2']);
    expect(tallyRound(numeric, 1, [{ option: 1 }, { value: 2 }])).toEqual({ round: 1, ballots: 2, kind: 'numeric', bins: [{ from: 2, to: 2, count: 1 }], median: 2 });
    expect(tallyRound(text, 1, [{ value: 2 }, { text: 'yes' }])).toEqual({ round: 1, ballots: 2, kind: 'text', words: [{ text: 'yes', count: 1 }], more: 0 });
  });

  it('has no bars and no median before the first number', () => {
    expect(tallyRound(numeric, 1, [])).toEqual({ round: 1, ballots: 0, kind: 'numeric', bins: [], median: null });
  });

  it('takes the mean of the middle two as the median of an even count', () => {
    expect(medianOf([4, 1, 3, 2])).toBe(2.5);
    expect(medianOf([10, 20])).toBe(15);
    expect(medianOf([5, 1, 3])).toBe(3);
  });

  it('draws a bar per value for integers spanning less than 12, else eight equal bins', () => {
    expect(bins(numeric, [1, 12, 12])).toEqual(Array.from({ length: 12 }, (_, i) => ({ from: i + 1, to: i + 1, count: i === 0 ? 1 : i === 11 ? 2 : 0 })));
    expect(bins(numeric, [1, 13])).toEqual([1, 2.5, 4, 5.5, 7, 8.5, 10, 11.5].map((from, i) => ({ from, to: i === 7 ? 13 : from + 1.5, count: i === 0 || i === 7 ? 1 : 0 })));
  });

  it('draws eight bins when one value is not an integer, however small the range', () => {
    expect(bins(numeric, [1, 3, 2.5])).toEqual([
      { from: 1, to: 1.25, count: 1 },
      { from: 1.25, to: 1.5, count: 0 },
      { from: 1.5, to: 1.75, count: 0 },
      { from: 1.75, to: 2, count: 0 },
      { from: 2, to: 2.25, count: 0 },
      { from: 2.25, to: 2.5, count: 0 },
      { from: 2.5, to: 2.75, count: 1 },
      { from: 2.75, to: 3, count: 1 },
    ]);
  });

  it('counts a value on a bin edge once, in the bin it starts, and closes the last bin at the maximum', () => {
    expect(bins(numeric, [2, 3, 3.5, 4, 9.5, 10])).toEqual([
      { from: 2, to: 3, count: 1 },
      { from: 3, to: 4, count: 2 },
      { from: 4, to: 5, count: 1 },
      { from: 5, to: 6, count: 0 },
      { from: 6, to: 7, count: 0 },
      { from: 7, to: 8, count: 0 },
      { from: 8, to: 9, count: 0 },
      { from: 9, to: 10, count: 2 },
    ]);
    // 1 + 8 × 0.2625 is 3.1000000000000005 in floating point: the last bin ends at the largest answer itself.
    const uneven = bins(numeric, [1, 3.1]);
    expect(uneven.at(-1)).toMatchObject({ to: 3.1, count: 1 });
    expect(uneven.map((b) => b.count)).toEqual([1, 0, 0, 0, 0, 0, 0, 1]);
  });

  it('counts text apart by case when the answer is Python, and together for a word cloud', () => {
    const prediction: Poll = { ...text, correct: 'StopIteration' };
    const choices = [{ text: 'A' }, { text: 'a' }, { text: 'A' }];
    expect(tallyRound(prediction, 1, choices)).toMatchObject({ words: [{ text: 'A', count: 2 }, { text: 'a', count: 1 }], more: 0 });
    expect(tallyRound(text, 1, choices)).toMatchObject({ words: [{ text: 'a', count: 3 }], more: 0 });
  });
});
