import type { Slide } from './types';

/**
 * Whether a slide fits the projector at 1280×720, estimated from its HTML with the projector
 * theme's sizes (40 px text; code at 0.62 em, 0.5 em beside an example's output or on a predict slide, 0.4 em for a long example). A line-count
 * measure, not a layout, calibrated against the talk measured in Chromium (it errs a little low).
 */
const SLIDE = { width: 1280, height: 720, padding: 40 };
const TEXT = { line: 52, chars: 58, gap: 24 };
const HEADING: Record<string, number> = { h1: 158, h2: 106, h3: 80 };
const CODE = { plain: { line: 36, chars: 78 }, example: { line: 27.5, chars: 64 }, long: { line: 19.5, chars: 80 }, padding: 48 };

const textOf = (html: string) => html.replace(/<[^>]+>/g, '').replace(/&[a-z]+;|&#\d+;/g, ' ');
const wrapped = (text: string, chars: number) => Math.max(1, Math.ceil(text.length / chars));

/** Estimated height of slide text (headings, paragraphs, list items) in `html`, code left out. */
function textHeight(html: string): number {
  const prose = html.replace(/<div class="code-steps">[\s\S]*?<\/div>/g, '').replace(/<div class="example-output"[\s\S]*?<\/div>/g, '');
  let height = 0;
  for (const [, tag, body] of prose.matchAll(/<(h[1-3]|p|li)\b[^>]*>([\s\S]*?)<\/\1>/g)) {
    height += tag!.startsWith('h') ? HEADING[tag!]! : wrapped(textOf(body!), TEXT.chars) * TEXT.line + (tag === 'p' ? TEXT.gap : 0);
  }
  return height;
}

/** Problems of one slide, as sentences; `label` names the slide. */
export function projectorOverflow(slide: Slide, label: string): string[] {
  const problems: string[] = [];
  const at = slide.html.indexOf('<div class="code-steps">');
  if (at === -1) {
    const height = SLIDE.padding + textHeight(slide.html);
    if (height > SLIDE.height) problems.push(`${label}: about ${Math.round(height)}px of content, taller than the projector's ${SLIDE.height}px at ${SLIDE.width}×${SLIDE.height}`);
    return problems;
  }
  const size = slide.html.includes('<div class="example example-long">') ? CODE.long : slide.html.includes('<div class="example">') || slide.prediction ? CODE.example : CODE.plain;
  const copies = [...slide.html.slice(at).matchAll(/<pre class="code[^"]*"[^>]*>([\s\S]*?)<\/pre>/g)].map((m) => [...m[1]!.matchAll(/<span class="line( hl| dim)?"[^>]*>([\s\S]*?)<\/span>(?=<span class="line|<\/code>)/g)]);
  const lines = copies[0] ?? [];
  // Where each line ends, from the top of the slide: text above the code, then line by line.
  const top = SLIDE.padding + textHeight(slide.html.slice(0, at)) + CODE.padding / 2;
  const ends: number[] = [];
  let y = top;
  for (const line of lines) ends.push((y += wrapped(textOf(line[2]!), size.chars) * size.line));
  const height = y + CODE.padding / 2 + textHeight(slide.html.slice(at).replace(/^[\s\S]*?<\/pre>\s*<\/div>/, ''));
  if (height > SLIDE.height) problems.push(`${label}: about ${Math.round(height)}px of content (${lines.length} code lines), taller than the projector's ${SLIDE.height}px at ${SLIDE.width}×${SLIDE.height}`);
  copies.forEach((copy, step) => {
    const below = copy.map((line, i) => (line[1] === ' hl' && ends[i]! > SLIDE.height ? i + 1 : 0)).filter(Boolean);
    if (below.length) problems.push(`${label}: highlight step ${step + 1} lights line${below.length > 1 ? 's' : ''} ${below.join(', ')}, below the projector's edge at ${SLIDE.width}×${SLIDE.height}`);
  });
  return problems;
}
