'use client';
import { useEffect, useState } from 'react';
import type { Deck } from '../../../server/decks/types';
import { getJson } from '../../lib/get-json';
import type { Loaded } from '../../lib/get-json';

/** The deck with its speaker notes: served only against a presenter key. */
export function useSpeakerDeck(code: string, secret: string | null | undefined): Loaded<Deck> | undefined {
  const [deck, setDeck] = useState<Loaded<Deck> | undefined>();
  useEffect(() => {
    if (!secret) return;
    void getJson<Deck>(`/api/rooms/${encodeURIComponent(code)}/speaker-deck`, { authorization: `Bearer ${secret}` }).then(setDeck);
  }, [code, secret]);
  return deck;
}
