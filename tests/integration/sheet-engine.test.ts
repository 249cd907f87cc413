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

describe('the sheet engine under its watchdog', () => {
  it('answers each request with its own reply, even when the worker replied to a request the watchdog had already refused', async () => {
    store = openSqliteStore(tempDataDir());
    await store.createRoom(newRoom('ABCDEF', 'team', 'hash', Date.now()));
    await store.addPrediction(openPrediction('ABCDEF', 'predict-1'));
    const limits = { timeoutMs: 10_000, memoryMb: 128 };
    engine = createSheetEngine(store, limits);
    const team = (teamId: string): SheetRef => ({ code: 'ABCDEF', predictionId: 'predict-1', teamId, steps: 3 });
    expect((await engine.read(team('t1'), stepOne())).refused).toBeUndefined();

    // The worker answers while this thread is busy in the event loop's check phase, where the
    // watchdog's timer comes due; the timers phase runs next, before the poll phase delivers the
    // worker's reply, so that reply arrives after the next request has been sent.
    limits.timeoutMs = 20;
    await new Promise((resolve) => setImmediate(resolve));
    const late = engine.read(team('t1'), stepOne());
    // The request is ready to send after a few promise steps (the queue, the store read, the ready
    // check), and sent at the end of the event loop's turn, just before this continues.
    for (let step = 0; step < 50; step++) await null;
    await new Promise((resolve) => setImmediate(resolve));
    const busyUntil = Date.now() + 300;
    while (Date.now() < busyUntil);
    expect((await late).refused).toBe('took over 20 ms');

    limits.timeoutMs = 10_000;
    const next = await engine.read(team('t2'), stepOne());
    expect(next.refused).toBeUndefined();
    const doc = new Y.Doc();
    for (const message of next.messages ?? []) syncProtocol.readSyncMessage(decoding.createDecoder(message), encoding.createEncoder(), doc, null);
    expect(doc.getArray('rows').length).toBe(3);
    expect((await store.getSheet('ABCDEF', 'predict-1', 't2'))?.version).toBe(1);
  });

  it('runs different sheets’ requests side by side; when the worker is replaced, only the request it was on is refused and the one behind it is applied on the new worker', async () => {
    store = openSqliteStore(tempDataDir());
    await store.createRoom(newRoom('ABCDEF', 'team', 'hash', Date.now()));
    await store.addPrediction(openPrediction('ABCDEF', 'predict-1'));
    // Edits are stored only while the prediction is on screen.
    const room = newRoom('ABCDEF', 'team', 'hash', Date.now());
    expect(await store.updateRoom({ ...room, version: room.version + 1, activePredictionId: 'predict-1' }, room.version)).toBe(true);
    const limits = { timeoutMs: 10_000, memoryMb: 128 };
    engine = createSheetEngine(store, limits);
    const team = (teamId: string): SheetRef => ({ code: 'ABCDEF', predictionId: 'predict-1', teamId, steps: 3 });
    expect((await engine.read(team('t1'), stepOne())).refused).toBeUndefined();
    // A teammate on t2 syncs, then types "42" in the first row.
    const doc = new Y.Doc();
    for (const message of (await engine.read(team('t2'), stepOne())).messages ?? []) syncProtocol.readSyncMessage(decoding.createDecoder(message), encoding.createEncoder(), doc, null);
    const before = Y.encodeStateVector(doc);
    ((doc.getArray('rows').get(0) as Y.Map<unknown>).get('value') as Y.Text).insert(0, '42');
    const update = encoding.createEncoder();
    syncProtocol.writeUpdate(update, Y.encodeStateAsUpdate(doc, before));

    // Both requests reach the worker before either reply is read; this thread then stays busy past
    // the watchdog, which replaces the worker while both are unanswered.
    limits.timeoutMs = 20;
    await new Promise((resolve) => setImmediate(resolve));
    const first = engine.read(team('t1'), stepOne());
    const behind = engine.write(team('t2'), encoding.toUint8Array(update), 'p1', Date.now());
    for (let step = 0; step < 50; step++) await null;
    await new Promise((resolve) => setImmediate(resolve));
    const busyUntil = Date.now() + 300;
    while (Date.now() < busyUntil);
    expect((await first).refused).toBe('took over 20 ms');
    limits.timeoutMs = 10_000;

    expect(await behind).toMatchObject({ ok: true, rows: [{ kind: '', value: '42', prints: '' }, { value: '' }, { value: '' }] });
    expect(await store.getSheet('ABCDEF', 'predict-1', 't2')).toMatchObject({ version: 2, rows: [{ value: '42' }, { value: '' }, { value: '' }] });
  });
});
