import markdownIt from 'markdown-it';
import type { MarkdownIt, Token } from 'markdown-it';
import markdownItAttrs from 'markdown-it-attrs';
import { isKnownLanguage, parseLineSteps, renderCodeBlock } from './code';
import type { LineSteps } from './code';
import type { DeckProblem } from './types';

/** Per-render state: where the slide starts in its file, and what went wrong. */
export type RenderEnv = { file: string; firstLine: number; problems: DeckProblem[]; fragments: number };

type FenceMeta = { lang: string; steps: LineSteps; firstFragment: number };

const hasFragmentClass = (t: Token) => /(^|\s)fragment(\s|$)/.test(String(t.attrGet('class') ?? ''));

/**
 * Numbers fragments 0..n-1 in document order, code-step copies included, so reveal.js on the
 * projector and the phone viewer agree on what fragment index `f` means.
 */
function numberFragments(tokens: Token[], env: RenderEnv) {
  const lineOf = (t: Token) => env.firstLine + (t.map?.[0] ?? 0);
  for (const token of tokens) {
    if (token.type === 'fence') {
      const [langPart = '', spec] = /^(\S*)\s*(?:\[([^\]]*)\])?/.exec(token.info.trim())?.slice(1) ?? [];
      const lang = langPart === 'text' ? '' : langPart;
      const code = token.content.replace(/\n$/, '');
      if (!isKnownLanguage(lang)) env.problems.push({ file: env.file, line: lineOf(token), message: `unknown code language "${lang}"` });
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
    return renderCodeBlock(token.content.replace(/\n$/, ''), meta.lang, meta.steps, meta.firstFragment);
  };
  return md;
}
