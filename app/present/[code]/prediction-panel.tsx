'use client';
import { useState } from 'react';
import type { DeckPrediction } from '../../../server/decks/types';
import type { PredictionState, StepRecord } from '../../../server/protocol/predictions';
import { usePredictionBoard } from './projector-reveal';
import { ERROR_MESSAGES } from '../../../server/protocol/constants';
import { outcomeLabel } from '../../../server/predictions/outcome';
import type { RoomSocket } from '../../lib/use-room';

/**
 * The speaker view's class view of a prediction: lock and reveal step by step, the spread of the
 * teams' answers per step, who is still editing, a scoreboard, a step as a poll, and what-ifs.
 */
export function PredictionPanel({ prediction, state, socket }: { prediction: DeckPrediction; state: PredictionState | null; socket?: RoomSocket }) {
  const board = usePredictionBoard(socket, prediction.id);
  const [error, setError] = useState<string | undefined>();
  const [whatIf, setWhatIf] = useState(prediction.steps.join('\n'));
  const [ran, setRan] = useState<StepRecord[] | undefined>();
  const [tables, setTables] = useState(4);
  const id = prediction.id;

  const act = (event: 'predict:lock' | 'predict:unlock' | 'predict:reveal') =>
    socket?.emit(event, { predictionId: id }, (res) => setError(res.ok ? undefined : res.error.message || ERROR_MESSAGES[res.error.code]));
  const poll = (step: number) => socket?.emit('predict:poll', { predictionId: id, step }, (res) => setError(res.ok ? undefined : res.error.message));
  const run = () =>
    socket?.emit('predict:whatif', { predictionId: id, steps: whatIf.split('\n').map((s) => s.trim()).filter(Boolean) }, (res) => {
      setError(res.ok ? undefined : res.error.message);
      setRan(res.ok ? res.data : undefined);
    });
  const configure = (mode: 'auto' | 'tables') =>
    socket?.emit('teams:configure', mode === 'auto' ? { mode } : { mode, tables }, (res) => setError(res.ok ? undefined : res.error.message));
  const revealed = state?.revealed.length ?? 0;
  const teamCount = Math.max(1, board?.teams.length ?? 0);
  const name = (teamId: string) => board?.teams.find((t) => t.id === teamId)?.name ?? teamId;

  return (
    <section data-testid="prediction-panel" className="flex flex-col gap-3 rounded-lg bg-violet-950/60 p-4">
      <h2 className="text-xs tracking-wide text-violet-300 uppercase">Team predictions · {state?.status === 'locked' ? 'locked' : 'open for editing'}</h2>
      <div className="flex flex-wrap gap-2">
        {state?.status !== 'locked' && (
          <button onClick={() => act('predict:lock')} className="rounded-md bg-slate-700 px-3 py-1.5">
            Lock sheets
          </button>
        )}
        {state?.status === 'locked' && revealed === 0 && (
          <button onClick={() => act('predict:unlock')} className="rounded-md bg-slate-700 px-3 py-1.5">
            Reopen sheets
          </button>
        )}
        <button disabled={revealed >= prediction.steps.length} onClick={() => act('predict:reveal')} className="rounded-md bg-amber-400 px-3 py-1.5 font-semibold text-slate-900 disabled:opacity-40">
          Reveal step {Math.min(revealed + 1, prediction.steps.length)}
        </button>
      </div>
      {error && <p className="text-red-300">{error}</p>}
      <ol className="flex flex-col gap-2" data-testid="prediction-spread">
        {prediction.steps.map((call, step) => {
          const spread = board?.steps[step];
          return (
            <li key={step} className="flex flex-col gap-1">
              <span className="flex items-center gap-2">
                <code className="font-mono">{call}</code>
                {state?.revealed[step] && <span className="font-semibold text-emerald-200">→ {outcomeLabel(state.revealed[step].outcome)}</span>}
                <button onClick={() => poll(step)} className="ml-auto rounded bg-slate-700 px-2 py-0.5 text-sm">
                  Poll this step
                </button>
              </span>
              <ol className="flex flex-col gap-1 text-sm" aria-label={`How the teams predicted ${call}`}>
                {spread?.answers.map((a) => (
                  <li key={a.label} data-testid="spread-answer" className="flex items-center gap-2">
                    <code className={`w-32 truncate ${a.correct ? 'text-emerald-300' : ''}`}>{a.label}</code>
                    <span className="h-3 w-32 overflow-hidden rounded bg-slate-700">
                      <span className={`block h-full ${a.correct ? 'bg-emerald-400' : 'bg-slate-400'}`} style={{ width: `${(a.teams.length / teamCount) * 100}%` }} />
                    </span>
                    <span className="text-slate-300">{a.teams.map(name).join(', ')}</span>
                  </li>
                ))}
                {spread && spread.blank.length > 0 && <li className="text-slate-400">no answer yet: {spread.blank.map(name).join(', ')}</li>}
              </ol>
            </li>
          );
        })}
      </ol>
      <table className="text-left text-sm" data-testid="scoreboard">
        <thead className="text-slate-400">
          <tr>
            <th>Team</th>
            <th>Members</th>
            <th>Rows filled</th>
            <th>Score</th>
          </tr>
        </thead>
        <tbody>
          {board?.teams.map((t) => (
            <tr key={t.id}>
              <td>
                {t.name}
                {t.editing ? ' · editing' : ''}
              </td>
              <td>{t.members}</td>
              <td>
                {t.filled}/{prediction.steps.length}
              </td>
              <td>
                {t.right}/{t.graded}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form
        className="flex flex-wrap items-center gap-2"
        aria-label="Teams"
        onSubmit={(e) => {
          e.preventDefault();
          configure('tables');
        }}
      >
        <span>Teams:</span>
        <button type="button" onClick={() => configure('auto')} className="rounded-md bg-slate-700 px-3 py-1.5">
          Form by join order
        </button>
        <span>or</span>
        <input aria-label="Number of tables" type="number" min={2} max={40} value={tables} onChange={(e) => setTables(Number(e.target.value))} className="w-20 rounded bg-slate-800 px-2 py-1.5" />
        <button className="rounded-md bg-slate-700 px-3 py-1.5">Use tables</button>
      </form>
      <details>
        <summary className="cursor-pointer">What if… (run other steps in Python)</summary>
        <textarea aria-label="What-if steps, one per line" rows={4} value={whatIf} onChange={(e) => setWhatIf(e.target.value)} className="mt-2 w-full rounded bg-slate-800 p-2 font-mono" />
        <button onClick={run} className="rounded-md bg-slate-700 px-3 py-1.5">
          Run
        </button>
        {ran && (
          <ol className="mt-2 font-mono text-sm" data-testid="whatif-result">
            {ran.map((r, i) => (
              <li key={i}>
                {r.call} → {outcomeLabel(r.outcome)}
                {r.printed ? ` · prints ${JSON.stringify(r.printed.trimEnd())}` : ''}
              </li>
            ))}
          </ol>
        )}
      </details>
    </section>
  );
}
