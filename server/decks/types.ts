/** A compiled deck. `stacks[h][v]` mirrors reveal.js: horizontal slides holding vertical ones. */
export type Deck = {
  id: string;
  title: string;
  /** Content hash of the deck's sources: clients and the answer-key cache key on it. */
  hash: string;
  stacks: Slide[][];
  /** Executed outcomes of each prediction's steps, by prediction id; filled in by the build. */
  answerKeys: Record<string, StepRecord[]>;
};

export type Slide = {
  /** Rendered HTML of the slide body; fragments carry data-fragment-index 0..fragments-1. */
  html: string;
  /** Speaker notes as HTML; stripped from everything a student can fetch. */
  notes: string;
  fragments: number;
  className?: string;
  poll?: DeckPoll;
  prediction?: DeckPrediction;
};

export type PollKind = 'single' | 'multiple' | 'numeric' | 'text';

/** A poll written in the deck. `correct` holds option indexes for choice polls. */
export type DeckPoll = { id: string; question: string; revote: boolean } & (
  | { kind: 'single' | 'multiple'; options: string[]; correct?: number[] }
  | { kind: 'numeric'; correct?: number }
  | { kind: 'text' }
);

/** A prediction written in the deck: run `setup` after loading `file`, then each step on `target`. */
export type DeckPrediction = { id: string; file: string; setup: string; target: string; steps: string[] };

/** What one step did, as executed in Python. */
export type StepOutcome =
  | { kind: 'value'; repr: string }
  | { kind: 'stop'; repr: string }
  | { kind: 'raise'; type: string; message: string }
  | { kind: 'timeout' };

export type StepRecord = {
  call: string;
  outcome: StepOutcome;
  /** inspect.getgeneratorstate after the step. */
  state: 'GEN_CREATED' | 'GEN_RUNNING' | 'GEN_SUSPENDED' | 'GEN_CLOSED' | null;
  /** Where the innermost generator (through `yield from`) is suspended, if it is. */
  at: { file: string; line: number; function: string } | null;
  /** What the step printed. */
  printed: string;
};

export type PublicPoll = Omit<DeckPoll, 'correct'>;
export type PublicSlide = Omit<Slide, 'notes' | 'poll'> & { poll?: PublicPoll };
export type PublicDeck = Omit<Deck, 'stacks' | 'answerKeys'> & { stacks: PublicSlide[][] };

export type DeckSummary = { id: string; title: string; slides: number };

/** A problem in a deck's sources, reported as `deck.md:LINE: message`. */
export type DeckProblem = { file: string; line: number; message: string };

export function formatProblem(p: DeckProblem): string {
  return `${p.file}:${p.line}: ${p.message}`;
}

function publicPoll(poll: DeckPoll): PublicPoll {
  const { correct: _correct, ...rest } = poll as DeckPoll & { correct?: unknown };
  return rest as PublicPoll;
}

/** What a student may see: no notes, no answer keys, no correct answers. */
export function publicDeck(deck: Deck): PublicDeck {
  const { answerKeys: _keys, ...rest } = deck;
  return {
    ...rest,
    stacks: deck.stacks.map((stack) =>
      stack.map(({ notes: _notes, poll, ...slide }) => (poll ? { ...slide, poll: publicPoll(poll) } : slide)),
    ),
  };
}

export function deckSummary(deck: Deck): DeckSummary {
  return { id: deck.id, title: deck.title, slides: deck.stacks.reduce((n, s) => n + s.length, 0) };
}
