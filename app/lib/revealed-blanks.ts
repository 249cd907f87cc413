'use client';
import { useEffect } from 'react';
import type { RefObject } from 'react';
import type { PredictionState } from '../../server/protocol/predictions';
import { outcomeLabel } from '../../server/predictions/outcome';

/** Fills each revealed step's `?` inside `ref` with what Python answered (CSS draws it from data-answer). */
export function useRevealedBlanks(ref: RefObject<HTMLElement | null>, prediction: PredictionState | null | undefined, slideKey: unknown) {
  useEffect(() => {
    ref.current?.querySelectorAll<HTMLElement>('.predict-block').forEach((block) => {
      const mine = block.dataset.prediction === prediction?.id;
      block.querySelectorAll<HTMLElement>('li[data-step]').forEach((li) => {
        const blank = li.querySelector<HTMLElement>('.predict-blank');
        const record = mine ? prediction?.revealed[Number(li.dataset.step)] : undefined;
        if (!blank) return;
        if (record) blank.dataset.answer = outcomeLabel(record.outcome);
        else delete blank.dataset.answer;
      });
    });
  }, [ref, prediction, slideKey]);
}
