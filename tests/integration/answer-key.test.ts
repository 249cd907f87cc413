import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDecks } from '../../server/decks/build';
import { compileDeck } from '../../server/decks/compile';
import { readDeckSources } from '../../server/decks/load';
import type { DeckPrediction, StepRecord } from '../../server/decks/types';
import { startAnswerKeyRunner } from '../../server/python/answer-key';
import type { AnswerKeyRunner } from '../../server/python/answer-key';
import { findCPython, runExample, runStepsInCPython } from '../../server/python/cpython';
import { tempDataDir } from '../support/server';

const DECK_DIRS = [join(import.meta.dirname, '../../decks'), join(import.meta.dirname, '../fixtures/python-decks')];
const python = findCPython();
if (!python) throw new Error('these tests compare against CPython 3.10+: install python3 or set PYTHON');

/** Every prediction in every deck, with the source of its example file. */
const predictions = DECK_DIRS.flatMap((dir) =>
  readDeckSources(dir).flatMap((source) => {
    const compiled = compileDeck(source);
    if (!compiled.ok) throw new Error(`${source.id} does not compile`);
    return compiled.deck.stacks.flat().flatMap((slide) => (slide.prediction ? [{ deck: source.id, prediction: slide.prediction, source: source.files[`examples/${slide.prediction.file}`]! }] : []));
  }),
);

/**
 * Outcome kind, exception type and repr must agree between Pyodide and CPython; so must the
 * generator state and the suspended line. Exception messages are left out: their wording
 * changes between Python versions.
 */
const comparable = (records: StepRecord[]) =>
  records.map((r) => ({ call: r.call, kind: r.outcome.kind, type: 'type' in r.outcome ? r.outcome.type : undefined, repr: 'repr' in r.outcome ? r.outcome.repr : undefined, state: r.state, line: r.at?.line, printed: r.printed }));

let runner: AnswerKeyRunner;
beforeAll(async () => {
  runner = await startAnswerKeyRunner(1000);
}, 30_000);
afterAll(() => runner.close());

describe('the answer key is executed', () => {
  it('runs Python 3.14 from Pyodide', () => {
    expect(runner.pythonVersion).toMatch(/^3\.1[4-9]\./);
  });

  it.each(predictions.map((p) => [`${p.deck}: ${p.prediction.setup} → ${p.prediction.steps.join(', ')}`, p] as const))(
    '%s: Pyodide agrees with CPython',
    async (_name, { prediction, source }) => {
      const pyodide = await runner.run(prediction, source);
      const cpython = runStepsInCPython(python, prediction, source, 1000);
      expect(comparable(pyodide)).toEqual(comparable(cpython));
    },
  );

  it('records a just-started send, a yield from value, a throw and exhaustion from real Python', async () => {
    const fixture = predictions.filter((p) => p.deck === 'steps').map((p) => p.prediction);
    const [echo, outer] = await Promise.all(fixture.slice(0, 2).map((p: DeckPrediction) => runner.run(p, predictions.find((q) => q.prediction === p)!.source)));
    expect(echo![0]!.outcome).toEqual({ kind: 'raise', type: 'TypeError', message: "can't send non-None value to a just-started generator" });
    expect(echo![1]).toMatchObject({ outcome: { kind: 'value', repr: "'ready'" }, state: 'GEN_SUSPENDED', at: { line: 2, function: 'echo' } });
    expect(echo![3]).toMatchObject({ outcome: { kind: 'raise', type: 'ValueError', message: 'nope' }, state: 'GEN_CLOSED' });
    expect(echo![4]).toMatchObject({ outcome: { kind: 'stop', repr: 'None' } });
    // Suspended inside the subgenerator: the line is followed through gi_yieldfrom.
    expect(outer![0]).toMatchObject({ outcome: { kind: 'value', repr: '1' }, at: { line: 16, function: 'inner' } });
    expect(outer![1]).toMatchObject({ outcome: { kind: 'value', repr: "'inner returned 42'" } });
  });

  it('interrupts a step that runs past the limit, reports it, and keeps serving', async () => {
    const spin = predictions.find((p) => p.prediction.steps[0] === 'g.send("spin")')!;
    const records = await runner.run(spin.prediction, spin.source);
    expect(records[0]!.outcome).toEqual({ kind: 'timeout' });
    const again = await runner.run(predictions[0]!.prediction, predictions[0]!.source);
    expect(again.length).toBe(predictions[0]!.prediction.steps.length);
  });
});

describe('examples show their real output', () => {
  it('builds each deck with the output CPython prints, and a rebuild hits the cache', async () => {
    const cacheDir = tempDataDir();
    const checked: string[] = [];
    for (const dir of DECK_DIRS) {
      const ran: string[] = [];
      const decks = await buildDecks(dir, { cacheDir, onExecute: (id) => ran.push(id) });
      expect(ran.length).toBeGreaterThan(0);
      for (const source of readDeckSources(dir)) {
        const html = decks.get(source.id)!.stacks.flat().map((s) => s.html).join('\n');
        // Every example the deck shows, whether or not its output made it into the HTML.
        const compiled = compileDeck(source);
        const files = compiled.ok ? compiled.examples.map((f) => `examples/${f}`) : [];
        checked.push(...files.map((f) => `${source.id}/${f}`));
        for (const file of files) {
          const run = runExample(python, source.files, file.slice(9));
          if (!run.ok) throw new Error(run.message);
          const shown = new RegExp(`aria-label="Output of ${file.slice(9).replace('.', '\\.')}"><code>([^]*?)</code>`).exec(html)![1]!;
          const decoded = shown.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
          expect(decoded).toBe(run.stdout.replace(/\n$/, ''));
        }
      }
      const rerun: string[] = [];
      await buildDecks(dir, { cacheDir, onExecute: (id) => rerun.push(id) });
      expect(rerun).toEqual([]); // cached: no Pyodide, no CPython
    }
    expect(checked).toEqual(expect.arrayContaining(['iterators-to-asyncio/examples/simple_generator.py', 'iterators-to-asyncio/examples/tiny_event_loop.py', 'steps/examples/gen.py']));
  }, 120_000);
});

describe('deck:check on predictions', () => {
  it('refuses a distractor that is what Python answers, naming the block’s line', async () => {
    const dir = join(tempDataDir(), 'decks');
    mkdirSync(join(dir, 'clash', 'examples'), { recursive: true });
    writeFileSync(join(dir, 'clash', 'examples', 'count.py'), 'def countdown(n):\n    while n > 0:\n        yield n\n        n -= 1\n');
    writeFileSync(join(dir, 'clash', 'deck.md'), '# Clash\n\n```predict\nfile: count.py\nsetup: g = countdown(2)\nsteps:\n  - call: next(g)\n    distractors: [1, 2]\n```\n');
    await expect(buildDecks(dir, { cacheDir: tempDataDir() })).rejects.toThrow('decks/clash/deck.md:3: distractor "2" of step "next(g)" is what Python answers');
  }, 60_000);
});
