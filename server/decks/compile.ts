import { createHash } from 'node:crypto';
import { createMarkdown } from './markdown';
import type { RenderEnv } from './markdown';
import type { Deck, DeckExample, DeckProblem, Slide } from './types';

/** A deck folder as data: `files` maps paths relative to the folder ('deck.md', 'examples/a.py'). */
export type DeckSource = { id: string; files: Record<string, string> };
/** `examples`: the example blocks whose output the slides show, for the build to capture and check. */
export type CompileResult = { ok: true; deck: Deck; examples: DeckExample[] } | { ok: false; problems: DeckProblem[] };

const DECK_FILE = 'deck.md';
const md = createMarkdown();

type Chunk = { firstLine: number; lines: string[] };

/**
 * Splits reveal.js-style markdown: a line `---` starts a horizontal slide, `--` a vertical one.
 * Separators inside fenced code do not count.
 */
function splitSlides(source: string, problems: DeckProblem[]): Chunk[][] {
  const stacks: Chunk[][] = [[{ firstLine: 1, lines: [] }]];
  let fenceStart = 0;
  let fence = '';
  source.split(/\r?\n/).forEach((line, i) => {
    const lineNo = i + 1;
    const fenceMark = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (fenceMark && (!fence || fenceMark.startsWith(fence))) {
      if (fence) fence = '';
      else [fence, fenceStart] = [fenceMark, lineNo];
    }
    const stack = stacks[stacks.length - 1]!;
    if (!fence && line.trim() === '---') stacks.push([{ firstLine: lineNo + 1, lines: [] }]);
    else if (!fence && line.trim() === '--') stack.push({ firstLine: lineNo + 1, lines: [] });
    else stack[stack.length - 1]!.lines.push(line);
  });
  if (fence) problems.push({ file: DECK_FILE, line: fenceStart, message: 'code block is never closed' });
  return stacks;
}

const SLIDE_DIRECTIVE = /^\s*<!--\s*\.slide:(.*?)-->\s*$/;

function compileSlide(chunk: Chunk, files: Record<string, string>, problems: DeckProblem[], examples: DeckExample[]): Slide | undefined {
  let className: string | undefined;
  const body: string[] = [];
  let notes: string[] | undefined;
  let inFence = false;
  chunk.lines.forEach((line, i) => {
    if (/^\s*(`{3,}|~{3,})/.test(line)) inFence = !inFence;
    const directive = inFence ? null : SLIDE_DIRECTIVE.exec(line);
    if (directive) {
      for (const [, key, value] of directive[1]!.matchAll(/([\w-]+)="([^"]*)"/g)) {
        if (key === 'class') className = value;
        else problems.push({ file: DECK_FILE, line: chunk.firstLine + i, message: `unsupported slide attribute "${key}" (only class)` });
      }
      body.push('');
    } else if (!inFence && notes === undefined && /^Notes?:/.test(line)) {
      notes = [line.replace(/^Notes?:\s*/, '')];
    } else if (notes) notes.push(line);
    else body.push(line);
  });
  if (body.join('').trim() === '') {
    problems.push({ file: DECK_FILE, line: chunk.firstLine, message: 'empty slide' });
    return undefined;
  }
  const env: RenderEnv = { file: DECK_FILE, firstLine: chunk.firstLine, files, problems, fragments: 0, examples: [] };
  const html = md.render(body.join('\n'), env);
  examples.push(...env.examples);
  const notesHtml = notes ? md.render(notes.join('\n'), { ...env, problems: [], fragments: 0, examples: [] }) : '';
  return {
    html,
    notes: notesHtml,
    fragments: env.fragments,
    ...(className ? { className } : {}),
    ...(env.poll ? { poll: env.poll } : {}),
    ...(env.prediction ? { prediction: env.prediction } : {}),
  };
}

export function deckHash(files: Record<string, string>): string {
  const hash = createHash('sha256');
  for (const name of Object.keys(files).sort()) hash.update(`${name}\0${files[name]}\0`);
  return hash.digest('hex').slice(0, 16);
}

/** Compiles a deck folder's markdown into a typed Deck, or every problem found, with lines. */
export function compileDeck(source: DeckSource): CompileResult {
  const text = source.files[DECK_FILE];
  if (text === undefined) return { ok: false, problems: [{ file: DECK_FILE, line: 0, message: 'missing deck.md' }] };
  const problems: DeckProblem[] = [];
  const examples: DeckExample[] = [];
  const stacks = splitSlides(text, problems)
    .map((stack) => stack.map((chunk) => compileSlide(chunk, source.files, problems, examples)).filter((s): s is Slide => s !== undefined))
    .filter((stack) => stack.length > 0);
  if (problems.length > 0) return { ok: false, problems: problems.sort((a, b) => a.line - b.line) };
  const title = /^#\s+(.+)$/m.exec(text)?.[1]?.trim() ?? source.id;
  return { ok: true, deck: { id: source.id, title, hash: deckHash(source.files), stacks, answerKeys: {}, keyVersions: { ranOn: '', checked: [], differences: {} } }, examples };
}
