import { randomBytes } from 'node:crypto';
import { PollAction, PollOpen, PollVote } from '../protocol';
import type { MyVote } from '../protocol';
import { Refusal } from '../errors';
import { checkVote, closePoll, pollFromAdHoc, pollFromDeck, resetPoll, revealPoll, startRevote } from '../polls/poll';
import type { Poll } from '../polls/poll';
import { findDeckPoll } from '../rooms/room';
import { handle } from './handler';
import { savePollAndShow } from './poll-view';
import { openRoom } from './open-room';
import type { AppSocket, Services } from './types';

async function pollOf(services: Services, code: string, pollId: string): Promise<Poll> {
  const poll = await services.store.getPoll(code, pollId);
  if (!poll) throw new Refusal('NOT_FOUND', 'There is no such poll in this room.');
  return poll;
}

export function registerPollHandlers(services: Services, socket: AppSocket) {
  const { limits, store, tallies } = services;

  const update = (code: string, poll: Poll, makeActive = false) => savePollAndShow(services, code, poll, makeActive);

  handle(socket, limits, 'poll:open', PollOpen, 'presenter', (input, { code }) =>
    services.inRoom(code, async () => {
      if ('adHoc' in input) return update(code, pollFromAdHoc(code, `adhoc-${randomBytes(6).toString('hex')}`, input.adHoc, services.now()), true);
      const existing = await store.getPoll(code, input.pollId);
      if (existing) return update(code, existing, true);
      const room = await openRoom(services, code);
      const def = findDeckPoll(services.decks.get(room.deckId)!, input.pollId);
      if (!def) throw new Refusal('NOT_FOUND', 'There is no such poll in this deck.');
      return update(code, pollFromDeck(code, def, services.now()), true);
    }),
  );

  const transitions = { 'poll:close': closePoll, 'poll:reveal': revealPoll, 'poll:revote': startRevote, 'poll:reset': resetPoll } as const;
  for (const [event, transition] of Object.entries(transitions) as [keyof typeof transitions, (p: Poll) => Poll][]) {
    handle(socket, limits, event, PollAction, 'presenter', ({ pollId }, { code }) =>
      services.inRoom(code, async () => {
        const poll = await pollOf(services, code, pollId);
        if (event === 'poll:reset') {
          await store.deleteBallots(code, pollId);
          tallies.forget(code, pollId);
        }
        return update(code, transition(poll));
      }),
    );
  }

  handle(socket, limits, 'poll:vote', PollVote, 'member', (vote, session) =>
    // In the room's queue, so a vote can't slip in after the close it raced with.
    services.inRoom(session.code, async (): Promise<MyVote> => {
      if (session.role !== 'student') throw new Refusal('FORBIDDEN', 'Presenters do not vote.');
      if (!session.participantId) throw new Refusal('NOT_JOINED', 'Reload the page to get a voter id.');
      const poll = await pollOf(services, session.code, vote.pollId);
      const checked = checkVote(poll, vote);
      // A prediction's free answers are counted by Python's reading of them: 15.0 and 15 are one answer.
      const choice = typeof poll.correct === 'string' && 'text' in checked ? { text: (await (await services.python()).freeLabels([checked.text]))[0]! } : checked;
      const ballot = { roomCode: session.code, pollId: poll.id, round: poll.round, participantId: session.participantId, choice, at: services.now() };
      await store.saveBallot(ballot); // acked only once the store has it
      await tallies.record(ballot);
      tallies.changed(session.code, poll.id);
      return { pollId: poll.id, round: poll.round, choice };
    }),
  );
}
