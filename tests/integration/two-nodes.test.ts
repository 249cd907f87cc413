import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { io as connect } from 'socket.io-client';
import type { Ack, PollState, PollTallyBroadcast, RoomSnapshot } from '../../server/protocol';
import { PROTOCOL_VERSION } from '../../server/protocol';
import { exited, freePort, startProcess } from '../support/kill-session';
import { startRedis } from '../support/redis';
import type { Client } from '../support/server';
import { request, tempDataDir } from '../support/server';
import { SheetClient } from '../support/sheet-client';

const STUDENTS = 200;
const VOTE_SLIDE = { h: 1, v: 0, f: -1 };
const stops: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
});

/** nginx running the shipped deploy/nginx.conf, with this test's ports in place of 3001, 3002 and 8080. */
async function startNginx(nodes: [number, number], port: number): Promise<ChildProcess> {
  const dir = tempDataDir();
  const conf = readFileSync(join(import.meta.dirname, '../../deploy/nginx.conf'), 'utf8')
    .replace('127.0.0.1:3001', `127.0.0.1:${nodes[0]}`)
    .replace('127.0.0.1:3002', `127.0.0.1:${nodes[1]}`)
    .replace('listen 8080;', `listen 127.0.0.1:${port};`);
  writeFileSync(join(dir, 'nginx.conf'), conf);
  const child = spawn(existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx', ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', `daemon off; pid ${dir}/nginx.pid; error_log ${dir}/error.log;`], { stdio: 'inherit' });
  for (let i = 0; i < 100; i++) {
    if (await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status === 200 || r.status === 502, () => false)) return child;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('nginx did not start');
}

/** A phone: reconnects by itself and joins again on every connect (again after UNAVAILABLE), as the app does. */
function phone(url: string, code: string, cookie?: string, presenterSecret?: string): Promise<Client> {
  const socket: Client = connect(url, { transports: ['websocket'], auth: { protocol: PROTOCOL_VERSION }, reconnectionDelay: 100, reconnectionDelayMax: 300, forceNew: true, extraHeaders: cookie ? { cookie } : {} });
  return new Promise((resolve) => {
    const join = () =>
      socket.emit('room:join', presenterSecret ? { code, presenterSecret } : { code }, (res) => {
        if (res.ok) return resolve(socket);
        if (res.error.code === 'UNAVAILABLE') setTimeout(join, 200);
      });
    socket.on('connect', join);
  });
}

const counts = (t: PollTallyBroadcast | undefined, round: number) => {
  const r = t?.results.find((x) => x.round === round);
  return r && 'counts' in r ? r.counts : undefined;
};

/** Votes until the store has it: a phone whose node died reconnects (through nginx, to the other) and sends it again. */
async function voteUntilCounted(socket: Client, pollId: string, round: number, option: number) {
  for (;;) {
    const ack = await new Promise<Ack<unknown> | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), 2000);
      socket.emit('poll:vote', { pollId, round, choice: { option } }, (res: Ack<unknown>) => {
        clearTimeout(timer);
        resolve(res);
      });
    });
    if (ack?.ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('one room on two processes behind nginx, sharing Redis', () => {
  it('keeps exact tallies and audience across nodes, survives losing a node and losing Redis, and loses no acked vote', async () => {
    const redis = await startRedis({ durable: true });
    stops.push(redis.stop);
    const [portA, portB, portNginx] = [await freePort(), await freePort(), await freePort()];
    const env = { REDIS_URL: redis.url, NODE_TTL_MS: '2000', TRUST_PROXY: '1' };
    const a = await startProcess(tempDataDir(), portA, env);
    let b = await startProcess(tempDataDir(), portB, env);
    stops.push(async () => a.kill('SIGKILL'), async () => b.kill('SIGKILL'));
    const nginx = await startNginx([portA, portB], portNginx);
    stops.push(async () => nginx.kill('SIGTERM'));
    const front = `http://127.0.0.1:${portNginx}`;

    const room = (await (await fetch(`${front}/api/rooms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ deckId: 'lecture' }) })).json()) as { code: string; presenterSecret: string };
    // The laptop on node A, a paired phone on node B: both presenters.
    const presenterA = await phone(`http://127.0.0.1:${portA}`, room.code, undefined, room.presenterSecret);
    const presenterB = await phone(`http://127.0.0.1:${portB}`, room.code, undefined, room.presenterSecret);
    const tallies = { a: [] as PollTallyBroadcast[], b: [] as PollTallyBroadcast[] };
    presenterA.on('poll:tally', (t) => tallies.a.push(t));
    presenterB.on('poll:tally', (t) => tallies.b.push(t));

    // 200 phones through nginx, each sticky to a node by its voter cookie.
    const cookies = await Promise.all(Array.from({ length: STUDENTS }, async () => (await fetch(`${front}/api/rooms/${room.code}/deck`)).headers.get('set-cookie')!.split(';')[0]!));
    const nodeOf = await Promise.all(cookies.map(async (cookie) => ((await (await fetch(`${front}/healthz`, { headers: { cookie } })).json()) as { pid: number }).pid));
    expect(nodeOf.filter((p) => p === a.pid).length).toBeGreaterThan(40);
    expect(nodeOf.filter((p) => p === b.pid).length).toBeGreaterThan(40);
    const phones = await Promise.all(cookies.map((cookie) => phone(front, room.code, cookie)));
    stops.push(async () => phones.forEach((p) => p.disconnect()));

    // The audience, counted across both nodes, reaches both presenters.
    await expect.poll(async () => ((await request<RoomSnapshot>(presenterB, 'room:snapshot', {})) as { data: RoomSnapshot }).data.audience, { timeout: 5000 }).toBe(STUDENTS);

    // A slide moved on A reaches the phones on B.
    const onPoll = phones.map((p) => new Promise<PollState>((resolve) => p.once('poll:state', (m) => resolve(m.poll!))));
    expect((await request(presenterA, 'slide:set', VOTE_SLIDE)).ok).toBe(true);
    const poll = (await Promise.all(onPoll))[0]!;

    // Teams formed on arrival span both nodes: two teammates on different nodes see each other's edit.
    const teams = await Promise.all(phones.map(async (p) => ((await request<RoomSnapshot>(p, 'room:snapshot', {})) as { data: RoomSnapshot }).data));
    const i = teams.findIndex((t, n) => teams.some((u, m) => u.team!.team!.id === t.team!.team!.id && nodeOf[m] !== nodeOf[n]));
    const j = teams.findIndex((u, m) => u.team!.team!.id === teams[i]!.team!.team!.id && nodeOf[m] !== nodeOf[i]);
    const [mine, theirs] = [new SheetClient(teams[i]!.prediction!.id), new SheetClient(teams[i]!.prediction!.id)];
    await mine.open(phones[i]!);
    await theirs.open(phones[j]!);
    mine.type(0, 0, 'StopIteration');
    await Promise.all(mine.acks);
    await expect.poll(() => theirs.value(0), { timeout: 3000 }).toBe('StopIteration');

    for (const round of [1, 2, 3]) {
      if (round > 1) expect((await request(presenterB, 'poll:revote', { pollId: poll.id })).ok).toBe(true);
      const expected = [0, 0, 0];
      const votes = phones.map((p, i) => {
        const option = (i * round) % 3;
        expected[option]! += 1;
        return voteUntilCounted(p, poll.id, round, option);
      });
      if (round === 3) {
        // Node B dies mid-round, once the round's first ballots are counted: its phones reconnect through nginx to A and vote on.
        await expect.poll(() => tallies.a.at(-1)?.results.find((r) => r.round === 3)?.ballots ?? 0, { timeout: 5000 }).toBeGreaterThan(0);
        b.kill('SIGKILL');
        await exited(b);
      }
      await Promise.all(votes);
      // Both nodes' presenters (B's on the restarted B in round 3) see the exact tally.
      await expect.poll(() => counts(tallies.a.at(-1), round), { timeout: 5000 }).toEqual(expected);
      if (round < 3) await expect.poll(() => counts(tallies.b.at(-1), round), { timeout: 5000 }).toEqual(expected);
    }
    // No ghost audience from the dead node once its presence expires.
    await expect.poll(async () => ((await request<RoomSnapshot>(presenterA, 'room:snapshot', {})) as { data: RoomSnapshot }).data.audience, { timeout: 8000 }).toBe(STUDENTS);
    b = await startProcess(tempDataDir(), portB, env);
    // B's presenter comes back on the restarted B and sees the same exact tally of round 3.
    await expect
      .poll(async () => {
        const snap = await request<RoomSnapshot>(presenterB, 'room:snapshot', {});
        return snap.ok ? snap.data.poll?.results?.find((r) => r.round === 3)?.ballots : undefined;
      }, { timeout: 5000 })
      .toBe(STUDENTS);

    // Redis is killed outright: the room refuses with a name while it is gone, then recovers with every acked vote.
    const toldToCatchUp = new Promise<void>((resolve) => presenterB.once('room:stale', () => resolve()));
    await redis.kill();
    const refused = await request(presenterA, 'poll:close', { pollId: poll.id });
    expect(refused).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
    await redis.start();
    await expect.poll(async () => (await request(presenterA, 'poll:close', { pollId: poll.id })).ok, { timeout: 10_000 }).toBe(true);
    const results = await (await fetch(`${front}/api/rooms/${room.code}/results.json`, { headers: { authorization: `Bearer ${room.presenterSecret}` } })).json();
    expect(results.polls[0].rounds.map((r: { ballots: number }) => r.ballots)).toEqual([STUDENTS, STUDENTS, STUDENTS]);
    // Phones that may have missed broadcasts while Redis was away are told to catch up; slides cross nodes again.
    await toldToCatchUp;
    let h = 0;
    await expect
      .poll(
        async () => {
          const crossed = new Promise((resolve) => {
            presenterB.once('room:state', () => resolve(true));
            setTimeout(() => resolve(false), 500);
          });
          await request(presenterA, 'slide:set', { h: (h = 2 - h), v: 0, f: -1 });
          return crossed;
        },
        { timeout: 10_000 },
      )
      .toBe(true);
  }, 120_000);
});
