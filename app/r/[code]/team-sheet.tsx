'use client';
import { useState } from 'react';
import { TEAM_LIMITS } from '../../../server/protocol/constants';
import type { PublicPrediction } from '../../../server/decks/types';
import type { MyTeam, PredictionState, RowKind } from '../../../server/protocol/predictions';
import { outcomeLabel } from '../../../server/predictions/outcome';
import type { RoomSocket } from '../../lib/use-room';
import { useSheet } from './use-sheet';

const KINDS: { kind: RowKind; label: string }[] = [
  { kind: 'value', label: 'gives' },
  { kind: 'stop', label: 'StopIteration' },
  { kind: 'raise', label: 'raises' },
];

type SheetProps = { socket?: RoomSocket; online: boolean; prediction: PublicPrediction; state: PredictionState; team: MyTeam };

/** Team name and members, the grading rule, and a row per step to fill in together. */
export default function TeamSheet({ socket, online, prediction, state, team }: SheetProps) {
  const sheet = useSheet(socket, prediction.id, online);
  const [name, setName] = useState('');
  const locked = state.status === 'locked';
  const verdicts = team.team ? (state.grades[team.team.id] ?? []) : [];
  const rename = () => name.trim() && socket?.emit('team:rename', { name: name.trim() }, () => setName(''));

  return (
    <section aria-label="Team prediction" data-testid="team-sheet" className="mx-4 mb-4 flex flex-col gap-3 rounded-2xl bg-slate-800 p-4">
      <header className="flex flex-col gap-1">
        <h2 className="text-lg font-semibold" data-testid="team-name">
          {team.team?.name ?? 'No team yet'}
        </h2>
        <ul className="flex flex-wrap gap-2 text-sm" aria-label="Team members">
          {team.team?.members.map((m) => (
            <li key={m.id} className="flex items-center gap-1">
              <span className="inline-block h-2.5 w-2.5 rounded-full" style={{ background: m.color }} />
              {m.name}
              {m.id === team.me.id ? ' (you)' : ''}
            </li>
          ))}
        </ul>
      </header>
      <p className="text-sm text-slate-400">Graded as Python values: 15 = 15.0, &apos;a&apos; = &quot;a&quot;, (1,2) = (1, 2).</p>
      <ol className="flex flex-col gap-3">
        {prediction.steps.map((call, i) => {
          const row = sheet.rows[i] ?? { kind: '', value: '', prints: '' };
          const revealed = state.revealed[i];
          const verdict = verdicts[i];
          const here = sheet.presence.filter((p) => p.row === i);
          return (
            <li key={i} data-testid="sheet-row" data-verdict={verdict ?? undefined} className={`flex flex-col gap-2 rounded-xl p-3 ${verdict === 'right' ? 'bg-emerald-900/60' : verdict ? 'bg-red-900/50' : 'bg-slate-700/50'}`}>
              <span className="flex items-center justify-between gap-2">
                <code className="font-mono text-base">
                  {call}
                  {!prediction.graded.includes(i) && <span className="ml-2 font-sans text-sm text-slate-400">not scored</span>}
                </code>
                <span className="flex gap-1">
                  {here.map((p) => (
                    <span key={p.clientId} data-testid="presence" className="rounded px-1.5 text-xs font-semibold text-slate-900" style={{ background: p.color }}>
                      {p.name}
                    </span>
                  ))}
                </span>
              </span>
              <span className="flex gap-2">
                <select aria-label={`What ${call} does`} disabled={locked} value={row.kind || 'value'} onChange={(e) => sheet.setKind(i, e.target.value)} className="rounded-lg bg-slate-700 px-2 py-2">
                  {KINDS.map((k) => (
                    <option key={k.kind} value={k.kind}>
                      {k.label}
                    </option>
                  ))}
                </select>
                <input
                  aria-label={`Answer for ${call}`}
                  disabled={locked}
                  value={row.value}
                  placeholder={row.kind === 'raise' ? 'ValueError' : row.kind === 'stop' ? 'value (optional)' : 'a value'}
                  onFocus={() => sheet.focusRow(i)}
                  onBlur={() => sheet.focusRow(null)}
                  onChange={(e) => sheet.setText(i, 'value', e.target.value)}
                  className="min-w-0 flex-1 rounded-lg bg-slate-700 px-3 py-2 font-mono outline-none focus:ring-2 focus:ring-amber-400"
                />
              </span>
              {prediction.prints && (
                <input
                  aria-label={`What ${call} prints`}
                  disabled={locked}
                  value={row.prints}
                  placeholder="prints (empty: nothing)"
                  onChange={(e) => sheet.setText(i, 'prints', e.target.value)}
                  className="rounded-lg bg-slate-700 px-3 py-2 font-mono text-sm outline-none focus:ring-2 focus:ring-amber-400"
                />
              )}
              {revealed && (
                <span data-testid="revealed" className="text-base">
                  {verdict === 'right' ? '✓ right' : verdict === 'wrong' ? '✗ not this time' : verdict === 'blank' ? '— no answer' : ''} · Python: <code className="font-mono">{outcomeLabel(revealed.outcome)}</code>
                  {revealed.printed ? ` · printed ${JSON.stringify(revealed.printed.trimEnd())}` : ''}
                </span>
              )}
            </li>
          );
        })}
      </ol>
      {sheet.error && <p className="text-red-300">{sheet.error}</p>}
      <p className="text-sm text-slate-400">{locked ? 'Predictions are locked.' : 'Edits are shared with your team as you type.'}</p>
      <form
        className="flex gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          rename();
        }}
      >
        <input aria-label="Your name" placeholder={team.me.name} maxLength={TEAM_LIMITS.name} value={name} onChange={(e) => setName(e.target.value)} className="min-w-0 flex-1 rounded-lg bg-slate-700 px-3 py-2" />
        <button disabled={!name.trim()} className="rounded-lg bg-slate-600 px-3 disabled:opacity-40">
          Rename
        </button>
      </form>
    </section>
  );
}
