'use client';
import { useEffect, useState } from 'react';
import type { PublicDeck } from '../../../../server/decks/types';
import { getJson } from '../../../lib/get-json';
import type { Loaded } from '../../../lib/get-json';
import { RoomProblem } from '../../../room-problem';

/**
 * The deck to take home: every slide on its own 16:9 page with every step shown, from the
 * public deck (no speaker notes, no answer keys, no correct answers); the browser saves it as PDF.
 */
export function PrintDeck({ code }: { code: string }) {
  const [deck, setDeck] = useState<Loaded<PublicDeck> | undefined>();
  useEffect(() => {
    void getJson<PublicDeck>(`/api/rooms/${encodeURIComponent(code)}/deck`).then(setDeck);
  }, [code]);
  if (deck && !deck.ok) return <RoomProblem code={code} error={deck.error} />;
  if (!deck) return <main className="p-8 text-slate-300">Loading the slides…</main>;
  return (
    <main className="print-deck" data-testid="print-deck">
      <header className="print-hide flex flex-wrap items-center gap-4 p-4">
        <h1 className="text-2xl font-bold">{deck.data.title}: slides</h1>
        <button onClick={() => window.print()} className="rounded bg-amber-400 px-4 py-2 font-semibold text-slate-900">
          Print or save as PDF
        </button>
      </header>
      {deck.data.stacks.flat().map((slide, i) => (
        <section key={i} aria-label={`Slide ${i + 1}`} data-testid="print-slide" className={`print-slide slide-body ${slide.className ?? ''}`} dangerouslySetInnerHTML={{ __html: slide.html }} />
      ))}
    </main>
  );
}
