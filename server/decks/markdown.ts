import markdownIt from 'markdown-it';
import type { MarkdownIt, Token } from 'markdown-it';
import markdownItAttrs from 'markdown-it-attrs';
import { isKnownLanguage, parseLineSteps, renderCodeBlock } from './code';
import type { LineSteps } from './code';
import { DIRECTIVES } from './directives';
import type { Directive } from './directives';
import type { DeckExample, DeckPoll, DeckPrediction, DeckProblem } from './types';

/** Per-render state: where the slide starts, the deck's files, what the slide holds, what went wrong. */
export type RenderEnv = {
  file: string;
  firstLine: number;
  files: Record<string, string>;
  problems: DeckProblem[];
  fragments: number;
  poll?: DeckPoll;
  prediction?: DeckPrediction;
  examples: DeckExample[];
};

type FenceMeta = { lang: string; steps: LineSteps; firstFragment: number } | { directive: Directive | undefined };

/** Runs an ```example / ```poll / ```predict fence and records what it adds to the slide. */
function applyDirective(token: Token, env: RenderEnv, line: number) {
  const name = token.info.trim();
  const directive = DIRECTIVES[name]!(token.content, { file: env.file, line, files: env.files, problems: env.problems, firstFragment: env.fragments });
  token.meta = { directive } satisfies FenceMeta;
  if (!directive) return;
  env.fragments += directive.fragments;
  if (directive.example) env.examples.push(directive.example);
  for (const key of ['poll', 'prediction'] as const) {
    if (!directive[key]) continue;
    if (env[key]) env.problems.push({ file: env.file, line, message: `a slide holds at most one ${key}` });
    else Object.assign(env, { [key]: directive[key] });
  }
}

const hasFragmentClass = (t: Token) => /(^|\s)fragment(\s|$)/.test(String(t.attrGet('class') ?? ''));

/**
 * Numbers fragments 0..n-1 in document order, code-step copies included, so reveal.js on the
 * projector and the phone viewer agree on what fragment index `f` means.
 */
function numberFragments(tokens: Token[], env: RenderEnv) {
  const lineOf = (t: Token) => env.firstLine + (t.map?.[0] ?? 0);
  for (const token of tokens) {
    if (token.type === 'fence' && Object.hasOwn(DIRECTIVES, token.info.trim())) {
      applyDirective(token, env, lineOf(token));
      continue;
    }
    if (token.type === 'fence') {
      const [langPart = '', spec] = /^(\S*)\s*(?:\[([^\]]*)\])?/.exec(token.info.trim())?.slice(1) ?? [];
      const lang = langPart === 'text' ? '' : langPart;
      const code = token.content.replace(/\n$/, '');
      if (!isKnownLanguage(lang)) env.problems.push({ file: env.file, line: lineOf(token), message: `unknown code language or directive "${lang}" (directives: ${Object.keys(DIRECTIVES).join(', ')})` });
      const parsed = spec === undefined ? [] : parseLineSteps(spec, code.split('\n').length);
      if (typeof parsed === 'string') env.problems.push({ file: env.file, line: lineOf(token), message: parsed });
      const steps = typeof parsed === 'string' ? [] : parsed;
      token.meta = { lang: isKnownLanguage(lang) ? lang : '', steps, firstFragment: env.fragments } satisfies FenceMeta;
      env.fragments += Math.max(0, steps.length - 1);
      continue;
    }
    if ((token.type === 'html_block' || token.type === 'html_inline') && /class="[^"]*\bfragment\b/.test(token.content)) {
      env.problems.push({ file: env.file, line: lineOf(token), message: 'write fragments as {.fragment}, not raw HTML, so every viewer can step them' });
    }
    if (token.nesting !== -1 && hasFragmentClass(token)) {
      if (token.attrGet('data-fragment-index') !== null) {
        env.problems.push({ file: env.file, line: lineOf(token), message: 'fragments are numbered in order; remove data-fragment-index' });
      }
      token.attrSet('data-fragment-index', String(env.fragments++));
    }
    if (token.children) numberFragments(token.children, env);
  }
}

export function createMarkdown(): MarkdownIt {
  const md = markdownIt({ html: true, linkify: false, typographer: false });
  md.use(markdownItAttrs, { allowedAttributes: ['id', 'class', 'data-fragment-index'] });
  md.core.ruler.push('number_fragments', (state) => {
    numberFragments(state.tokens, state.env as RenderEnv);
  });
  md.renderer.rules.fence = (tokens, idx) => {
    const token = tokens[idx]!;
    const meta = token.meta as FenceMeta;
    if ('directive' in meta) return meta.directive?.html ?? '';
    return renderCodeBlock(token.content.replace(/\n$/, ''), meta.lang, meta.steps, meta.firstFragment);
  };
  return md;
}
