'use client';
import { useEffect, useRef, useState } from 'react';
import { ERROR_MESSAGES, POLL_LIMITS, TEAM_LIMITS } from '../../../server/protocol/constants';
import type { Choice, MyVote, PollState } from '../../../server/protocol/events';
import { Countdown } from '../../lib/countdown';
import { LETTERS, PollChart } from '../../lib/poll-chart';
import type { CastVote, RoomSocket } from '../../lib/use-room';

function describeChoice(poll: PollState, choice: Choice): string {
  if ('option' in choice) return `${LETTERS[choice.option]}: ${poll.options[choice.option]}`;
  if ('options' in choice) return choice.options.map((i) => LETTERS[i]).join(', ');
  if ('value' in choice) return String(choice.value);
  return `“${choice.text}”`;
}

/** After the reveal: whether the held choice was the answer, for choice polls that have one. */
function verdict(poll: PollState, choice: Choice): string {
  if (!Array.isArray(poll.correct) || poll.correct.length === 0) return '';
  const held = 'option' in choice ? [choice.option] : 'options' in choice ? choice.options : [];
  const right = held.length === poll.correct.length && held.every((i) => (poll.correct as number[]).includes(i));
  return right ? ' · right!' : ' · not this time';
}

/**
 * Scrolls the page so `el` sits between the sticky header and the sticky nav: its bottom just
 * above the nav, or, when it is taller than that room, its top just under the header.
 */
function bringIntoView(el: HTMLElement) {
  const header = document.querySelector<HTMLElement>('[data-phone-header]')?.offsetHeight ?? 0;
  const nav = document.querySelector<HTMLElement>('[data-phone-nav]')?.offsetHeight ?? 0;
  const box = el.getBoundingClientRect();
  let dy = box.bottom - (window.innerHeight - nav - 8);
  if (box.top - dy < header + 8) dy = box.top - header - 8;
  const still = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  window.scrollBy({ top: dy, behavior: still ? 'instant' : 'smooth' });
}

/** The phone's ballot: one tap for a choice; what the server holds is what it shows. */
export function Ballot({
  poll,
  myVote,
  castVote,
  onVoted,
  socket,
}: {
  poll: PollState;
  myVote: MyVote | null;
  castVote: CastVote;
  onVoted: (vote: MyVote) => void;
  socket?: RoomSocket;
}) {
  const [picked, setPicked] = useState<number[]>([]);
  const [draft, setDraft] = useState('');
  const [sending, setSending] = useState(false);
  const [queued, setQueued] = useState<Choice | undefined>();
  const [error, setError] = useState<string | undefined>();
  const ref = useRef<HTMLElement>(null);
  // A poll that counts refuses a ballot until the student has given a name; then the same choice is sent again.
  const [nameFor, setNameFor] = useState<Choice | undefined>();
  const [name, setName] = useState('');
  const open = poll.status === 'open';

  // A poll that opens, a new round and a reveal come into view wherever the student had scrolled.
  useEffect(() => {
    if (ref.current) bringIntoView(ref.current);
  }, [poll.id, poll.round, poll.revealed, poll.correctShown]);
  useEffect(() => {
    if (open) navigator.vibrate?.(150);
  }, [poll.id, poll.round, open]);

  const send = (choice: Choice) => {
    if (!open) return;
    setError(undefined);
    const ack = (res: Parameters<Parameters<CastVote>[1]>[0]) => {
      setSending(false);
      setQueued(undefined);
      if (res.ok) return onVoted(res.data);
      if (res.error.code === 'NAME_REQUIRED') setNameFor(choice);
      setError(res.error.message || ERROR_MESSAGES[res.error.code]);
    };
    const how = castVote({ pollId: poll.id, round: poll.round, choice }, ack);
    setSending(how === 'sent');
    setQueued(how === 'queued' ? choice : undefined);
  };
  const sendWithName = () =>
    socket?.emit('team:rename', { name: name.trim() }, (res) => {
      if (!res.ok) return setError(res.error.message);
      const choice = nameFor!;
      setNameFor(undefined);
      send(choice);
    });
  const held = myVote?.choice;
  const holds = (i: number) => held !== undefined && (('option' in held && held.option === i) || ('options' in held && held.options.includes(i)));

  return (
    <section ref={ref} aria-label="Poll" data-testid="ballot" className="ballot mx-4 mb-4 flex flex-col gap-3 rounded-2xl bg-slate-800 p-4">
      <header className="flex items-baseline justify-between gap-2">
        <h2 className="text-lg font-semibold">{poll.question}</h2>
        {poll.round > 1 && <span className="rounded bg-amber-400 px-2 py-0.5 text-sm font-semibold text-slate-900">Round {poll.round}</span>}
      </header>
      <Countdown poll={poll} className="text-base" />
      {poll.round > 1 && open && <p className="text-sm text-amber-200">Vote again, after talking it over with your neighbours.</p>}

      {poll.revealed && !poll.correctShown && (
        <p data-testid="split-shown" className="text-sm text-sky-200">
          How the room split. The answer is not shown yet: talk it over with your neighbours.
        </p>
      )}
      {poll.revealed ? (
        <PollChart poll={poll} />
      ) : (poll.kind === 'single' || poll.kind === 'multiple') ? (
        <div className="flex flex-col gap-2">
          {poll.options.map((option, i) => {
            const chosen = poll.kind === 'single' ? holds(i) : picked.includes(i);
            return (
              <button
                key={i}
                disabled={!open || sending}
                aria-pressed={chosen}
                onClick={() => (poll.kind === 'single' ? send({ option: i }) : setPicked((p) => (p.includes(i) ? p.filter((x) => x !== i) : [...p, i])))}
                className={`flex min-h-14 items-center gap-3 rounded-xl px-4 py-3 text-left text-lg ${chosen ? 'bg-amber-400 text-slate-900' : 'bg-slate-700'} disabled:opacity-60`}
              >
                <span className="font-mono font-bold">{LETTERS[i]}</span>
                <span>{option}</span>
              </button>
            );
          })}
          {poll.kind === 'multiple' && open && (
            <button disabled={picked.length === 0 || sending} onClick={() => send({ options: picked })} className="h-12 rounded-xl bg-emerald-400 text-lg font-semibold text-slate-900 disabled:opacity-40">
              Send {picked.length || ''} choice{picked.length === 1 ? '' : 's'}
            </button>
          )}
        </div>
      ) : (
        open && (
          <form
            className="flex gap-2"
            onSubmit={(e) => {
              e.preventDefault();
              if (draft.trim()) send(poll.kind === 'numeric' ? { value: Number(draft) } : { text: draft.trim() });
            }}
          >
            <input
              aria-label="Your answer"
              value={draft}
              onChange={(e) => setDraft(e.target.value)}
              inputMode={poll.kind === 'numeric' ? 'decimal' : 'text'}
              type={poll.kind === 'numeric' ? 'number' : 'text'}
              step="any"
              maxLength={POLL_LIMITS.text}
              className="min-w-0 flex-1 rounded-xl bg-slate-700 px-4 py-3 text-lg outline-none focus:ring-2 focus:ring-amber-400"
            />
            <button disabled={sending || !draft.trim()} className="rounded-xl bg-emerald-400 px-5 text-lg font-semibold text-slate-900 disabled:opacity-40">
              Send
            </button>
          </form>
        )
      )}

      {nameFor && (
        <form
          className="flex gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            if (name.trim()) sendWithName();
          }}
        >
          <input
            aria-label="Your name"
            placeholder="Your name"
            autoComplete="name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            maxLength={TEAM_LIMITS.name}
            className="min-w-0 flex-1 rounded-xl bg-slate-700 px-4 py-3 text-lg outline-none focus:ring-2 focus:ring-amber-400"
          />
          <button disabled={sending || !name.trim()} className="rounded-xl bg-emerald-400 px-5 text-lg font-semibold text-slate-900 disabled:opacity-40">
            Vote
          </button>
        </form>
      )}
      <p role="status" data-testid="vote-status" className="text-base">
        {error ? (
          <span className="text-red-300">{error}</span>
        ) : queued ? (
          <span className="text-amber-200" data-testid="vote-queued">
            Offline: your vote ({describeChoice(poll, queued)}) is kept on this phone and sent when you are back online.
          </span>
        ) : myVote ? (
          <span className="text-emerald-300">
            ✓ Vote received: {describeChoice(poll, myVote.choice)}
            {open && poll.kind === 'single' ? ' · tap another to change' : ''}
            {poll.revealed && verdict(poll, myVote.choice)}
          </span>
        ) : open ? (
          <span className="text-slate-400">{poll.kind === 'single' ? 'Tap an answer to vote.' : 'Your answer counts once; you can change it.'}</span>
        ) : (
          <span className="text-slate-400">Voting is closed.</span>
        )}
        {!open && !poll.revealed && ' Waiting for the results…'}
      </p>
    </section>
  );
}
