/** A compiled deck. `stacks[h][v]` mirrors reveal.js: horizontal slides holding vertical ones. */
export type Deck = {
  id: string;
  title: string;
  /** Content hash of the deck's sources: clients cache by it. */
  hash: string;
  stacks: Slide[][];
};

export type Slide = {
  /** Rendered HTML of the slide body; fragments carry data-fragment-index 0..fragments-1. */
  html: string;
  /** Speaker notes as HTML; stripped from everything a student can fetch. */
  notes: string;
  fragments: number;
  className?: string;
};

export type PublicSlide = Omit<Slide, 'notes'>;
export type PublicDeck = Omit<Deck, 'stacks'> & { stacks: PublicSlide[][] };

export type DeckSummary = { id: string; title: string; slides: number };

/** A problem in a deck's sources, reported as `deck.md:LINE: message`. */
export type DeckProblem = { file: string; line: number; message: string };

export function formatProblem(p: DeckProblem): string {
  return `${p.file}:${p.line}: ${p.message}`;
}

export function publicDeck(deck: Deck): PublicDeck {
  return { ...deck, stacks: deck.stacks.map((stack) => stack.map(({ notes: _notes, ...rest }) => rest)) };
}

export function deckSummary(deck: Deck): DeckSummary {
  return { id: deck.id, title: deck.title, slides: deck.stacks.reduce((n, s) => n + s.length, 0) };
}
