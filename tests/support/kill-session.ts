import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { io as connect } from 'socket.io-client';
import type { Ack, Choice, PollState, RoomSnapshot, SlidePosition } from '../../server/protocol';
import { PROTOCOL_VERSION } from '../../server/protocol';
import type { Client } from './server';
import { request, tempDataDir } from './server';
import type * as Y from 'yjs';
import { SheetClient } from './sheet-client';

const ROOT = join(import.meta.dirname, '../..');
const DECKS = join(ROOT, 'tests/fixtures/kill-decks');
const CACHE = join(ROOT, 'node_modules/.cache/yieldroom-tests');
const VOTE_AND_PREDICT: SlidePosition = { h: 1, v: 0, f: -1 };

export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** The server as a real process on `port` over `dataDir`; resolves once it listens. */
export async function startProcess(dataDir: string, port: number, env: Record<string, string> = {}): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/support/server-process.ts'], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir, DECKS_DIR: DECKS, CACHE_DIR: CACHE, PORT: String(port), HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('listening on')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code} before listening`)));
  });
  return child;
}

export const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));

/** Sockets that have joined their room since they last connected. */
const joined = new WeakSet<Client>();

/** A phone as the app runs one: a socket that reconnects by itself and joins again on every connect. */
function phoneSocket(url: string, code: string, cookie?: string, presenterSecret?: string): Promise<Client> {
  const socket: Client = connect(url, { transports: ['websocket'], auth: { protocol: PROTOCOL_VERSION }, reconnectionDelay: 50, reconnectionDelayMax: 200, forceNew: true, extraHeaders: cookie ? { cookie } : {} });
  socket.on('disconnect', () => joined.delete(socket));
  return new Promise((resolve) => {
    socket.on('connect', () =>
      socket.emit('room:join', presenterSecret ? { code, presenterSecret } : { code }, (res) => {
        if (!res.ok) return;
        joined.add(socket);
        resolve(socket);
      }),
    );
  });
}

const ackOf = <T>(p: Promise<Ack<T>>) => p.catch(() => ({ ok: false as const, error: { code: 'INTERNAL' as const, message: 'lost' } }));

/** Counts over the session: acks seen; acked votes or edits missing after a restart; ballots nobody sent; phones off the presenter's slide. */
export type KillFigures = { kills: number; ackedVotes: number; ackedEdits: number; lostVotes: number; lostEdits: number; doubledVotes: number; offSlide: number; cutOff: number; restartMs: number[] };

/**
 * A lecture driven while its server is SIGKILLed at random moments and started again: a presenter
 * moving slides, `students` phones voting, two teams editing their sheets. After each restart every
 * acked vote and edit must be there exactly once and every phone back on the presenter's slide.
 */
export async function killSession({ kills, students = 50, seed = Date.now() }: { kills: number; students?: number; seed?: number }): Promise<KillFigures> {
  let random = seed % 2147483647 || 1;
  const next = () => (random = (random * 48271) % 2147483647) / 2147483647;
  const dataDir = tempDataDir();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let child = await startProcess(dataDir, port);
  const figures: KillFigures = { kills: 0, ackedVotes: 0, ackedEdits: 0, lostVotes: 0, lostEdits: 0, doubledVotes: 0, offSlide: 0, cutOff: 0, restartMs: [] };
  try {
    return await drive();
  } finally {
    child.kill('SIGKILL');
  }

  async function drive(): Promise<KillFigures> {
    const room = (await (await fetch(`${url}/api/rooms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ deckId: 'lecture' }) })).json()) as { code: string; presenterSecret: string };
    const presenter = await phoneSocket(url, room.code, undefined, room.presenterSecret);
    const cookies = await Promise.all(Array.from({ length: students }, async () => (await fetch(`${url}/api/rooms/${room.code}/deck`)).headers.get('set-cookie')!.split(';')[0]!));
    const phones = await Promise.all(cookies.map((cookie) => phoneSocket(url, room.code, cookie)));
    // An honest phone is never cut off by the server (a crash is not a cut-off: the socket reconnects).
    for (const p of phones) p.on('disconnect', (reason) => reason === 'io server disconnect' && (figures.cutOff += 1));
    await request(presenter, 'slide:set', VOTE_AND_PREDICT);
    const snapshot = async (socket: Client) => ((await request<RoomSnapshot>(socket, 'room:snapshot', {})) as { ok: true; data: RoomSnapshot }).data;
    const { poll, prediction } = await snapshot(presenter);
    const teams = await Promise.all(phones.map(async (p) => (await snapshot(p)).team!.team!.id));
    const editors = phones.flatMap((p, i) => (teams[i] === 'team-1' || teams[i] === 'team-2' ? [{ socket: p, team: teams[i]!, sheet: new SheetClient(prediction!.id) }] : []));
    for (const e of editors) await e.sheet.open(e.socket);

    /** Per phone and per editor: the last acked vote or token, and every one sent after it (any of which may have landed). */
    const votes = phones.map(() => ({ acked: undefined as number | undefined, ackedAt: -1, since: [] as number[] }));
    const lostBallots = new Set<string>();
    const edits = editors.map(() => ({ acked: undefined as string | undefined, since: [] as string[], shown: undefined as string | undefined }));
    const lostTokens = new Set<string>();
    let presenterAt: SlidePosition = VOTE_AND_PREDICT;

    for (let kill = 0; kill < kills; kill++) {
      const pollNow = ((await snapshot(presenter)).poll ?? poll) as PollState;
      // Some phones vote, the editors change their answer, the presenter steps between slides: all in flight when the kill comes.
      const inFlight: Promise<unknown>[] = [];
      for (const [i, phone] of phones.entries()) {
        if (next() < 0.5) continue;
        const option = Math.floor(next() * 3);
        votes[i]!.since.push(option);
        inFlight.push(
          ackOf(request(phone, 'poll:vote', { pollId: pollNow.id, round: pollNow.round, choice: { option } as Choice })).then((ack) => {
            if (!ack.ok) return;
            figures.ackedVotes += 1;
            votes[i] = { acked: option, ackedAt: figures.ackedVotes, since: votes[i]!.since.slice(votes[i]!.since.lastIndexOf(option) + 1) };
          }),
        );
      }
      for (const [j, editor] of editors.entries()) {
        // Each editor keeps one token of their own in the row, replaced every round, so the row stays short.
        const token = `[${j}.${kill}]`;
        const edit = edits[j]!;
        const text = editor.sheet.value(0);
        editor.sheet.doc.transact(() => {
          const row = editor.sheet.rows().get(0).get('value') as Y.Text;
          if (edit.shown && text.includes(edit.shown)) row.delete(text.indexOf(edit.shown), edit.shown.length);
          row.insert(0, token);
        });
        edit.shown = token;
        edit.since.push(token);
        const ack = editor.sheet.acks.at(-1) as Promise<Ack<unknown>>;
        inFlight.push(
          ackOf(ack).then((a) => {
            if (!a.ok) return;
            figures.ackedEdits += 1;
            edits[j] = { ...edits[j]!, acked: token, since: edits[j]!.since.slice(edits[j]!.since.indexOf(token) + 1) };
          }),
        );
      }
      // The first round lets the editors' writes land before the kill, so the session always has
      // acked edits to look for after a restart (a slow box could ack none in the random window).
      if (kill === 0) await Promise.all(editors.map((e) => e.sheet.acks.at(-1)));
      const target = next() < 0.3 ? { h: 2, v: 0, f: -1 } : VOTE_AND_PREDICT;
      inFlight.push(ackOf(request(presenter, 'slide:set', target)).then((a) => a.ok && (presenterAt = target)));
      await new Promise((resolve) => setTimeout(resolve, next() * 150));
      child.kill('SIGKILL');
      await exited(child);
      figures.kills += 1;
      await Promise.all(inFlight.map((p) => Promise.race([p, new Promise((r) => setTimeout(r, 200))])));

      const started = Date.now();
      child = await startProcess(dataDir, port);
      figures.restartMs.push(Date.now() - started);
      // Every phone reconnects by itself and joins again; then it must be on the presenter's slide.
      const reconnecting = Date.now();
      while (![presenter, ...phones].every((p) => joined.has(p))) {
        if (Date.now() - reconnecting > 10_000) throw new Error(`after kill ${kill + 1}, ${phones.filter((p) => !joined.has(p)).length} phones did not reconnect (${figures.cutOff} cut off)`);
        await new Promise((r) => setTimeout(r, 20));
      }
      const stored = await snapshot(presenter);
      if (stored.slide.h !== presenterAt.h && stored.slide.h !== target.h) figures.offSlide += 1;
      for (const phone of phones) if ((await snapshot(phone)).slide.h !== stored.slide.h) figures.offSlide += 1;
      presenterAt = stored.slide;
      // Back to the poll's slide, where each phone's snapshot carries its ballot.
      if (presenterAt.h !== VOTE_AND_PREDICT.h && (await request(presenter, 'slide:set', VOTE_AND_PREDICT)).ok) presenterAt = VOTE_AND_PREDICT;

      for (const [i, phone] of phones.entries()) {
        const mine = (await snapshot(phone)).myVote;
        const v = votes[i]!;
        const held = mine && 'option' in mine.choice ? mine.choice.option : undefined;
        if (v.acked !== undefined && held === undefined) lostBallots.add(`${i}/${v.ackedAt}`);
        else if (held !== undefined && held !== v.acked && !v.since.includes(held)) figures.doubledVotes += 1;
      }
      // What the server kept, read before any editor syncs its local copy back.
      for (const team of ['team-1', 'team-2']) {
        const reader = new SheetClient(prediction!.id);
        await reader.open(presenter, team);
        const text = reader.value(0);
        for (const [j, editor] of editors.entries()) {
          const edit = edits[j]!;
          if (editor.team !== team || edit.acked === undefined) continue;
          if (![edit.acked, ...edit.since].some((t) => text.includes(t))) lostTokens.add(edit.acked);
        }
      }
      figures.lostEdits = lostTokens.size;
      figures.lostVotes = lostBallots.size;
      for (const editor of editors) await editor.sheet.open(editor.socket);
    }
    for (const s of [presenter, ...phones]) s.disconnect();
    child.kill('SIGTERM');
    await exited(child);
    return figures;
  }
}
