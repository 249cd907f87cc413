'use client';
import 'reveal.js/reveal.css';
import './projector.css';
import { useEffect, useRef, useState } from 'react';
import type { RevealApi } from 'reveal.js';
import type { Deck } from '../../../server/decks/types';
import type { PollState, SlidePosition } from '../../../server/protocol/events';
import type { RoomSocket } from '../../lib/use-room';
import { PresenterGate } from './presenter-gate';
import { JoinOverlay, JoinStrip, TitleJoin } from './join-overlay';
import { PRESENTER_KEYS, THEME_KEY, isControl, projectorChannel, readTheme, runPresenterKey } from '../../lib/presenter-keys';
import type { ProjectorCommand, Theme } from '../../lib/presenter-keys';
import { ProjectorPoll } from './poll-panel';
import { ProjectorReveal, usePredictionBoard } from './projector-reveal';
import { useRevealedBlanks } from '../../lib/revealed-blanks';
import type { PredictionState } from '../../../server/protocol/predictions';

export function PresenterRoom({ code }: { code: string }) {
  return (
    <PresenterGate code={code}>
      {(deck, room) => <Projector code={code} deck={deck} live={room.slide} version={room.version} audience={room.audience} poll={room.poll} prediction={room.prediction} socket={room.socket} />}
    </PresenterGate>
  );
}

const positionOf = (reveal: RevealApi): SlidePosition => {
  const { h, v, f } = reveal.getIndices();
  return { h, v, f: typeof f === 'number' ? f : -1 };
};

/** The projected deck: reveal.js drives it; every move goes to the server, every broadcast comes back in. */
type ProjectorProps = {
  code: string;
  deck: Deck;
  live: SlidePosition;
  version: number;
  audience: number;
  poll: PollState | null;
  prediction: PredictionState | null;
  socket?: RoomSocket;
};

function Projector({ code, deck, live, version, audience, poll, prediction, socket }: ProjectorProps) {
  const rootRef = useRef<HTMLDivElement>(null);
  const [reveal, setReveal] = useState<RevealApi | undefined>();
  const [showJoin, setShowJoin] = useState(false);
  const applyingRemote = useRef(false);
  // Moves sent but not yet acked, and the room version of the last one acked: until the room
  // state shown here is at least that new, it is an echo and must not pull reveal.js back.
  const pendingMoves = useRef(0);
  const ownVersion = useRef(-1);
  const [settled, setSettled] = useState(0);
  const socketRef = useRef(socket);
  socketRef.current = socket;

  const [theme, setTheme] = useState<Theme>('dark');
  const [keyError, setKeyError] = useState<string | undefined>();
  const liveRef = useRef({ poll, prediction, socket });
  liveRef.current = { poll, prediction, socket };

  useEffect(() => setTheme(readTheme()), []);
  useEffect(() => {
    if (!keyError) return;
    const shown = setTimeout(() => setKeyError(undefined), 4000);
    return () => clearTimeout(shown);
  }, [keyError]);
  const toggleTheme = () =>
    setTheme((t) => {
      const next = t === 'dark' ? 'light' : 'dark';
      localStorage.setItem(THEME_KEY, next);
      return next;
    });

  useEffect(() => {
    let instance: RevealApi | undefined;
    let cancelled = false;
    const channel = projectorChannel(code);
    void (async () => {
      // reveal.js touches `navigator` when imported, so it loads in the browser only.
      const { default: Reveal } = await import('reveal.js');
      if (cancelled || !rootRef.current) return;
      const still = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
      instance = new Reveal(rootRef.current, {
        hash: false,
        history: false,
        // Arrows are for the presenter, not the room: keys, the speaker view and a clicker drive.
        controls: false,
        progress: true,
        center: true,
        width: 1280,
        height: 720,
        margin: 0.04,
        // → and Space walk every slide of a vertical stack too, as a lecturer expects.
        navigationMode: 'linear',
        transition: still ? 'none' : 'slide',
        backgroundTransition: still ? 'none' : 'fade',
        keyboardCondition: (e: KeyboardEvent) => !isControl(e.target),
      });
      await instance.initialize();
      const send = () => {
        const moved = instance;
        const socket = socketRef.current;
        if (applyingRemote.current || !moved || !socket) return;
        pendingMoves.current += 1;
        socket.emit('slide:set', positionOf(moved), (res) => {
          pendingMoves.current -= 1;
          if (res.ok) ownVersion.current = Math.max(ownVersion.current, res.data.version);
          if (pendingMoves.current === 0) setSettled((n) => n + 1);
        });
      };
      for (const event of ['slidechanged', 'fragmentshown', 'fragmenthidden']) instance.on(event, send);
      const describe = (key: string) => PRESENTER_KEYS.find((k) => k.key === key)!.does;
      const bind = (key: string, run: () => void) => instance!.addKeyBinding({ keyCode: key.charCodeAt(0), key, description: describe(key) }, run);
      for (const key of ['C', 'D', 'R', 'A']) bind(key, () => runPresenterKey(key, liveRef.current, setKeyError));
      bind('Q', () => setShowJoin((s) => !s));
      bind('T', toggleTheme);
      instance.addKeyBinding({ keyCode: 83, key: 'S', description: 'Open the speaker view' }, () => window.open(`/present/${code}/speaker`, `speaker-${code}`));
      channel.onmessage = ({ data }: MessageEvent<ProjectorCommand>) => {
        if (data === 'join') setShowJoin((s) => !s);
        if (data === 'black') instance?.togglePause();
        if (data === 'theme') toggleTheme();
      };
      if (!cancelled) setReveal(instance);
    })();
    return () => {
      cancelled = true;
      channel.close();
      instance?.destroy();
    };
  }, [code]);

  // The server's position wins once our own moves are in: on load (resume after a reload)
  // and when another device (a paired phone, the speaker view) moves.
  useEffect(() => {
    if (!reveal || pendingMoves.current > 0 || version < ownVersion.current) return;
    const here = positionOf(reveal);
    if (here.h === live.h && here.v === live.v && here.f === live.f) return;
    applyingRemote.current = true;
    reveal.slide(live.h, live.v, live.f);
    applyingRemote.current = false;
  }, [reveal, live, version, settled]);

  const predictionDef = prediction ? deck.stacks.flat().find((s) => s.prediction?.id === prediction.id)?.prediction : undefined;
  const board = usePredictionBoard(socket, predictionDef?.id);
  useRevealedBlanks(rootRef, prediction, reveal);

  // A poll or a prediction takes a band under the slide (a revealed step: a column beside it);
  // reveal.js re-fits the slide into what is left, so code keeps most of its size.
  const onTitle = live.h === 0 && live.v === 0 && !poll && !predictionDef;
  const layout = poll ? 'with-band' : predictionDef && prediction ? (prediction.revealed.length > 0 ? 'with-side' : 'with-band') : onTitle ? 'on-title' : '';
  useEffect(() => reveal?.layout(), [reveal, layout, showJoin]);

  return (
    <main className={`projector ${layout} ${theme === 'light' ? 'projector-light' : ''}`}>
      <h1 className="sr-only">Room {code}: projected deck</h1>
      <div className="projector-stage">
        <div className="reveal" ref={rootRef} data-testid="projector" data-h={live.h} data-v={live.v} data-f={live.f} data-version={version}>
          <div className="slides">
            {deck.stacks.map((stack, h) =>
              stack.length === 1 ? (
                <section key={h} className={`slide-body ${stack[0]!.className ?? ''}`} data-state={stack[0]!.className} dangerouslySetInnerHTML={{ __html: stack[0]!.html }} />
              ) : (
                <section key={h}>
                  {stack.map((slide, v) => (
                    <section key={v} className={`slide-body ${slide.className ?? ''}`} data-state={slide.className} dangerouslySetInnerHTML={{ __html: slide.html }} />
                  ))}
                </section>
              ),
            )}
          </div>
        </div>
        {onTitle && <TitleJoin code={code} />}
        {!poll && predictionDef && prediction && prediction.revealed.length > 0 && <ProjectorReveal prediction={predictionDef} state={prediction} board={board} />}
      </div>
      {poll && <ProjectorPoll poll={poll} audience={audience} />}
      {!poll && predictionDef && prediction && prediction.revealed.length === 0 && <ProjectorReveal prediction={predictionDef} state={prediction} board={board} />}
      <JoinStrip code={code} audience={audience} />
      {keyError && (
        <p role="alert" className="projector-key-error">
          {keyError}
        </p>
      )}
      {showJoin && <JoinOverlay code={code} audience={audience} onClose={() => setShowJoin(false)} />}
    </main>
  );
}
