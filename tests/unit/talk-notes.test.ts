import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileDeck } from '../../server/decks/compile';
import { readDeckSources } from '../../server/decks/load';
import { formatProblem } from '../../server/decks/types';

// The speaker's raw notes: every line must end up on a slide of this deck, in order.
const DECK_ID = 'iterators-to-asyncio';
const DECKS = join(import.meta.dirname, '../../decks');
const NOTES = readFileSync(join(import.meta.dirname, '../fixtures/talk-notes.txt'), 'utf8');

/** Typos and slips fixed on the slides: `from` (in a notes line) reads `to` in the deck. */
const EDITS = [
  { from: "it's members", to: 'its members' },
  { from: 'calling .next()', to: 'calling next()' }, // Python 3 generators have no .next() method
  { from: 'the use of single thread', to: 'the use of a single thread' },
  { from: 'on an object , it', to: 'on an object, it' },
  { from: '`await` expression is only valid', to: 'An `await` expression is only valid' },
  // An async function is a coroutine *function*; "either has await or none" said nothing.
  { from: 'is a coroutine that either has:', to: 'is a coroutine function: calling it returns a coroutine, whether its body has' },
];

/** Lines the notes leave unfinished, and how the deck finishes them. */
const COMPLETIONS = [
  { from: 'Execution starts from the first line and continues until', to: 'Execution starts from the first line and continues until it returns' },
  { from: 'They can be', to: 'They can be resumed where they paused, many times, with values passed in and out' },
];

/** Curly quotes to straight, code-span backticks dropped (they render as <code>), whitespace collapsed. */
const normalise = (text: string) =>
  text
    .replace(/[‘’]/g, "'")
    .replace(/[“”]/g, '"')
    .replace(/`/g, '')
    .replace(/\s+/g, ' ')
    .trim();

const ENTITIES: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&amp;': '&' };

/** The text a slide shows: block ends become spaces so words from separate blocks never run together. */
const textOf = (html: string) =>
  html
    .replace(/<\/(p|li|h[1-6]|pre|div|ol|ul|blockquote)>|<br\s*\/?>/g, ' ')
    .replace(/<[^>]*>/g, '')
    .replace(/&(lt|gt|quot|#39|amp);/g, (entity) => ENTITIES[entity]!);

const noteLines = NOTES.split(/\r?\n/).filter((line) => line.trim() !== '');
const isExampleLine = (line: string) => line.trimStart().startsWith('>');

/** What the deck should say for one notes line, normalised. */
function expectedText(line: string): string {
  const completion = COMPLETIONS.find((c) => c.from === line.trim());
  if (completion) return normalise(completion.to);
  return normalise(EDITS.reduce((text, edit) => text.replace(edit.from, edit.to), line));
}

/** deck.md split at slide separators outside code fences: one markdown string per slide. */
function slideSources(markdown: string): string[] {
  const slides: string[][] = [[]];
  let inFence = false;
  for (const line of markdown.split(/\r?\n/)) {
    if (/^\s*```/.test(line)) inFence = !inFence;
    if (!inFence && ['---', '--'].includes(line.trim())) slides.push([]);
    else slides.at(-1)!.push(line);
  }
  return slides.map((lines) => lines.join('\n'));
}

function compiledDeck() {
  const source = readDeckSources(DECKS).find((s) => s.id === DECK_ID);
  if (!source) throw new Error(`no deck ${DECK_ID} in ${DECKS}`);
  const result = compileDeck(source);
  if (!result.ok) throw new Error(result.problems.map((p) => `decks/${DECK_ID}/${formatProblem(p)}`).join('\n'));
  return { source, deck: result.deck };
}

describe('the iterators-to-asyncio deck and the talk notes', () => {
  it('keeps its edit tables honest', () => {
    for (const edit of EDITS) expect(noteLines.filter((l) => l.includes(edit.from)), edit.from).toHaveLength(1);
    for (const c of COMPLETIONS) {
      expect(noteLines.map((l) => l.trim()), c.from).toContain(c.from);
      expect(c.to.startsWith(c.from), `${c.to} should start with ${c.from}`).toBe(true);
      expect(c.to.length).toBeGreaterThan(c.from.length);
    }
  });

  it('shows every line of the notes on a slide, in the notes order', () => {
    const { deck } = compiledDeck();
    const text = normalise(deck.stacks.flat().map((slide) => textOf(slide.html)).join(' '));
    const problems: string[] = [];
    let from = 0;
    for (const line of noteLines.filter((l) => !isExampleLine(l))) {
      const wanted = expectedText(line);
      const at = text.indexOf(wanted, from);
      if (at === -1) problems.push(`${text.includes(wanted) ? 'out of order' : 'missing'}: ${wanted}`);
      else from = at + wanted.length;
    }
    expect(problems).toEqual([]);
  });

  it('shows the example each ">file.py" line names, in the notes order', () => {
    const { source } = compiledDeck();
    const shown = [...source.files['deck.md']!.matchAll(/^```example\s*\nfile:\s*(\S+)/gm)].map((m) => m[1]);
    const named = noteLines.filter((l) => /^>[^>]/.test(l.trim())).map((l) => l.trim().slice(1).trim());
    expect(named.length).toBeGreaterThan(0);
    let from = 0;
    for (const file of named) {
      const at = shown.indexOf(file, from);
      expect(at, `example ${file} after position ${from} in ${shown.join(', ')}`).toBeGreaterThanOrEqual(0);
      from = at + 1;
    }
  });

  it('copies code onto predict slides verbatim from the example the prediction runs', () => {
    const { source, deck } = compiledDeck();
    const predictSlides = slideSources(source.files['deck.md']!).filter((slide) => /^```predict\s*$/m.test(slide));
    // Every predict block is matched here, so a change in how one is written fails rather than skips.
    expect(predictSlides).toHaveLength(deck.stacks.flat().filter((s) => s.prediction).length);
    expect(predictSlides.length).toBeGreaterThan(0);
    let copied = 0;
    for (const slide of predictSlides) {
      const file = /^```predict\s*\nfile:\s*(\S+)/m.exec(slide)?.[1];
      expect(file, slide.slice(0, 80)).toBeDefined();
      const example = source.files[`examples/${file}`];
      expect(example, file).toBeDefined();
      for (const [, code] of slide.matchAll(/^```python[^\n]*\n([^]*?)\n```/gm)) {
        expect(example, `code on the ${file} predict slide`).toContain(code);
        copied += 1;
      }
    }
    expect(copied).toBeGreaterThan(0);
  });

  it('has speaker notes on every slide', () => {
    const { deck } = compiledDeck();
    const bare = deck.stacks.flatMap((stack, h) => stack.map((slide, v) => ({ h, v, slide }))).filter(({ slide }) => textOf(slide.notes).trim() === '');
    expect(bare.map(({ h, v, slide }) => `${h}/${v}: ${normalise(textOf(slide.html)).slice(0, 60)}`)).toEqual([]);
  });
});
