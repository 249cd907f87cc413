import { describe, expect, it } from 'vitest';
import { compileDeck } from '../../server/decks/compile';
import { estimatedLayout, projectorOverflow } from '../../server/decks/fit';

const slideOf = (markdown: string) => {
  const result = compileDeck({ id: 't', files: { 'deck.md': markdown } });
  if (!result.ok) throw new Error('should compile');
  return result.deck.stacks[0]![0]!;
};
const code = (lines: number, steps: string) => `## Code\n\n\`\`\`python [${steps}]\n${Array.from({ length: lines }, (_, i) => `x${i + 1} = ${i + 1}`).join('\n')}\n\`\`\``;

describe('projectorOverflow', () => {
  it('passes a slide that fits: a heading and ten code lines', () => {
    expect(projectorOverflow(slideOf(code(10, '1|5-10')), 's')).toEqual([]);
  });

  it('warns when the code runs past 720 px, and names the highlight step that lights lines below the edge', () => {
    const problems = projectorOverflow(slideOf(code(24, '1-3|20-24')), 's');
    expect(problems[0]).toMatch(/^s: about \d+px of content \(24 code lines\), taller than the projector's 720px at 1280×720$/);
    expect(problems.slice(1)).toEqual([expect.stringMatching(/^s: highlight step 2 lights lines .*24, below the projector's edge at 1280×720$/)]);
  });

  it('counts long lines that wrap, and prose, not just line breaks', () => {
    const prose = `## Words\n\n${Array.from({ length: 14 }, () => '- a point that takes most of a line on the projector, to fill it').join('\n')}`;
    expect(projectorOverflow(slideOf(prose), 's')).toHaveLength(1);
    expect(projectorOverflow(slideOf(prose.split('\n').slice(0, 6).join('\n')), 's')).toEqual([]);
  });

  it('sets a long example (over 18 lines) in its smaller code, as the projector does: 24 lines fit, 27 do not', () => {
    const slideWith = (lines: number) => {
      const file = Array.from({ length: lines }, (_, i) => `x${i + 1} = ${i + 1}`).join('\n');
      const result = compileDeck({ id: 't', files: { 'deck.md': '## Example\n\n```example\nfile: long.py\n```', 'examples/long.py': file } });
      if (!result.ok) throw new Error('should compile');
      return result.deck.stacks[0]![0]!;
    };
    expect(projectorOverflow(slideWith(24), 's')).toEqual([]);
    expect(projectorOverflow(slideWith(27), 's')).toHaveLength(1);
  });

  it("puts a prediction's steps beside the example's code above it, as the projector does: 14 lines and 3 steps fit", () => {
    const file = Array.from({ length: 14 }, (_, i) => `x${i + 1} = ${i + 1}`).join('\n');
    const predict = (lines: string) =>
      `## Predict\n\n${lines}\`\`\`predict\nfile: ex.py\nsetup: g = iter([1, 2, 3])\nsteps:\n  - next(g)\n  - next(g)\n  - next(g)\n\`\`\``;
    const compile = (markdown: string) => {
      const result = compileDeck({ id: 't', files: { 'deck.md': markdown, 'examples/ex.py': file } });
      if (!result.ok) throw new Error(`should compile: ${JSON.stringify(result.problems)}`);
      return result.deck.stacks[0]![0]!;
    };
    const beside = compile(predict(`\`\`\`python\n${file}\n\`\`\`\n\n`));
    expect(estimatedLayout(beside).height).toBeLessThan(720);
    expect(projectorOverflow(beside, 's')).toEqual([]);
  });
});
