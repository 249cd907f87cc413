'use client';
import type { ReactNode } from 'react';
import type { Deck } from '../../../server/decks/types';
import { usePresenterSecret } from '../../lib/pairing';
import { useRoom } from '../../lib/use-room';
import type { RoomView } from '../../lib/use-room';
import { RoomProblem } from '../../room-problem';
import { useSpeakerDeck } from './use-speaker-deck';

/** Loads the presenter key, the deck with notes and the room; renders `children` once all are in. */
export function PresenterGate({ code, children }: { code: string; children: (deck: Deck, room: RoomView & { slide: NonNullable<RoomView['slide']> }) => ReactNode }) {
  const { secret, error: pairError } = usePresenterSecret(code);
  const deck = useSpeakerDeck(code, secret);
  const room = useRoom(code, secret === undefined ? null : secret);

  if (secret === undefined) {
    const error = pairError ?? { code: 'FORBIDDEN' as const, message: `This browser does not hold the presenter key for room ${code}. Open the deck from the browser that started it, or pair this device from the speaker view.` };
    return <RoomProblem code={code} error={error} />;
  }
  if (deck && !deck.ok) return <RoomProblem code={code} error={deck.error} />;
  if (room.status === 'failed' && room.error) return <RoomProblem code={code} error={room.error} />;
  if (!deck || !room.slide) return <main className="flex min-h-dvh items-center justify-center text-slate-300">Opening room {code}…</main>;
  return <>{children(deck.data, { ...room, slide: room.slide })}</>;
}
