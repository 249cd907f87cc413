'use client';
import { useEffect, useState } from 'react';
import type { DeckPrediction } from '../../../server/decks/types';
import type { PredictionBoard, PredictionState } from '../../../server/protocol/predictions';
import { outcomeLabel } from '../../../server/predictions/outcome';
import type { RoomSocket } from '../../lib/use-room';

/** The presenters' class view of one prediction, kept current from `predict:board`. */
export function usePredictionBoard(socket: RoomSocket | undefined, predictionId: string | undefined) {
  const [board, setBoard] = useState<PredictionBoard | undefined>();
  useEffect(() => {
    if (!socket || !predictionId) return;
    const onBoard = (b: PredictionBoard) => b.predictionId === predictionId && setBoard(b);
    socket.on('predict:board', onBoard);
    socket.emit('predict:board', { predictionId }, (res) => res.ok && setBoard(res.data));
    return () => void socket.off('predict:board', onBoard);
  }, [socket, predictionId]);
  return board?.predictionId === predictionId ? board : undefined;
}

/**
 * On the projector, a revealed step: what Python did, what it printed, where the generator is
 * suspended (the line lit in the example's code), and how the teams had predicted it. Nothing of
 * a step shows before the presenter reveals it.
 */
export function ProjectorReveal({ prediction, state, board }: { prediction: DeckPrediction; state: PredictionState; board?: PredictionBoard }) {
  const step = state.revealed.length - 1;
  const record = state.revealed[step];
  if (!record) {
    const teams = board?.teams ?? [];
    return (
      <aside data-testid="projector-reveal" aria-label="Team predictions" className="projector-band">
        <p className="projector-question">{state.status === 'open' ? 'Predict with your team on your phone' : 'Predictions locked'}</p>
        <p className="projector-band-status">
          {teams.length} team{teams.length === 1 ? '' : 's'} · {teams.filter((t) => t.editing).length} editing now
        </p>
      </aside>
    );
  }
  const spread = board?.steps[step];
  const teams = spread ? spread.answers.reduce((n, a) => n + a.teams.length, spread.blank.length) : 0;
  const line = record.at && record.at.file === prediction.file ? record.at.line : undefined;
  // A window of the example around the suspended line, so it reads from the back of the room.
  const from = line ? Math.max(0, line - 4) : 0;
  const lines = prediction.code.slice(from, from + 8);
  return (
    <aside data-testid="projector-reveal" aria-label="Revealed step" className="projector-side flex flex-col gap-4 text-2xl">
      <p className="flex flex-wrap items-baseline gap-x-3">
        <span className="text-slate-400">Step {step + 1}</span>
        <code className="font-mono">{record.call}</code>
        <span className="font-semibold text-emerald-300" data-testid="revealed-outcome">
          → {outcomeLabel(record.outcome)}
        </span>
      </p>
      {record.printed && (
        <pre className="rounded bg-black/40 p-3 font-mono text-xl" aria-label="What it printed">
          {record.printed.trimEnd()}
        </pre>
      )}
      {line && (
        <figure className="flex flex-col gap-1">
          <figcaption className="text-lg text-slate-400">
            suspended in {record.at!.function}(), line {line}
          </figcaption>
          <div className="code-steps reveal-code">
            <pre className="code">
              <code className="hljs language-python">
                {lines.map((html, i) => (
                  <span key={i} data-line={from + i + 1} className={`line ${from + i + 1 === line ? 'hl' : 'dim'}`} dangerouslySetInnerHTML={{ __html: html || ' ' }} />
                ))}
              </code>
            </pre>
          </div>
        </figure>
      )}
      {spread && teams > 0 && (
        <ol className="flex flex-col gap-2 text-xl" data-testid="projector-spread">
          {spread.answers.map((a) => (
            <li key={a.label} className="flex items-center gap-3">
              <code className={`w-40 truncate font-mono ${a.correct ? 'text-emerald-300' : ''}`}>{a.label}</code>
              <span className="h-[1em] flex-1 overflow-hidden rounded bg-slate-700/60">
                <span className={`block h-full ${a.correct ? 'bg-emerald-400' : 'bg-slate-400'}`} style={{ width: `${(a.teams.length / teams) * 100}%` }} />
              </span>
              <span className="w-24 text-right tabular-nums">
                {a.teams.length} team{a.teams.length === 1 ? '' : 's'}
              </span>
            </li>
          ))}
        </ol>
      )}
    </aside>
  );
}
