import type { DeckPoll, StepDifference, StepRecord } from '../../../server/decks/types';

function describe(record: StepRecord): string {
  const { outcome } = record;
  switch (outcome.kind) {
    case 'value':
      return record.call.endsWith('.close()') ? `returns ${outcome.repr}` : `→ ${outcome.repr}`;
    case 'stop':
      return `StopIteration (value ${outcome.repr})`;
    case 'raise':
      return `${outcome.type}${outcome.message ? `: ${outcome.message}` : ''}`;
    case 'timeout':
      return 'did not finish in time';
  }
}

/** A run of versions as people say it: `3.10.13, 3.11.7, 3.12.1`. */
const versionList = (versions: string[]) => versions.join(', ');

/**
 * The executed answer key of a prediction slide, for the presenter's eyes only: the Python it ran
 * on, and, under a step, what other CPythons the build ran it on answer instead.
 */
export function AnswerKey({ records, ranOn, checked, differences }: { records: StepRecord[]; ranOn: string; checked: string[]; differences: StepDifference[] }) {
  return (
    <section data-testid="answer-key" className="rounded-lg bg-emerald-950/60 p-4">
      <h2 className="text-xs tracking-wide text-emerald-300 uppercase">Answer key · executed in Python {ranOn} (Pyodide)</h2>
      <ol className="mt-2 flex flex-col gap-1 font-mono text-lg">
        {records.map((r, i) => (
          <li key={i} className="flex flex-wrap gap-x-3">
            <span className="text-slate-300">{r.call}</span>
            <span className="font-semibold text-emerald-200">{describe(r)}</span>
            <span className="text-sm text-slate-400">
              {r.state?.replace('GEN_', '').toLowerCase()}
              {r.at ? ` at line ${r.at.line}` : ''}
              {r.printed ? ` · prints ${JSON.stringify(r.printed.trimEnd())}` : ''}
            </span>
            {differences
              .filter((d) => d.step === i)
              .map((d) => (
                <span key={d.versions.join()} data-testid="version-difference" className="basis-full pl-4 font-sans text-base text-amber-300">
                  On CPython {versionList(d.versions)}: {describe(d.record)}
                  {d.record.printed !== r.printed ? ` · prints ${JSON.stringify(d.record.printed.trimEnd())}` : ''}
                </span>
              ))}
          </li>
        ))}
      </ol>
      {checked.length > 0 && (
        <p className="mt-2 text-sm text-slate-400">
          Also run on CPython {versionList(checked)}
          {differences.length > 0 ? ': the same except where marked.' : ': the same answers.'}
        </p>
      )}
    </section>
  );
}

export function PollAnswer({ poll }: { poll: DeckPoll }) {
  const correct =
    poll.kind === 'single' || poll.kind === 'multiple' ? poll.correct?.map((i) => poll.options[i]).join(', ') : poll.kind === 'numeric' ? poll.correct : undefined;
  return (
    <section className="rounded-lg bg-sky-950/60 p-4 text-lg">
      <h2 className="text-xs tracking-wide text-sky-300 uppercase">Poll · {poll.kind}{poll.revote ? ' · with a revote' : ''}</h2>
      <p className="mt-1">{poll.question}</p>
      {correct !== undefined && <p className="mt-1 font-semibold text-sky-200">Correct: {correct}</p>}
    </section>
  );
}
