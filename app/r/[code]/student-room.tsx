'use client';
import dynamic from 'next/dynamic';
import { useEffect, useState } from 'react';
import type { PollState, SlidePosition } from '../../../server/protocol/events';
import { orderIndex, slideOrder, slideTitle } from '../../lib/positions';
import type { PublicDeck } from '../../../server/decks/types';
import { getJson } from '../../lib/get-json';
import type { Loaded } from '../../lib/get-json';
import { useRoom } from '../../lib/use-room';
import type { RoomSocket } from '../../lib/use-room';
import { RoomProblem } from '../../room-problem';
import { Ballot } from './ballot';
import { FirstSlideView, PhoneDeck } from './phone-deck';
import type { FirstSlide } from '../../../server/protocol/first-slide';

// Yjs loads only on a prediction slide, so the page's first load stays small.
// The placeholder is a landmark like the sheet it stands for, so nothing on the page sits outside one while the chunk loads.
const TeamSheet = dynamic(() => import('./team-sheet'), {
  ssr: false,
  loading: () => (
    <section aria-label="Team prediction" className="mx-4 text-slate-400">
      <p>Opening your team’s sheet…</p>
    </section>
  ),
});

/** In a room of tables, a student picks theirs before their team's sheet opens. */
function TablePicker({ tables, socket }: { tables: number; socket?: RoomSocket }) {
  return (
    <section aria-label="Pick your table" className="mx-4 mb-4 flex flex-col gap-2 rounded-2xl bg-slate-800 p-4">
      <h2 className="text-lg font-semibold">Which table are you at?</h2>
      <div className="grid grid-cols-4 gap-2">
        {Array.from({ length: tables }, (_, i) => (
          <button key={i} onClick={() => socket?.emit('team:pick', { table: i + 1 }, () => undefined)} className="h-12 rounded-xl bg-slate-700 text-lg font-semibold">
            {i + 1}
          </button>
        ))}
      </div>
    </section>
  );
}

/** Tells a screen reader what changed: a new slide, a poll opening, a reveal. */
function Announcer({ deck, slide, poll }: { deck: PublicDeck; slide: SlidePosition; poll: PollState | null }) {
  const [text, setText] = useState('');
  useEffect(() => {
    setText(`Slide ${orderIndex(deck, slide) + 1} of ${slideOrder(deck).length}: ${slideTitle(deck.stacks[slide.h]?.[slide.v]?.html)}`);
  }, [deck, slide.h, slide.v]);
  // Keyed on what changed, so a tally or a vote does not repeat the announcement.
  const question = poll?.question;
  const opened = poll?.status === 'open' ? `${poll.id}/${poll.round}` : undefined;
  const revealed = poll?.revealed ? `${poll.id}/${poll.round}/${poll.correctShown}` : undefined;
  const correctShown = poll?.correctShown;
  useEffect(() => {
    if (opened) setText(`Poll open: ${question}`);
  }, [opened, question]);
  useEffect(() => {
    if (revealed) setText(`${correctShown ? 'Results revealed' : 'How the room split, answer not shown yet'}: ${question}`);
  }, [revealed, correctShown, question]);
  return (
    <p aria-live="polite" data-testid="announcer" className="sr-only">
      {text}
    </p>
  );
}

export function StudentRoom({ code, firstSlide }: { code: string; firstSlide?: FirstSlide }) {
  const [deck, setDeck] = useState<Loaded<PublicDeck> | undefined>();
  const room = useRoom(code);

  useEffect(() => {
    void getJson<PublicDeck>(`/api/rooms/${encodeURIComponent(code)}/deck`).then(setDeck);
  }, [code]);

  if (deck && !deck.ok) return <RoomProblem code={code} error={deck.error} />;
  if (room.status === 'failed' && room.error) return <RoomProblem code={code} error={room.error} />;
  if (!deck || !room.slide) {
    if (firstSlide) return <FirstSlideView code={code} slide={firstSlide} />;
    return <main className="flex min-h-dvh items-center justify-center text-lg text-slate-300">Joining {code}…</main>;
  }
  const prediction = room.prediction && deck.data.stacks.flat().find((s) => s.prediction?.id === room.prediction!.id)?.prediction;
  return (
    <PhoneDeck code={code} deck={deck.data} live={room.slide} status={room.status} prediction={room.prediction}>
      <Announcer deck={deck.data} slide={room.slide} poll={room.poll} />
      {room.poll && <Ballot poll={room.poll} myVote={room.myVote} castVote={room.castVote} onVoted={room.setMyVote} socket={room.socket} />}
      {prediction && room.team?.team && <TeamSheet socket={room.socket} online={room.status === 'live'} prediction={prediction} state={room.prediction!} team={room.team} />}
      {prediction && room.team && !room.team.team && room.team.mode === 'tables' && <TablePicker tables={room.team.tables} socket={room.socket} />}
    </PhoneDeck>
  );
}
