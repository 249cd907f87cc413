import { describe, expect, it } from 'vitest';
import { compileDeck } from '../../server/decks/compile';
import { formatProblem, publicDeck } from '../../server/decks/types';

const EXAMPLE = 'def countdown(n):\n    while n > 0:\n        yield n\n        n -= 1\n';
const compile = (markdown: string) => compileDeck({ id: 't', files: { 'deck.md': markdown, 'examples/countdown.py': EXAMPLE } });
const problemsOf = (markdown: string) => {
  const result = compile(markdown);
  return result.ok ? [] : result.problems.map(formatProblem);
};
const fence = (name: string, body: string) => `# T\n\n\`\`\`${name}\n${body}\n\`\`\``;

describe('deck directives', () => {
  it('compiles a poll with its correct answer, and hides the answer from students', () => {
    const result = compile(fence('poll', 'question: Which one?\noptions:\n  - alpha\n  - beta\ncorrect: beta\nrevote: true'));
    if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
    const slide = result.deck.stacks[0]![0]!;
    expect(slide.poll).toMatchObject({ question: 'Which one?', kind: 'single', options: ['alpha', 'beta'], correct: [1], revote: true });
    expect(slide.html).toContain('<li>beta</li>');
    expect(publicDeck(result.deck).stacks[0]![0]!.poll).not.toHaveProperty('correct');
  });

  it('compiles numeric and text polls', () => {
    const numeric = compile(fence('poll', 'question: How many?\nkind: numeric\ncorrect: 4'));
    expect(numeric.ok && numeric.deck.stacks[0]![0]!.poll).toMatchObject({ kind: 'numeric', correct: 4 });
    const text = compile(fence('poll', 'question: One word?\nkind: text'));
    expect(text.ok && text.deck.stacks[0]![0]!.poll).toMatchObject({ kind: 'text' });
  });

  it('compiles a prediction: its file, setup, target and steps', () => {
    const result = compile(fence('predict', 'file: countdown.py\nsetup: g = countdown(2)\nsteps:\n  - next(g)\n  - g.send(None)\n  - g.throw(ValueError("x"))\n  - g.close()'));
    if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
    const { prediction, html } = result.deck.stacks[0]![0]!;
    expect(prediction).toMatchObject({ file: 'countdown.py', setup: 'g = countdown(2)', target: 'g', steps: ['next(g)', 'g.send(None)', 'g.throw(ValueError("x"))', 'g.close()'] });
    expect(html).toContain(`data-prediction="${prediction!.id}"`);
    expect(html.match(/predict-blank/g)).toHaveLength(4);
  });

  it('compiles a prediction’s grading fields: distractors, ungraded steps, printed output', () => {
    const result = compile(fence('predict', "file: countdown.py\nsetup: g = countdown(1)\nprints: true\nsteps:\n  - call: next(g)\n    distractors: [None, 0, \"'1'\"]\n  - call: next(g)\n    graded: false"));
    if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
    expect(result.deck.stacks[0]![0]!.prediction).toMatchObject({ steps: ['next(g)', 'next(g)'], distractors: [['None', '0', "'1'"], []], graded: [0], prints: true, line: 3 });
    expect(result.deck.stacks[0]![0]!.prediction!.code).toHaveLength(4);
  });

  it('shows an example file with line steps and marks where its output goes', () => {
    const result = compile(fence('example', 'file: countdown.py\nlines: 1|2-4'));
    if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
    expect(result.examples).toEqual([{ file: 'countdown.py', expect: [], line: 3 }]);
    expect(result.deck.stacks[0]![0]!.fragments).toBe(1);
    expect(result.deck.stacks[0]![0]!.html).toContain('<!--example-output:countdown.py-->');
  });

  it('carries the output lines an example block expects, for the build to check', () => {
    const one = compile(fence('example', 'file: countdown.py\nexpect: "faster? No"'));
    const two = compile(fence('example', 'file: countdown.py\nexpect:\n  - "busy? No"\n  - "faster? No"'));
    expect(one.ok && one.examples).toEqual([{ file: 'countdown.py', expect: ['faster? No'], line: 3 }]);
    expect(two.ok && two.examples[0]!.expect).toEqual(['busy? No', 'faster? No']);
  });

  it.each([
    ['a poll with one option', fence('poll', 'question: Q?\noptions:\n  - only'), 'deck.md:5: a poll needs 2–8 options, not 1'],
    ['a poll with nine options', fence('poll', `question: Q?\noptions: [${'a,b,c,d,e,f,g,h,i'}]`), 'deck.md:5: a poll needs 2–8 options, not 9'],
    ['a poll without a question', fence('poll', 'options: [a, b]'), 'deck.md:3: poll needs a question'],
    ['a correct answer that is no option', fence('poll', 'question: Q?\noptions: [a, b]\ncorrect: c'), 'deck.md:6: correct answer "c" is not one of the options'],
    ['an unknown poll field', fence('poll', 'question: Q?\noptions: [a, b]\ncolour: red'), 'deck.md:3: unknown poll field "colour" (expected question, kind, options, correct, revote, min, max, names)'],
    ['a min that is not below max', fence('poll', 'question: Q?\nkind: numeric\nmin: 5\nmax: 5'), 'deck.md:6: min must be below max'],
    ['a correct answer outside min–max', fence('poll', 'question: Q?\nkind: numeric\nmin: 0\nmax: 5\ncorrect: 7'), 'deck.md:8: the correct answer is outside min–max'],
    ['min on a text poll', fence('poll', 'question: Q?\nkind: text\nmin: 0'), 'deck.md:6: a text poll has no min or max'],
    ['names that is not true or false', fence('poll', 'question: Q?\noptions: [a, b]\nnames: please'), 'deck.md:6: names must be true or false'],
    ['an unknown poll kind', fence('poll', 'question: Q?\nkind: ranking'), 'deck.md:5: poll kind must be one of single, multiple, numeric, text'],
    ['a numeric poll with options', fence('poll', 'question: Q?\nkind: numeric\noptions: [1, 2]'), 'deck.md:6: a numeric poll takes no options'],
    ['two polls on one slide', `${fence('poll', 'question: A?\noptions: [a, b]')}\n\n\`\`\`poll\nquestion: B?\noptions: [a, b]\n\`\`\``, 'deck.md:8: a slide holds at most one poll'],
    ['a step that is not one of the four calls', fence('predict', 'file: countdown.py\nsetup: g = countdown(1)\nsteps:\n  - list(g)'), 'deck.md:7: step "list(g)" is not one of next(g), g.send(value), g.throw(Exc), g.close()'],
    ['steps on two generators', fence('predict', 'file: countdown.py\nsetup: g = countdown(1)\nsteps:\n  - next(g)\n  - next(h)'), 'deck.md:6: all steps must call the same generator, not g and h'],
    ['a prediction without setup', fence('predict', 'file: countdown.py\nsteps:\n  - next(g)'), 'deck.md:3: predict needs a setup line, e.g. "setup: g = countdown(3)"'],
    ['an unknown step field', fence('predict', 'file: countdown.py\nsetup: g = countdown(1)\nsteps:\n  - call: next(g)\n    hint: think'), 'deck.md:6: unknown step field "hint" (expected call, distractors, graded)'],
    ['repeated distractors', fence('predict', 'file: countdown.py\nsetup: g = countdown(1)\nsteps:\n  - call: next(g)\n    distractors: [1, 1]'), 'deck.md:6: distractors of "next(g)" must be distinct, 1–120 characters'],
    ['no graded step', fence('predict', 'file: countdown.py\nsetup: g = countdown(1)\nsteps:\n  - call: next(g)\n    graded: false'), 'deck.md:6: at least one step must be graded'],
    ['prints that is not true or false', fence('predict', 'file: countdown.py\nsetup: g = countdown(1)\nprints: yes please\nsteps:\n  - next(g)'), 'deck.md:6: prints must be true or false'],
    ['a missing example file', fence('predict', 'file: nope.py\nsetup: g = f()\nsteps:\n  - next(g)'), 'deck.md:3: example file examples/nope.py does not exist'],
    ['an example line step past the file', fence('example', 'file: countdown.py\nlines: 1|9'), 'deck.md:5: line 9 is past the end of the 4-line code block'],
    ['an expect that is not an output line', fence('example', 'file: countdown.py\nexpect: [1, [2]]'), 'deck.md:5: expect is an output line, or a list of them'],
    ['an expect of two lines in one', fence('example', 'file: countdown.py\nexpect: "a\\nb"'), 'deck.md:5: expect is an output line, or a list of them'],
    ['a fence body that is not YAML', fence('poll', 'question: [unclosed'), 'deck.md:5: poll: Flow sequence in block collection must be sufficiently indented and end with a ]'],
    ['an unknown directive', fence('pol', 'question: Q?'), 'deck.md:3: unknown code language or directive "pol" (directives: example, poll, predict)'],
  ])('reports %s', (_what, markdown, expected) => {
    expect(problemsOf(markdown)).toContain(expected);
  });
});
