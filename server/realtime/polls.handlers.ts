import { randomBytes } from 'node:crypto';
import { PollAction, PollCountdown, PollOpen, PollVote } from '../protocol';
import type { MyVote } from '../protocol';
import { Refusal } from '../errors';
import { checkChoice, closePoll, numericBounds, pollFromAdHoc, pollFromDeck, resetPoll, revealPoll, showSplit, startCountdown, startRevote } from '../polls/poll';
import type { Poll } from '../polls/poll';
import { findDeckPoll } from '../rooms/room';
import type { CastOutcome } from '../store/store';
import { handle, inArrivalOrder } from './handler';
import { closeIfOverdue, pollChanged } from './poll-view';
import { openRoom } from './open-room';
import { untilStored } from './room-change';
import type { AppSocket, Services } from './types';

async function pollOf(services: Services, code: string, pollId: string): Promise<Poll> {
  const poll = await services.store.getPoll(code, pollId);
  if (!poll) throw new Refusal('NOT_FOUND', 'There is no such poll in this room.');
  return poll;
}

/** Why a ballot was not counted, as the voter reads it. */
const NOT_CAST: Record<Exclude<CastOutcome, 'cast'>, Refusal> = {
  closed: new Refusal('POLL_CLOSED'),
  'round-over': new Refusal('POLL_CLOSED', 'That round is over; vote again in the new one.'),
  'time-up': new Refusal('TIME_UP'),
  'not-on-screen': new Refusal('POLL_CLOSED', 'This poll is no longer on screen.'),
  missing: new Refusal('NOT_FOUND', 'There is no such poll in this room.'),
};

export function registerPollHandlers(services: Services, socket: AppSocket) {
  const { limits, store, tallies } = services;

  handle(socket, 'poll:open', PollOpen, 'presenter', async (input, { code }) => {
    if ('adHoc' in input) return pollChanged(services, await store.addPoll(pollFromAdHoc(code, `adhoc-${randomBytes(6).toString('hex')}`, input.adHoc, services.now())), true);
    const existing = await store.getPoll(code, input.pollId);
    if (existing) return pollChanged(services, existing, true);
    const room = await openRoom(services, code);
    const def = findDeckPoll(services.decks.get(room.deckId)!, input.pollId);
    if (!def) throw new Refusal('NOT_FOUND', 'There is no such poll in this deck.');
    return pollChanged(services, await store.addPoll(pollFromDeck(code, def, services.now())), true);
  });

  // A presenter's quick clicks (reveal, then vote again) take effect in the order clicked.
  const afterPreviousClick = inArrivalOrder();
  const transitions = { 'poll:close': closePoll, 'poll:split': showSplit, 'poll:reveal': revealPoll, 'poll:revote': startRevote, 'poll:reset': resetPoll } as const;
  for (const [event, transition] of Object.entries(transitions) as [keyof typeof transitions, (p: Poll) => Poll][]) {
    handle(socket, event, PollAction, 'presenter', ({ pollId }, { code }) =>
      afterPreviousClick(async () => {
        const next = await untilStored(async () => {
          const candidate = transition(await pollOf(services, code, pollId));
          return (await store.updatePoll(candidate, { clearBallots: event === 'poll:reset' })) ? candidate : undefined;
        });
        return pollChanged(services, next);
      }),
    );
  }

  handle(socket, 'poll:countdown', PollCountdown, 'presenter', ({ pollId, seconds }, { code }) =>
    afterPreviousClick(async () => {
      const next = await untilStored(async () => {
        const candidate = startCountdown(await pollOf(services, code, pollId), seconds, services.now());
        return (await store.updatePoll(candidate)) ? candidate : undefined;
      });
      services.countdowns.at(next.closesAt! - services.now(), () => closeIfOverdue(services, code, pollId));
      return pollChanged(services, next);
    }),
  );

  handle(socket, 'poll:vote', PollVote, 'member', async (vote, session): Promise<MyVote> => {
    if (session.role !== 'student') throw new Refusal('FORBIDDEN', 'Presenters do not vote.');
    if (!session.participantId) throw new Refusal('NOT_JOINED', 'Reload the page to get a voter id.');
    const deckId = session.deckId ?? '';
    const poll = await services.pollDefinitions(deckId, session.code, vote.pollId);
    if (!poll) throw NOT_CAST.missing;
    const deck = services.decks.get(deckId);
    const def = deck && findDeckPoll(deck, poll.id);
    const checked = checkChoice(poll, vote.choice, numericBounds(def, limits.numericBound));
    if (def?.names && !(await store.getParticipant(session.code, session.participantId))?.name) throw new Refusal('NAME_REQUIRED');
    // A prediction's free answers are counted by Python's reading of them: 15.0 and 15 are one answer.
    const choice = typeof poll.correct === 'string' && 'text' in checked ? { text: (await (await services.python()).freeLabels([checked.text]))[0]! } : checked;
    // The store checks the poll is on screen, open, in this round and before its deadline in the
    // same transaction as the write, so a vote cannot slip in after the close it raced with; acked only once stored.
    const outcome = await store.castBallot({ roomCode: session.code, pollId: poll.id, round: vote.round, participantId: session.participantId, choice, at: services.now() });
    // A round whose countdown ran out: closed here if no process has closed it yet.
    if (outcome === 'time-up') await closeIfOverdue(services, session.code, poll.id);
    if (outcome !== 'cast') throw NOT_CAST[outcome];
    tallies.changed(session.code, poll.id);
    return { pollId: poll.id, round: vote.round, choice };
  });
}
