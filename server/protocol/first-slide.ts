/**
 * The live slide a phone sees first: the server looks it up when a phone opens `/r/CODE` and
 * hands it to the page in a request header it sets itself, so the slide is in the page's HTML
 * and shows before any script has loaded or the socket has joined.
 */
export type FirstSlide = {
  h: number;
  v: number;
  f: number;
  /** Place in reading order (0-based) and the deck's slide count, for the "3 / 61" counter. */
  index: number;
  total: number;
  /** The public slide's HTML (never notes), fragments up to `f` marked `data-shown`. */
  html: string;
  className?: string;
};

/** Set only by the server; a client's own header of this name is removed before the page runs. */
export const FIRST_SLIDE_HEADER = 'x-yieldroom-first-slide';

export const encodeFirstSlide = (slide: FirstSlide) => Buffer.from(JSON.stringify(slide)).toString('base64url');

export function decodeFirstSlide(value: string | null | undefined): FirstSlide | undefined {
  if (!value) return undefined;
  try {
    return JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as FirstSlide;
  } catch {
    return undefined;
  }
}

/** Marks the fragments the presenter has shown, so CSS shows them before the page's script runs. */
export const markShownFragments = (html: string, f: number) =>
  html.replace(/data-fragment-index="(\d+)"/g, (attr, index: string) => (Number(index) <= f ? `${attr} data-shown` : attr));
