'use client';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Deck, Slide } from '../../../server/decks/types';
import type { PairResult, PollState, SlidePosition } from '../../../server/protocol/events';
import type { PredictionState } from '../../../server/protocol/predictions';
import { useFragmentVisibility } from '../../lib/fragments';
import { nextPosition, orderIndex, previousPosition, slideOrder } from '../../lib/positions';
import type { ConnectionStatus, RoomSocket } from '../../lib/use-room';
import { AnswerKey, PollAnswer } from './answer-key';
import { AdHocPollForm, PollPanel } from './poll-panel';
import { PairingDialog } from './pairing-dialog';
import { PresenterGate } from './presenter-gate';
import { PredictionPanel } from './prediction-panel';

export function SpeakerView({ code }: { code: string }) {
  return (
    <PresenterGate code={code}>
      {(deck, room) => (
        <SpeakerPanel
          code={code}
          deck={deck}
          live={room.slide}
          audience={room.audience}
          poll={room.poll}
          prediction={room.prediction}
          status={room.status}
          startedAt={room.startedAt ?? Date.now()}
          socket={room.socket}
        />
      )}
    </PresenterGate>
  );
}

function SlidePreview({ slide, fragment, label }: { slide?: Slide; fragment: number; label: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useFragmentVisibility(ref, fragment, slide?.html ?? '');
  return (
    <figure className="flex min-h-0 flex-col gap-1">
      <figcaption className="text-xs tracking-wide text-slate-400 uppercase">{label}</figcaption>
      <div ref={ref} className={`slide-body phone-slide speaker-preview rounded-lg bg-slate-800 p-4 ${slide?.className ?? ''}`} dangerouslySetInnerHTML={{ __html: slide?.html ?? '<p>End of the deck</p>' }} />
    </figure>
  );
}

function elapsed(since: number, now: number) {
  const s = Math.max(0, Math.floor((now - since) / 1000));
  const hh = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return hh > 0 ? `${hh}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** Notes, the next slide, a timer and the audience; its buttons also make a phone a clicker. */
type PanelProps = {
  code: string;
  deck: Deck;
  live: SlidePosition;
  audience: number;
  poll: PollState | null;
  prediction: PredictionState | null;
  status: ConnectionStatus;
  startedAt: number;
  socket?: RoomSocket;
};

function SpeakerPanel({ code, deck, live, audience, poll, prediction, status, startedAt, socket }: PanelProps) {
  const [now, setNow] = useState(() => Date.now());
  const [pairing, setPairing] = useState<PairResult | undefined>();
  const hidePairing = useCallback(() => setPairing(undefined), []);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);

  const order = slideOrder(deck);
  const index = orderIndex(deck, live);
  const current = deck.stacks[live.h]?.[live.v];
  const after = order[index + 1];
  // Quick presses step on from the last position asked for, not from the one the server has
  // confirmed so far: four presses are four steps, however long each round trip takes.
  const ahead = useRef<{ to: SlidePosition; unacked: number } | null>(null);
  const step = (direction: 1 | -1) => {
    const from = ahead.current?.to ?? live;
    const to = direction === 1 ? nextPosition(deck, from) : previousPosition(deck, from);
    ahead.current = { to, unacked: (ahead.current?.unacked ?? 0) + 1 };
    socket?.emit('slide:set', to, () => {
      if (ahead.current && --ahead.current.unacked === 0) ahead.current = null;
    });
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      // Typing a quick poll or a what-if must not move the class.
      if (e.target instanceof HTMLElement && e.target.closest('input, textarea, select, button')) return;
      if (e.key === 'ArrowRight' || e.key === 'PageDown' || e.key === ' ') step(1);
      if (e.key === 'ArrowLeft' || e.key === 'PageUp') step(-1);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  return (
    <main className="flex min-h-dvh flex-col gap-4 p-4 lg:h-dvh">
      <header className="flex flex-wrap items-center gap-x-6 gap-y-2 text-lg">
        <span className="font-mono text-2xl font-bold tracking-widest">{code}</span>
        <span data-testid="speaker-connection" data-status={status} title={status} className={`inline-block h-3 w-3 rounded-full ${status === 'live' ? 'bg-emerald-400' : 'animate-pulse bg-red-500'}`} />
        <span data-testid="timer" className="font-mono text-2xl tabular-nums">{elapsed(startedAt, now)}</span>
        <span data-testid="speaker-audience">{audience} joined</span>
        <span className="text-slate-400">
          slide {index + 1} / {order.length}
          {current && current.fragments > 0 ? ` · step ${live.f + 1}/${current.fragments}` : ''}
        </span>
        <a href={`/present/${code}/results`} target="_blank" className="ml-auto rounded-md bg-slate-700 px-3 py-1.5 text-base">
          Results & export
        </a>
        <button
          className="rounded-md bg-slate-700 px-3 py-1.5 text-base"
          onClick={() => socket?.emit('presenter:pair', {}, (res) => res.ok && setPairing(res.data))}
        >
          Pair a phone as clicker
        </button>
      </header>

      {pairing && <PairingDialog pairing={pairing} socket={socket} onDone={hidePairing} />}

      <div className="grid min-h-0 flex-1 gap-4 lg:grid-cols-[3fr_2fr]">
        <div className="flex min-h-0 flex-col gap-4 overflow-y-auto [&>*]:shrink-0">
          <SlidePreview slide={current} fragment={live.f} label="Now" />
          <section data-testid="notes" className="slide-body min-h-0 overflow-auto rounded-lg bg-slate-800/60 p-4 text-xl leading-relaxed">
            <h2 className="text-xs tracking-wide text-slate-400 uppercase">Notes</h2>
            <div dangerouslySetInnerHTML={{ __html: current?.notes || '<p>No notes for this slide.</p>' }} />
          </section>
          {current?.prediction && <PredictionPanel prediction={current.prediction} state={prediction?.id === current.prediction.id ? prediction : null} socket={socket} />}
          {current?.prediction && deck.answerKeys[current.prediction.id] && (
            <AnswerKey
              records={deck.answerKeys[current.prediction.id]!}
              ranOn={deck.keyVersions.ranOn}
              checked={deck.keyVersions.checked}
              differences={deck.keyVersions.differences[current.prediction.id] ?? []}
            />
          )}
          {current?.poll && <PollAnswer poll={current.poll} />}
          {poll && <PollPanel poll={poll} audience={audience} socket={socket} />}
          <AdHocPollForm socket={socket} />
        </div>
        <SlidePreview slide={after ? deck.stacks[after.h]?.[after.v] : undefined} fragment={-1} label="Next slide" />
      </div>

      <nav className="sticky bottom-0 grid grid-cols-2 gap-3">
        <button aria-label="Back" onClick={() => step(-1)} className="h-16 rounded-xl bg-slate-700 text-2xl font-semibold">
          ‹ Back
        </button>
        <button aria-label="Forward" onClick={() => step(1)} className="h-16 rounded-xl bg-amber-400 text-2xl font-semibold text-slate-900">
          Next ›
        </button>
      </nav>
    </main>
  );
}
