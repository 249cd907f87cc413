import QRCode from 'qrcode';
import { PresenterPair, PresenterRedeem, RoomJoin, RoomSnapshotRequest, SlideSet } from '../protocol';
import type { PairResult, RedeemResult, RoomJoinResult } from '../protocol';
import { Refusal } from '../errors';
import { arriveAt, findDeckPoll } from '../rooms/room';
import { pollFromDeck } from '../polls/poll';
import { hashSecret, newSecret, secretMatches } from '../rooms/secrets';
import { publicBaseUrl } from '../http/public-url';
import { handle, inArrivalOrder } from './handler';
import { openRoom } from './open-room';
import { announcePoll, snapshotFor } from './poll-view';
import { announcePrediction } from './prediction-view';
import { formTeamsNow, placeStudent } from './teams.handlers';
import { openPrediction } from '../predictions/prediction';
import { changeRoom } from './room-change';
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

  handle(socket, 'room:join', RoomJoin, 'anyone', async ({ code, presenterSecret }): Promise<RoomJoinResult> => {
    // A wrong code counts against the address: join codes cannot be enumerated at speed.
    const room = await services.addressLimits.lookUp(services.addressOf(socket.request), () => openRoom(services, code));
    // A wrong secret is refused outright rather than downgraded to a student seat.
    if (presenterSecret !== undefined && !secretMatches(presenterSecret, room.presenterSecretHashes)) throw new Refusal('FORBIDDEN', 'That presenter key is not valid for this room.');
    const role = presenterSecret === undefined ? 'student' : 'presenter';
    if (role === 'student' && socket.data.code !== code && (await services.audience.count(code)) >= limits.roomSize) throw new Refusal('ROOM_FULL');
    leaveCurrentRoom(services, socket);
    await socket.join(role === 'presenter' ? [code, presentersOf(code)] : code);
    Object.assign(socket.data, { code, role, deckId: room.deckId, roomCreatedAt: room.createdAt } satisfies Partial<SocketData>);
    if (role === 'student') {
      services.audience.join(code);
      await placeStudent(services, room, socket);
    } else if (room.activePredictionId) services.boards.changed(code, room.activePredictionId);
    return { role, snapshot: await snapshotFor(services, await openRoom(services, code), socket) };
  });

  handle(socket, 'room:snapshot', RoomSnapshotRequest, 'member', async (_input, { code }) => snapshotFor(services, await openRoom(services, code), socket));

  // A presenter's quick presses land in the order pressed.
  const afterPreviousMove = inArrivalOrder();
  handle(socket, 'slide:set', SlideSet, 'presenter', (position, { code }) => afterPreviousMove(() => moveTo(position, code)));

  async function moveTo(position: SlideSet, code: string) {
    const { deckId } = await openRoom(services, code);
    const deck = services.decks.get(deckId);
    if (!deck) throw new Refusal('NOT_FOUND', `deck "${deckId}" is not installed`);
    let arrival: ReturnType<typeof arriveAt>;
    const { before, after } = await changeRoom(services, code, async (room) => {
      arrival = arriveAt(room, deck, position);
      if (!arrival) return undefined;
      // Arriving on a poll's or prediction's slide puts it on screen (opened on the first visit); leaving takes it off.
      const { activePollId, activePredictionId } = arrival.room;
      if (activePollId && arrival.pollChanged) await services.store.addPoll(pollFromDeck(code, findDeckPoll(deck, activePollId)!, services.now()));
      if (activePredictionId && arrival.predictionChanged) await services.store.addPrediction(openPrediction(code, activePredictionId));
      return arrival.room;
    });
    if (!after || !arrival) return { version: before.version };
    services.io.to(code).emit('room:state', { version: arrival.slideVersion, slide: after.slide });
    if (arrival.pollChanged) await announcePoll(services, after, arrival.pollVersion);
    if (arrival.predictionChanged) await announcePrediction(services, after, after.version);
    if (after.activePredictionId) {
      // The first prediction of the lecture splits the room into teams.
      if (!before.teams.formed) await formTeamsNow(services, code);
      // The presenters' board grades in Python, which also starts Pyodide before the first reveal or what-if.
      services.boards.changed(code, after.activePredictionId);
    }
    return { version: after.version };
  }

  handle(socket, 'presenter:pair', PresenterPair, 'presenter', async (_input, { code }): Promise<PairResult> => {
    const token = newSecret();
    const expiresAt = services.now() + limits.pairTokenTtlMs;
    await services.store.savePairToken(code, hashSecret(token), expiresAt);
    const base = publicBaseUrl(socket.handshake.headers.host, services.port(), services.publicUrl);
    // The token rides in the fragment: browsers never send it to a server in a request line.
    const url = `${base}/present/${code}/remote#pair=${token}`;
    return { url, qrSvg: await QRCode.toString(url, { type: 'svg', margin: 1 }), expiresAt, ttlMs: limits.pairTokenTtlMs };
  });

  handle(socket, 'presenter:redeem', PresenterRedeem, 'anyone', async ({ code, token }): Promise<RedeemResult> => {
    await openRoom(services, code);
    if (!(await services.store.takePairToken(code, hashSecret(token), services.now()))) {
      throw new Refusal('FORBIDDEN', 'This pairing link was used already or has expired.');
    }
    const presenterSecret = newSecret();
    await services.store.addPresenterSecret(code, hashSecret(presenterSecret));
    services.io.to(presentersOf(code)).emit('presenter:paired');
    return { presenterSecret };
  });

  socket.on('disconnect', () => leaveCurrentRoom(services, socket));
}
