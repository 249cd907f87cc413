'use client';
import { useEffect, useState } from 'react';
import { useRouter } from 'next/navigation';
import { JOIN_CODE_LENGTH, normalizeJoinCode } from '../server/protocol/constants';
import type { DeckSummary } from '../server/decks/types';
import { savePresenterSecret } from './lib/presenter-key';

export function HomeScreen() {
  const router = useRouter();
  const [decks, setDecks] = useState<DeckSummary[] | undefined>();
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    fetch('/api/decks')
      .then((r) => r.json())
      .then(setDecks, () => setError('Could not load the decks.'));
  }, []);

  async function present(deckId: string) {
    setBusy(deckId);
    const res = await fetch('/api/rooms', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ deckId }) });
    if (!res.ok) {
      setBusy(undefined);
      return setError('Could not create a room.');
    }
    const room = (await res.json()) as { code: string; presenterSecret: string };
    savePresenterSecret(room.code, room.presenterSecret);
    router.push(`/present/${room.code}`);
  }

  return (
    <main className="mx-auto flex min-h-dvh max-w-xl flex-col gap-10 px-5 py-10">
      <header>
        <h1 className="text-4xl font-bold tracking-tight">yieldroom</h1>
        <p className="mt-2 text-slate-300">A live classroom deck. Students follow on their phones.</p>
      </header>

      <form
        className="flex flex-col gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          router.push(`/r/${normalizeJoinCode(code)}`);
        }}
      >
        <label htmlFor="join-code" className="text-lg font-semibold">
          Join a room
        </label>
        <div className="flex gap-2">
          <input
            id="join-code"
            value={code}
            onChange={(e) => setCode(normalizeJoinCode(e.target.value))}
            maxLength={JOIN_CODE_LENGTH}
            autoCapitalize="characters"
            autoComplete="off"
            placeholder="CODE"
            className="min-w-0 flex-1 rounded-lg bg-slate-800 px-4 py-3 font-mono text-2xl tracking-[0.3em] uppercase outline-none focus:ring-2 focus:ring-amber-400"
          />
          <button type="submit" disabled={code.length !== JOIN_CODE_LENGTH} className="rounded-lg bg-amber-400 px-5 text-lg font-semibold text-slate-900 disabled:opacity-40">
            Join
          </button>
        </div>
      </form>

      <section className="flex flex-col gap-3">
        <h2 className="text-lg font-semibold">Present a deck</h2>
        {error && <p className="text-red-300">{error}</p>}
        {!decks && !error && <p className="text-slate-400">Loading decks…</p>}
        <ul className="flex flex-col gap-2">
          {decks?.map((deck) => (
            <li key={deck.id} className="flex items-center justify-between gap-3 rounded-lg bg-slate-800 px-4 py-3">
              <span>
                <span className="block font-semibold">{deck.title}</span>
                <span className="text-sm text-slate-400">{deck.slides} slides</span>
              </span>
              <button onClick={() => present(deck.id)} disabled={busy !== undefined} className="rounded-md bg-slate-100 px-4 py-2 font-semibold text-slate-900 disabled:opacity-50">
                {busy === deck.id ? 'Starting…' : 'Present'}
              </button>
            </li>
          ))}
        </ul>
      </section>
    </main>
  );
}
