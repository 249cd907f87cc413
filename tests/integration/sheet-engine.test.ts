import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import { afterEach, describe, expect, it } from 'vitest';
import { openPrediction } from '../../server/predictions/prediction';
import { newRoom } from '../../server/rooms/room';
import { createSheetEngine } from '../../server/sheets/engine';
import type { SheetEngine, SheetRef } from '../../server/sheets/engine';
import { openSqliteStore } from '../../server/store/sqlite';
import type { Store } from '../../server/store/store';
import { tempDataDir } from '../support/server';

let store: Store;
let engine: SheetEngine;
afterEach(async () => {
  await engine?.close();
  await store?.close();
});

const stepOne = () => {
  const e = encoding.createEncoder();
  syncProtocol.writeSyncStep1(e, new Y.Doc());
  return encoding.toUint8Array(e);
};

const STUCK_WORKER = new URL('../fixtures/stuck-sheet-worker.mjs', import.meta.url);
const team = (teamId: string): SheetRef => ({ code: 'ABCDEF', predictionId: 'predict-1', teamId, steps: 3 });

/** A room whose prediction is on screen, so edits are stored. */
async function predictionOnScreen() {
  store = openSqliteStore(tempDataDir());
  const room = newRoom('ABCDEF', 'team', 'hash', Date.now());
  await store.createRoom(room);
  await store.addPrediction(openPrediction('ABCDEF', 'predict-1'));
  expect(await store.updateRoom({ ...room, version: room.version + 1, activePredictionId: 'predict-1' }, room.version)).toBe(true);
}

const rowsOf = (messages: Uint8Array[] = []) => {
  const doc = new Y.Doc();
  for (const message of messages) syncProtocol.readSyncMessage(decoding.createDecoder(message), encoding.createEncoder(), doc, null);
  return doc;
};

describe('the sheet engine under its watchdog', () => {
  it('reads a reply that came while this thread was stalled past the limit, instead of blaming the worker for it', async () => {
    await predictionOnScreen();
    const limits = { timeoutMs: 10_000, memoryMb: 128 };
    engine = createSheetEngine(store, limits);
    expect((await engine.read(team('team-2'), stepOne())).refused).toBeUndefined();

    // The worker answers while this thread is busy in the event loop's check phase, where the
    // watchdog's timer comes due; the timers phase runs next, before the poll phase would deliver
    // the worker's reply.
    limits.timeoutMs = 20;
    await new Promise((resolve) => setImmediate(resolve));
    const late = engine.read(team('team-3'), stepOne());
    // The request is ready to send after a few promise steps (the queue, the store read, the ready
    // check), and sent at the end of the event loop's turn, just before this continues.
    for (let step = 0; step < 50; step++) await null;
    await new Promise((resolve) => setImmediate(resolve));
    const busyUntil = Date.now() + 500;
    while (Date.now() < busyUntil);
    const reply = await late;
    expect(reply.refused).toBeUndefined();
    expect(rowsOf(reply.messages).getArray('rows').length).toBe(3);
    expect((await store.getSheet('ABCDEF', 'predict-1', 'team-3'))?.version).toBe(1);
  });

  it('refuses by name the request a stuck worker is on, and answers the next one on a new worker', async () => {
    await predictionOnScreen();
    engine = createSheetEngine(store, { timeoutMs: 200, memoryMb: 128 }, STUCK_WORKER);
    expect((await engine.read(team('team-1'), stepOne())).refused).toBe('took over 200 ms');
    const next = await engine.read(team('team-2'), stepOne());
    expect(next.refused).toBeUndefined();
    expect(rowsOf(next.messages).getArray('rows').length).toBe(3);
    expect((await store.getSheet('ABCDEF', 'predict-1', 'team-2'))?.version).toBe(1);
  });

  it('runs different sheets’ requests side by side; when the worker is replaced, only the request it was stuck on is refused and the one behind it is applied on the new worker', async () => {
    await predictionOnScreen();
    engine = createSheetEngine(store, { timeoutMs: 200, memoryMb: 128 }, STUCK_WORKER);
    // A student of team 2 syncs, then types "42" in the first row.
    const doc = rowsOf((await engine.read(team('team-2'), stepOne())).messages);
    const before = Y.encodeStateVector(doc);
    ((doc.getArray('rows').get(0) as Y.Map<unknown>).get('value') as Y.Text).insert(0, '42');
    const update = encoding.createEncoder();
    syncProtocol.writeUpdate(update, Y.encodeStateAsUpdate(doc, before));

    // Team 1's request hangs the worker; team 2's is sent while it does.
    const stuck = engine.read(team('team-1'), stepOne());
    const behind = engine.write(team('team-2'), encoding.toUint8Array(update), 'p1', Date.now());
    expect((await stuck).refused).toBe('took over 200 ms');
    expect(await behind).toMatchObject({ ok: true, rows: [{ kind: '', value: '42', prints: '' }, { value: '' }, { value: '' }] });
    expect(await store.getSheet('ABCDEF', 'predict-1', 'team-2')).toMatchObject({ version: 2, rows: [{ value: '42' }, { value: '' }, { value: '' }] });
  });
});
