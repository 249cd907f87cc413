'use client';
import { useState } from 'react';
import type { AdHocPoll, ClientToServerEvents, PollState } from '../../../server/protocol/events';
import { Countdown } from '../../lib/countdown';
import { PollChart } from '../../lib/poll-chart';
import type { RoomSocket } from '../../lib/use-room';

type PollEvent = 'poll:close' | 'poll:split' | 'poll:reveal' | 'poll:revote' | 'poll:reset';

const votes = (poll: PollState) => poll.results?.find((r) => r.round === poll.round)?.ballots ?? 0;
/** Distinct text answers the word cloud leaves out. */
const latestMore = (poll: PollState) => {
  const latest = poll.results?.at(-1);
  return latest?.kind === 'text' ? latest.more : 0;
};

/** Countdowns the speaker view offers for an open round (the protocol takes 5 to 600 seconds). */
const COUNTDOWNS = [10, 30, 60];

/** Close (now or after a countdown), show the split, reveal, vote again, reset: the presenter's buttons for the poll on screen. */
export function PollControls({ poll, socket, big = false }: { poll: PollState; socket?: RoomSocket; big?: boolean }) {
  const act = (event: PollEvent) => (socket?.emit as (e: keyof ClientToServerEvents, p: { pollId: string }, ack: () => void) => void)(event, { pollId: poll.id }, () => undefined);
  const countdown = (seconds: number) => socket?.emit('poll:countdown', { pollId: poll.id, seconds }, () => undefined);
  const button = `rounded-lg font-semibold ${big ? 'px-5 py-3 text-xl' : 'px-3 py-1.5'}`;
  return (
    <div className="flex flex-wrap gap-2">
      {poll.status === 'open' && (
        <button className={`${button} bg-slate-600`} onClick={() => act('poll:close')}>
          Close voting
        </button>
      )}
      {poll.status === 'open' &&
        poll.closesInMs === undefined &&
        COUNTDOWNS.map((seconds) => (
          <button key={seconds} className={`${button} bg-slate-600`} onClick={() => countdown(seconds)} title={`Voting closes in ${seconds} seconds`}>
            {seconds} s
          </button>
        ))}
      {!poll.revealed && poll.correct !== undefined && (
        <button className={`${button} bg-sky-300 text-slate-900`} onClick={() => act('poll:split')} title="The room sees how it voted, not the answer (D)">
          Show split
        </button>
      )}
      {!(poll.revealed && poll.correctShown) && (
        <button className={`${button} bg-emerald-400 text-slate-900`} onClick={() => act('poll:reveal')} title="Results and the answer (R)">
          {poll.revealed ? 'Reveal answer' : 'Reveal results'}
        </button>
      )}
      <button className={`${button} bg-amber-400 text-slate-900`} onClick={() => act('poll:revote')} title="Open another round of the same question">
        Vote again
      </button>
      <button className={`${button} bg-slate-700`} onClick={() => window.confirm('Delete every vote of this poll?') && act('poll:reset')}>
        Reset
      </button>
    </div>
  );
}

/** The speaker view's live chart: what the class answers, visible to the presenter only. */
export function PollPanel({ poll, audience, socket }: { poll: PollState; audience: number; socket?: RoomSocket }) {
  return (
    // On a narrow screen (a phone as clicker) the buttons come right under the question, above the chart.
    <section data-testid="poll-panel" className="flex flex-col gap-3 rounded-lg bg-slate-800 p-3 text-base lg:p-4 lg:text-lg">
      <header className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 className="font-semibold">{poll.question}</h2>
        <span data-testid="poll-progress" className="text-slate-300">
          Round {poll.round} · {poll.status}{poll.revealed && !poll.correctShown ? ' · split shown, answer hidden' : ''} · {votes(poll)} / {audience} voted <Countdown poll={poll} />
        </span>
      </header>
      {votes(poll) > audience && (
        <p data-testid="ballots-exceed" className="rounded bg-red-900/60 px-3 py-2 text-base text-red-100">
          {votes(poll)} ballots but {audience} phones connected: phones that voted and then locked explain a few; many more may be someone voting from several identities.
        </p>
      )}
      <div className="max-lg:order-2">
        <PollChart poll={poll} />
      </div>
      {latestMore(poll) > 0 && (
        <p data-testid="cloud-more" className="text-slate-300 max-lg:order-3">
          and {latestMore(poll)} more answers (all in the export)
        </p>
      )}
      <PollControls poll={poll} socket={socket} />
    </section>
  );
}

/**
 * On the projector, for the room: the question, how many have voted and, only after the reveal,
 * the results (live bars would sway the room). The presenter's buttons stay in the speaker view.
 */
export function ProjectorPoll({ poll, audience }: { poll: PollState; audience: number }) {
  const status = poll.revealed ? (poll.correctShown || poll.correct === undefined ? 'Results' : 'How the room split') : poll.status === 'open' ? 'Vote on your phone' : 'Voting closed';
  return (
    <aside data-testid="projector-poll" aria-label="Poll" className={`projector-band projector-poll ${poll.revealed ? 'revealed' : ''}`}>
      <div className="projector-band-head">
        <p className="projector-question" data-testid="projector-question">
          {poll.question}
        </p>
        <p className="projector-band-status">
          <span className="font-semibold">{status}</span>
          <Countdown poll={poll} />
          <span data-testid="projector-votes" className="tabular-nums">
            {votes(poll)} / {audience} voted{poll.round > 1 ? ` · round ${poll.round}` : ''}
          </span>
        </p>
      </div>
      {poll.revealed ? <PollChart poll={poll} markCorrect={poll.correctShown} /> : <progress aria-label="Votes so far" className="h-3 w-full accent-amber-400" max={Math.max(audience, 1)} value={votes(poll)} />}
    </aside>
  );
}

/** A question on the spot: the phones get it at once. */
export function AdHocPollForm({ socket }: { socket?: RoomSocket }) {
  const [question, setQuestion] = useState('');
  const [kind, setKind] = useState<AdHocPoll['kind']>('single');
  const [options, setOptions] = useState('');
  const [error, setError] = useState<string | undefined>();
  const submit = () => {
    const lines = options.split('\n').map((o) => o.trim()).filter(Boolean);
    const adHoc: AdHocPoll = kind === 'single' || kind === 'multiple' ? { kind, question, options: lines } : { kind, question };
    socket?.emit('poll:open', { adHoc }, (res) => {
      if (res.ok) {
        // Hand the keys back to the deck: R, C and A act on the poll just opened.
        if (document.activeElement instanceof HTMLElement) document.activeElement.blur();
        setQuestion('');
        setOptions('');
        setError(undefined);
      } else setError(res.error.message);
    });
  };
  return (
    <details className="rounded-lg bg-slate-800/60 p-3">
      <summary className="cursor-pointer text-slate-300">Ask a quick poll</summary>
      <form
        className="mt-3 flex flex-col gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <input aria-label="Question" placeholder="Question" value={question} onChange={(e) => setQuestion(e.target.value)} className="rounded bg-slate-700 px-3 py-2" />
        <select aria-label="Kind" value={kind} onChange={(e) => setKind(e.target.value as AdHocPoll['kind'])} className="rounded bg-slate-700 px-3 py-2">
          <option value="single">Single choice</option>
          <option value="multiple">Multiple choice</option>
          <option value="numeric">Number (histogram)</option>
          <option value="text">Short text (word cloud)</option>
        </select>
        {(kind === 'single' || kind === 'multiple') && (
          <textarea aria-label="Options, one per line" placeholder="One option per line" rows={4} value={options} onChange={(e) => setOptions(e.target.value)} className="rounded bg-slate-700 px-3 py-2" />
        )}
        {error && <p className="text-red-300">{error}</p>}
        <button className="self-start rounded bg-amber-400 px-4 py-2 font-semibold text-slate-900">Open poll</button>
      </form>
    </details>
  );
}
