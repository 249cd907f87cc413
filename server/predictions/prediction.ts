import type { PredictionState, SlidePosition, StepRecord, Verdict } from '../protocol';
import type { Deck, DeckPrediction } from '../decks/types';
import { Refusal } from '../errors';
import type { Grade, RoomPrediction } from './sheet';

/** What arriving on a slide does to the prediction on screen: the slide's own, or none. */
export function predictionForSlide(deck: Deck, { h, v }: SlidePosition): string | null {
  return deck.stacks[h]?.[v]?.prediction?.id ?? null;
}

export function findDeckPrediction(deck: Deck, predictionId: string): DeckPrediction | undefined {
  return deck.stacks.flat().find((s) => s.prediction?.id === predictionId)?.prediction;
}

export const openPrediction = (roomCode: string, predictionId: string): RoomPrediction => ({ roomCode, predictionId, status: 'open', revealed: 0 });
export const lockPrediction = (p: RoomPrediction): RoomPrediction => ({ ...p, status: 'locked' });

export function unlockPrediction(p: RoomPrediction): RoomPrediction {
  if (p.revealed > 0) throw new Refusal('SHEET_LOCKED', 'Steps have been revealed; the sheets stay locked.');
  return { ...p, status: 'open' };
}

/** The next step's outcome goes on screen; revealing locks the sheets first. */
export function revealStep(p: RoomPrediction, steps: number): RoomPrediction {
  if (p.revealed >= steps) throw new Refusal('INVALID_PAYLOAD', 'Every step is revealed already.');
  return { ...p, status: 'locked', revealed: p.revealed + 1 };
}

/** The prediction as the room sees it: revealed steps only, and each team's verdicts on them. */
export function predictionState(p: RoomPrediction, key: StepRecord[], grades: Grade[]): PredictionState {
  const revealed = key.slice(0, p.revealed);
  const byTeam: Record<string, (Verdict | null)[]> = {};
  for (const g of grades) {
    if (g.predictionId !== p.predictionId || g.step >= p.revealed) continue;
    byTeam[g.teamId] ??= revealed.map(() => null);
    byTeam[g.teamId]![g.step] = g.verdict;
  }
  return { id: p.predictionId, status: p.status, revealed, grades: byTeam };
}
