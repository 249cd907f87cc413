import type { Slide } from './types';

/**
 * Whether a slide fits the projector at 1280×720, estimated from its HTML with the projector
 * theme's sizes (40 px text, line-height 1; code at 0.62 em, 0.5 em beside an example's output
 * or beside a prediction's steps, 0.4 em for a long example). A line-count measure, not a layout:
 * on the talk it is within a text line (40 px) of what Chromium lays out, mostly a little high;
 * tests/e2e/talk.spec.ts measures every slide of the talk and fails on a real overflow.
 */
const SLIDE = { width: 1280, height: 720 };
/** Characters per line: a paragraph spans the slide, a list item is indented. */
const TEXT = { line: 40, chars: { p: 61, li: 59 }, gap: 24, pollOption: 20 };
/** Bold headings wrap too: line height, characters per line, margin below. */
const HEADING: Record<string, { line: number; chars: number; gap: number }> = { h1: { line: 110, chars: 22, gap: 48 }, h2: { line: 74, chars: 34, gap: 32 }, h3: { line: 48, chars: 50, gap: 32 } };
/** Per code size: line height, characters before a line wraps. `box`: a code block's padding and margin. */
const CODE = { plain: { line: 36, chars: 77 }, example: { line: 27, chars: 72 }, long: { line: 21.6, chars: 90 }, box: 48 + 24 };
/** Beside an example: its output (22 px lines under a label). */
const OUTPUT = { line: 22, box: 22 + 16 + 13 };
/** A prediction's setup and steps: at 40 px under the slide's text, at 28 px beside its code. */
const PREDICT = { under: { setupLine: 27, setupBox: 72, step: 57, gap: 2 }, beside: { setupLine: 27.2, setupBox: 34 + 17, step: 40.2, gap: 11 } };

const textOf = (html: string) => html.replace(/<[^>]+>/g, '').replace(/&[a-z]+;|&#\d+;/g, ' ');
const wrapped = (text: string, chars: number) => Math.max(1, Math.ceil(text.length / chars));

const PREDICT_BLOCK = /<div class="predict-block"[\s\S]*<\/ol><\/div>/;

/** Estimated height of slide text (headings, paragraphs, list items) in `html`, code and predictions left out. */
function textHeight(html: string): number {
  const prose = html.replace(PREDICT_BLOCK, '').replace(/<div class="code-steps">[\s\S]*?<\/pre>\s*<\/div>/g, '').replace(/<pre class="example-output"[\s\S]*?<\/pre>/g, '');
  let height = [...prose.matchAll(/<(ul|ol)\b/g)].length * TEXT.gap;
  for (const [, tag, body] of prose.matchAll(/<(h[1-3]|p|li)\b[^>]*>([\s\S]*?)<\/\1>/g)) {
    const heading = HEADING[tag!];
    if (heading) height += wrapped(textOf(body!), heading.chars) * heading.line + heading.gap;
    else height += wrapped(textOf(body!), tag === 'p' ? TEXT.chars.p : TEXT.chars.li) * TEXT.line + (tag === 'p' ? TEXT.gap : 0);
  }
  const pollOptions = /<ol class="poll-options">([\s\S]*?)<\/ol>/.exec(prose)?.[1];
  return height + (pollOptions ? pollOptions.split('<li').length - 1 : 0) * TEXT.pollOption;
}

/** The lines of each highlight step's copy of a code block (one copy when it has no steps). */
const codeCopies = (html: string) =>
  [...html.matchAll(/<pre class="code[^"]*"[^>]*>([\s\S]*?)<\/pre>/g)].map((m) => [...m[1]!.matchAll(/<span class="line( hl| dim)?"[^>]*>([\s\S]*?)<\/span>(?=<span class="line|<\/code>)/g)]);

/** Height of a prediction's setup code and steps, laid out `beside` its example's code or under the slide's text. */
function predictHeight(block: string, at: keyof typeof PREDICT): number {
  const size = PREDICT[at];
  const setup = /<pre class="code"><code[^>]*>([\s\S]*?)<\/code><\/pre>/.exec(block)?.[1] ?? '';
  const setupLines = setup ? setup.split(/<span class="line/).length - 1 || setup.split('\n').length : 0;
  const steps = [...block.matchAll(/<li data-step=/g)].length;
  return (setupLines ? setupLines * size.setupLine + size.setupBox : 0) + size.gap + steps * size.step;
}

/** A slide's estimated height in slide pixels; with code, how many lines it has and the highlight steps' lit lines that end below the edge. */
export function estimatedLayout(slide: Slide): { height: number; codeLines?: number; litBelow: number[][] } {
  const predictBlock = PREDICT_BLOCK.exec(slide.html)?.[0];
  const at = slide.html.indexOf('<div class="code-steps">');
  // A prediction's own setup code is not the slide's code.
  if (at === -1 || (predictBlock && slide.html.indexOf(predictBlock) <= at)) {
    return { height: textHeight(slide.html) + (predictBlock ? predictHeight(predictBlock, 'under') : 0), litBelow: [] };
  }
  const size = slide.html.includes('<div class="example example-long">') ? CODE.long : slide.html.includes('<div class="example">') || predictBlock ? CODE.example : CODE.plain;
  const copies = codeCopies(slide.html.slice(at).replace(PREDICT_BLOCK, ''));
  const lines = copies[0] ?? [];
  // Where each line ends, from the top of the slide: text above the code, then line by line.
  const top = textHeight(slide.html.slice(0, at)) + CODE.box / 2;
  const ends: number[] = [];
  let y = top;
  for (const line of lines) ends.push((y += wrapped(textOf(line[2]!), size.chars) * size.line));
  // What sits beside the code: an example's output, or a prediction's steps.
  const output = /<pre class="example-output"[^>]*><code>([\s\S]*?)<\/code><\/pre>/.exec(slide.html)?.[1];
  const beside = Math.max(output === undefined ? 0 : output.split('\n').length * OUTPUT.line + OUTPUT.box, predictBlock ? predictHeight(predictBlock, 'beside') : 0);
  const bottom = Math.max(y + CODE.box / 2, top - CODE.box / 2 + beside);
  return {
    height: bottom + textHeight(slide.html.slice(at).replace(PREDICT_BLOCK, '').replace(/^[\s\S]*?<\/pre>\s*<\/div>/, '')),
    codeLines: lines.length,
    litBelow: copies.map((copy) => copy.map((line, i) => (line[1] === ' hl' && ends[i]! > SLIDE.height ? i + 1 : 0)).filter(Boolean)),
  };
}

/** Problems of one slide, as sentences; `label` names the slide. */
export function projectorOverflow(slide: Slide, label: string): string[] {
  const { height, codeLines, litBelow } = estimatedLayout(slide);
  const problems: string[] = [];
  if (height > SLIDE.height) problems.push(`${label}: about ${Math.round(height)}px of content${codeLines === undefined ? '' : ` (${codeLines} code lines)`}, taller than the projector's ${SLIDE.height}px at ${SLIDE.width}×${SLIDE.height}`);
  litBelow.forEach((below, step) => {
    if (below.length) problems.push(`${label}: highlight step ${step + 1} lights line${below.length > 1 ? 's' : ''} ${below.join(', ')}, below the projector's edge at ${SLIDE.width}×${SLIDE.height}`);
  });
  return problems;
}
