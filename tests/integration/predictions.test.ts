import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import type { RunningServer } from '../../server/app';
import type { MyTeam, PollState, PredictionBoard, PredictionState, ResultsReport, RoomSnapshot, StepRecord } from '../../server/protocol';
import { ERROR_CODES, ERROR_MESSAGES } from '../../server/protocol';
import { DEFAULT_LIMITS } from '../../server/config';
import type { Client } from '../support/server';
import { overhear } from '../support/broadcasts';
import { PREDICT_DECKS, connectClient, createRoom, join, nextEvent, request, startServer, student, tempDataDir } from '../support/server';
import { SheetClient } from '../support/sheet-client';
import { CRAFTED_UPDATES } from '../fixtures/crafted-updates';

const PREDICT_SLIDE = { h: 1, v: 0, f: -1 };
let dataDir: string;
let server: RunningServer;
const sockets: Client[] = [];

const start = async () => (server = await startServer(dataDir, {}, PREDICT_DECKS));
beforeEach(async () => {
  dataDir = tempDataDir();
  await start();
});
afterEach(async () => {
  for (const s of sockets.splice(0)) s.disconnect();
  await server.close();
});

async function presenterOf(room: { code: string; presenterSecret: string }) {
  const presenter = await connectClient(server);
  sockets.push(presenter);
  await join(presenter, room.code, room.presenterSecret);
  return presenter;
}

async function phone(code: string, cookie?: string) {
  const s = await student(server, code, cookie);
  sockets.push(s.socket);
  return s;
}

const snapshot = async (socket: Client) => {
  const res = await request<RoomSnapshot>(socket, 'room:snapshot', {});
  if (!res.ok) throw new Error(res.error.code);
  return res.data;
};

/** A room with `n` phones joined, and the presenter on the prediction slide (which forms teams). */
async function predictionRoom(n: number) {
  const room = await createRoom(server, 'team');
  const presenter = await presenterOf(room);
  const phones = [];
  for (let i = 0; i < n; i++) phones.push(await phone(room.code));
  await request(presenter, 'slide:set', PREDICT_SLIDE);
  const snap = await snapshot(presenter);
  const predictionId = snap.prediction!.id;
  const teams = await Promise.all(phones.map(async (p) => (await snapshot(p.socket)).team!));
  return { ...room, presenter, phones, predictionId, teams };
}

async function openSheet(socket: Client, predictionId: string) {
  const sheet = new SheetClient(predictionId);
  const res = await sheet.open(socket);
  if (!res.ok) throw new Error(res.error.code);
  await Promise.all(sheet.acks);
  return sheet;
}

const rawUpdate = (update: Uint8Array) => {
  const e = encoding.createEncoder();
  syncProtocol.writeUpdate(e, update);
  return encoding.toUint8Array(e);
};

describe('teams', () => {
  it('splits the room into teams of 3–5 by join order on the first prediction, keeps them across a reload and a restart, and puts a late joiner in the smallest team', async () => {
    const { code, phones, teams } = await predictionRoom(7);
    expect(teams.map((t) => t.team!.id)).toEqual(['team-1', 'team-1', 'team-1', 'team-1', 'team-2', 'team-2', 'team-2']);
    expect(teams[0]!.team!.members.map((m) => m.name)).toEqual(teams.slice(0, 4).map((t) => t.me.name));
    expect(teams[0]!.me.name).toMatch(/^\w+ \w+$/);
    // Members never see each other's voter ids.
    expect(JSON.stringify(teams)).not.toContain(phones[0]!.cookie.split('=')[1]!.split('.')[0]!);

    // Each phone is in its team's room: a teammate's new name reaches it.
    const renamed = nextEvent(phones[0]!.socket, 'team:state');
    await request(phones[1]!.socket, 'team:rename', { name: 'Ada' });
    expect((await renamed).team.members.map((m) => m.name)).toContain('Ada');

    const late = await phone(code);
    expect((await snapshot(late.socket)).team!.team!.id).toBe('team-2');

    phones[0]!.socket.disconnect();
    const reloaded = await phone(code, phones[0]!.cookie);
    expect((await snapshot(reloaded.socket)).team!.team!.id).toBe('team-1');
    const renamedAgain = nextEvent(reloaded.socket, 'team:state');
    await request(phones[1]!.socket, 'team:rename', { name: 'Grace' });
    expect((await renamedAgain).team.members.map((m) => m.name)).toContain('Grace');

    await server.close();
    await start();
    const back = await phone(code, phones[5]!.cookie);
    expect((await snapshot(back.socket)).team!.team!.id).toBe('team-2');
  });

  it('forms teams of the phones connected, not of a speaker view that shares a departed phone’s voter cookie', async () => {
    const room = await createRoom(server, 'team');
    const presenter = await presenterOf(room);
    const gone = await phone(room.code);
    for (let i = 0; i < 3; i++) await phone(room.code);
    gone.socket.disconnect();
    await expect.poll(async () => (await snapshot(presenter)).audience).toBe(3);
    const speaker = await connectClient(server, undefined, gone.cookie);
    sockets.push(speaker);
    await join(speaker, room.code, room.presenterSecret);
    await request(presenter, 'slide:set', PREDICT_SLIDE);
    const predictionId = (await snapshot(presenter)).prediction!.id;
    const board = await request<PredictionBoard>(presenter, 'predict:board', { predictionId });
    expect(board.ok && board.data.teams.map((t) => [t.id, t.members])).toEqual([['team-1', 3]]);
  });

  it('lets students pick their table when the presenter sets tables, and shows teammates their chosen names', async () => {
    const room = await createRoom(server, 'team');
    const presenter = await presenterOf(room);
    const [a, b] = [await phone(room.code), await phone(room.code)];
    const reset = nextEvent(a.socket, 'team:reset');
    expect(await request(presenter, 'teams:configure', { mode: 'tables', tables: 4 })).toEqual({ ok: true, data: { mode: 'tables', tables: 4 } });
    expect(await reset).toEqual({ mode: 'tables', tables: 4 });
    expect((await snapshot(a.socket)).team).toMatchObject({ mode: 'tables', tables: 4, team: null });
    expect(await request(a.socket, 'team:pick', { table: 5 })).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
    await request(a.socket, 'team:pick', { table: 3 });
    const seen = nextEvent(a.socket, 'team:state');
    const picked = await request<MyTeam>(b.socket, 'team:pick', { table: 3 });
    expect(picked.ok && picked.data.team!.name).toBe('Table 3');
    expect((await seen).team.members).toHaveLength(2);
    const renamed = nextEvent(a.socket, 'team:state');
    expect(await request(b.socket, 'team:rename', { name: '  Ada <b>L</b> ' })).toMatchObject({ ok: true, data: { name: 'Ada <b>L</b>' } });
    expect((await renamed).team.members.map((m) => m.name)).toContain('Ada <b>L</b>');
    const room2 = overhear([a.socket, b.socket, presenter]);
    for (const bad of [{ name: '' }, { name: 'x'.repeat(25) }, { name: 'evil\u202Eeman' }, { name: 3 }]) {
      expect(await request(b.socket, 'team:rename', bad)).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
    }
    expect(await request(presenter, 'team:pick', { table: 1 })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await request(a.socket, 'teams:configure', { mode: 'auto' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    await room2.expectOnlyMarker(presenter);
  });

  it('forms teams of the phones still connected at once when the presenter goes back from tables to automatic', async () => {
    const room = await createRoom(server, 'team');
    const presenter = await presenterOf(room);
    const phones = [];
    for (let i = 0; i < 6; i++) phones.push(await phone(room.code));
    expect(await request(presenter, 'teams:configure', { mode: 'tables', tables: 2 })).toMatchObject({ ok: true });
    await request(phones[0]!.socket, 'team:pick', { table: 2 });
    phones.pop()!.socket.disconnect();
    await expect.poll(async () => (await snapshot(presenter)).audience).toBe(5);

    const resets = phones.map((p) => nextEvent(p.socket, 'team:reset'));
    expect(await request(presenter, 'teams:configure', { mode: 'auto' })).toEqual({ ok: true, data: { mode: 'auto', tables: 0 } });
    expect(await Promise.all(resets)).toEqual(phones.map(() => ({ mode: 'auto', tables: 0 })));
    const teams = await Promise.all(phones.map(async (p) => (await snapshot(p.socket)).team!));
    expect(teams.map((t) => [t.mode, t.tables, t.team?.id])).toEqual(phones.map(() => ['auto', 0, 'team-1']));
    expect(teams[0]!.team!.members.map((m) => m.name).sort()).toEqual(teams.map((t) => t.me.name).sort());
  });
});

describe('a room whose deck is no longer installed', () => {
  it('can still be joined, with no prediction on screen', async () => {
    const { code, presenterSecret, phones } = await predictionRoom(3);
    for (const s of sockets.splice(0)) s.disconnect();
    await server.close();
    server = await startServer(dataDir);
    const presenter = await connectClient(server);
    sockets.push(presenter);
    expect((await join(presenter, code, presenterSecret)).snapshot).toMatchObject({ code, prediction: null });
    expect(await snapshot((await phone(code, phones[0]!.cookie)).socket)).toMatchObject({ code, prediction: null, team: { team: { id: 'team-1' } } });
  });
});

describe('team sheets', () => {
  it('keeps a table’s traffic within it: a teammate’s edit and a rename reach the other table not at all, and a pick moves only the picker', async () => {
    const room = await createRoom(server, 'team');
    const presenter = await presenterOf(room);
    const [a, b, c] = [await phone(room.code), await phone(room.code), await phone(room.code)];
    await request(presenter, 'teams:configure', { mode: 'tables', tables: 2 });
    for (const p of [a, b]) await request(p.socket, 'team:pick', { table: 1 });
    // c's pick must not carry a or b along to table 2.
    await request(c.socket, 'team:pick', { table: 2 });
    await request(presenter, 'slide:set', PREDICT_SLIDE);
    const predictionId = (await snapshot(presenter)).prediction!.id;
    const [writer, teammate] = [await openSheet(a.socket, predictionId), await openSheet(b.socket, predictionId)];
    await openSheet(c.socket, predictionId);
    const otherTable = overhear([c.socket]);

    const renamed = new Promise((resolve) => b.socket.on('team:state', ({ team }) => team?.members.some((m) => m.name === 'Ada') && resolve(team.id)));
    expect(await request(a.socket, 'team:rename', { name: 'Ada' })).toMatchObject({ ok: true });
    expect(await renamed).toBe('table-1');
    writer.type(0, 0, '1');
    await Promise.all(writer.acks);
    await expect.poll(() => teammate.value(0)).toBe('1');
    await otherTable.expectOnlyMarker(presenter);
  });

  it('stops relaying a table’s edits to a student who moves to another table', async () => {
    const room = await createRoom(server, 'team');
    const presenter = await presenterOf(room);
    const [a, b] = [await phone(room.code), await phone(room.code)];
    // A phone that never picks a table is in no team, and on no board.
    await phone(room.code);
    await request(presenter, 'teams:configure', { mode: 'tables', tables: 2 });
    // Nor is a phone that joins once there are tables, until it picks one.
    const late = await phone(room.code);
    expect((await snapshot(late.socket)).team).toMatchObject({ mode: 'tables', team: null });
    for (const p of [a, b]) await request(p.socket, 'team:pick', { table: 1 });
    await request(presenter, 'slide:set', PREDICT_SLIDE);
    const predictionId = (await snapshot(presenter)).prediction!.id;
    const [writer, mover] = [await openSheet(a.socket, predictionId), await openSheet(b.socket, predictionId)];
    writer.type(0, 0, '1');
    await Promise.all(writer.acks);
    await expect.poll(() => mover.value(0)).toBe('1');
    // Picking the table it is at changes nothing: its table's edits still reach it, and its table hears of it once.
    const tableNews: { members: unknown[] }[] = [];
    a.socket.on('team:state', ({ team }) => tableNews.push(team));
    expect(await request(b.socket, 'team:pick', { table: 1 })).toMatchObject({ ok: true, data: { team: { id: 'table-1' } } });
    // A round trip on the table's socket: anything sent before it would have arrived by now.
    await snapshot(a.socket);
    expect(tableNews.map((t) => t.members.length)).toEqual([2]);
    writer.type(0, 1, '0');
    await Promise.all(writer.acks);
    await expect.poll(() => mover.value(0)).toBe('10');
    await request(b.socket, 'team:pick', { table: 2 });
    // The table it left is told it has one member now.
    await snapshot(a.socket);
    expect(tableNews.map((t) => t.members.length)).toEqual([2, 1]);
    const relayed: unknown[] = [];
    b.socket.on('sheet:sync', (m) => relayed.push(m));
    writer.type(0, 1, '2');
    await Promise.all(writer.acks);
    // A round trip on the mover's socket: anything relayed before it would have arrived by now.
    await snapshot(b.socket);
    expect(relayed).toEqual([]);
    const board = await request<PredictionBoard>(presenter, 'predict:board', { predictionId });
    expect(board.ok && board.data.teams.map((t) => t.id)).toEqual(['table-1', 'table-2']);
  });

  it('converges two teammates after concurrent edits of the same row, and after one edits offline', async () => {
    const { code, predictionId, phones } = await predictionRoom(4);
    const [a, b] = [await openSheet(phones[0]!.socket, predictionId), await openSheet(phones[1]!.socket, predictionId)];
    expect(a.rows().length).toBe(3);
    a.type(0, 0, '2');
    b.type(0, 0, 'None');
    await Promise.all([...a.acks, ...b.acks]);
    await expect.poll(() => a.value(0)).toBe(b.value(0));
    expect(a.value(0)).toHaveLength(5);

    b.goOffline();
    phones[1]!.socket.disconnect();
    b.type(1, 0, '1');
    b.setKind(1, 'value');
    a.type(2, 0, 'StopIteration');
    await Promise.all(a.acks);
    const back = await phone(code, phones[1]!.cookie);
    await b.open(back.socket);
    await Promise.all(b.acks);
    await expect.poll(() => [a.value(1), a.value(2)]).toEqual(['1', 'StopIteration']);
    expect(b.value(2)).toBe('StopIteration');
    expect(a.rows().get(1).get('kind')).toBe('value');
  });

  it('refuses every sheet message once the room has ended, storing nothing', async () => {
    await server.close();
    let clock = Date.now();
    server = await startServer(dataDir, { now: () => clock }, PREDICT_DECKS);
    const { predictionId, phones } = await predictionRoom(2);
    const sheet = await openSheet(phones[0]!.socket, predictionId);
    sheet.type(0, 0, '7');
    await Promise.all(sheet.acks);
    clock += DEFAULT_LIMITS.roomTtlMs + 1;
    sheet.acks.length = 0;
    sheet.type(0, 1, '8');
    expect(await Promise.all(sheet.acks)).toEqual([expect.objectContaining({ ok: false, error: expect.objectContaining({ code: 'ROOM_EXPIRED' }) })]);
    expect(await sheet.showRow(1)).toMatchObject({ ok: false, error: { code: 'ROOM_EXPIRED' } });
    expect(await new SheetClient(predictionId).open(phones[1]!.socket)).toMatchObject({ ok: false, error: { code: 'ROOM_EXPIRED' } });
    clock -= DEFAULT_LIMITS.roomTtlMs + 1;
    const again = await openSheet(phones[1]!.socket, predictionId);
    // The refused keystroke (an 8 after the 7) never reached the stored sheet.
    expect(again.value(0)).toBe('7');
  });

  it('refuses another team’s sheet, any write by a presenter and any write after the lock, changing nothing', async () => {
    const { predictionId, phones, presenter, teams } = await predictionRoom(6);
    expect(teams[0]!.team!.id).not.toBe(teams[5]!.team!.id);
    const mine = await openSheet(phones[0]!.socket, predictionId);
    mine.type(0, 0, '2');
    await Promise.all(mine.acks);

    const outsider = new SheetClient(predictionId);
    expect(await outsider.open(phones[5]!.socket, 'team-1')).toMatchObject({ ok: false, error: { code: 'WRONG_TEAM' } });
    // The presenter reads every team's sheet, and writes none.
    const reader = new SheetClient(predictionId);
    expect((await reader.open(presenter, 'team-1')).ok).toBe(true);
    expect(reader.value(0)).toBe('2');
    expect(await request(presenter, 'sheet:sync', { predictionId, teamId: 'team-1', message: rawUpdate(new Uint8Array([0, 0])) })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

    expect(await request(presenter, 'predict:lock', { predictionId })).toMatchObject({ ok: true, data: { status: 'locked' } });
    mine.type(0, 1, '0');
    const [locked] = await Promise.all(mine.acks.slice(-1));
    expect(locked).toMatchObject({ ok: false, error: { code: 'SHEET_LOCKED' } });
    const fresh = new SheetClient(predictionId);
    await fresh.open(phones[1]!.socket);
    expect(fresh.value(0)).toBe('2');
    for (const code of ['WRONG_TEAM', 'SHEET_LOCKED', 'NO_TEAM', 'UPDATE_REFUSED'] as const) expect(ERROR_CODES).toContain(code);
  });

  it('refuses by name a presenter’s read that names no team, a phone with no voter id, a presenter’s cursor, a table pick without tables and a prediction not yet opened, broadcasting nothing', async () => {
    const { code, predictionId, phones, presenter } = await predictionRoom(3);
    // Joined with no voter cookie: the phone follows, but is in no team and cannot name itself.
    const anonymous = await connectClient(server);
    sockets.push(anonymous);
    await join(anonymous, code);
    const room = overhear([phones[0]!.socket, phones[1]!.socket, presenter]);
    expect(await new SheetClient(predictionId).open(presenter)).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
    expect(await new SheetClient(predictionId).open(anonymous)).toMatchObject({ ok: false, error: { code: 'NO_TEAM' } });
    expect(await request(anonymous, 'team:rename', { name: 'Ada' })).toMatchObject({ ok: false, error: { code: 'NOT_JOINED' } });
    expect(await request(presenter, 'sheet:awareness', { predictionId, message: new Uint8Array([0]) })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await request(phones[0]!.socket, 'team:pick', { table: 1 })).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
    await room.expectOnlyMarker(presenter);
    // Another room on the same deck has not reached the prediction's slide yet.
    const other = await presenterOf(await createRoom(server, 'team'));
    expect(await request(other, 'predict:lock', { predictionId })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    // The deck's second prediction, opened in the other room only: this room's sheets for it are not there yet.
    await request(other, 'slide:set', { h: 4, v: 0, f: -1 });
    const second = (await snapshot(other)).prediction!.id;
    expect(await new SheetClient(second).open(phones[0]!.socket)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('refuses every presenter action from a student FORBIDDEN, changing nothing and broadcasting nothing', async () => {
    const { predictionId, phones, presenter } = await predictionRoom(3);
    const student = phones[0]!.socket;
    const before = await snapshot(student);
    const room = overhear([presenter, ...phones.map((p) => p.socket)]);
    const actions: [string, object][] = [
      ['predict:lock', { predictionId }],
      ['predict:unlock', { predictionId }],
      ['predict:reveal', { predictionId }],
      ['predict:board', { predictionId }],
      ['predict:poll', { predictionId, step: 0 }],
      ['predict:whatif', { predictionId, steps: ['next(g)'] }],
      ['teams:configure', { mode: 'tables', tables: 3 }],
    ];
    for (const [event, payload] of actions) expect(await request(student, event, payload), event).toEqual({ ok: false, error: { code: 'FORBIDDEN', message: ERROR_MESSAGES.FORBIDDEN } });
    expect(await snapshot(student)).toStrictEqual(before);
    await room.expectOnlyMarker(presenter);
  });

  it.each([
    ['an answer over 200 characters', (sheet: SheetClient) => sheet.type(0, 0, 'x'.repeat(201))],
    ['deleting a row', (sheet: SheetClient) => sheet.rows().delete(0, 1)],
    ['a kind that is not one of the three', (sheet: SheetClient) => sheet.setKind(0, 'maybe')],
    ['an edit under another Yjs client’s name', (sheet: SheetClient) => {
      sheet.doc.clientID = 1;
      sheet.type(0, 0, 'x');
    }],
  ])('refuses %s: the sender is cut off, the sheet stays as stored and no teammate hears of it', async (_what, edit) => {
    const { code, predictionId, phones, presenter } = await predictionRoom(3);
    const honest = await openSheet(phones[1]!.socket, predictionId);
    honest.type(1, 0, '1');
    await Promise.all(honest.acks);
    const attacker = await openSheet(phones[0]!.socket, predictionId);
    const team = overhear([phones[1]!.socket, phones[2]!.socket, presenter]);
    const closed = new Promise((resolve) => phones[0]!.socket.once('disconnect', resolve));
    edit(attacker);
    expect(await attacker.acks.at(-1)).toMatchObject({ ok: false, error: { code: 'UPDATE_REFUSED' } });
    await closed;
    const again = await phone(code, phones[0]!.cookie);
    const fresh = await openSheet(again.socket, predictionId);
    expect([fresh.rows().length, fresh.value(0), fresh.value(1), fresh.rows().get(0).get('kind')]).toEqual([3, '', '1', '']);
    await team.expectOnlyMarker(presenter);
  });

  it('keeps an edit refused while locked and sends it with the next one once the sheet reopens, with no disconnect', async () => {
    const { predictionId, phones, presenter } = await predictionRoom(3);
    const sheet = await openSheet(phones[0]!.socket, predictionId);
    await request(presenter, 'predict:lock', { predictionId });
    sheet.type(0, 0, '2');
    expect(await sheet.acks.at(-1)).toMatchObject({ ok: false, error: { code: 'SHEET_LOCKED' } });
    await request(presenter, 'predict:unlock', { predictionId });
    // This edit builds on the refused one: the server answers with its step 1 and the client sends both.
    sheet.type(1, 0, '1');
    expect(await sheet.acks.at(-1)).toMatchObject({ ok: true });
    expect(phones[0]!.socket.connected).toBe(true);
    const reader = new SheetClient(predictionId);
    await reader.open(phones[1]!.socket);
    expect([reader.value(0), reader.value(1)]).toEqual(['2', '1']);
  });

  it('refuses malformed sync messages with a named error, broadcasting nothing, and leaves the server up', async () => {
    const { predictionId, phones, presenter } = await predictionRoom(3);
    const socket = phones[0]!.socket;
    await openSheet(phones[1]!.socket, predictionId);
    const team = overhear([phones[1]!.socket, phones[2]!.socket, presenter]);
    const bad = [
      {},
      { predictionId },
      { predictionId, message: 'text' },
      { predictionId, message: new Uint8Array(0) },
      { predictionId, message: new Uint8Array(16 * 1024 + 1) },
      { predictionId: 'predict-zzz', message: new Uint8Array([0, 0]) },
      { predictionId, message: new Uint8Array([7, 0, 0]) },
    ];
    for (const payload of bad) expect(await request(socket, 'sheet:sync', payload)).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
    expect(await request(socket, 'sheet:sync', { predictionId: 'predict-0123456789', message: new Uint8Array([0, 0]) })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect((await snapshot(socket)).prediction!.id).toBe(predictionId);
    await team.expectOnlyMarker(presenter);
  });

  it('refuses the crafted updates of yjs #687 by name in the sheet worker, cutting off their sender; the room still moves and the honest sheet is untouched', async () => {
    const { code, predictionId, phones, presenter } = await predictionRoom(3);
    const honest = await openSheet(phones[1]!.socket, predictionId);
    honest.type(0, 0, '2');
    await Promise.all(honest.acks);
    const bystander = phones[2]!.socket;
    const refused: string[] = [];
    for (const [name, bytes] of Object.entries(CRAFTED_UPDATES)) {
      const attacker = await phone(code, phones[0]!.cookie);
      await openSheet(attacker.socket, predictionId);
      const closed = new Promise((resolve) => attacker.socket.once('disconnect', resolve));
      const res = await request(attacker.socket, 'sheet:sync', { predictionId, message: rawUpdate(bytes) });
      if (res.ok) continue;
      expect(res.error, name).toMatchObject({ code: 'UPDATE_REFUSED', message: expect.stringContaining('could not decode') });
      refused.push(name);
      await closed;
    }
    expect(refused.length).toBeGreaterThanOrEqual(3);
    // The worker's refusals leave the room serving: a slide move still reaches a bystander.
    const moved = nextEvent(bystander, 'room:state');
    await request(presenter, 'slide:set', { h: 2, v: 0, f: -1 });
    expect((await moved).slide).toMatchObject({ h: 2 });
    // The team's sheet is as the honest student left it.
    await request(presenter, 'slide:set', PREDICT_SLIDE);
    const sheet = await openSheet(phones[1]!.socket, predictionId);
    expect([sheet.rows().length, sheet.value(0), sheet.value(1)]).toEqual([3, '2', '']);
  });

  it('replaces a sheet worker that runs past its watchdog and refuses that request, by name', async () => {
    await server.close();
    // A worker that hangs on team 1's sheet, as a crafted update could make it.
    server = await startServer(dataDir, { limits: { sheetTimeoutMs: 200 }, sheetWorker: new URL('../fixtures/stuck-sheet-worker.mjs', import.meta.url) }, PREDICT_DECKS);
    const { predictionId, phones, teams } = await predictionRoom(3);
    expect(teams[0]!.team!.id).toBe('team-1');
    const sheet = new SheetClient(predictionId);
    expect(await sheet.open(phones[0]!.socket)).toMatchObject({ ok: false, error: { code: 'UPDATE_REFUSED', message: expect.stringContaining('took over 200 ms') } });
    await server.close();
    await start();
    const { predictionId: again, phones: more } = await predictionRoom(3);
    const fine = await openSheet(more[0]!.socket, again);
    expect(fine.rows().length).toBe(3);
  });

  it('shows teammates who is on which row, named and coloured by the server, and refuses presence in someone else’s name', async () => {
    const { predictionId, phones, teams } = await predictionRoom(4);
    const [a, b, c] = [await openSheet(phones[0]!.socket, predictionId), await openSheet(phones[1]!.socket, predictionId), await openSheet(phones[2]!.socket, predictionId)];
    a.awareness.setLocalStateField('user', { name: 'Forged', color: '#000' });
    expect(await a.showRow(2)).toEqual({ ok: true, data: {} });
    await expect.poll(() => b.awareness.getStates().get(a.doc.clientID)).toEqual({ user: { name: teams[0]!.me.name, color: teams[0]!.me.color }, row: 2 });
    // A teammate who opens the sheet now is told where everyone is in the answer to its first message.
    const late = await openSheet(phones[3]!.socket, predictionId);
    expect(late.awareness.getStates().get(a.doc.clientID)).toEqual({ user: { name: teams[0]!.me.name, color: teams[0]!.me.color }, row: 2 });
    b.doc.clientID = a.doc.clientID;
    expect(await b.showRow(1)).toMatchObject({ ok: false, error: { code: 'UPDATE_REFUSED' } });
    // The phone opens its sheet again, naming its own team, then goes: its teammates stop seeing it.
    await expect.poll(() => c.awareness.getStates().has(a.doc.clientID)).toBe(true);
    expect((await new SheetClient(predictionId).open(phones[0]!.socket, teams[0]!.team!.id)).ok).toBe(true);
    phones[0]!.socket.disconnect();
    await expect.poll(() => c.awareness.getStates().has(a.doc.clientID)).toBe(false);
  });
});

describe('revealing a prediction', () => {
  it('tells the room of a lock at the next version, and changes a prediction off screen without a word', async () => {
    const { predictionId, phones, presenter } = await predictionRoom(3);
    const { version } = await snapshot(phones[0]!.socket);
    const heard = nextEvent(phones[0]!.socket, 'predict:state');
    expect(await request(presenter, 'predict:lock', { predictionId })).toMatchObject({ ok: true, data: { status: 'locked' } });
    expect(await heard).toMatchObject({ version: version + 1, prediction: { id: predictionId, status: 'locked' } });
    // On the next prediction's slide, the first one unlocks quietly: the room's version and screen stay as they are.
    await request(presenter, 'slide:set', { h: 4, v: 0, f: -1 });
    const away = await snapshot(phones[0]!.socket);
    const room = overhear([presenter, ...phones.map((p) => p.socket)]);
    expect(await request(presenter, 'predict:unlock', { predictionId })).toMatchObject({ ok: true, data: { id: predictionId, status: 'open' } });
    expect(await snapshot(phones[0]!.socket)).toStrictEqual(away);
    await room.expectOnlyMarker(presenter);
  });

  it('shows a team as editing for 10 s after its last edit, and a sheet only opened as not', async () => {
    await server.close();
    let clock = Date.now();
    server = await startServer(dataDir, { now: () => clock }, PREDICT_DECKS);
    const { predictionId, phones, presenter } = await predictionRoom(8);
    const typing = await openSheet(phones[0]!.socket, predictionId);
    await openSheet(phones[4]!.socket, predictionId);
    typing.type(0, 0, '2');
    await Promise.all(typing.acks);
    const editing = async () => {
      const board = await request<PredictionBoard>(presenter, 'predict:board', { predictionId });
      return board.ok && board.data.teams.map((t) => [t.id, t.editing]);
    };
    clock += 9_999;
    expect(await editing()).toEqual([['team-1', true], ['team-2', false]]);
    clock += 1;
    expect(await editing()).toEqual([['team-1', false], ['team-2', false]]);
  });

  it('pushes the board to a presenter device that joins while a prediction is on screen', async () => {
    const room = await createRoom(server, 'team');
    const presenter = await presenterOf(room);
    for (let i = 0; i < 3; i++) await phone(room.code);
    const first = nextEvent(presenter, 'predict:board');
    await request(presenter, 'slide:set', PREDICT_SLIDE);
    // The push the move asked for has gone: only the join can push the next one.
    const { predictionId } = await first;
    const laptop = await connectClient(server);
    sockets.push(laptop);
    const pushed = nextEvent(laptop, 'predict:board');
    await join(laptop, room.code, room.presenterSecret);
    expect(await pushed).toMatchObject({ predictionId, teams: [{ id: 'team-1', members: 3 }] });
  });

  it('lists the board’s teams by table number, whatever order the tables filled in', async () => {
    const room = await createRoom(server, 'team');
    const presenter = await presenterOf(room);
    await request(presenter, 'teams:configure', { mode: 'tables', tables: 12 });
    for (const table of [11, 2, 10]) await request((await phone(room.code)).socket, 'team:pick', { table });
    await request(presenter, 'slide:set', PREDICT_SLIDE);
    const predictionId = (await snapshot(presenter)).prediction!.id;
    const board = await request<PredictionBoard>(presenter, 'predict:board', { predictionId });
    expect(board.ok && board.data.teams.map((t) => t.id)).toEqual(['table-2', 'table-10', 'table-11']);
    // No table has opened its sheet: every step is blank for each, and no one has answered.
    expect(board.ok && board.data.steps.map((s) => [s.answers, s.blank])).toEqual(board.ok ? board.data.steps.map(() => [[], ['table-2', 'table-10', 'table-11']]) : []);
    expect(board.ok && board.data.steps).toHaveLength(3);
    expect(board.ok && board.data.teams.map((t) => [t.filled, t.editing])).toEqual([[0, false], [0, false], [0, false]]);
  });

  it('lists each step’s answers on the board by how many teams gave them, most first', async () => {
    const { predictionId, phones, presenter } = await predictionRoom(10);
    const teamOf = async (i: number) => (await snapshot(phones[i]!.socket)).team!.team!.id;
    expect([await teamOf(0), await teamOf(4), await teamOf(7)]).toEqual(['team-1', 'team-2', 'team-3']);
    const sheets = [await openSheet(phones[0]!.socket, predictionId), await openSheet(phones[4]!.socket, predictionId), await openSheet(phones[7]!.socket, predictionId)];
    // Edits push the board to the presenter by themselves (coalesced), with no request.
    const pushed = new Promise<PredictionBoard>((resolve) => presenter.on('predict:board', (board) => board.teams.map((t) => t.filled).join() === '1,1,2' && board.steps[0]!.answers.length === 2 && resolve(board)));
    sheets[0]!.type(0, 0, '1');
    sheets[1]!.type(0, 0, '2');
    sheets[2]!.type(0, 0, '2');
    sheets[2]!.type(1, 0, '1');
    // Spaces alone fill no row.
    sheets[0]!.type(1, 0, '  ');
    await Promise.all(sheets.flatMap((s) => s.acks));
    const board = await request<PredictionBoard>(presenter, 'predict:board', { predictionId });
    // The first next(g) gives 2: that answer is marked correct, before any reveal (the board is the presenter's).
    expect(board.ok && board.data.steps[0]!.answers.map((a) => [a.label, a.teams, a.correct])).toEqual([['2', ['team-2', 'team-3'], true], ['1', ['team-1'], false]]);
    // Each team's own members, and how many rows its own sheet has filled.
    expect(board.ok && board.data.teams.map((t) => [t.id, t.members, t.filled])).toEqual([['team-1', 4, 1], ['team-2', 3, 1], ['team-3', 3, 2]]);
    expect(await pushed).toEqual(board.ok && { ...board.data, teams: board.data.teams.map((t) => ({ ...t, editing: expect.any(Boolean) })) });
  });

  it('locks the sheets and reveals step by step with the executed outcome; each team is graded by Python’s equality', async () => {
    const { code, presenterSecret, predictionId, phones, presenter } = await predictionRoom(6);
    const [team1, team2] = [await openSheet(phones[0]!.socket, predictionId), await openSheet(phones[5]!.socket, predictionId)];
    team1.type(0, 0, '2.0');
    team1.type(0, 0, '');
    team2.type(0, 0, '(2)');
    team1.setKind(1, 'stop');
    team1.type(2, 0, '0');
    team2.setKind(2, 'stop');
    await Promise.all([...team1.acks, ...team2.acks]);
    // Both prints: the step prints "start"; team 1 says so, team 2 does not.
    (team1.rows().get(0).get('prints') as Y.Text).insert(0, 'start');
    await Promise.all(team1.acks);

    const states: PredictionState[] = [];
    phones[1]!.socket.on('predict:state', (m) => states.push(m.prediction!));
    const first = await request<PredictionState>(presenter, 'predict:reveal', { predictionId });
    expect(first.ok && first.data).toMatchObject({ status: 'locked', revealed: [{ call: 'next(g)', outcome: { kind: 'value', repr: '2' }, printed: 'start\n', at: { line: 4 } }], grades: { 'team-1': ['right'], 'team-2': ['wrong'] } });
    await expect.poll(() => states.length).toBe(1);
    expect(states[0]!.grades['team-1']).toEqual(['right']);
    const second = await request<PredictionState>(presenter, 'predict:reveal', { predictionId });
    expect(second.ok && second.data.grades['team-1']).toEqual(['right', 'wrong']);
    expect(second.ok && second.data.grades['team-2']).toEqual(['wrong', 'blank']);

    const board = await request<PredictionBoard>(presenter, 'predict:board', { predictionId });
    expect(board.ok && board.data.teams.map((t) => [t.id, t.right, t.graded])).toEqual([['team-1', 1, 2], ['team-2', 0, 2]]);
    expect(board.ok && board.data.steps[0]!.answers.map((a) => [a.label, a.teams])).toEqual([['2', ['team-1', 'team-2']]]);
    // Different answers of one team each are listed in team order.
    expect(board.ok && board.data.steps[2]!.answers.map((a) => [a.label, a.teams])).toEqual([['0', ['team-1']], ['StopIteration', ['team-2']]]);
    expect(await request(phones[0]!.socket, 'predict:reveal', { predictionId })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

    // The export has every step, every team's answer and, once revealed, its verdict.
    const auth = { authorization: `Bearer ${presenterSecret}` };
    const report = (await (await fetch(`${server.url}/api/rooms/${code}/results.json`, { headers: auth })).json()) as ResultsReport;
    // Only the prediction the room opened: the deck's second one never was.
    expect(report.predictions).toHaveLength(1);
    expect(report.predictions[0]!.steps.map((s) => [s.answer, s.revealed, s.teams.map((t) => [t.team, t.answer, t.verdict])])).toEqual([
      ['2', true, [['team-1', '2', 'right'], ['team-2', '2', 'wrong']]],
      ['1', true, [['team-1', 'StopIteration', 'wrong'], ['team-2', '', 'blank']]],
      ['StopIteration', false, [['team-1', '0', null], ['team-2', 'StopIteration', null]]],
    ]);
    const csv = await (await fetch(`${server.url}/api/rooms/${code}/results.csv`, { headers: auth })).text();
    expect(csv).toContain(`${predictionId},next(g),team prediction,1,2,2,2,100,true\r\n`);
    // The deck's next prediction starts with no grades: the first one's are its own.
    await request(presenter, 'slide:set', { h: 4, v: 0, f: -1 });
    const next = (await snapshot(presenter)).prediction!.id;
    expect(next).not.toBe(predictionId);
    const nextBoard = await request<PredictionBoard>(presenter, 'predict:board', { predictionId: next });
    expect(nextBoard.ok && nextBoard.data.teams.map((t) => [t.id, t.right, t.graded])).toEqual([['team-1', 0, 0], ['team-2', 0, 0]]);
  });
});

describe('prediction polls and what-ifs', () => {
  it('polls a step with its authored distractors; the reveal marks the executed outcome correct', async () => {
    const { predictionId, phones, presenter } = await predictionRoom(3);
    const opened = await request<PollState>(presenter, 'predict:poll', { predictionId, step: 0 });
    if (!opened.ok) throw new Error(opened.error.code);
    // Authored as 2 (the answer), None, 1, StopIteration; shown in a fixed order of their hashes, so the answer is not always first.
    expect(opened.data.options).toEqual(['1', 'StopIteration', '2', 'None']);
    const answer = 2;
    expect(opened.data.correct).toEqual([answer]);
    for (const [i, p] of phones.entries()) expect((await request(p.socket, 'poll:vote', { pollId: opened.data.id, round: 1, choice: { option: i === 0 ? answer : (answer + 1) % 4 } })).ok).toBe(true);
    const revealed = await request<PollState>(presenter, 'poll:reveal', { pollId: opened.data.id });
    expect(revealed.ok && revealed.data.results![0]).toMatchObject({ kind: 'single', ballots: 3 });
    expect(revealed.ok && (revealed.data.results![0] as { counts: number[] }).counts[answer]).toBe(1);
  });

  it('polls a step by free entry, grouping answers Python calls equal', async () => {
    const { predictionId, phones, presenter } = await predictionRoom(3);
    const opened = await request<PollState>(presenter, 'predict:poll', { predictionId, step: 1 });
    if (!opened.ok) throw new Error(opened.error.code);
    expect(opened.data).toMatchObject({ kind: 'text', correct: '1', revote: true, status: 'open', revealed: false });
    for (const [i, text] of ['1.0', ' 1', 'StopIteration'].entries()) await request(phones[i]!.socket, 'poll:vote', { pollId: opened.data.id, round: 1, choice: { text } });
    const revealed = await request<PollState>(presenter, 'poll:reveal', { pollId: opened.data.id });
    expect(revealed.ok && revealed.data.results![0]).toMatchObject({ kind: 'text', words: [{ text: '1', count: 2 }, { text: 'StopIteration', count: 1 }] });
  });

  it('asks each step after the steps before it, polls the last step, and refuses a step past it, broadcasting nothing', async () => {
    const { predictionId, phones, presenter } = await predictionRoom(3);
    const questions = [];
    const ids = [];
    for (const step of [0, 2]) {
      const opened = await request<PollState>(presenter, 'predict:poll', { predictionId, step });
      if (!opened.ok) throw new Error(opened.error.code);
      questions.push(opened.data.question);
      ids.push(opened.data.id);
    }
    expect(questions).toEqual(['After `g = countdown(2)`: what does next(g) give?', 'After `g = countdown(2)` and next(g), next(g): what does next(g) give?']);
    // Asking a step again puts its poll back on screen, the same poll, not a new one.
    expect((await snapshot(phones[0]!.socket)).poll?.id).toBe(ids[1]);
    const again = await request<PollState>(presenter, 'predict:poll', { predictionId, step: 0 });
    expect(again.ok && again.data.id).toBe(ids[0]);
    expect((await snapshot(phones[0]!.socket)).poll?.id).toBe(ids[0]);
    const before = await snapshot(presenter);
    const room = overhear([presenter, ...phones.map((p) => p.socket)]);
    expect(await request(presenter, 'predict:poll', { predictionId, step: 3 })).toEqual({ ok: false, error: { code: 'INVALID_PAYLOAD', message: 'step 4 cannot be polled' } });
    expect(await snapshot(presenter)).toStrictEqual(before);
    await room.expectOnlyMarker(presenter);
  }, 60_000); // a free-entry step's answer is read by Pyodide, which starts slowly on a busy machine

  it('reveals a step shown but not scored without grading it, and refuses to poll a step that never finished', async () => {
    const room = await createRoom(server, 'spin');
    const presenter = await presenterOf(room);
    const phones = [];
    for (let i = 0; i < 6; i++) phones.push(await phone(room.code));
    await request(presenter, 'slide:set', PREDICT_SLIDE);
    const predictionId = (await snapshot(presenter)).prediction!.id;
    const mine = (await snapshot(phones[0]!.socket)).team!.team!.id;
    const sheet = await openSheet(phones[0]!.socket, predictionId);
    sheet.type(0, 0, '1');
    sheet.type(1, 0, '2');
    await Promise.all(sheet.acks);
    for (let i = 0; i < 3; i++) expect((await request(presenter, 'predict:reveal', { predictionId })).ok).toBe(true);
    const { prediction } = await snapshot(phones[1]!.socket);
    expect(prediction!.revealed.map((r) => r.outcome)).toEqual([{ kind: 'value', repr: '1' }, { kind: 'value', repr: '2' }, { kind: 'timeout' }]);
    // The second step is right as typed, but not scored; the third, left blank, is. The other team never opened its sheet: blank.
    const other = mine === 'team-1' ? 'team-2' : 'team-1';
    expect(prediction!.grades).toEqual({ [mine]: ['right', null, 'blank'], [other]: ['blank', null, 'blank'] });
    const board = await request<PredictionBoard>(presenter, 'predict:board', { predictionId });
    expect(board.ok && board.data.teams.map((t) => [t.id, t.right, t.graded])).toEqual([['team-1', mine === 'team-1' ? 1 : 0, 2], ['team-2', mine === 'team-2' ? 1 : 0, 2]]);
    expect(await request(presenter, 'predict:poll', { predictionId, step: 2 })).toEqual({ ok: false, error: { code: 'INVALID_PAYLOAD', message: 'step 3 cannot be polled' } });
    expect(await request<PollState>(presenter, 'predict:poll', { predictionId, step: 1 })).toMatchObject({ ok: true, data: { id: `${predictionId}-2`, kind: 'text', correct: '2' } });
  }, 60_000); // Pyodide grades the reveals; it starts slowly on a busy machine

  it('runs the presenter’s what-if in the sandboxed interpreter, with literal arguments only', async () => {
    const { predictionId, phones, presenter } = await predictionRoom(3);
    const res = await request<StepRecord[]>(presenter, 'predict:whatif', { predictionId, steps: ['next(g)', 'g.send(7)', 'g.throw(KeyError("k"))'] });
    expect(res.ok && res.data.map((r) => r.outcome)).toEqual([{ kind: 'value', repr: '2' }, { kind: 'value', repr: '1' }, { kind: 'raise', type: 'KeyError', message: "'k'" }]);
    for (const step of ['g.send(__import__("os").getpid())', 'g.throw(SystemExit.__subclasses__())', 'print(1)', 'next(h)']) {
      expect(await request(presenter, 'predict:whatif', { predictionId, steps: [step] }), step).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
    }
    // The refusal names the first step that may not run, counted from 1.
    expect(await request(presenter, 'predict:whatif', { predictionId, steps: ['next(g)', 'print(1)', 'next(h)'] })).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD', message: expect.stringMatching(/^step 2 \(print\(1\)\): \w/) } });
    expect(await request(phones[0]!.socket, 'predict:whatif', { predictionId, steps: ['next(g)'] })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });
});
