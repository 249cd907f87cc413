'use client';
import { useEffect, useState } from 'react';
import type { PollReport, PredictionReport, ResultsReport } from '../../../../server/protocol/events';
import { getJson } from '../../../lib/get-json';
import type { Loaded } from '../../../lib/get-json';
import { usePresenterSecret } from '../../../lib/pairing';
import { RoomProblem } from '../../../room-problem';

/** Downloads with the presenter key in a header, which a plain link cannot send. */
async function download(code: string, secret: string, format: 'csv' | 'json') {
  const res = await fetch(`/api/rooms/${code}/results.${format}`, { headers: { authorization: `Bearer ${secret}` } });
  const url = URL.createObjectURL(await res.blob());
  const a = Object.assign(document.createElement('a'), { href: url, download: `yieldroom-${code}-results.${format}` });
  a.click();
  URL.revokeObjectURL(url);
}

/** After the talk: every poll, every round, counts and percentages; CSV and JSON export. */
export function ResultsView({ code }: { code: string }) {
  const { secret } = usePresenterSecret(code);
  const [report, setReport] = useState<Loaded<ResultsReport> | undefined>();
  useEffect(() => {
    if (secret) void getJson<ResultsReport>(`/api/rooms/${code}/results.json`, { authorization: `Bearer ${secret}` }).then(setReport);
  }, [code, secret]);

  if (secret === undefined) return <RoomProblem code={code} error={{ code: 'FORBIDDEN', message: `This browser does not hold the presenter key for room ${code}.` }} />;
  if (report && !report.ok) return <RoomProblem code={code} error={report.error} />;
  if (!report || !secret) return <main className="p-8 text-slate-300">Loading results…</main>;

  return (
    <div className="min-h-dvh bg-white text-slate-900">
      <main className="mx-auto flex max-w-4xl flex-col gap-8 p-8 print:p-0">
        <header className="flex flex-wrap items-end justify-between gap-4">
          <div>
            <h1 className="text-3xl font-bold">Results · room {code}</h1>
            <p className="text-slate-500">{plural(report.data.polls.length, 'poll')} · {plural(report.data.predictions.length, 'team prediction')} · exported {new Date(report.data.exportedAt).toLocaleString()}</p>
          </div>
          <div className="flex flex-wrap gap-2">
            <a href={`/r/${code}/print`} target="_blank" className="rounded bg-slate-200 px-4 py-2 font-semibold">
              Slides as PDF (for students)
            </a>
            <button className="rounded bg-slate-900 px-4 py-2 font-semibold text-white" onClick={() => download(code, secret, 'csv')}>
              Download CSV
            </button>
            <button className="rounded bg-slate-200 px-4 py-2 font-semibold" onClick={() => download(code, secret, 'json')}>
              Download JSON
            </button>
          </div>
        </header>
        {report.data.polls.length === 0 && report.data.predictions.length === 0 && <p>No polls or predictions were opened in this room.</p>}
        {report.data.predictions.map((prediction) => (
          <PredictionTable key={prediction.id} prediction={prediction} />
        ))}
        {report.data.polls.map((poll) => (
          <section key={poll.id} data-testid="results-poll" className="flex flex-col gap-3">
            <h2 className="text-xl font-semibold">{poll.question}</h2>
            {poll.kind === 'single' || poll.kind === 'multiple' ? <ChoiceTable poll={poll} /> : <RoundLists poll={poll} />}
          </section>
        ))}
      </main>
    </div>
  );
}

const VERDICT: Record<string, string> = { right: '✓', wrong: '✗', blank: '—' };

/** One team prediction: a row per team, a column per step, each team's answer and verdict. */
function PredictionTable({ prediction }: { prediction: PredictionReport }) {
  const teams = prediction.steps[0]?.teams ?? [];
  return (
    <section data-testid="results-prediction" className="flex flex-col gap-3">
      <h2 className="text-xl font-semibold">
        Team prediction · <code>{prediction.setup}</code>
      </h2>
      <div className="overflow-x-auto">
        <table className="w-full border-collapse text-left">
          <thead>
            <tr className="border-b border-slate-300">
              <th className="py-1 pr-4">Team</th>
              {prediction.steps.map((s) => (
                <th key={s.step} className="py-1 pr-4 font-mono text-sm">
                  {s.call}
                  <span className="block font-sans font-normal text-slate-500">Python: {s.answer}</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {teams.map((team, i) => (
              <tr key={team.team} className="border-b border-slate-200">
                <td className="py-1 pr-4">{team.name}</td>
                {prediction.steps.map((s) => (
                  <td key={s.step} className="py-1 pr-4 font-mono text-sm">
                    {s.teams[i]?.answer}
                    {s.teams[i]?.verdict ? ` ${VERDICT[s.teams[i]!.verdict!]}` : ''}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Choice polls: one row per option, one column per round, so the shift between rounds reads across. */
function ChoiceTable({ poll }: { poll: PollReport }) {
  return (
    <table className="w-full border-collapse text-left">
      <thead>
        <tr className="border-b border-slate-300 text-sm text-slate-500">
          <th className="py-1">Answer</th>
          {poll.rounds.map((r) => (
            <th key={r.round} className="py-1 text-right">
              Round {r.round} ({plural(r.ballots, 'vote')})
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {(poll.rounds[0]?.answers ?? []).map((a, i) => (
          <tr key={a.answer} className="border-b border-slate-100">
            <td className="py-1">
              {a.answer} {a.correct && <span className="font-semibold text-emerald-700">✓</span>}
            </td>
            {poll.rounds.map((r) => (
              <td key={r.round} className="py-1 text-right tabular-nums">
                {r.answers[i]?.count ?? 0} · {r.answers[i]?.percent ?? 0}%
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Numeric and text polls: each round has answers of its own (bins, words). */
function RoundLists({ poll }: { poll: PollReport }) {
  return (
    <div className="flex flex-wrap gap-8">
      {poll.rounds.map((r) => (
        <div key={r.round}>
          <h3 className="font-semibold">
            Round {r.round} ({plural(r.ballots, 'vote')})
          </h3>
          <ul>
            {r.answers.map((a) => (
              <li key={a.answer} className="tabular-nums">
                {a.answer}: {a.count} · {a.percent}% {a.correct && '✓'}
              </li>
            ))}
          </ul>
        </div>
      ))}
    </div>
  );
}
