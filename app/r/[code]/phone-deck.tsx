'use client';
import { useRef, useState } from 'react';
import type { ReactNode } from 'react';
import type { PublicDeck } from '../../../server/decks/types';
import type { SlidePosition } from '../../../server/protocol/events';
import { useFragmentVisibility } from '../../lib/fragments';
import { useRevealedBlanks } from '../../lib/revealed-blanks';
import type { PredictionState } from '../../../server/protocol/predictions';
import { orderIndex, slideOrder } from '../../lib/positions';
import type { ConnectionStatus } from '../../lib/use-room';
import type { FirstSlide } from '../../../server/protocol/first-slide';

const STATUS_LABEL: Record<ConnectionStatus, string> = { connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…', failed: 'Offline' };

function PhoneHeader({ code, status, counter }: { code: string; status: ConnectionStatus; counter: string }) {
  return (
    <header data-phone-header className="sticky top-0 z-10 flex items-center justify-between bg-slate-900 px-4 py-2 text-sm">
      <h1 className="sr-only">Live slides, room {code}</h1>
      <span className="font-mono tracking-widest text-slate-400">{code}</span>
      <span data-testid="connection" data-status={status} className="flex items-center gap-2">
        <span className={`inline-block h-2.5 w-2.5 rounded-full ${status === 'live' ? 'bg-emerald-400' : 'bg-amber-400'}`} />
        {STATUS_LABEL[status]}
      </span>
      <span className="text-slate-400">{counter}</span>
    </header>
  );
}

/**
 * The live slide as the server put it in the page's HTML: shown while the page's script loads
 * and the socket joins, then replaced by the PhoneDeck it looks like.
 */
export function FirstSlideView({ code, slide }: { code: string; slide: FirstSlide }) {
  return (
    <div className="phone flex min-h-dvh flex-col">
      <PhoneHeader code={code} status="connecting" counter={`${slide.index + 1} / ${slide.total}`} />
      <main
        data-testid="first-slide"
        data-h={slide.h}
        data-v={slide.v}
        data-f={slide.f}
        className={`slide-body phone-slide flex-1 px-5 py-6 ${slide.className ?? ''}`}
        dangerouslySetInnerHTML={{ __html: slide.html }}
      />
      <nav data-phone-nav aria-label="Slides" className="sticky bottom-0 flex items-center gap-3 bg-slate-900 px-4 py-3 pb-[max(0.75rem,env(safe-area-inset-bottom))]">
        <span className="flex-1 text-center text-slate-400">Joining the room…</span>
      </nav>
    </div>
  );
}

/**
 * The phone's slide viewer: one slide at a time, reflowed for a portrait screen (no reveal.js
 * scaling), following the live position until the student browses back.
 */
type PhoneDeckProps = { code: string; deck: PublicDeck; live: SlidePosition; status: ConnectionStatus; prediction?: PredictionState | null; children?: ReactNode };

export function PhoneDeck({ code, deck, live, status, prediction, children }: PhoneDeckProps) {
  const [browsing, setBrowsing] = useState<{ h: number; v: number } | undefined>();
  const bodyRef = useRef<HTMLElement>(null);
  const touchX = useRef<number | undefined>(undefined);
  const order = slideOrder(deck);
  const liveIndex = orderIndex(deck, live);
  const shown = browsing ?? live;
  const shownIndex = orderIndex(deck, shown);
  const slide = deck.stacks[shown.h]?.[shown.v];
  // A slide browsed back to is shown whole; the live slide shows the fragments the presenter has.
  const fragment = browsing ? (slide?.fragments ?? 0) - 1 : live.f;

  useFragmentVisibility(bodyRef, fragment, `${shown.h}/${shown.v}`);
  useRevealedBlanks(bodyRef, prediction, `${shown.h}/${shown.v}`);

  const go = (index: number) => {
    const target = order[index];
    if (!target || index > liveIndex) return;
    // Catching up with the presenter means following live again.
    setBrowsing(index === liveIndex ? undefined : target);
  };

  return (
    <div
      className="phone flex min-h-dvh flex-col"
      onTouchStart={(e) => (touchX.current = e.touches[0]?.clientX)}
      onTouchEnd={(e) => {
        const dx = (e.changedTouches[0]?.clientX ?? 0) - (touchX.current ?? 0);
        if (Math.abs(dx) > 60) go(shownIndex + (dx > 0 ? -1 : 1));
      }}
    >
      <PhoneHeader code={code} status={status} counter={`${shownIndex + 1} / ${order.length}`} />

      <main
        ref={bodyRef}
        data-testid="phone-slide"
        data-h={shown.h}
        data-v={shown.v}
        data-f={fragment}
        className={`slide-body phone-slide flex-1 px-5 py-6 ${slide?.className ?? ''} ${children ? 'has-ballot' : ''}`}
        dangerouslySetInnerHTML={{ __html: slide?.html ?? '' }}
      />
      {/* The live poll, whatever slide the student is looking at. */}
      {children}

      <nav data-phone-nav aria-label="Slides" className="sticky bottom-0 flex items-center gap-3 bg-slate-900 px-4 py-3 pb-[max(0.75rem,env(safe-area-inset-bottom))]">
        <button aria-label="Previous slide" onClick={() => go(shownIndex - 1)} disabled={shownIndex === 0} className="h-12 w-14 rounded-lg bg-slate-700 text-2xl disabled:opacity-30">
          ‹
        </button>
        {browsing ? (
          <button onClick={() => setBrowsing(undefined)} className="h-12 flex-1 rounded-lg bg-amber-400 text-lg font-semibold text-slate-900">
            Back to live
          </button>
        ) : (
          <span className="flex-1 text-center text-slate-400">Following the presenter</span>
        )}
        <button aria-label="Next slide" onClick={() => go(shownIndex + 1)} disabled={!browsing} className="h-12 w-14 rounded-lg bg-slate-700 text-2xl disabled:opacity-30">
          ›
        </button>
      </nav>
    </div>
  );
}
