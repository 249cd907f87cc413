import { stringify } from 'csv-stringify/sync';
import type { AnswerRow, Choice, PredictionReport, ResultsReport, RoundTally } from '../protocol';
import { binHolds } from '../protocol';
import type { Poll } from './poll';

const percent = (count: number, of: number) => (of === 0 ? 0 : Math.round((count / of) * 1000) / 10);

function answers(poll: Poll, tally: RoundTally): AnswerRow[] {
  const isCorrect = (i: number) => Array.isArray(poll.correct) && poll.correct.includes(i);
  switch (tally.kind) {
    case 'single':
    case 'multiple':
      return tally.counts.map((count, i) => ({ answer: poll.options[i]!, count, percent: percent(count, tally.ballots), correct: isCorrect(i) }));
    case 'numeric':
      return tally.bins.map((b, i) => ({
        answer: b.from === b.to ? String(b.from) : `${+b.from.toFixed(3)} to ${+b.to.toFixed(3)}`,
        count: b.count,
        percent: percent(b.count, tally.ballots),
        correct: typeof poll.correct === 'number' && binHolds(b, poll.correct, i === tally.bins.length - 1),
      }));
    case 'text':
      return tally.words.map((w) => ({ answer: w.text, count: w.count, percent: percent(w.count, tally.ballots), correct: w.text === poll.correct }));
  }
}

/** One ballot as the export shows it. */
function choiceLabel(poll: Poll, choice: Choice): string {
  if ('option' in choice) return poll.options[choice.option] ?? '';
  if ('options' in choice) return choice.options.map((i) => poll.options[i]).join('; ');
  return 'value' in choice ? String(choice.value) : choice.text;
}

/** Every poll, every round: counts and percentages of ballots cast in that round. */
export function resultsReport(
  room: { code: string; deckId: string },
  polls: { poll: Poll; results: RoundTally[]; named?: { round: number; name: string; choice: Choice }[] }[],
  now: number,
  predictions: PredictionReport[] = [],
): ResultsReport {
  return {
    predictions,
    room: room.code,
    deckId: room.deckId,
    exportedAt: new Date(now).toISOString(),
    polls: polls.map(({ poll, results, named }) => ({
      id: poll.id,
      question: poll.question,
      kind: poll.kind,
      rounds: results.map((tally) => ({ round: tally.round, ballots: tally.ballots, answers: answers(poll, tally) })),
      ...(named ? { named: named.map((b) => ({ round: b.round, name: b.name, answer: choiceLabel(poll, b.choice) })) } : {}),
    })),
  };
}

/**
 * RFC 4180 from csv-stringify, with its formula escaping: a cell that begins with =, +, -, @, tab
 * or CR (a student's answer like `=HYPERLINK(…)`) gets a leading ' so a spreadsheet shows it as
 * text instead of running it.
 */
export function resultsCsv(report: ResultsReport): string {
  const rows = [['poll_id', 'question', 'kind', 'round', 'ballots', 'answer', 'count', 'percent', 'correct']];
  for (const poll of report.polls) {
    for (const round of poll.rounds) {
      for (const a of round.answers) rows.push([poll.id, poll.question, poll.kind, String(round.round), String(round.ballots), a.answer, String(a.count), String(a.percent), String(a.correct)]);
    }
  }
  // A team prediction reads like a poll whose voters are teams: per step, each answer and how many teams gave it.
  for (const prediction of report.predictions) {
    for (const step of prediction.steps) {
      const given = step.teams.filter((t) => t.answer !== '');
      const counts = new Map<string, number>();
      for (const t of given) counts.set(t.answer, (counts.get(t.answer) ?? 0) + 1);
      for (const [answer, count] of counts) {
        rows.push([prediction.id, step.call, 'team prediction', String(step.step), String(given.length), answer, String(count), String(percent(count, given.length)), String(answer === step.answer)]);
      }
    }
  }
  return stringify(rows, { escape_formulas: true, record_delimiter: 'windows' });
}
