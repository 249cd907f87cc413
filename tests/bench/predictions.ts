/**
 * A prediction round: N students in teams of about 4 co-edit their team's sheet (Yjs over the
 * room's socket, as phones do with y-protocols messages); each types one character into its row
 * `rate` times a second, spread evenly. Per edit, the time from the keystroke to its arrival in
 * each teammate's document: edit propagation within a team. Every edit must reach every teammate.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import * as Y from 'yjs';
import type { RoomSnapshot } from '../../server/protocol';
import { SheetClient } from '../support/sheet-client';
import type { Client } from '../support/server';
import { connectClient, createRoom, join, request, student } from '../support/server';
import { startServers } from './child';
import type { ServerKind } from './child';
import { inBatches, joinStats, remote, windowOf } from './scenario';
import type { JoinStats, LoopWindow } from './scenario';
import { summarize } from './stats';
import type { Summary } from './stats';

/** The fixture deck's prediction slide (tests/fixtures/predict-decks/team): moving there forms the teams. */
const PREDICT_SLIDE = { h: 1, v: 0, f: -1 };
const ROWS = 3;
/** A row holds at most 200 characters: two students share a row at most, so each types at most 90. */
const MAX_EDITS_PER_STUDENT = 90;

export type PredictionOptions = { server: ServerKind; nodes?: number; students: number; seconds: number; rate: number; connectBatch: number; settleMs: number };

export type PredictionResult = {
  server: ServerKind;
  students: number;
  teams: number;
  edits: number;
  /** Deliveries expected (each edit to each teammate) and seen. */
  expected: number;
  delivered: number;
  /** Sheet writes sent (a keystroke each, plus any resync) and acked ok; the rest refused or unanswered. */
  writes: number;
  acked: number;
  refused: Record<string, number>;
  propagationMs: Summary;
  join: JoinStats;
  editing: LoopWindow;
};

const snapshotOf = async (socket: Client) => {
  const res = await request<RoomSnapshot>(socket, 'room:snapshot', {});
  if (!res.ok) throw new Error(`room:snapshot refused: ${res.error.code}`);
  return res.data;
};

export async function runPredictionScenario(options: PredictionOptions, sockets: Set<Client>): Promise<PredictionResult> {
  const { students, seconds, rate, connectBatch, settleMs } = options;
  const editsEach = Math.round(seconds * rate);
  if (editsEach > MAX_EDITS_PER_STUDENT) throw new Error(`${editsEach} edits per student would overfill a row (at most ${MAX_EDITS_PER_STUDENT}): lower --seconds or --edit-rate`);
  const child = await startServers(options.server, options.nodes ?? 1, { BENCH_DECKS: 'predict' });
  try {
    const server = remote(child.url, child.port);
    const room = await createRoom(server, 'team');
    const presenter = await connectClient(server);
    sockets.add(presenter);
    await join(presenter, room.code, room.presenterSecret);

    const phones = new Array<Client>(students);
    const joining = await inBatches(students, connectBatch, async (i) => {
      const { socket } = await student(child.node(i), room.code);
      sockets.add(socket);
      phones[i] = socket;
    });
    const moved = await request(presenter, 'slide:set', PREDICT_SLIDE);
    if (!moved.ok) throw new Error(`slide:set to the prediction refused: ${moved.error.code}`);
    const predictionId = (await snapshotOf(presenter)).prediction?.id;
    if (!predictionId) throw new Error('no prediction on screen after moving to its slide');

    // ---- every phone opens its team's sheet ----
    const teamOf = new Array<string>(students);
    const sheets = new Array<SheetClient>(students);
    await inBatches(students, connectBatch, async (i) => {
      const team = (await snapshotOf(phones[i]!)).team?.team?.id;
      if (!team) throw new Error(`student ${i} has no team`);
      teamOf[i] = team;
      const sheet = new SheetClient(predictionId);
      const opened = await sheet.open(phones[i]!);
      if (!opened.ok) throw new Error(`sheet of student ${i} refused: ${opened.error.code}`);
      sheets[i] = sheet;
    });
    await Promise.all(sheets.flatMap((s) => s.acks));
    const teamSize = new Map<string, number>();
    for (const team of teamOf) teamSize.set(team, (teamSize.get(team) ?? 0) + 1);

    // ---- arrivals: an edit is known by the id of the character it inserts ----
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    for (const sheet of sheets) {
      const seen = new Set<string>();
      sheet.doc.on('update', (update: Uint8Array, origin: unknown) => {
        if (origin === null || origin === undefined) return; // this phone's own keystroke
        const now = performance.now();
        // The server may merge a teammate's keystrokes into one struct: every clock it covers.
        for (const struct of Y.decodeUpdate(update).structs) {
          for (let clock = struct.id.clock; clock < struct.id.clock + struct.length; clock++) {
            const key = `${struct.id.client}:${clock}`;
            const at = sentAt.get(key);
            if (at === undefined || seen.has(key)) continue;
            seen.add(key);
            latencies.push(now - at);
          }
        }
      });
    }

    await child.stats({ gc: true, reset: true });
    const rowOf = (i: number) => i % ROWS;
    const first = performance.now();
    for (let e = 0; e < editsEach; e++) {
      for (let i = 0; i < students; i++) {
        const wait = first + ((e + i / students) / rate) * 1000 - performance.now();
        if (wait >= 1) await sleep(wait);
        const sheet = sheets[i]!;
        const text = sheet.rows().get(rowOf(i)).get('value') as Y.Text;
        sentAt.set(`${sheet.doc.clientID}:${Y.getState(sheet.doc.store, sheet.doc.clientID)}`, performance.now());
        text.insert(text.length, String(e % 10));
      }
    }
    // Every write's ack and every delivery, or whatever has come `settleMs` after the last keystroke.
    const writes = sheets.flatMap((s) => s.acks) as Promise<{ ok: boolean; error?: { code: string } }>[];
    const refused: Record<string, number> = {};
    let acked = 0;
    for (const write of writes) void write.then((ack) => (ack.ok ? acked++ : (refused[ack.error!.code] = (refused[ack.error!.code] ?? 0) + 1)));
    const expected = teamOf.reduce((sum, team) => sum + editsEach * (teamSize.get(team)! - 1), 0);
    const until = performance.now() + settleMs;
    while ((latencies.length < expected || acked + Object.values(refused).reduce((a, b) => a + b, 0) < writes.length) && performance.now() < until) await sleep(20);
    const editing = await child.stats({ gc: false, reset: true });

    return {
      server: options.server,
      students,
      teams: teamSize.size,
      edits: editsEach * students,
      expected,
      delivered: latencies.length,
      writes: writes.length,
      acked,
      refused: { ...refused },
      propagationMs: summarize(latencies),
      join: joinStats(joining),
      editing: windowOf(editing),
    };
  } finally {
    for (const socket of sockets) socket.disconnect();
    sockets.clear();
    await child.stop();
  }
}
