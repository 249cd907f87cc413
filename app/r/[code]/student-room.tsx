'use client';
import { useEffect, useState } from 'react';
import type { PublicDeck } from '../../../server/decks/types';
import { getJson } from '../../lib/get-json';
import type { Loaded } from '../../lib/get-json';
import { useRoom } from '../../lib/use-room';
import { RoomProblem } from '../../room-problem';
import { Ballot } from './ballot';
import { PhoneDeck } from './phone-deck';

export function StudentRoom({ code }: { code: string }) {
  const [deck, setDeck] = useState<Loaded<PublicDeck> | undefined>();
  const room = useRoom(code);

  useEffect(() => {
    void getJson<PublicDeck>(`/api/rooms/${encodeURIComponent(code)}/deck`).then(setDeck);
  }, [code]);

  if (deck && !deck.ok) return <RoomProblem code={code} error={deck.error} />;
  if (room.status === 'failed' && room.error) return <RoomProblem code={code} error={room.error} />;
  if (!deck || !room.slide) {
    return <main className="flex min-h-dvh items-center justify-center text-lg text-slate-300">Joining {code}…</main>;
  }
  return (
    <PhoneDeck code={code} deck={deck.data} live={room.slide} status={room.status}>
      {room.poll && <Ballot poll={room.poll} myVote={room.myVote} socket={room.socket} onVoted={room.setMyVote} />}
    </PhoneDeck>
  );
}
