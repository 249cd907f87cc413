import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Choice } from '../../server/protocol';
import { plainText } from '../../server/protocol';
import { resultsCsv, resultsReport } from '../../server/polls/export';
import { CLOUD_SIZE, checkChoice, closePoll, numericBounds, pollFromAdHoc, pollFromDeck, pollState, resetPoll, revealPoll, showSplit, startCountdown, startRevote, tallyRound } from '../../server/polls/poll';
import type { Poll } from '../../server/polls/poll';
import { Refusal } from '../../server/errors';

const choicePoll: Poll = pollFromDeck('ROOM22', { id: 'p1', question: 'Which?', kind: 'single', options: ['a', 'b', 'c'], correct: [1], revote: true }, 0);
const vote = (poll: Poll, choice: Choice, bounds = { min: -1e6, max: 1e6 }) => checkChoice(poll, choice, bounds);

describe('rounds', () => {
  it('opens on round 1; close, reveal, revote and reset move it as peer instruction needs', () => {
    expect(choicePoll).toMatchObject({ round: 1, status: 'open', revealed: false });
    expect(closePoll(choicePoll)).toMatchObject({ round: 1, status: 'closed', revealed: false });
    const revealed = revealPoll(choicePoll);
    expect(revealed).toMatchObject({ status: 'closed', revealed: true });
    const second = startRevote(revealed);
    expect(second).toMatchObject({ round: 2, status: 'open', revealed: false });
    expect(resetPoll(second)).toMatchObject({ round: 1, status: 'open', revealed: false });
  });

  it('refuses a choice of the wrong kind or out of range', () => {
    expect(vote(choicePoll, { option: 2 })).toEqual({ option: 2 });
    expect(() => vote(choicePoll, { option: 3 })).toThrow(Refusal);
    expect(() => vote(choicePoll, { value: 1 })).toThrow(Refusal);
    const numeric = pollFromAdHoc('ROOM22', 'n', { kind: 'numeric', question: 'How many?' }, 0);
    expect(() => vote(numeric, { text: 'four' })).toThrow(Refusal);
    const multiple = pollFromAdHoc('ROOM22', 'm', { kind: 'multiple', question: 'Which?', options: ['a', 'b'] }, 0);
    expect(vote(multiple, { options: [1, 0, 1] })).toEqual({ options: [0, 1] });
    expect(() => pollFromAdHoc('ROOM22', 'x', { kind: 'single', question: 'Q', options: ['a', 'b'], correct: [0, 1] }, 0)).toThrow(Refusal);
  });
});

describe('tallyRound', () => {
  it('counts every ballot once, whatever the order', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(2)), (options) => {
        const tally = tallyRound(choicePoll, 1, options.map((option) => ({ option })));
        expect(tally).toMatchObject({ round: 1, ballots: options.length, kind: 'single' });
        expect('counts' in tally && tally.counts).toEqual([0, 1, 2].map((i) => options.filter((o) => o === i).length));
      }),
    );
  });

  it('draws a numeric histogram with a bar per small integer, and its median', () => {
    const numeric = pollFromAdHoc('ROOM22', 'n', { kind: 'numeric', question: 'How many?' }, 0);
    expect(tallyRound(numeric, 1, [{ value: 4 }, { value: 2 }, { value: 4 }])).toEqual({
      round: 1,
      ballots: 3,
      kind: 'numeric',
      bins: [{ from: 2, to: 2, count: 1 }, { from: 3, to: 3, count: 0 }, { from: 4, to: 4, count: 2 }],
      median: 4,
    });
    const wide = tallyRound(numeric, 1, [{ value: 0 }, { value: 0.5 }, { value: 100 }]);
    expect('bins' in wide && wide.bins.reduce((n, b) => n + b.count, 0)).toBe(3);
  });

  it('groups short text case-insensitively for the word cloud', () => {
    const text = pollFromAdHoc('ROOM22', 't', { kind: 'text', question: 'One word?' }, 0);
    expect(tallyRound(text, 1, [{ text: 'Lock' }, { text: 'lock' }, { text: 'mutex' }])).toMatchObject({ words: [{ text: 'lock', count: 2 }, { text: 'mutex', count: 1 }] });
  });
});

describe('what students see', () => {
  it('hides results and the answer until the reveal', () => {
    const results = [tallyRound(choicePoll, 1, [{ option: 1 }])];
    expect(pollState(choicePoll, results, 'student', 0)).not.toHaveProperty('results');
    expect(pollState(choicePoll, results, 'student', 0)).not.toHaveProperty('correct');
    expect(pollState(choicePoll, results, 'presenter', 0)).toMatchObject({ results, correct: [1] });
    expect(pollState(revealPoll(choicePoll), results, 'student', 0)).toMatchObject({ results, correct: [1] });
  });

  it('keeps the answer from students while they see the split, and gives a poll without one no answer at all', () => {
    const results = [tallyRound(choicePoll, 1, [{ option: 1 }])];
    const shown = { id: 'p1', question: 'Which?', kind: 'single', options: ['a', 'b', 'c'], round: 1, status: 'closed', revealed: true, revote: true, results };
    expect(pollState(showSplit(choicePoll), results, 'student', 0)).toStrictEqual({ ...shown, correctShown: false });
    const unanswered = pollFromDeck('ROOM22', { id: 'p1', question: 'Which?', kind: 'single', options: ['a', 'b', 'c'], revote: true }, 0);
    expect(pollState(revealPoll(unanswered), results, 'presenter', 0)).toStrictEqual({ ...shown, correctShown: true });
  });

  it('shows a countdown only while its round is open', () => {
    const counting = startCountdown(choicePoll, 10, 1_000);
    expect(pollState(counting, [], 'student', 4_000)).toStrictEqual({ id: 'p1', question: 'Which?', kind: 'single', options: ['a', 'b', 'c'], round: 1, status: 'open', revealed: false, correctShown: false, revote: true, closesInMs: 7_000 });
    expect(pollState(closePoll(counting), [], 'student', 4_000)).toStrictEqual({ id: 'p1', question: 'Which?', kind: 'single', options: ['a', 'b', 'c'], round: 1, status: 'closed', revealed: false, correctShown: false, revote: true });
  });
});

describe('the results export', () => {
  it('reports counts and percentages per round, and quotes CSV fields that need it', () => {
    const poll = { ...startRevote(choicePoll), question: 'Which, "really"?' };
    const report = resultsReport({ code: 'ROOM22', deckId: 'd' }, [{ poll, results: [tallyRound(poll, 1, [{ option: 0 }, { option: 1 }, { option: 1 }]), tallyRound(poll, 2, [{ option: 1 }])] }], 0);
    expect(report.polls[0]!.rounds[0]!.answers).toEqual([
      { answer: 'a', count: 1, percent: 33.3, correct: false },
      { answer: 'b', count: 2, percent: 66.7, correct: true },
      { answer: 'c', count: 0, percent: 0, correct: false },
    ]);
    const lines = resultsCsv(report).split('\r\n');
    expect(lines[1]).toBe('p1,"Which, ""really""?",single,1,3,a,1,33.3,false');
    expect(lines).toHaveLength(1 + 6 + 1);
  });
});

describe('what students type', () => {
  it('exports formula-looking answers as text: a leading quote before =, +, -, @ and tab', () => {
    const text = pollFromAdHoc('ROOM22', 't', { kind: 'text', question: '=1+1' }, 0);
    const planted = ['=hyperlink("http://evil","x")', '=cmd|\' /c calc\'!a0', '+1+1', '-2+3', '@sum(a1)', '\ttab', 'plain'];
    const report = resultsReport({ code: 'ROOM22', deckId: 'd' }, [{ poll: text, results: [tallyRound(text, 1, planted.map((t) => ({ text: t })), Infinity)] }], 0);
    const csv = resultsCsv(report);
    // Each planted cell starts with a quote mark inside the CSV field (quoted when it holds a comma or quote).
    for (const cell of ['"\'=hyperlink(""http://evil"",""x"")"', `'=cmd|' /c calc'!a0`, ",'+1+1,", ",'-2+3,", ",'@sum(a1),", ",'\ttab,", ",plain,", ",'=1+1,"]) {
      expect(csv).toContain(cell);
    }
    expect(report.polls[0]!.question).toBe('=1+1');
  });

  it('keeps every text answer: the cloud shows the top 40 and counts the rest, the export lists them all', () => {
    const text = pollFromAdHoc('ROOM22', 't', { kind: 'text', question: 'One word?' }, 0);
    const choices = [...Array.from({ length: 82 }, () => ({ text: 'junk' })), ...Array.from({ length: 45 }, (_, i) => ({ text: `honest ${i}` }))];
    const cloud = tallyRound(text, 1, choices);
    expect(cloud).toMatchObject({ ballots: 127, more: 46 - CLOUD_SIZE });
    expect(cloud.kind === 'text' && cloud.words).toHaveLength(CLOUD_SIZE);
    const everything = tallyRound(text, 1, choices, Infinity);
    expect(everything.kind === 'text' && everything.words.map((w) => w.text)).toEqual(['junk', ...Array.from({ length: 45 }, (_, i) => `honest ${i}`).sort((a, b) => a.localeCompare(b))]);
  });

  it('takes numbers within the deck’s min and max, or ± the configured bound', () => {
    const numeric = pollFromAdHoc('ROOM22', 'n', { kind: 'numeric', question: 'How many?' }, 0);
    const bounds = numericBounds({ id: 'n', question: 'q', revote: false, kind: 'numeric', min: 0, max: 100 }, 1e6);
    expect(bounds).toEqual({ min: 0, max: 100 });
    expect(numericBounds(undefined, 1e6)).toEqual({ min: -1e6, max: 1e6 });
    expect(vote(numeric, { value: 100 }, bounds)).toEqual({ value: 100 });
    for (const value of [100.5, -1, 1e9]) expect(() => vote(numeric, { value }, bounds)).toThrow('from 0 to 100');
    expect(() => vote(numeric, { value: 1e9 })).toThrow(Refusal);
  });

  it('neutralises bidi overrides, control characters and towers of combining marks', () => {
    expect(plainText('evil\u202Eeman')).toBe('evil eman');
    expect(plainText('a\u0000b\nc')).toBe('a b c');
    expect(plainText('q\u0301\u0302\u0303\u0304\u0305a')).toBe('q\u0301\u0302a');
    expect(plainText('e\u0301')).toBe('\u00e9');
    expect(plainText('👩\u200d💻')).toBe('👩\u200d💻');
  });
});
