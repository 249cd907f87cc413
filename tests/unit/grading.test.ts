import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnswerKeyRunner } from '../../server/python/answer-key';
import type { AnswerKeyRunner, GradeItem } from '../../server/python/answer-key';
import type { SheetRow, StepOutcome } from '../../server/protocol';

let python: AnswerKeyRunner;
beforeAll(async () => {
  python = await startAnswerKeyRunner(1000);
}, 30_000);
afterAll(() => python.close());

const value = (text: string): SheetRow => ({ kind: 'value', value: text, prints: '' });
const stop = (text = ''): SheetRow => ({ kind: 'stop', value: text, prints: '' });
const raise = (text: string): SheetRow => ({ kind: 'raise', value: text, prints: '' });

/** Grades rows against one executed outcome; returns each row's verdict. */
async function verdicts(outcome: StepOutcome, rows: SheetRow[], printed = '', prints = false) {
  const item: GradeItem = { outcome, printed, prints, rows };
  const [result] = await python.grade([item]);
  return result!.rows.map((r) => r.verdict);
}

describe('grading a team’s row by Python’s semantics, never by running it', () => {
  it('numbers: 15 equals 15.0 and True; 15 is not 15.5 or "15"', async () => {
    expect(await verdicts({ kind: 'value', repr: '15' }, [value('15'), value('15.0'), value(' 15 '), value('0xF'), value('15.5'), value("'15'"), value('True')])).toEqual([
      'right',
      'right',
      'right',
      'right',
      'wrong',
      'wrong',
      'wrong',
    ]);
    expect(await verdicts({ kind: 'value', repr: '0.30000000000000004' }, [value('0.1 + 0.2'), value('0.30000000000000004'), value('0.3')])).toEqual(['wrong', 'right', 'wrong']);
  });

  it('strings: either quote, but the content must match exactly', async () => {
    expect(await verdicts({ kind: 'value', repr: '\'it\\\'s "x"\'' }, [value(`"it's \\"x\\""`), value(`'''it's "x"'''`), value(`it's "x"`), value(`"its \\"x\\""`)])).toEqual(['right', 'right', 'wrong', 'wrong']);
    expect(await verdicts({ kind: 'value', repr: "'a  b'" }, [value('"a  b"'), value('"a b"')])).toEqual(['right', 'wrong']);
  });

  it('tuples, lists and nested containers compare as Python compares them', async () => {
    expect(await verdicts({ kind: 'value', repr: '(1, 2)' }, [value('(1,2)'), value('(1, 2.0)'), value('[1, 2]'), value('1, 2')])).toEqual(['right', 'right', 'wrong', 'right']);
    expect(await verdicts({ kind: 'value', repr: "{'a': [1, (2, 3)], 'b': None}" }, [value('{"b": None, "a": [1, (2, 3)]}'), value("{'a': [1, [2, 3]], 'b': None}")])).toEqual(['right', 'wrong']);
  });

  it('None is a value; an empty row is blank, not wrong', async () => {
    expect(await verdicts({ kind: 'value', repr: 'None' }, [value('None'), value('none'), { kind: '', value: '', prints: '' }, value('')])).toEqual(['right', 'wrong', 'blank', 'wrong']);
  });

  it('StopIteration: bare matches a None value only; a value must match the return value', async () => {
    expect(await verdicts({ kind: 'stop', repr: 'None' }, [stop(), stop('None'), stop('0'), raise('StopIteration'), value('None')])).toEqual(['right', 'right', 'wrong', 'right', 'wrong']);
    expect(await verdicts({ kind: 'stop', repr: '42' }, [stop('42'), stop('42.0'), stop(), raise('StopIteration(42)')])).toEqual(['right', 'right', 'wrong', 'right']);
  });

  it('exceptions match by name, with or without a message', async () => {
    expect(await verdicts({ kind: 'raise', type: 'ValueError', message: 'nope' }, [raise('ValueError'), raise('ValueError("whatever")'), raise('builtins.ValueError'), raise('TypeError'), value('ValueError')])).toEqual([
      'right',
      'right',
      'right',
      'wrong',
      'wrong',
    ]);
  });

  it('garbage, code and huge input are wrong answers, and nothing runs', async () => {
    const rows = [value('__import__("os").system("echo pwned")'), value('9**9**9**9'), value('[' .repeat(150)), value('x'.repeat(5000)), value('lambda: 1'), value('\u0000'), value('1 +')];
    expect(await verdicts({ kind: 'value', repr: '1' }, rows)).toEqual(rows.map(() => 'wrong'));
  });

  it('what a step prints is graded when the block asks for it', async () => {
    const outcome: StepOutcome = { kind: 'value', repr: '3' };
    const rows = [
      { kind: 'value' as const, value: '3', prints: 'starting at 3' },
      { kind: 'value' as const, value: '3', prints: 'starting at 3  ' },
      { kind: 'value' as const, value: '3', prints: '' },
    ];
    expect(await verdicts(outcome, rows, 'starting at 3\n', true)).toEqual(['right', 'right', 'wrong']);
    expect(await verdicts(outcome, rows, 'starting at 3\n', false)).toEqual(['right', 'right', 'right']);
  });

  it('labels free answers so that answers Python calls equal group together', async () => {
    expect(await python.freeLabels(['2.0', '2', ' (1,2)', 'StopIteration', 'StopIteration(None)', 'StopIteration(5.0)', 'KeyError("k")', 'hello'])).toEqual([
      '2',
      '2',
      '(1, 2)',
      'StopIteration',
      'StopIteration',
      'StopIteration(5)',
      'KeyError',
      'hello',
    ]);
  });
});
