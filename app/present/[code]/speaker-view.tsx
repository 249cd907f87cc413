'use client';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Deck, Slide } from '../../../server/decks/types';
import type { PairResult, PollState, SlidePosition } from '../../../server/protocol/events';
import type { PredictionState } from '../../../server/protocol/predictions';
import { useFragmentVisibility } from '../../lib/fragments';
import { nextPosition, orderIndex, previousPosition, slideOrder, slideTitle } from '../../lib/positions';
import type { ConnectionStatus, RoomSocket } from '../../lib/use-room';
import { AnswerKey, PollAnswer } from './answer-key';
import { formatDuration, useLectureTimer } from '../../lib/lecture-timer';
import { PRESENTER_KEYS, isControl, projectorChannel, runPresenterKey } from '../../lib/presenter-keys';
import type { ProjectorCommand } from '../../lib/presenter-keys';
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

const NAVIGATION_KEYS = [
  { key: '→ · Space · PageDown', does: 'Next step: every fragment and every slide of a stack, in order' },
  { key: '← · PageUp', does: 'Step back' },
  { key: 'O · Esc (on the projector)', does: 'Overview of all slides' },
  { key: 'P', does: 'Pause or run the timer' },
  { key: '?', does: 'Show or hide this help' },
] as const;

function KeyHelp({ onClose }: { onClose: () => void }) {
  return (
    <div role="dialog" aria-modal="true" aria-labelledby="key-help-title" data-testid="key-help" className="fixed inset-0 z-50 flex items-center justify-center bg-slate-950/80 p-4" onClick={onClose}>
      <div className="max-w-2xl rounded-xl bg-slate-800 p-6 text-lg">
        <h2 id="key-help-title" className="mb-3 text-2xl font-semibold">
          Keys
        </h2>
        <dl className="grid grid-cols-[auto_1fr] gap-x-6 gap-y-2">
          {[...NAVIGATION_KEYS, ...PRESENTER_KEYS].map((k) => (
            <div key={k.key} className="contents">
              <dt className="font-mono font-bold text-amber-300">{k.key}</dt>
              <dd>{k.does}</dd>
            </div>
          ))}
        </dl>
        <p className="mt-4 text-slate-300">Keys do nothing while you type in a field or a button has focus. Press ? or click to close.</p>
      </div>
    </div>
  );
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
  const [pairing, setPairing] = useState<PairResult | undefined>();
  const hidePairing = useCallback(() => setPairing(undefined), []);
  const [help, setHelp] = useState(false);
  const [keyError, setKeyError] = useState<string | undefined>();
  useEffect(() => {
    if (status === 'live') setKeyError(undefined);
  }, [status]);
  const timer = useLectureTimer(code, startedAt);
  // When the live slide (not a fragment) last changed: time spent on this slide.
  const [slideSince, setSlideSince] = useState(() => Date.now());
  useEffect(() => setSlideSince(Date.now()), [live.h, live.v]);
  const channel = useRef<BroadcastChannel | undefined>(undefined);
  useEffect(() => {
    channel.current = projectorChannel(code);
    return () => channel.current?.close();
  }, [code]);
  const tellProjector = (command: ProjectorCommand) => channel.current?.postMessage(command);

  const order = slideOrder(deck);
  const index = orderIndex(deck, live);
  const current = deck.stacks[live.h]?.[live.v];
  const after = order[index + 1];
  // Quick presses step on from the last position asked for, not from the one the server has
  // confirmed so far: four presses are four steps, however long each round trip takes.
  const ahead = useRef<{ to: SlidePosition; unacked: number } | null>(null);
  const go = (to: SlidePosition) => {
    ahead.current = { to, unacked: (ahead.current?.unacked ?? 0) + 1 };
    socket?.emit('slide:set', to, () => {
      if (ahead.current && --ahead.current.unacked === 0) ahead.current = null;
    });
  };
  const step = (direction: 1 | -1) => {
    // Before the room has answered our join the server would refuse the move; say so, don't drop it silently.
    if (status !== 'live') return setKeyError('Not connected to the room yet: the deck did not move.');
    const from = ahead.current?.to ?? live;
    go(direction === 1 ? nextPosition(deck, from) : previousPosition(deck, from));
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      // Typing a quick poll or a what-if, or pressing a focused button, must not move the class.
      if (isControl(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === '?') return setHelp((h) => !h);
      const key = e.key.length === 1 ? e.key.toUpperCase() : e.key;
      if (key === 'ArrowRight' || key === 'PageDown' || key === ' ') step(1);
      else if (key === 'ArrowLeft' || key === 'PageUp') step(-1);
      else if (key === 'P') timer.toggle();
      else if (key === 'Q') tellProjector('join');
      else if (key === 'B') tellProjector('black');
      else if (key === 'T') tellProjector('theme');
      else if (key === 'Escape') setHelp(false);
      else if (!runPresenterKey(key, { poll, prediction, socket }, setKeyError)) return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  return (
    <main className="flex min-h-dvh flex-col gap-4 p-4 lg:h-dvh">
      <h1 className="sr-only">Speaker view, room {code}</h1>
      {/* On a phone used as a clicker, the header keeps to what a presenter glances at; the rest goes below the slides. */}
      <header className="flex flex-wrap items-center gap-x-3 gap-y-2 text-lg lg:gap-x-6">
        <span className="font-mono text-xl font-bold tracking-widest lg:text-2xl">{code}</span>
        <span data-testid="speaker-connection" data-status={status} title={status} className={`inline-block h-3 w-3 rounded-full ${status === 'live' ? 'bg-emerald-400' : 'animate-pulse bg-red-500'}`} />
        <span className="flex items-center gap-2">
          <span data-testid="timer" data-paused={timer.paused || undefined} className={`font-mono text-xl tabular-nums lg:text-2xl ${timer.paused ? 'text-amber-300' : ''}`} aria-label="Time elapsed">
            {formatDuration(timer.elapsed)}
          </span>
          <button onClick={timer.toggle} aria-label={timer.paused ? 'Run timer' : 'Pause timer'} className="rounded-md bg-slate-700 px-2 py-1 text-base">
            <span aria-hidden className="lg:hidden">{timer.paused ? '▶' : '❚❚'}</span>
            <span className="hidden lg:inline">{timer.paused ? 'Run timer' : 'Pause timer'}</span>
          </button>
          <button onClick={timer.reset} aria-label="Reset timer" className="rounded-md bg-slate-700 px-2 py-1 text-base">
            <span aria-hidden className="lg:hidden">↺</span>
            <span className="hidden lg:inline">Reset timer</span>
          </button>
          <span className="text-base text-slate-300" data-testid="slide-time">
            this slide {formatDuration(timer.now - slideSince)}
          </span>
        </span>
        <span data-testid="speaker-audience">{audience} joined</span>
        <button onClick={() => setHelp(true)} className="rounded-md bg-slate-700 px-3 py-1.5 text-base" aria-label="Keys (?)">
          ?
        </button>
      </header>
      <div className="order-last flex flex-wrap items-center gap-x-6 gap-y-2 text-lg lg:order-none">
        <label className="flex items-center gap-2 text-slate-300">
          <span className="sr-only">Jump to slide</span>
          <select
            data-testid="jump-to-slide"
            value={index}
            onChange={(e) => {
              const to = order[Number(e.target.value)];
              if (to) go({ ...to, f: -1 });
              e.target.blur();
            }}
            className="max-w-64 rounded-md bg-slate-700 px-2 py-1 text-base"
          >
            {order.map((pos, i) => (
              <option key={i} value={i}>
                {i + 1}. {slideTitle(deck.stacks[pos.h]?.[pos.v]?.html)}
              </option>
            ))}
          </select>
          <span>
            / {order.length}
            {current && current.fragments > 0 ? ` · step ${live.f + 1}/${current.fragments}` : ''}
          </span>
        </label>
        <a href={`/present/${code}/results`} target="_blank" className="ml-auto rounded-md bg-slate-700 px-3 py-1.5 text-base">
          Results & export
        </a>
        <button
          className="rounded-md bg-slate-700 px-3 py-1.5 text-base"
          onClick={() => socket?.emit('presenter:pair', {}, (res) => res.ok && setPairing(res.data))}
        >
          Pair a phone as clicker
        </button>
      </div>

      {pairing && <PairingDialog pairing={pairing} socket={socket} onDone={hidePairing} />}

      {/* One column on a narrow screen, the poll's and prediction's controls first; two columns from lg. */}
      <div className="flex min-h-0 flex-1 flex-col gap-4 [&>*]:shrink-0 lg:grid lg:grid-cols-[3fr_2fr]">
        <div className="contents lg:flex lg:min-h-0 lg:flex-col lg:gap-4 lg:overflow-y-auto lg:[&>*]:shrink-0">
          <SlidePreview slide={current} fragment={live.f} label="Now" />
          <section data-testid="notes" className="slide-body min-h-0 overflow-auto rounded-lg bg-slate-800/60 p-4 text-xl leading-relaxed">
            <h2 className="text-xs tracking-wide text-slate-400 uppercase">Notes</h2>
            <div dangerouslySetInnerHTML={{ __html: current?.notes || '<p>No notes for this slide.</p>' }} />
          </section>
          {current?.prediction && (
            <div className="order-first shrink-0 lg:order-none">
              <PredictionPanel prediction={current.prediction} state={prediction?.id === current.prediction.id ? prediction : null} socket={socket} />
            </div>
          )}
          {current?.prediction && deck.answerKeys[current.prediction.id] && (
            <AnswerKey
              records={deck.answerKeys[current.prediction.id]!}
              ranOn={deck.keyVersions.ranOn}
              checked={deck.keyVersions.checked}
              differences={deck.keyVersions.differences[current.prediction.id] ?? []}
            />
          )}
          {current?.poll && <PollAnswer poll={current.poll} />}
          <AdHocPollForm socket={socket} />
        </div>
        <div className="contents lg:flex lg:min-h-0 lg:flex-col lg:gap-4 lg:overflow-y-auto lg:[&>*]:shrink-0">
          {poll && (
            <div className="-order-1 shrink-0 lg:order-none">
              <PollPanel poll={poll} audience={audience} socket={socket} />
            </div>
          )}
          <SlidePreview slide={after ? deck.stacks[after.h]?.[after.v] : undefined} fragment={-1} label="Next slide" />
        </div>
      </div>
      {keyError && (
        <p role="alert" className="rounded-md bg-red-900 px-3 py-2 text-white">
          {keyError}
        </p>
      )}
      {help && <KeyHelp onClose={() => setHelp(false)} />}

      <nav className="sticky bottom-0 grid grid-cols-2 gap-3">
        <button aria-label="Back" onClick={() => step(-1)} className="h-16 rounded-xl bg-slate-700 text-2xl font-semibold">
          ‹ Back
        </button>
        <button aria-label="Forward" onClick={() => step(1)} className="h-16 rounded-xl bg-amber-400 text-2xl font-semibold text-slate-900">
          Forward ›
        </button>
      </nav>
    </main>
  );
}
