import { createHash } from 'node:crypto';
import { PredictAction, PredictPoll, PredictWhatIf } from '../protocol';
import type { PredictionState } from '../protocol';
import { Refusal } from '../errors';
import { outcomeLabel } from '../predictions/outcome';
import { findDeckPrediction, lockPrediction, predictionState, revealStep, unlockPrediction } from '../predictions/prediction';
import type { RoomPrediction } from '../predictions/sheet';
import { pollFromAdHoc, stepQuestion } from '../polls/poll';
import type { Poll } from '../polls/poll';
import { handle, inArrivalOrder } from './handler';
import { openRoom } from './open-room';
import { pollChanged } from './poll-view';
import { changeRoom, untilStored } from './room-change';
import { announcePrediction, currentTeams, predictionBoard } from './prediction-view';
import type { AppSocket, Services } from './types';

/** A stable order for a poll's options, so the answer is not always A. */
const shuffled = (labels: string[]) => [...labels].sort((a, b) => createHash('sha256').update(a).digest('hex').localeCompare(createHash('sha256').update(b).digest('hex')));

export function registerPredictionHandlers(services: Services, socket: AppSocket) {
  const { store } = services;

  async function load(code: string, predictionId: string) {
    const room = await openRoom(services, code);
    const deck = services.decks.get(room.deckId)!;
    const prediction = findDeckPrediction(deck, predictionId);
    const key = deck.answerKeys[predictionId];
    if (!prediction || !key) throw new Refusal('NOT_FOUND', 'There is no such prediction in this deck.');
    const stored = await store.getPrediction(code, predictionId);
    if (!stored) throw new Refusal('NOT_FOUND', 'That prediction has not been opened yet.');
    return { room, prediction, key, stored };
  }

  type Attempt = (loaded: Awaited<ReturnType<typeof load>>) => Promise<RoomPrediction>;
  // Quick clicks (lock, reveal, reveal) take effect in the order clicked.
  const afterPreviousClick = inArrivalOrder();
  const change = (code: string, predictionId: string, attempt: Attempt) => afterPreviousClick(() => changeInOrder(code, predictionId, attempt));

  /**
   * Moves a prediction on, compare-and-set against what `attempt` read (retried if another
   * presenter device moved it first); if it is on screen, bumps the room's version and tells everyone.
   */
  async function changeInOrder(code: string, predictionId: string, attempt: Attempt): Promise<PredictionState> {
    const { next, key } = await untilStored(async () => {
      const loaded = await load(code, predictionId);
      const candidate = await attempt(loaded);
      return (await store.updatePrediction(candidate, loaded.stored)) ? { next: candidate, key: loaded.key } : undefined;
    });
    const { after } = await changeRoom(services, code, (room) => (room.activePredictionId === predictionId ? { ...room, version: room.version + 1 } : undefined));
    if (after) await announcePrediction(services, after, after.version);
    services.boards.changed(code, predictionId);
    return predictionState(next, key, await store.listGrades(code));
  }

  const transitions = { 'predict:lock': lockPrediction, 'predict:unlock': unlockPrediction } as const;
  for (const [event, transition] of Object.entries(transitions) as [keyof typeof transitions, (p: RoomPrediction) => RoomPrediction][]) {
    handle(socket, event, PredictAction, 'presenter', ({ predictionId }, { code }) => change(code, predictionId, async ({ stored }) => transition(stored)));
  }

  // Locks the sheets, shows the next step's executed outcome, and fixes every team's verdict on it.
  handle(socket, 'predict:reveal', PredictAction, 'presenter', ({ predictionId }, { code }) =>
    change(code, predictionId, async ({ prediction, key, stored }) => {
      const next = revealStep(stored, key.length);
      const step = next.revealed - 1;
      if (prediction.graded.includes(step)) {
        const [sheets, participants] = await Promise.all([store.listSheets(code, predictionId), store.listParticipants(code)]);
        const teamIds = currentTeams(participants);
        const rows = teamIds.map((t) => sheets.find((s) => s.teamId === t)?.rows[step] ?? { kind: '' as const, value: '', prints: '' });
        const [graded] = await (await services.python()).grade([{ outcome: key[step]!.outcome, printed: key[step]!.printed, prints: prediction.prints, rows }]);
        // Grading is a pure function of locked sheets: a retry stores the same verdicts again.
        await store.saveGrades(code, teamIds.map((teamId, i) => ({ predictionId, teamId, step, verdict: graded!.rows[i]!.verdict, label: graded!.rows[i]!.label })));
      }
      return next;
    }),
  );

  handle(socket, 'predict:board', PredictAction, 'presenter', async ({ predictionId }, { code }) => {
    const { room } = await load(code, predictionId);
    return predictionBoard(services, room, predictionId);
  });

  // Any step as a one-tap poll for individuals: the authored distractors beside the executed
  // answer, or free entry counted by Python's reading of each answer.
  handle(socket, 'predict:poll', PredictPoll, 'presenter', async ({ predictionId, step }, { code }) => {
    const { prediction, key } = await load(code, predictionId);
    const record = key[step];
    if (!record || record.outcome.kind === 'timeout') throw new Refusal('INVALID_PAYLOAD', `step ${step + 1} cannot be polled`);
    const id = `${predictionId}-${step + 1}`;
    const existing = await store.getPoll(code, id);
    if (existing) return pollChanged(services, existing, true);
    const answer = outcomeLabel(record.outcome);
    const distractors = prediction.distractors[step] ?? [];
    const options = distractors.length > 0 ? shuffled([answer, ...distractors]) : [];
    const question = stepQuestion(prediction.setup, prediction.steps.slice(0, step), record.call);
    const now = services.now();
    const poll: Poll =
      options.length > 0
        ? pollFromAdHoc(code, id, { kind: 'single', question, options, correct: [options.indexOf(answer)] }, now)
        : { ...pollFromAdHoc(code, id, { kind: 'text', question }, now), correct: (await (await services.python()).freeLabels([answer]))[0]! };
    return pollChanged(services, await store.addPoll(poll), true);
  });

  // The presenter's "what if": other arguments or more steps, run in the answer key's sandboxed,
  // time-limited interpreter. Arguments must be literals, so nothing else runs.
  handle(socket, 'predict:whatif', PredictWhatIf, 'presenter', async ({ predictionId, steps }, { code }) => {
    const { prediction } = await load(code, predictionId);
    const python = await services.python();
    const problems = await python.checkCalls(steps, prediction.target);
    const bad = problems.findIndex((p) => p !== null);
    if (bad >= 0) throw new Refusal('INVALID_PAYLOAD', `step ${bad + 1} (${steps[bad]}): ${problems[bad]}`);
    return python.run({ ...prediction, steps }, prediction.source);
  });
}
