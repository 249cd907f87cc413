import { binHolds } from '../../server/protocol/constants';
import type { PollState, RoundTally } from '../../server/protocol/events';

const LETTERS = 'ABCDEFGH';
const pct = (n: number, of: number) => (of === 0 ? 0 : Math.round((n / of) * 100));

/** The answer to mark: the presenter's own views always have it, the projector marks it only once `correctShown`. */
type Marked = { poll: PollState; markCorrect: boolean };

function isCorrect({ poll, markCorrect }: Marked, index: number) {
  return markCorrect && Array.isArray(poll.correct) && poll.correct.includes(index);
}

/** Bars per option; with a revote, the last two rounds side by side so the shift shows. */
function ChoiceBars({ poll, markCorrect, rounds }: Marked & { rounds: Extract<RoundTally, { counts: number[] }>[] }) {
  return (
    <ol className="poll-chart flex flex-col gap-3">
      {poll.options.map((option, i) => (
        <li key={i} data-testid="poll-bar" data-correct={isCorrect({ poll, markCorrect }, i) || undefined} className="flex flex-col gap-1">
          <span className="flex items-baseline gap-2">
            <span className="font-mono font-bold">{LETTERS[i]}</span>
            <span className="flex-1">{option}</span>
            {isCorrect({ poll, markCorrect }, i) && <span className="font-semibold text-emerald-300">✓ correct</span>}
          </span>
          {rounds.map((r) => (
            <span key={r.round} className="flex items-center gap-2">
              {rounds.length > 1 && <span className="w-8 text-sm text-slate-400">R{r.round}</span>}
              <span className="h-[1.1em] flex-1 overflow-hidden rounded bg-slate-700/60">
                <span
                  className={`block h-full rounded ${isCorrect({ poll, markCorrect }, i) ? 'bg-emerald-400' : r.round === poll.round ? 'bg-amber-400' : 'bg-slate-400'}`}
                  style={{ width: `${pct(r.counts[i] ?? 0, r.ballots)}%` }}
                />
              </span>
              <span className="poll-count w-24 text-right tabular-nums" data-testid={`count-r${r.round}`}>
                {r.counts[i] ?? 0} · {pct(r.counts[i] ?? 0, r.ballots)}%
              </span>
            </span>
          ))}
        </li>
      ))}
    </ol>
  );
}

function Histogram({ tally, correct }: { tally: Extract<RoundTally, { bins: unknown }>; correct?: number }) {
  const top = Math.max(1, ...tally.bins.map((b) => b.count));
  return (
    <div className="flex flex-col gap-2">
      <div className="flex h-40 items-end gap-1">
        {tally.bins.map((b, i) => (
          <div key={i} className="flex flex-1 flex-col items-center justify-end gap-1" title={`${b.from}–${b.to}: ${b.count}`}>
            <span className="text-sm tabular-nums">{b.count}</span>
            <span
              className={`w-full rounded-t ${correct !== undefined && binHolds(b, correct, i === tally.bins.length - 1) ? 'bg-emerald-400' : 'bg-amber-400'}`}
              style={{ height: `${(b.count / top) * 100}%` }}
            />
            <span className="text-xs text-slate-400">{b.from === b.to ? b.from : `${+b.from.toFixed(1)}–${+b.to.toFixed(1)}`}</span>
          </div>
        ))}
      </div>
      {tally.median !== null && <p className="text-slate-300">median {tally.median}{correct !== undefined ? ` · answer ${correct}` : ''}</p>}
    </div>
  );
}

function WordCloud({ tally }: { tally: Extract<RoundTally, { words: unknown }> }) {
  const top = Math.max(1, ...tally.words.map((w) => w.count));
  return (
    <p className="flex flex-wrap items-baseline justify-center gap-x-4 gap-y-1">
      {tally.words.map((w) => (
        <span key={w.text} data-testid="cloud-word" style={{ fontSize: `${1 + (w.count / top) * 1.6}em` }} className="max-w-full font-semibold break-words text-amber-300 [unicode-bidi:isolate]">
          {w.text}
        </span>
      ))}
    </p>
  );
}

/** Results of a poll as everyone reads them: bars, a histogram or a word cloud; the answer marked unless `markCorrect` is false. */
export function PollChart({ poll, markCorrect = true }: { poll: PollState; markCorrect?: boolean }) {
  const results = poll.results ?? [];
  const latest = results.at(-1);
  if (!latest) return null;
  if (latest.kind === 'numeric') return <Histogram tally={latest} correct={markCorrect && typeof poll.correct === 'number' ? poll.correct : undefined} />;
  if (latest.kind === 'text') return <WordCloud tally={latest} />;
  return <ChoiceBars poll={poll} markCorrect={markCorrect} rounds={results.slice(-2).filter((r): r is Extract<RoundTally, { counts: number[] }> => 'counts' in r)} />;
}

export { LETTERS };
