import type { SlidePosition } from '../../server/protocol/events';

/** Just the shape of a deck that navigation needs: fragment counts per slide. */
export type DeckShape = { stacks: { fragments: number }[][] };

/** Slides in reading order, as reveal.js's next() walks them: down a stack, then right. */
export function slideOrder(deck: DeckShape): { h: number; v: number }[] {
  return deck.stacks.flatMap((stack, h) => stack.map((_, v) => ({ h, v })));
}

export function orderIndex(deck: DeckShape, pos: { h: number; v: number }): number {
  return slideOrder(deck).findIndex((s) => s.h === pos.h && s.v === pos.v);
}

/** One step forward, through fragments first, as the presenter's arrow key does. */
export function nextPosition(deck: DeckShape, pos: SlidePosition): SlidePosition {
  const fragments = deck.stacks[pos.h]?.[pos.v]?.fragments ?? 0;
  if (pos.f + 1 < fragments) return { ...pos, f: pos.f + 1 };
  const next = slideOrder(deck)[orderIndex(deck, pos) + 1];
  return next ? { ...next, f: -1 } : pos;
}

/** One step back; the slide before is shown with all its fragments. */
export function previousPosition(deck: DeckShape, pos: SlidePosition): SlidePosition {
  if (pos.f > -1) return { ...pos, f: pos.f - 1 };
  const prev = slideOrder(deck)[orderIndex(deck, pos) - 1];
  return prev ? { ...prev, f: (deck.stacks[prev.h]?.[prev.v]?.fragments ?? 0) - 1 } : pos;
}

/** A slide's first heading as plain text, to name it in a list or an announcement. */
export function slideTitle(html: string | undefined): string {
  return html?.match(/<h[1-3][^>]*>([\s\S]*?)<\/h[1-3]>/)?.[1]?.replace(/<[^>]+>/g, '').trim() || 'untitled';
}
