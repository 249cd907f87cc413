import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { STEPPER_SOURCE, PredictionSetupError, startAnswerKeyRunner } from '../python/answer-key';
import type { AnswerKeyRunner } from '../python/answer-key';
import { findCPython, findCPythons, runExample, runStepsInCPython } from '../python/cpython';
import type { CPython } from '../python/cpython';
import { stepDifferences } from '../python/versions';
import { escapeHtml } from './code';
import { compileDeck } from './compile';
import type { DeckSource } from './compile';
import { exampleOutputMarker } from './directives';
import { readDeckSources } from './load';
import { formatProblem } from './types';
import type { Deck, DeckExample, DeckPrediction, DeckProblem, KeyVersions, StepRecord } from './types';
import { outcomeLabel } from '../predictions/outcome';

/** What executing a deck's Python produced; cached by content hash. */
type Executed = { outputs: Record<string, string>; answerKeys: Record<string, StepRecord[]>; keyVersions: KeyVersions };

export type BuildOptions = {
  cacheDir: string;
  stepTimeoutMs?: number;
  /** Told each deck whose Python runs (its cache missed), before it runs. */
  onExecute?: (deckId: string) => void;
};

export class DeckBuildError extends Error {
  constructor(readonly problems: string[]) {
    super(`deck problems:\n${problems.join('\n')}`);
  }
}

/** Puts each example's captured output under its code. Pure: the build and tests share it. */
export function withExecuted(deck: Deck, executed: Executed): Deck {
  const fill = (html: string) =>
    Object.entries(executed.outputs).reduce(
      (out, [file, stdout]) => out.replaceAll(exampleOutputMarker(file), `<pre class="example-output" aria-label="Output of ${file}"><code>${escapeHtml(stdout.replace(/\n$/, ''))}</code></pre>`),
      html,
    );
  return { ...deck, answerKeys: executed.answerKeys, keyVersions: executed.keyVersions, stacks: deck.stacks.map((stack) => stack.map((slide) => ({ ...slide, html: fill(slide.html) }))) };
}

/** A distractor that is the executed answer, or a step that timed out, cannot make a poll. */
function distractorProblems(prediction: DeckPrediction, records: StepRecord[]): DeckProblem[] {
  return records.flatMap((record, i) => {
    const distractors = prediction.distractors[i] ?? [];
    if (distractors.length === 0) return [];
    const answer = outcomeLabel(record.outcome);
    if (record.outcome.kind === 'timeout') return [{ file: 'deck.md', line: prediction.line, message: `step "${record.call}" did not finish, so it cannot be polled` }];
    if (distractors.includes(answer)) return [{ file: 'deck.md', line: prediction.line, message: `distractor "${answer}" of step "${record.call}" is what Python answers` }];
    return [];
  });
}

/** An example whose output lacks a line its block claims (`expect:`) is not shown: the capture is wrong, or the claim is. */
function expectProblems(example: DeckExample, stdout: string): DeckProblem[] {
  const lines = stdout.split('\n').map((l) => l.trimEnd());
  return example.expect
    .filter((line) => !lines.includes(line))
    .map((line) => ({ file: 'deck.md', line: example.line, message: `examples/${example.file} printed no line "${line}" (its expect:), so its output is refused` }));
}

/** A graded step must have one answer: teams on another Python would be marked wrong for a right one. */
function versionProblems(prediction: DeckPrediction, records: StepRecord[], differences: KeyVersions['differences'][string]): DeckProblem[] {
  return differences
    .filter((d) => prediction.graded.includes(d.step))
    .map((d) => ({ file: 'deck.md', line: prediction.line, message: `step "${records[d.step]!.call}" answers ${outcomeLabel(d.record.outcome)} on CPython ${d.versions.join(', ')}: mark it graded: false` }));
}

const predictionsOf = (deck: Deck) => deck.stacks.flat().flatMap((s) => (s.prediction ? [s.prediction] : []));

async function execute(source: DeckSource, deck: Deck, examples: DeckExample[], cpythons: CPython[], runner: () => Promise<AnswerKeyRunner>): Promise<Executed> {
  const problems: DeckProblem[] = [];
  const outputs: Record<string, string> = {};
  const python = examples.length > 0 ? findCPython() : undefined;
  if (examples.length > 0 && !python) problems.push({ file: 'examples', line: 0, message: 'showing example output needs CPython 3.10+ as python3 (or set PYTHON)' });
  for (const file of python ? new Set(examples.map((e) => e.file)) : []) {
    const run = runExample(python!, source.files, file);
    if (run.ok) outputs[file] = run.stdout;
    else problems.push({ file: `examples/${file}`, line: 0, message: run.message });
  }
  for (const example of examples) if (outputs[example.file] !== undefined) problems.push(...expectProblems(example, outputs[example.file]!));
  const answerKeys: Record<string, StepRecord[]> = {};
  const keyVersions: KeyVersions = { ranOn: '', checked: cpythons.map((p) => p.version), differences: {} };
  for (const prediction of predictionsOf(deck)) {
    const code = source.files[`examples/${prediction.file}`]!;
    try {
      answerKeys[prediction.id] = await (await runner()).run(prediction, code);
      keyVersions.ranOn = (await runner()).pythonVersion;
    } catch (error) {
      if (!(error instanceof PredictionSetupError)) throw error;
      problems.push({ file: `examples/${prediction.file}`, line: 0, message: `setup "${prediction.setup}" failed: ${error.message}` });
      continue;
    }
    const records = answerKeys[prediction.id]!;
    const runs = cpythons.map((p) => ({ version: p.version, records: runStepsInCPython(p.path, prediction, code) }));
    const differences = stepDifferences(records, runs);
    if (differences.length > 0) keyVersions.differences[prediction.id] = differences;
    problems.push(...distractorProblems(prediction, records), ...versionProblems(prediction, records, differences));
  }
  if (problems.length > 0) throw new DeckBuildError(problems.map((p) => `decks/${source.id}/${formatProblem(p)}`));
  return { outputs, answerKeys, keyVersions };
}

/**
 * Compiles every deck and executes its Python: example output from CPython (what the audience
 * runs), answer keys from Pyodide (the same everywhere). Results are cached by content hash, so
 * only a changed deck pays for Python.
 */
export async function buildDecks(decksDir: string, options: BuildOptions): Promise<Map<string, Deck>> {
  let runner: Promise<AnswerKeyRunner> | undefined;
  const getRunner = () => (runner ??= startAnswerKeyRunner(options.stepTimeoutMs));
  const decks = new Map<string, Deck>();
  const failures: string[] = [];
  try {
    for (const source of readDeckSources(decksDir)) {
      const compiled = compileDeck(source);
      if (!compiled.ok) {
        failures.push(...compiled.problems.map((p) => `decks/${source.id}/${formatProblem(p)}`));
        continue;
      }
      const { deck, examples } = compiled;
      if (examples.length === 0 && predictionsOf(deck).length === 0) {
        decks.set(deck.id, deck);
        continue;
      }
      const cpythons = findCPythons();
      // Other CPythons change what the key records about them, so they are part of its hash.
      const key = createHash('sha256')
        .update(`${deck.hash}\0${STEPPER_SOURCE}\0${options.stepTimeoutMs ?? ''}\0${cpythons.map((p) => `${p.path}=${p.version}`).join(',')}`)
        .digest('hex')
        .slice(0, 16);
      const cacheFile = join(options.cacheDir, `${deck.id}-${key}.json`);
      let executed: Executed;
      if (existsSync(cacheFile)) executed = JSON.parse(readFileSync(cacheFile, 'utf8')) as Executed;
      else {
        try {
          options.onExecute?.(deck.id);
          executed = await execute(source, deck, examples, cpythons, getRunner);
        } catch (error) {
          if (!(error instanceof DeckBuildError)) throw error;
          failures.push(...error.problems);
          continue;
        }
        mkdirSync(options.cacheDir, { recursive: true });
        writeFileSync(cacheFile, JSON.stringify(executed));
      }
      decks.set(deck.id, withExecuted(deck, executed));
    }
  } finally {
    if (runner) await (await runner).close();
  }
  if (failures.length > 0) throw new DeckBuildError(failures);
  return decks;
}
