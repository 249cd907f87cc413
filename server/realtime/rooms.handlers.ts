import QRCode from 'qrcode';
import { PresenterPair, PresenterRedeem, RoomJoin, RoomSnapshotRequest, SlideSet } from '../protocol';
import type { PairResult, RedeemResult, RoomJoinResult } from '../protocol';
import { Refusal } from '../errors';
import { findDeckPoll, moveSlide, pollForSlide } from '../rooms/room';
import { pollFromDeck } from '../polls/poll';
import { hashSecret, newSecret, secretMatches } from '../rooms/secrets';
import { publicBaseUrl } from '../http/public-url';
import { handle } from './handler';
import { openRoom } from './open-room';
import { announcePoll, snapshotFor } from './poll-view';
import { announcePrediction } from './prediction-view';
import { formTeamsNow, placeStudent } from './teams.handlers';
import { openPrediction, predictionForSlide } from '../predictions/prediction';
import type { AppSocket, Services, SocketData } from './types';
import { presentersOf } from './types';

function leaveCurrentRoom(services: Services, socket: AppSocket) {
  const { code, role } = socket.data;
  if (!code) return;
  void socket.leave(code);
  void socket.leave(presentersOf(code));
  if (role === 'student') services.audience.leave(code);
  socket.data.code = undefined;
  socket.data.role = undefined;
}

export function registerRoomHandlers(services: Services, socket: AppSocket) {
  const { limits } = services;

  handle(socket, limits, 'room:join', RoomJoin, 'anyone', async ({ code, presenterSecret }): Promise<RoomJoinResult> => {
    const room = await openRoom(services, code);
    // A wrong secret is refused outright rather than downgraded to a student seat.
    if (presenterSecret !== undefined && !secretMatches(presenterSecret, room.presenterSecretHashes)) throw new Refusal('FORBIDDEN', 'That presenter key is not valid for this room.');
    const role = presenterSecret === undefined ? 'student' : 'presenter';
    leaveCurrentRoom(services, socket);
    await socket.join(role === 'presenter' ? [code, presentersOf(code)] : code);
    Object.assign(socket.data, { code, role } satisfies Partial<SocketData>);
    if (role === 'student') {
      services.audience.join(code);
      await services.inRoom(code, async () => placeStudent(services, await openRoom(services, code), socket));
    } else if (room.activePredictionId) services.boards.changed(code, room.activePredictionId);
    return { role, snapshot: await snapshotFor(services, await openRoom(services, code), socket) };
  });

  handle(socket, limits, 'room:snapshot', RoomSnapshotRequest, 'member', async (_input, { code }) => snapshotFor(services, await openRoom(services, code), socket));

  handle(socket, limits, 'slide:set', SlideSet, 'presenter', (position, { code }) =>
    services.inRoom(code, async () => {
      const room = await openRoom(services, code);
      const deck = services.decks.get(room.deckId);
      if (!deck) throw new Refusal('NOT_FOUND', `deck "${room.deckId}" is not installed`);
      const moved = moveSlide(room, deck, position);
      if (!moved.changed) return { version: room.version };
      // Arriving on a poll's or prediction's slide puts it on screen (opened on the first visit); leaving takes it off.
      const activePollId = pollForSlide(deck, moved.room.slide);
      const pollChanged = activePollId !== room.activePollId;
      if (activePollId && pollChanged && !(await services.store.getPoll(code, activePollId))) {
        await services.store.savePoll(pollFromDeck(code, findDeckPoll(deck, activePollId)!, services.now()));
      }
      const activePredictionId = predictionForSlide(deck, moved.room.slide);
      const predictionChanged = activePredictionId !== room.activePredictionId;
      if (activePredictionId && predictionChanged && !(await services.store.getPrediction(code, activePredictionId))) {
        await services.store.savePrediction(openPrediction(code, activePredictionId));
      }
      // Each broadcast carries its own version: slide, then poll, then prediction.
      const pollVersion = moved.room.version + (pollChanged ? 1 : 0);
      const next = { ...moved.room, activePollId, activePredictionId, version: pollVersion + (predictionChanged ? 1 : 0) };
      await services.store.saveRoomState(next);
      services.io.to(code).emit('room:state', { version: moved.room.version, slide: next.slide });
      if (pollChanged) await announcePoll(services, next, pollVersion);
      if (predictionChanged) await announcePrediction(services, next, next.version);
      // The first prediction of the lecture splits the room into teams.
      if (activePredictionId && !room.teams.formed) await formTeamsNow(services, code);
      // The presenters' board grades in Python, which also starts Pyodide before the first reveal or what-if.
      if (activePredictionId) services.boards.changed(code, activePredictionId);
      return { version: next.version };
    }),
  );

  handle(socket, limits, 'presenter:pair', PresenterPair, 'presenter', async (_input, { code }): Promise<PairResult> => {
    const token = newSecret();
    const expiresAt = services.now() + limits.pairTokenTtlMs;
    await services.store.savePairToken(code, hashSecret(token), expiresAt);
    const base = publicBaseUrl(socket.handshake.headers.host, services.port(), services.publicUrl);
    // The token rides in the fragment: browsers never send it to a server in a request line.
    const url = `${base}/present/${code}/remote#pair=${token}`;
    return { url, qrSvg: await QRCode.toString(url, { type: 'svg', margin: 1 }), expiresAt };
  });

  handle(socket, limits, 'presenter:redeem', PresenterRedeem, 'anyone', async ({ code, token }): Promise<RedeemResult> => {
    await openRoom(services, code);
    if (!(await services.store.takePairToken(code, hashSecret(token), services.now()))) {
      throw new Refusal('FORBIDDEN', 'This pairing link was used already or has expired.');
    }
    const presenterSecret = newSecret();
    await services.store.addPresenterSecret(code, hashSecret(presenterSecret));
    return { presenterSecret };
  });

  socket.on('disconnect', () => leaveCurrentRoom(services, socket));
}
