import { SheetAwareness, SheetSync } from '../protocol';
import type { SheetSyncResult } from '../protocol';
import { Refusal } from '../errors';
import { findDeckPrediction } from '../predictions/prediction';
import { isExpired } from '../rooms/room';
import { memberView } from '../predictions/teams';
import type { Participant } from '../predictions/teams';
import type { SheetRef } from '../sheets/engine';
import { handle, inArrivalOrder } from './handler';
import { sheetRoom } from './prediction-view';
import type { Joined } from './handler';
import type { AppSocket, Services } from './types';

/** A y-protocols sync message starts with its subtype: 0 (step 1: a read), 1 or 2 (step 2 or update: a write). */
function syncKind(message: Uint8Array): 'read' | 'write' | undefined {
  return message[0] === 0 ? 'read' : message[0] === 1 || message[0] === 2 ? 'write' : undefined;
}

export function registerSheetHandlers(services: Services, socket: AppSocket) {
  const { store } = services;
  const sheets = (socket.data.sheets ??= new Map());

  /** A refused update may be crafted: the sender is cut off once it has its answer. */
  const refuseAndDisconnect = (reason: string): never => {
    setImmediate(() => socket.disconnect(true));
    throw new Refusal('UPDATE_REFUSED', `That edit was refused: ${reason}.`);
  };

  const lockedOut = (): never => {
    throw new Refusal('SHEET_LOCKED');
  };

  /**
   * The sheet a message is for: a student's own team's; any team's for a presenter, who must name
   * it. The room's deck and start come from the join (neither ever changes), not a read per keystroke.
   */
  async function sheetFor(session: Joined, predictionId: string, teamId: string | undefined): Promise<{ ref: SheetRef; me?: Participant }> {
    if (isExpired({ createdAt: session.roomCreatedAt! }, services.now(), services.limits.roomTtlMs)) throw new Refusal('ROOM_EXPIRED');
    const { code } = session;
    const prediction = findDeckPrediction(services.decks.get(session.deckId!)!, predictionId);
    if (!prediction || !(await store.getPrediction(code, predictionId))) throw new Refusal('NOT_FOUND', 'That prediction is not open in this room.');
    const steps = prediction.steps.length;
    if (session.role === 'presenter') {
      if (!teamId) throw new Refusal('INVALID_PAYLOAD', 'teamId: name the team whose sheet to read');
      return { ref: { code, predictionId, teamId, steps } };
    }
    const me = session.participantId ? await store.getParticipant(code, session.participantId) : undefined;
    if (!me?.teamId) throw new Refusal('NO_TEAM');
    if (teamId !== undefined && teamId !== me.teamId) throw new Refusal('WRONG_TEAM');
    return { ref: { code, predictionId, teamId: me.teamId, steps }, me };
  }

  // An update may build on the one before it.
  const afterPrevious = inArrivalOrder();

  handle(socket, 'sheet:sync', SheetSync, 'member', (input, session) => afterPrevious(() => sync(input, session)));

  async function sync(input: { predictionId: string; teamId?: string; message: Uint8Array }, session: Joined): Promise<SheetSyncResult> {
    const kind = syncKind(input.message);
    if (!kind) throw new Refusal('INVALID_PAYLOAD', 'message: not a y-protocols sync message');
    if (kind === 'write' && session.role !== 'student') throw new Refusal('FORBIDDEN', 'Presenters read the sheets; teams write them.');
    const { ref } = await sheetFor(session, input.predictionId, input.teamId);
    const room = sheetRoom(ref.code, ref.predictionId, ref.teamId);
    if (kind === 'read') {
      const reply = await services.sheets.read(ref, input.message);
      if (reply.refused) return refuseAndDisconnect(reply.refused);
      await socket.join(room);
      return { messages: reply.messages!, awareness: reply.awareness ?? null };
    }
    // Stored only while the prediction is open and on screen, checked in the same transaction as
    // the write, so no edit lands after the lock it raced with.
    const result = await services.sheets.write(ref, input.message, session.participantId!, services.now());
    if (!result.ok) return result.locked ? lockedOut() : refuseAndDisconnect(result.reason);
    if (result.relay) {
      socket.to(room).emit('sheet:sync', { predictionId: ref.predictionId, teamId: ref.teamId, message: result.relay });
      services.boards.changed(ref.code, ref.predictionId);
    }
    return { messages: result.resync ? [result.resync] : [], awareness: null };
  }

  handle(socket, 'sheet:awareness', SheetAwareness, 'member', async (input, session) => {
    if (session.role !== 'student') throw new Refusal('FORBIDDEN', 'Only students show where they are editing.');
    const { ref, me } = await sheetFor(session, input.predictionId, undefined);
    const { name, color } = memberView(me!);
    const reply = await services.sheets.awareness(ref, input.message, session.participantId!, { name, color });
    if (reply.refused) return refuseAndDisconnect(reply.refused);
    const room = sheetRoom(ref.code, ref.predictionId, ref.teamId);
    sheets.set(room, { code: ref.code, predictionId: ref.predictionId, teamId: ref.teamId, clientId: reply.clientId });
    socket.to(room).emit('sheet:awareness', { predictionId: ref.predictionId, teamId: ref.teamId, message: reply.relay! });
    return {};
  });

  socket.on('disconnect', () => {
    for (const [room, sheet] of sheets) {
      void services.sheets.leave({ code: sheet.code, predictionId: sheet.predictionId, teamId: sheet.teamId, steps: 0 }, sheet.clientId).then((reply) => {
        if (reply.relay) services.io.to(room).emit('sheet:awareness', { predictionId: sheet.predictionId, teamId: sheet.teamId, message: reply.relay });
      });
    }
  });
}
