import type { StepRecord } from '../protocol/predictions';

export type { StepOutcome, StepRecord } from '../protocol/predictions';

/** A compiled deck. `stacks[h][v]` mirrors reveal.js: horizontal slides holding vertical ones. */
export type Deck = {
  id: string;
  title: string;
  /** Content hash of the deck's sources: clients and the answer-key cache key on it. */
  hash: string;
  stacks: Slide[][];
  /** Executed outcomes of each prediction's steps, by prediction id; filled in by the build. */
  answerKeys: Record<string, StepRecord[]>;
  /** Which Python ran the answer keys and where other CPythons answer differently; for the speaker only. */
  keyVersions: KeyVersions;
};

/** A step that some CPythons answer differently from the key (e.g. `close()` before 3.13): what they do. */
export type StepDifference = { step: number; versions: string[]; record: StepRecord };
/** `ranOn`: the answer keys' Python; `checked`: the CPython versions the build ran every prediction on. */
export type KeyVersions = { ranOn: string; checked: string[]; differences: Record<string, StepDifference[]> };

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

/** An ```example block: the file it runs, and output lines it claims (`expect`), checked by the build. */
export type DeckExample = { file: string; expect: string[]; line: number };

export type PollKind = 'single' | 'multiple' | 'numeric' | 'text';

/** A poll written in the deck. `correct` holds option indexes for choice polls. */
/** `names`: a graded poll; a ballot counts only from a student who has given their name, and the export lists who answered what. */
export type DeckPoll = { id: string; question: string; revote: boolean; names?: boolean } & (
  | { kind: 'single' | 'multiple'; options: string[]; correct?: number[] }
  | { kind: 'numeric'; correct?: number; min?: number; max?: number }
  | { kind: 'text' }
);

/**
 * A prediction written in the deck: run `setup` after loading `file`, then each step on `target`.
 * `graded`: which steps (0-based) teams are graded on; `distractors`: wrong answers per step for a
 * one-tap prediction poll; `prints`: whether rows also ask what a step prints; `code`: the example's
 * highlighted lines, so a reveal can point at the suspended line.
 */
export type DeckPrediction = {
  id: string;
  file: string;
  setup: string;
  target: string;
  steps: string[];
  graded: number[];
  distractors: string[][];
  prints: boolean;
  /** The example file, to run what-ifs; and its lines highlighted, to point at the suspended line. */
  source: string;
  code: string[];
  /** Where the block starts in deck.md, for problems found once it has run. */
  line: number;
};

export type PublicPoll = Omit<DeckPoll, 'correct'>;
/** A prediction as phones get it: no distractors, which would tell which poll option is the answer. */
export type PublicPrediction = Omit<DeckPrediction, 'distractors'>;
export type PublicSlide = Omit<Slide, 'notes' | 'poll' | 'prediction'> & { poll?: PublicPoll; prediction?: PublicPrediction };
export type PublicDeck = Omit<Deck, 'stacks' | 'answerKeys' | 'keyVersions'> & { stacks: PublicSlide[][] };

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

/** What a student may see: no notes, no answer keys, no correct answers, no distractors. */
export function publicDeck(deck: Deck): PublicDeck {
  const { answerKeys: _keys, keyVersions: _versions, ...rest } = deck;
  return {
    ...rest,
    stacks: deck.stacks.map((stack) =>
      stack.map(({ notes: _notes, poll, prediction, ...slide }) => ({
        ...slide,
        ...(poll ? { poll: publicPoll(poll) } : {}),
        ...(prediction ? { prediction: (({ distractors: _d, ...p }) => p)(prediction) } : {}),
      })),
    ),
  };
}

export function deckSummary(deck: Deck): DeckSummary {
  return { id: deck.id, title: deck.title, slides: deck.stacks.reduce((n, s) => n + s.length, 0) };
}
