import type { IncomingMessage } from 'node:http';
import { JoinCode } from '../protocol';
import { markShownFragments } from '../protocol/first-slide';
import type { FirstSlide } from '../protocol/first-slide';
import { Refusal } from '../errors';
import { openRoom } from '../realtime/open-room';
import type { Services } from '../realtime/types';

/**
 * The live slide of the room a phone is opening, or nothing for a code that is unknown, ended or
 * refused. A wrong code counts as a guess against the address, as on the API and the socket.
 */
export function createFirstSlides(services: Services) {
  return async function firstSlide(req: IncomingMessage, rawCode: string): Promise<FirstSlide | undefined> {
    try {
      const room = await services.addressLimits.lookUp(services.addressOf(req), async () => {
        const code = JoinCode.safeParse(rawCode.toUpperCase());
        if (!code.success) throw new Refusal('NOT_FOUND');
        return openRoom(services, code.data);
      });
      const stacks = services.decks.get(room.deckId)?.stacks;
      const { h, v, f } = room.slide;
      const slide = stacks?.[h]?.[v];
      if (!stacks || !slide) return undefined;
      const index = stacks.slice(0, h).reduce((n, stack) => n + stack.length, 0) + v;
      const total = stacks.reduce((n, stack) => n + stack.length, 0);
      return { h, v, f, index, total, html: markShownFragments(slide.html, f), ...(slide.className ? { className: slide.className } : {}) };
    } catch (error) {
      // The page still joins over its socket; it just shows "Joining…" first.
      if (!(error instanceof Refusal)) console.error('[first-slide]', error);
      return undefined;
    }
  };
}
