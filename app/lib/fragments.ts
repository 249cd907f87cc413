'use client';
import { useEffect } from 'react';
import type { RefObject } from 'react';

/** Shows fragments 0..fragment inside `ref`, as reveal.js does, for views that do not run it. */
export function useFragmentVisibility(ref: RefObject<HTMLElement | null>, fragment: number, slideKey: string) {
  useEffect(() => {
    ref.current?.querySelectorAll<HTMLElement>('[data-fragment-index]').forEach((el) => {
      const index = Number(el.dataset.fragmentIndex);
      el.classList.toggle('visible', index <= fragment);
      el.classList.toggle('current-fragment', index === fragment);
    });
  }, [ref, fragment, slideKey]);
}
