import { describe, expect, it } from 'vitest';
import type { Choice, PredictionReport } from '../../server/protocol';
import { resultsCsv, resultsReport } from '../../server/polls/export';
import { pollFromAdHoc, tallyRound } from '../../server/polls/poll';
import type { Poll } from '../../server/polls/poll';

const room = { code: 'ROOM22', deckId: 'd' };
const numeric = (correct?: number) => pollFromAdHoc('ROOM22', 'n', { kind: 'numeric', question: 'How many?', ...(correct !== undefined ? { correct } : {}) }, 0);
/** The answer rows of round 1 of a poll, as the export reports them. */
const rows = (poll: Poll, choices: Choice[]) => resultsReport(room, [{ poll, results: [tallyRound(poll, 1, choices)] }], 0).polls[0]!.rounds[0]!.answers;
const values = (...list: number[]) => list.map((value) => ({ value }));

describe('the export of a numeric poll', () => {
  it('labels a one-value bar with its value, and marks the bar that holds the answer', () => {
    expect(rows(numeric(3), values(2, 4, 4))).toEqual([
      { answer: '2', count: 1, percent: 33.3, correct: false },
      { answer: '3', count: 0, percent: 0, correct: true },
      { answer: '4', count: 2, percent: 66.7, correct: false },
    ]);
  });

  it('labels a bin "from to to", rounded to 3 decimals', () => {
    expect(rows(numeric(), values(0, 0.5)).map((a) => a.answer)).toEqual([
      '0 to 0.063',
      '0.063 to 0.125',
      '0.125 to 0.188',
      '0.188 to 0.25',
      '0.25 to 0.313',
      '0.313 to 0.375',
      '0.375 to 0.438',
      '0.438 to 0.5',
    ]);
  });

  it('marks correct the one bin that would count a ballot of the answer: an inner edge opens the next bin, the last bin holds its end', () => {
    const bins = rows(numeric(5), values(2, 3, 3.5, 4, 9.5, 10));
    expect(bins.map((a) => a.answer)).toEqual(['2 to 3', '3 to 4', '4 to 5', '5 to 6', '6 to 7', '7 to 8', '8 to 9', '9 to 10']);
    expect(bins.filter((a) => a.correct).map((a) => a.answer)).toEqual(['5 to 6']);
    expect(rows(numeric(2), values(2, 3, 3.5, 4, 9.5, 10)).filter((a) => a.correct).map((a) => a.answer)).toEqual(['2 to 3']);
    expect(rows(numeric(10), values(2, 3, 3.5, 4, 9.5, 10)).filter((a) => a.correct).map((a) => a.answer)).toEqual(['9 to 10']);
    expect(rows(numeric(4.5), values(2, 3, 3.5, 4, 9.5, 10)).filter((a) => a.correct).map((a) => a.answer)).toEqual(['4 to 5']);
    // An answer outside every bin is marked nowhere.
    for (const outside of [1, 11]) expect(rows(numeric(outside), values(2, 3, 3.5, 4, 9.5, 10)).filter((a) => a.correct)).toEqual([]);
    expect(rows(numeric(), values(2, 3, 3.5, 4, 9.5, 10)).filter((a) => a.correct)).toEqual([]);
  });
});

describe('the export of choice and text polls', () => {
  it('reports 0 % for every answer of a round nobody voted in', () => {
    const poll = pollFromAdHoc('ROOM22', 's', { kind: 'single', question: 'Which?', options: ['a', 'b'], correct: [0] }, 0);
    expect(rows(poll, [])).toEqual([
      { answer: 'a', count: 0, percent: 0, correct: true },
      { answer: 'b', count: 0, percent: 0, correct: false },
    ]);
  });

  it('reports a multiple-choice poll per option, each correct one marked', () => {
    const poll = pollFromAdHoc('ROOM22', 'm', { kind: 'multiple', question: 'Which?', options: ['a', 'b', 'c'], correct: [0, 2] }, 0);
    expect(rows(poll, [{ options: [0, 1] }, { options: [0] }])).toEqual([
      { answer: 'a', count: 2, percent: 100, correct: true },
      { answer: 'b', count: 1, percent: 50, correct: false },
      { answer: 'c', count: 0, percent: 0, correct: true },
    ]);
  });

  it('marks the text answer that is a prediction’s executed answer, and only it', () => {
    const poll: Poll = { ...pollFromAdHoc('ROOM22', 't', { kind: 'text', question: 'next(g)?' }, 0), correct: 'StopIteration' };
    expect(rows(poll, [{ text: 'StopIteration' }, { text: 'None' }])).toEqual([
      { answer: 'None', count: 1, percent: 50, correct: false },
      { answer: 'StopIteration', count: 1, percent: 50, correct: true },
    ]);
  });
});

describe('who answered what', () => {
  it('labels each named ballot by its option, options, number or words', () => {
    const single = pollFromAdHoc('ROOM22', 's', { kind: 'single', question: 'Which?', options: ['a', 'b'] }, 0);
    const multiple = pollFromAdHoc('ROOM22', 'm', { kind: 'multiple', question: 'Which?', options: ['a', 'b', 'c'] }, 0);
    const text = pollFromAdHoc('ROOM22', 't', { kind: 'text', question: 'Why?' }, 0);
    const named = (poll: Poll, choice: Choice) => resultsReport(room, [{ poll, results: [], named: [{ round: 1, name: 'Ada', choice }] }], 0).polls[0]!.named;
    expect(named(single, { option: 1 })).toEqual([{ round: 1, name: 'Ada', answer: 'b' }]);
    expect(named(single, { option: 5 })).toEqual([{ round: 1, name: 'Ada', answer: '' }]);
    expect(named(multiple, { options: [0, 2] })).toEqual([{ round: 1, name: 'Ada', answer: 'a; c' }]);
    expect(named(numeric(), { value: 2.5 })).toEqual([{ round: 1, name: 'Ada', answer: '2.5' }]);
    expect(named(text, { text: 'the GIL' })).toEqual([{ round: 1, name: 'Ada', answer: 'the GIL' }]);
  });
});

describe('the CSV of a team prediction', () => {
  it('counts each answer the teams gave, leaves out teams that gave none, and marks the executed one', () => {
    const team = (answer: string) => ({ team: `T-${answer}`, name: 'table', answer, verdict: null });
    const prediction: PredictionReport = {
      id: 'gen',
      setup: 'g = gen()',
      steps: [{ step: 1, call: 'next(g)', answer: 'StopIteration', revealed: true, teams: [team('StopIteration'), team('1'), team(''), team('StopIteration')] }],
    };
    expect(resultsCsv(resultsReport(room, [], 0, [prediction])).split('\r\n')).toEqual([
      'poll_id,question,kind,round,ballots,answer,count,percent,correct',
      'gen,next(g),team prediction,1,3,StopIteration,2,66.7,true',
      'gen,next(g),team prediction,1,3,1,1,33.3,false',
      '',
    ]);
  });
});
