import type { PredictionReport } from '../protocol';
import type { DeckPrediction, StepRecord } from '../decks/types';
import { outcomeLabel } from './outcome';
import type { Grade, RoomPrediction, Sheet } from './sheet';
import { teamName } from './teams';

const KIND_WORDS: Record<string, string> = { stop: 'StopIteration', raise: 'raises' };

/** A row as typed, for steps not graded yet: the kind's word and the text. */
function typed(row: Sheet['rows'][number] | undefined): string {
  if (!row || (row.kind === '' && row.value.trim() === '')) return '';
  return [KIND_WORDS[row.kind], row.value.trim()].filter(Boolean).join(' ');
}

/** One prediction of a room for the export: every step, the executed answer, every team's answer and verdict. */
export function predictionReport(def: DeckPrediction, key: StepRecord[], state: RoomPrediction, teamIds: string[], sheets: Sheet[], grades: Grade[]): PredictionReport {
  return {
    id: def.id,
    setup: def.setup,
    steps: key.map((record, step) => ({
      step: step + 1,
      call: record.call,
      answer: outcomeLabel(record.outcome),
      revealed: step < state.revealed,
      teams: teamIds.map((team) => {
        const grade = grades.find((g) => g.predictionId === def.id && g.teamId === team && g.step === step);
        return { team, name: teamName(team), answer: grade ? grade.label : typed(sheets.find((s) => s.teamId === team)?.rows[step]), verdict: grade?.verdict ?? null };
      }),
    })),
  };
}
