import hljs from 'highlight.js';

/** A parsed line-step spec: `[1|2-3]` is two steps, each a set of 1-based line numbers. */
export type LineSteps = number[][];

/** Parses reveal.js's `[1|2-3,5]` line-highlight syntax; returns an error message on bad input. */
export function parseLineSteps(spec: string, lineCount: number): LineSteps | string {
  const steps: LineSteps = [];
  for (const [i, step] of spec.split('|').entries()) {
    const lines: number[] = [];
    if (step.trim() === '') {
      if (i > 0) return `empty step ${i + 1} in line highlights [${spec}]`;
      steps.push(lines);
      continue;
    }
    for (const part of step.split(',')) {
      const m = /^\s*(\d+)(?:\s*-\s*(\d+))?\s*$/.exec(part);
      if (!m) return `"${part.trim()}" is not a line number or range in [${spec}]`;
      const from = Number(m[1]);
      const to = m[2] === undefined ? from : Number(m[2]);
      if (from < 1 || to < from) return `bad line range "${part.trim()}" in [${spec}]`;
      if (to > lineCount) return `line ${to} is past the end of the ${lineCount}-line code block`;
      for (let n = from; n <= to; n++) lines.push(n);
    }
    steps.push(lines);
  }
  return steps;
}

export function isKnownLanguage(lang: string): boolean {
  return lang === '' || Boolean(hljs.getLanguage(lang));
}

/**
 * highlight.js returns one HTML string whose spans may cross newlines (a multi-line string);
 * each line is closed and the open spans reopened so lines can be styled on their own.
 */
export function highlightLines(code: string, lang: string): string[] {
  const html = lang ? hljs.highlight(code, { language: lang, ignoreIllegals: true }).value : escapeHtml(code);
  const lines: string[] = [];
  const open: string[] = [];
  let current = '';
  for (const [token] of html.matchAll(/<span[^>]*>|<\/span>|\n|[^<\n]+/g)) {
    if (token === '\n') {
      lines.push(current + '</span>'.repeat(open.length));
      current = open.join('');
    } else {
      if (token.startsWith('<span')) open.push(token);
      else if (token === '</span>') open.pop();
      current += token;
    }
  }
  lines.push(current);
  return lines;
}

/** Columns of leading whitespace (a tab counts 4): a wrapped line continues under its own text. */
export function indentOf(line: string): number {
  const lead = /^[ \t]*/.exec(line)![0];
  return lead.length + 3 * (lead.split('\t').length - 1);
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * A code block; with line steps, one copy per step is stacked on the first, each a fragment,
 * so stepping through fragments moves the highlight (what reveal.js's highlight plugin does
 * at run time, done here at build time so phones need no highlighter).
 */
export function renderCodeBlock(code: string, lang: string, steps: LineSteps, firstFragment: number): string {
  const lines = highlightLines(code, lang);
  const indents = code.split('\n').map(indentOf);
  const langAttr = lang ? ` language-${lang}` : '';
  const copy = (highlighted: number[], fragmentIndex?: number) => {
    const body = lines
      .map((line, i) => {
        const cls = highlighted.length === 0 ? '' : highlighted.includes(i + 1) ? ' hl' : ' dim';
        const indent = indents[i] ? ` style="--indent:${indents[i]}"` : '';
        return `<span class="line${cls}"${indent}>${line || ' '}</span>`;
      })
      .join('');
    const frag = fragmentIndex === undefined ? '' : ` fragment" data-fragment-index="${fragmentIndex}" aria-hidden="true`;
    return `<pre class="code${frag}"><code class="hljs${langAttr}">${body}</code></pre>`;
  };
  if (steps.length <= 1) return `<div class="code-steps">${copy(steps[0] ?? [])}</div>`;
  const copies = steps.map((s, i) => copy(s, i === 0 ? undefined : firstFragment + i - 1));
  return `<div class="code-steps">${copies.join('')}</div>`;
}
