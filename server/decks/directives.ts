import { createHash } from 'node:crypto';
import { parseDocument } from 'yaml';
import { escapeHtml, highlightLines, parseLineSteps, renderCodeBlock } from './code';
import type { DeckExample, DeckPoll, DeckPrediction, DeckProblem, PollKind } from './types';

/** What a directive fence sees: where it is, the deck's files, and where to report problems. */
export type DirectiveContext = { file: string; line: number; files: Record<string, string>; problems: DeckProblem[]; firstFragment: number };
/** A parsed directive: its HTML, how many fragments it adds, and what it puts on the slide. */
export type Directive = { html: string; fragments: number; poll?: DeckPoll; prediction?: DeckPrediction; example?: DeckExample };

const shortHash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 10);

/** Parses a fence body as a YAML mapping with only `allowed` keys; undefined after reporting. */
function readFields(body: string, allowed: string[], ctx: DirectiveContext, what: string): Record<string, unknown> | undefined {
  const doc = parseDocument(body);
  const report = (message: string, offset = 0) => ctx.problems.push({ file: ctx.file, line: ctx.line + offset, message });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    report(`${what}: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`, e.linePos?.[0].line ?? 1);
    return undefined;
  }
  const value = doc.toJS() as unknown;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    report(`${what} needs "key: value" lines`);
    return undefined;
  }
  const unknown = Object.keys(value).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) {
    report(`unknown ${what} field "${unknown[0]}" (expected ${allowed.join(', ')})`);
    return undefined;
  }
  return value as Record<string, unknown>;
}

const lineOf = (body: string, text: string) => body.split('\n').findIndex((l) => l.includes(text)) + 1;

function exampleSource(ctx: DirectiveContext, file: unknown): string | undefined {
  if (typeof file !== 'string' || !/^[\w.-]+\.py$/.test(file)) {
    ctx.problems.push({ file: ctx.file, line: ctx.line, message: 'needs "file: NAME.py" naming a file in examples/' });
    return undefined;
  }
  const source = ctx.files[`examples/${file}`];
  if (source === undefined) ctx.problems.push({ file: ctx.file, line: ctx.line, message: `example file examples/${file} does not exist` });
  return source;
}

/** Past this many lines, an example's code is set smaller so a 16:9 projector shows all of it. */
const LONG_EXAMPLE_LINES = 18;

/**
 * ```example: the file's code, then a marker the build replaces with its captured output.
 * `expect`: lines the output must contain (the example's own claim), or the build refuses it.
 */
function example(body: string, ctx: DirectiveContext): Directive | undefined {
  const fields = readFields(body, ['file', 'lines', 'expect'], ctx, 'example');
  const source = fields && exampleSource(ctx, fields.file);
  if (source === undefined || !fields) return undefined;
  const expect = fields.expect === undefined ? [] : Array.isArray(fields.expect) ? fields.expect : [fields.expect];
  if (fields.expect !== undefined && (expect.length === 0 || expect.some((e) => typeof e !== 'string' || e.trim() === '' || e.includes('\n')))) {
    ctx.problems.push({ file: ctx.file, line: ctx.line + lineOf(body, 'expect'), message: 'expect is an output line, or a list of them' });
    return undefined;
  }
  const code = source.replace(/\n+$/, '');
  const steps = fields.lines === undefined ? [] : parseLineSteps(String(fields.lines), code.split('\n').length);
  if (typeof steps === 'string') {
    ctx.problems.push({ file: ctx.file, line: ctx.line + lineOf(body, 'lines'), message: steps });
    return undefined;
  }
  const file = String(fields.file);
  return {
    html: `<div class="${code.split('\n').length > LONG_EXAMPLE_LINES ? 'example example-long' : 'example'}">${renderCodeBlock(code, 'python', steps, ctx.firstFragment)}${exampleOutputMarker(file)}</div>`,
    fragments: Math.max(0, steps.length - 1),
    example: { file, expect: (expect as string[]).map((e) => e.trim()), line: ctx.line },
  };
}

export const exampleOutputMarker = (file: string) => `<!--example-output:${file}-->`;

const POLL_KINDS: PollKind[] = ['single', 'multiple', 'numeric', 'text'];

/** ```poll: a question with 2–8 options (or a numeric/text kind, numeric with optional min/max), an optional correct answer and revote. */
function poll(body: string, ctx: DirectiveContext): Directive | undefined {
  const fields = readFields(body, ['question', 'kind', 'options', 'correct', 'revote', 'min', 'max', 'names'], ctx, 'poll');
  if (!fields) return undefined;
  const report = (message: string, key?: string) => {
    ctx.problems.push({ file: ctx.file, line: ctx.line + (key ? lineOf(body, key) : 0), message });
    return undefined;
  };
  const { question, options, correct, revote = false, names = false } = fields;
  if (typeof question !== 'string' || question.trim() === '') return report('poll needs a question', 'question');
  const kind = (fields.kind ?? 'single') as PollKind;
  if (!POLL_KINDS.includes(kind)) return report(`poll kind must be one of ${POLL_KINDS.join(', ')}`, 'kind');
  if (typeof revote !== 'boolean') return report('revote must be true or false', 'revote');
  if (typeof names !== 'boolean') return report('names must be true or false', 'names');
  const id = `poll-${shortHash(question)}`;
  const base = { id, question: question.trim(), revote, ...(names ? { names } : {}) };
  const heading = `<p class="poll-question">${escapeHtml(question.trim())}</p>`;

  if (kind === 'numeric' || kind === 'text') {
    if (options !== undefined) return report(`a ${kind} poll takes no options`, 'options');
    if (kind === 'text' && correct !== undefined) return report('a text poll has no correct answer', 'correct');
    if (correct !== undefined && typeof correct !== 'number') return report('the correct answer of a numeric poll is a number', 'correct');
    const { min, max } = fields;
    if (kind === 'text' && (min !== undefined || max !== undefined)) return report('a text poll has no min or max', min !== undefined ? 'min' : 'max');
    for (const [key, bound] of [['min', min], ['max', max]] as const) if (bound !== undefined && typeof bound !== 'number') return report(`${key} is a number`, key);
    if (typeof min === 'number' && typeof max === 'number' && min >= max) return report('min must be below max', 'min');
    if (typeof correct === 'number' && ((typeof min === 'number' && correct < min) || (typeof max === 'number' && correct > max))) return report('the correct answer is outside min–max', 'correct');
    const bounds = { ...(typeof min === 'number' ? { min } : {}), ...(typeof max === 'number' ? { max } : {}) };
    const deckPoll: DeckPoll = kind === 'numeric' ? { ...base, kind, ...(correct !== undefined ? { correct: correct as number } : {}), ...bounds } : { ...base, kind };
    return { html: `<div class="poll-block" data-poll="${id}">${heading}<p class="poll-kind">Answer with ${kind === 'numeric' ? 'a number' : 'a few words'} on your phone</p></div>`, fragments: 0, poll: deckPoll };
  }

  if (!Array.isArray(options) || options.some((o) => typeof o !== 'string' && typeof o !== 'number')) return report('a choice poll needs a list of options', 'options');
  const labels = options.map((o) => String(o).trim());
  if (labels.length < 2 || labels.length > 8) return report(`a poll needs 2–8 options, not ${labels.length}`, 'options');
  if (new Set(labels).size !== labels.length) return report('poll options must differ', 'options');
  const wanted = correct === undefined ? [] : (Array.isArray(correct) ? correct : [correct]).map((c) => String(c).trim());
  const indexes = wanted.map((c) => labels.indexOf(c));
  if (indexes.includes(-1)) return report(`correct answer "${wanted[indexes.indexOf(-1)]}" is not one of the options`, 'correct');
  if (kind === 'single' && indexes.length > 1) return report('a single-choice poll has one correct answer', 'correct');
  const items = labels.map((label) => `<li>${escapeHtml(label)}</li>`).join('');
  return {
    html: `<div class="poll-block" data-poll="${id}">${heading}<ol class="poll-options">${items}</ol></div>`,
    fragments: 0,
    poll: { ...base, kind, options: labels, ...(indexes.length ? { correct: indexes } : {}) },
  };
}

/** The four calls a prediction may make on its generator. */
const STEP = /^(?:next\((?<a>\w+)\)|(?<b>\w+)\.send\(.+\)|(?<c>\w+)\.throw\([A-Za-z_][\w.]*(?:\(.*\))?\)|(?<d>\w+)\.close\(\))$/;

type StepField = { call: string; distractors: string[]; graded: boolean };

/** A step is a call, or `{ call, distractors?, graded? }`; returns an error message on bad input. */
function readStep(raw: unknown): StepField | string {
  if (typeof raw === 'string') return { call: raw.trim(), distractors: [], graded: true };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return 'a step is a call, or "call:" with optional "distractors:" and "graded:"';
  const { call, distractors = [], graded = true, ...rest } = raw as Record<string, unknown>;
  if (Object.keys(rest).length > 0) return `unknown step field "${Object.keys(rest)[0]}" (expected call, distractors, graded)`;
  if (typeof call !== 'string') return 'a step needs "call: next(g)" or similar';
  if (typeof graded !== 'boolean') return `graded must be true or false in step "${call}"`;
  if (!Array.isArray(distractors) || distractors.length > 7 || distractors.some((d) => typeof d !== 'string' && typeof d !== 'number')) {
    return `distractors of "${call}" must be a list of up to 7 answers`;
  }
  const labels = distractors.map((d) => String(d).trim());
  if (labels.some((d) => d === '' || d.length > 120) || new Set(labels).size !== labels.length) return `distractors of "${call}" must be distinct, 1–120 characters`;
  return { call: call.trim(), distractors: labels, graded };
}

/** ```predict: a generator from an example file and the steps the audience predicts. */
function predict(body: string, ctx: DirectiveContext): Directive | undefined {
  const fields = readFields(body, ['file', 'setup', 'steps', 'prints'], ctx, 'predict');
  const source = fields && exampleSource(ctx, fields.file);
  if (!fields || source === undefined) return undefined;
  const report = (message: string, text?: string) => {
    ctx.problems.push({ file: ctx.file, line: ctx.line + (text ? lineOf(body, text) : 0), message });
    return undefined;
  };
  const { setup, steps: rawSteps, prints = false } = fields;
  if (typeof setup !== 'string' || setup.trim() === '') return report('predict needs a setup line, e.g. "setup: g = countdown(3)"', 'setup');
  if (!Array.isArray(rawSteps) || rawSteps.length === 0 || rawSteps.length > 20) return report('predict needs 1–20 steps', 'steps');
  if (typeof prints !== 'boolean') return report('prints must be true or false', 'prints');
  const steps: StepField[] = [];
  for (const raw of rawSteps) {
    const step = readStep(raw);
    if (typeof step === 'string') return report(step, typeof raw === 'string' ? raw : 'steps');
    steps.push(step);
  }
  const targets = new Set<string>();
  for (const { call } of steps) {
    const m = STEP.exec(call);
    if (!m) return report(`step "${call}" is not one of next(g), g.send(value), g.throw(Exc), g.close()`, call);
    targets.add(Object.values(m.groups ?? {}).find(Boolean)!);
  }
  if (targets.size !== 1) return report(`all steps must call the same generator, not ${[...targets].join(' and ')}`, 'steps');
  if (!steps.some((s) => s.graded)) return report('at least one step must be graded', 'steps');
  const prediction: DeckPrediction = {
    id: '',
    file: String(fields.file),
    setup: setup.trim(),
    target: [...targets][0]!,
    steps: steps.map((s) => s.call),
    graded: steps.flatMap((s, i) => (s.graded ? [i] : [])),
    distractors: steps.map((s) => s.distractors),
    prints,
    source,
    code: highlightLines(source.replace(/\n+$/, ''), 'python'),
    line: ctx.line,
  };
  // The id depends on what is run and graded, not on where the block sits in the deck.
  const { line: _line, code: _code, source: _source, ...identity } = prediction;
  prediction.id = `predict-${shortHash(JSON.stringify(identity))}`;
  const setupHtml = highlightLines(prediction.setup, 'python').map((l) => `<span class="line">${l}</span>`).join('');
  const rows = prediction.steps
    .map((s, i) => `<li data-step="${i}"><code class="hljs language-python">${highlightLines(s, 'python').join('')}</code><span class="predict-blank">?</span></li>`)
    .join('');
  return {
    html: `<div class="predict-block" data-prediction="${prediction.id}"><div class="code-steps"><pre class="code"><code class="hljs language-python">${setupHtml}</code></pre></div><ol class="predict-steps">${rows}</ol></div>`,
    fragments: 0,
    prediction,
  };
}

export const DIRECTIVES: Record<string, (body: string, ctx: DirectiveContext) => Directive | undefined> = { example, poll, predict };
