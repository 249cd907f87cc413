import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileDeck } from '../../server/decks/compile';
import { readDeckSources } from '../../server/decks/load';
import { formatProblem, publicDeck } from '../../server/decks/types';
import { FIXTURE_DECKS } from '../support/server';

const GOLDEN = join(import.meta.dirname, 'golden/demo-deck.json');

const problemsOf = (markdown: string) => {
  const result = compileDeck({ id: 't', files: { 'deck.md': markdown } });
  return result.ok ? [] : result.problems.map(formatProblem);
};

describe('compileDeck', () => {
  it('compiles the demo deck to the golden output', () => {
    const [source] = readDeckSources(FIXTURE_DECKS);
    const result = compileDeck(source!);
    if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
    const actual = JSON.stringify(result.deck, null, 2) + '\n';
    // UPDATE_GOLDEN=1 rewrites the file after a deliberate change; review the diff.
    if (process.env.UPDATE_GOLDEN) writeFileSync(GOLDEN, actual);
    expect(actual).toBe(readFileSync(GOLDEN, 'utf8'));
  });

  it('builds horizontal and vertical slides, fragments in order, notes apart', () => {
    const result = compileDeck({ id: 'd', files: { 'deck.md': '# A\n\nNote: say A\n---\n## B\n- x {.fragment}\n- y {.fragment}\n--\n## B2\n---\n## C' } });
    if (!result.ok) throw new Error('should compile');
    const { stacks, title } = result.deck;
    expect(title).toBe('A');
    expect(stacks.map((s) => s.length)).toEqual([1, 2, 1]);
    expect(stacks[0]![0]!.notes).toContain('say A');
    expect(stacks[0]![0]!.html).not.toContain('say A');
    expect(stacks[1]![0]!.fragments).toBe(2);
    expect(stacks[1]![0]!.html).toMatch(/data-fragment-index="0"[^]*x[^]*data-fragment-index="1"[^]*y/);
  });

  it('numbers code-step copies after earlier fragments and before later ones', () => {
    const md = '## S\n\nfirst {.fragment}\n\n```python [1|2]\na = 1\nb = 2\n```\n\nlast {.fragment}';
    const result = compileDeck({ id: 'd', files: { 'deck.md': md } });
    if (!result.ok) throw new Error('should compile');
    const slide = result.deck.stacks[0]![0]!;
    expect(slide.fragments).toBe(3);
    const order = [...slide.html.matchAll(/data-fragment-index="(\d)"/g)].map((m) => m[1]);
    expect(order).toEqual(['0', '1', '2']);
    expect(slide.html).toMatch(/<pre class="code fragment" data-fragment-index="1"[^]*line dim[^]*line hl/);
  });

  it('does not split slides on separators inside code', () => {
    const result = compileDeck({ id: 'd', files: { 'deck.md': '## Code\n\n```text\n---\n--\n```' } });
    expect(result.ok && result.deck.stacks.length).toBe(1);
  });

  it('strips notes from the public deck', () => {
    const result = compileDeck({ id: 'd', files: { 'deck.md': '# T\n\nNote: secret words' } });
    if (!result.ok) throw new Error('should compile');
    expect(JSON.stringify(publicDeck(result.deck))).not.toContain('secret words');
  });

  it.each([
    ['a code block never closed', '# A\n\n```python\nx = 1\n', 'deck.md:3: code block is never closed'],
    ['a line step that is not a number', '# A\n---\n```python [1|x]\na\n```', 'deck.md:3: "x" is not a line number or range in [1|x]'],
    ['a line step past the code', '# A\n\n```python [1|4]\na\nb\n```', 'deck.md:3: line 4 is past the end of the 2-line code block'],
    ['an unknown language', '# A\n\n```pyhton\na\n```', 'deck.md:3: unknown code language or directive "pyhton" (directives: example, poll, predict)'],
    ['an unsupported slide attribute', '# A\n---\n<!-- .slide: data-x="1" -->\n## B', 'deck.md:3: unsupported slide attribute "data-x" (only class)'],
    ['an empty slide', '# A\n---\n\n---\n## C', 'deck.md:3: empty slide'],
    ['a raw-HTML fragment', '# A\n\n<p class="fragment">x</p>', 'deck.md:3: write fragments as {.fragment}, not raw HTML, so every viewer can step them'],
    ['an explicit fragment index', '# A\n\n- x {.fragment data-fragment-index=3}', 'deck.md:3: fragments are numbered in order; remove data-fragment-index'],
    ['no slides at all', '\n\n', 'deck.md:1: empty slide'],
  ])('reports %s with its line', (_what, markdown, expected) => {
    expect(problemsOf(markdown)).toContain(expected);
  });

  it('reports a missing deck.md', () => {
    expect(compileDeck({ id: 'x', files: {} })).toEqual({ ok: false, problems: [{ file: 'deck.md', line: 0, message: 'missing deck.md' }] });
  });
});
