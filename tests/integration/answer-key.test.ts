import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDecks } from '../../server/decks/build';
import { compileDeck } from '../../server/decks/compile';
import { readDeckSources } from '../../server/decks/load';
import type { Deck, DeckPrediction } from '../../server/decks/types';
import { startAnswerKeyRunner } from '../../server/python/answer-key';
import type { AnswerKeyRunner } from '../../server/python/answer-key';
import { findCPython, findCPythons, runExample, runStepsInCPython } from '../../server/python/cpython';
import { comparableStep } from '../../server/python/versions';
import { tempDataDir } from '../support/server';

const DECK_DIRS = [join(import.meta.dirname, '../../decks'), join(import.meta.dirname, '../fixtures/python-decks')];
const python = findCPython();
if (!python) throw new Error('these tests compare against CPython 3.10+: install python3 or set PYTHON');
/** Every CPython 3.10+ here (pyenv's versions, python3, PYTHON): each must agree with the key, or differ as the build recorded. */
const cpythons = findCPythons();
const before313 = (version: string) => Number(version.split('.')[1]) < 13;

/** Every prediction in every deck, with the source of its example file. */
const predictions = DECK_DIRS.flatMap((dir) =>
  readDeckSources(dir).flatMap((source) => {
    const compiled = compileDeck(source);
    if (!compiled.ok) throw new Error(`${source.id} does not compile`);
    return compiled.deck.stacks.flat().flatMap((slide) => (slide.prediction ? [{ deck: source.id, prediction: slide.prediction, source: source.files[`examples/${slide.prediction.file}`]! }] : []));
  }),
);

let runner: AnswerKeyRunner;
/** The decks as the build makes them: answer keys, and where each CPython found answers differently. */
const built = new Map<string, Deck>();
const buildOptions = { cacheDir: tempDataDir(), stepTimeoutMs: 1000 };
beforeAll(async () => {
  runner = await startAnswerKeyRunner(1000);
  for (const dir of DECK_DIRS) for (const [id, deck] of await buildDecks(dir, buildOptions)) built.set(id, deck);
}, 180_000);
afterAll(() => runner.close());

const byName = (setup: string) => predictions.find((p) => p.prediction.setup === setup)!;

describe('the answer key is executed', () => {
  it('runs Python 3.14 from Pyodide, and finds the CPythons to check it on', () => {
    expect(runner.pythonVersion).toMatch(/^3\.1[4-9]\./);
    expect(cpythons.length).toBeGreaterThanOrEqual(1);
    for (const deck of built.values()) if (Object.keys(deck.answerKeys).length) expect(deck.keyVersions).toMatchObject({ ranOn: runner.pythonVersion, checked: cpythons.map((p) => p.version) });
  });

  it.each(predictions.flatMap((p) => cpythons.map((cpython) => [`${p.deck}: ${p.prediction.setup} → ${p.prediction.steps.join(', ')}`, cpython.version, p, cpython] as const)))(
    '%s: CPython %s agrees with the key, or differs as the build recorded',
    (_name, version, { deck, prediction, source }, cpython) => {
      const { answerKeys, keyVersions } = built.get(deck)!;
      const key = answerKeys[prediction.id]!; // from Pyodide, in beforeAll's build
      const recorded = keyVersions.differences[prediction.id] ?? [];
      const ran = runStepsInCPython(cpython.path, prediction, source, 1000);
      const expected = key.map((record, step) => recorded.find((d) => d.step === step && d.versions.includes(version))?.record ?? record);
      expect(ran.map(comparableStep)).toEqual(expected.map(comparableStep));
    },
  );

  it('records that close() returns the return value only from 3.13, on every CPython found', () => {
    const { prediction } = byName('g = running_total()');
    const { answerKeys, keyVersions } = built.get('iterators-to-asyncio')!;
    const close = prediction.steps.indexOf('g.close()');
    expect(prediction.graded).not.toContain(close);
    expect(answerKeys[prediction.id]![close]!.outcome).toEqual({ kind: 'value', repr: '5' });
    const older = cpythons.map((p) => p.version).filter(before313);
    const differences = keyVersions.differences[prediction.id] ?? [];
    expect(differences.map((d) => ({ step: d.step, versions: d.versions, outcome: d.record.outcome }))).toEqual(
      older.length ? [{ step: close, versions: older, outcome: { kind: 'value', repr: 'None' } }] : [],
    );
  });

  it('runs the talk’s PEP 479, plain-generator and custom-awaitable predictions', () => {
    const { answerKeys } = built.get('iterators-to-asyncio')!;
    const outcomes = (setup: string) => answerKeys[byName(setup).prediction.id]!.map((r) => ('type' in r.outcome ? r.outcome.type : `${r.outcome.kind} ${'repr' in r.outcome ? r.outcome.repr : ''}`));
    expect(outcomes('g = first_two(iter([1]))')).toEqual(['value 1', 'RuntimeError', 'stop None']);
    expect(outcomes('coro = main()')).toEqual(["value 'tick'", 'TypeError', 'RuntimeError']);
    expect(outcomes('coro = lunch()')).toEqual(["value 'order soup'", "stop 'SOUP, HOT'", 'RuntimeError']);
  });

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
  it.each(cpythons.map((p) => [p.version, p] as const))(
    'shows what CPython %s prints for each example',
    (_version, cpython) => {
      const checked: string[] = [];
      for (const dir of DECK_DIRS) {
        for (const source of readDeckSources(dir)) {
          const compiled = compileDeck(source);
          if (!compiled.ok) throw new Error(`${source.id} does not compile`);
          const html = built.get(source.id)!.stacks.flat().map((s) => s.html).join('\n');
          // Every example the compiler found on a slide, whether or not its output made it into the HTML.
          for (const { file } of compiled.examples) {
            const shown = new RegExp(`aria-label="Output of ${file.replace('.', '\\.')}"><code>([^]*?)</code>`).exec(html)?.[1];
            expect(shown, `${source.id}/${file} shows its output`).toBeDefined();
            const run = runExample(cpython.path, source.files, file);
            if (!run.ok) throw new Error(`${file} under CPython ${cpython.version}: ${run.message}`);
            const decoded = shown!.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
            expect(decoded, `${file} under CPython ${cpython.version}`).toBe(run.stdout.replace(/\n$/, ''));
            checked.push(`${source.id}/examples/${file}`);
          }
        }
      }
      expect(checked).toEqual(expect.arrayContaining(['iterators-to-asyncio/examples/simple_generator.py', 'iterators-to-asyncio/examples/tiny_event_loop.py', 'steps/examples/gen.py']));
    },
    120_000,
  );

  it('rebuilds from the cache without running Python', async () => {
    for (const dir of DECK_DIRS) {
      const rerun: string[] = [];
      await buildDecks(dir, { ...buildOptions, onExecute: (id) => rerun.push(id) });
      expect(rerun).toEqual([]);
    }
  });
});

describe('deck:check on predictions', () => {
  it('refuses a distractor that is what Python answers, naming the block’s line', async () => {
    const dir = join(tempDataDir(), 'decks');
    mkdirSync(join(dir, 'clash', 'examples'), { recursive: true });
    writeFileSync(join(dir, 'clash', 'examples', 'count.py'), 'def countdown(n):\n    while n > 0:\n        yield n\n        n -= 1\n');
    writeFileSync(join(dir, 'clash', 'deck.md'), '# Clash\n\n```predict\nfile: count.py\nsetup: g = countdown(2)\nsteps:\n  - call: next(g)\n    distractors: [1, 2]\n```\n');
    await expect(buildDecks(dir, { cacheDir: tempDataDir() })).rejects.toThrow('decks/clash/deck.md:3: distractor "2" of step "next(g)" is what Python answers');
  }, 60_000);

  it('refuses to grade a step whose answer depends on the CPython version', async () => {
    const dir = join(tempDataDir(), 'decks');
    mkdirSync(join(dir, 'close', 'examples'), { recursive: true });
    writeFileSync(join(dir, 'close', 'examples', 'total.py'), 'def total():\n    n = 0\n    try:\n        while True:\n            n += yield n\n    except GeneratorExit:\n        return n\n');
    writeFileSync(join(dir, 'close', 'deck.md'), '# Close\n\n```predict\nfile: total.py\nsetup: g = total()\nsteps:\n  - next(g)\n  - g.send(2)\n  - g.close()\n```\n');
    const older = cpythons.map((p) => p.version).filter(before313);
    const build = buildDecks(dir, { cacheDir: tempDataDir() });
    // Where every CPython here is 3.13+, they all agree with the key and there is nothing to refuse.
    if (older.length) await expect(build).rejects.toThrow(`decks/close/deck.md:3: step "g.close()" answers None on CPython ${older.join(', ')}: mark it graded: false`);
    else await expect(build).resolves.toBeDefined();
  }, 60_000);
});

describe('deck:check on examples', () => {
  const claim = (expect: string) => {
    const dir = join(tempDataDir(), 'decks');
    mkdirSync(join(dir, 'claim', 'examples'), { recursive: true });
    writeFileSync(join(dir, 'claim', 'examples', 'verdict.py'), 'print("steps: 3")\nprint("faster?", "No")\n');
    writeFileSync(join(dir, 'claim', 'deck.md'), `# Claim\n\n\`\`\`example\nfile: verdict.py\nexpect: "${expect}"\n\`\`\`\n`);
    return buildDecks(dir, { cacheDir: tempDataDir() });
  };

  it('refuses an output that contradicts the example’s expect:, naming the block’s line', async () => {
    await expect(claim('faster? Yes')).rejects.toThrow('decks/claim/deck.md:3: examples/verdict.py printed no line "faster? Yes" (its expect:), so its output is refused');
  });

  it('shows an output that has the expected line', async () => {
    const deck = (await claim('faster? No')).get('claim')!;
    expect(deck.stacks[0]![0]!.html).toContain('faster? No</code></pre>');
  });
});
