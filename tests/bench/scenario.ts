import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RunningServer } from '../../server/app';
import type { SlidePosition } from '../../server/protocol';
import { connectClient, createRoom, join, request } from '../support/server';
import type { Client } from '../support/server';
import { startServers } from './child';
import type { ServerChild, ServerKind } from './child';
import type { ServerStats } from './ipc';
import { summarize } from './stats';
import type { Summary } from './stats';

export type ScenarioOptions = {
  server: ServerKind;
  /** Several yieldroom nodes sharing a Redis, students spread evenly (default 1). */
  nodes?: number;
  students: number;
  seconds: number;
  /** One phase of `seconds` per pace (moves per second), in order, with the same students. */
  paces: number[];
  connectBatch: number;
  /** How long to wait after the last move for stragglers. */
  drainMs: number;
};

export type ScenarioResult = {
  server: ServerKind;
  students: number;
  join: JoinStats;
  paces: PaceResult[];
  memory: {
    rssBefore: number;
    rssAfter: number;
    kbPerSocket: number;
    heapBefore: number;
    heapAfter: number;
    socketsSeen: number;
  };
  joining: LoopWindow;
};

/** The presenter moving at one pace for the scenario's seconds. */
export type PaceResult = {
  movesPerSecond: number;
  moves: number;
  /** Per message: arrival at a student − the presenter's emit of that version (ms). */
  fanoutMs: Summary;
  /** Per move: until the last student had it (ms). */
  fullFanoutMs: Summary;
  /** The same per move, in order: a rising series means the server or the client fell behind. */
  perMoveLastMs: number[];
  /** Presenter's slide:set emit → ack (ms). */
  ackMs: Summary;
  /** room:state messages students got for the benchmark's moves, of students × moves. */
  delivered: number;
  expected: number;
  /** A version a student already had (or an older one). */
  duplicates: number;
  /** Versions no move of the presenter produced, or more messages than moves. */
  unexpected: number;
  /**
   * The server during the moves (and the drain after them); its lag max is the longest its loop
   * was blocked, i.e. the worst broadcast. CPU is process time, which misses the loopback TCP work
   * the kernel accounts as softirq; ELU (event loop busy share) is the better gauge.
   */
  moving: LoopWindow;
  /** The load client (this process) during the moves: if it is near 100 % of a core it is the limit. */
  client: { cpuMs: number; elu: number; windowMs: number };
};

/** Two positions of the fixture deck's slide 1/0 (two fragments): every move changes the room. */
const POSITIONS: readonly SlidePosition[] = [
  { h: 1, v: 0, f: 0 },
  { h: 1, v: 0, f: 1 },
];

/** The support helpers only read `.url` from a RunningServer; the server here lives in another process. */
export const remote = (url: string, port: number) => ({ url, port }) as RunningServer;

/** Where both scenarios start: a room on the child server with its presenter joined. */
export async function presentedRoom(url: string, port: number, sockets: Set<Client>) {
  const server = remote(url, port);
  const room = await createRoom(server);
  const presenter = await connectClient(server);
  sockets.add(presenter);
  const joined = await join(presenter, room.code, room.presenterSecret);
  return { server, room, presenter, joined };
}

export type LoopWindow = Pick<ServerStats, 'windowMs' | 'cpuMs' | 'elu' | 'mainCpuMs' | 'runqWaitMs' | 'lagP99Ms' | 'lagMaxMs'>;
export const windowOf = ({ windowMs, cpuMs, elu, mainCpuMs, runqWaitMs, lagP99Ms, lagMaxMs }: ServerStats): LoopWindow => ({ windowMs, cpuMs, elu, mainCpuMs, runqWaitMs, lagP99Ms, lagMaxMs });

export type JoinStats = { totalMs: number; perSocketMs: Summary; socketsPerSecond: number };

/**
 * Runs `one(i)` for every i < count, `batch` at a time (each batch all at once, the next when it
 * has finished): how the benchmark joins a room's students. Times each one and the whole.
 */
/** How long one student may take to connect and join before the scenario fails (a starved box can lose a connection without either side noticing for minutes). */
const JOIN_GIVE_UP_MS = 120_000;

export async function inBatches(count: number, batch: number, one: (i: number) => Promise<void>): Promise<{ totalMs: number; eachMs: Float64Array }> {
  const eachMs = new Float64Array(count);
  const start = performance.now();
  for (let first = 0; first < count; first += batch) {
    const running: Promise<void>[] = [];
    for (let i = first; i < Math.min(count, first + batch); i++) {
      running.push(
        (async () => {
          const t0 = performance.now();
          let giveUp: NodeJS.Timeout | undefined;
          const tooLong = new Promise<never>((_, reject) => (giveUp = setTimeout(() => reject(new Error(`student ${i} had not joined after ${JOIN_GIVE_UP_MS / 1000} s`)), JOIN_GIVE_UP_MS)));
          await Promise.race([one(i), tooLong]).finally(() => clearTimeout(giveUp));
          eachMs[i] = performance.now() - t0;
        })(),
      );
    }
    await Promise.all(running);
  }
  return { totalMs: performance.now() - start, eachMs };
}

export const joinStats = ({ totalMs, eachMs }: { totalMs: number; eachMs: Float64Array }): JoinStats => ({
  totalMs,
  perSocketMs: summarize(eachMs),
  socketsPerSecond: eachMs.length / (totalMs / 1000),
});

export async function runScenario(options: ScenarioOptions, sockets: Set<Client>): Promise<ScenarioResult> {
  const { students, seconds, paces, connectBatch, drainMs } = options;
  const child = await startServers(options.server, options.nodes ?? 1);
  try {
    const { room, presenter, joined: start } = await presentedRoom(child.url, child.port, sockets);
    await sleep(300);
    const before = await child.stats({ gc: true, reset: true });

    // ---- join N students, `connectBatch` at a time ----
    // Each student's room:state messages go to the phase running: `onState(i, version, now)`.
    let onState: (i: number, version: number, now: number) => void = () => undefined;
    const joining = await inBatches(students, connectBatch, async (i) => {
      const socket = await connectClient(child.node(i));
      sockets.add(socket);
      socket.on('room:state', ({ version }) => onState(i, version, performance.now()));
      await join(socket, room.code);
    });

    // Let the coalesced audience broadcast go out and the heap settle before measuring.
    await sleep(1_000);
    const joined = await child.stats({ gc: false, reset: true });
    const after = await child.stats({ gc: true, reset: true });

    let version = start.snapshot.version;
    presenter.on('room:state', (state) => void (version = Math.max(version, state.version)));
    const results: PaceResult[] = [];
    for (const movesPerSecond of paces) {
      const moves = Math.max(1, Math.round(seconds * movesPerSecond));
      const result = await movePhase({ child, presenter, students, moves, movesPerSecond, drainMs, baseVersion: version, listen: (fn) => (onState = fn) });
      results.push(result);
    }

    return {
      server: options.server,
      students,
      join: joinStats(joining),
      paces: results,
      memory: {
        rssBefore: before.rss,
        rssAfter: after.rss,
        kbPerSocket: (after.rss - before.rss) / 1024 / students,
        heapBefore: before.heapUsed,
        heapAfter: after.heapUsed,
        socketsSeen: after.sockets,
      },
      joining: windowOf(joined),
    };
  } finally {
    for (const socket of sockets) socket.disconnect();
    sockets.clear();
    await child.stop();
  }
}

type PhaseOptions = {
  child: ServerChild;
  presenter: Client;
  students: number;
  moves: number;
  movesPerSecond: number;
  drainMs: number;
  /** The room's version before the first move. */
  baseVersion: number;
  /** Routes every student's room:state to this phase. */
  listen: (onState: (i: number, version: number, now: number) => void) => void;
};

/** The presenter moves `movesPerSecond` times a second; every student's room:state is timed against the emit. */
async function movePhase({ child, presenter, students, moves, movesPerSecond, drainMs, baseVersion, listen }: PhaseOptions): Promise<PaceResult> {
  // Which move a broadcast version belongs to, from the presenter's own copy of each room:state
  // (it is in the room too). Not assuming +1 per move keeps this right if a move ever bumps the
  // version by more (e.g. a poll opening).
  const moveOfVersion = new Map<number, number>();
  const onPresenterState = ({ version }: { version: number }) => {
    if (version > baseVersion && !moveOfVersion.has(version)) moveOfVersion.set(version, moveOfVersion.size);
  };
  presenter.on('room:state', onPresenterState);
  // Student i's j-th room:state: versions[i * moves + j], arrivals[i * moves + j] (performance.now()).
  const versions = new Int32Array(students * moves);
  const arrivals = new Float64Array(students * moves);
  const received = new Int32Array(students);
  const lastVersion = new Int32Array(students).fill(baseVersion);
  let receivedTotal = 0;
  let duplicates = 0;
  let overflow = 0;
  listen((i, version, now) => {
    if (version <= lastVersion[i]!) return void duplicates++;
    lastVersion[i] = version;
    const j = received[i]!;
    if (j >= moves) return void overflow++;
    versions[i * moves + j] = version;
    arrivals[i * moves + j] = now;
    received[i] = j + 1;
    receivedTotal++;
  });

  await child.stats({ gc: false, reset: true });
  const expected = students * moves;
  const emitAt = new Float64Array(moves);
  const acks: Promise<void>[] = [];
  const ackTimes: number[] = [];
  const clientCpu = process.cpuUsage();
  const clientElu = performance.eventLoopUtilization();
  const clientStart = performance.now();
  const period = 1000 / movesPerSecond;
  const t0 = performance.now();
  for (let k = 0; k < moves; k++) {
    const wait = t0 + k * period - performance.now();
    if (wait > 0) await sleep(wait);
    emitAt[k] = performance.now();
    // request() emits synchronously inside its promise executor, so emitAt[k] is the emit time.
    acks.push(
      request<{ version: number }>(presenter, 'slide:set', POSITIONS[k % 2]).then((ack) => {
        ackTimes.push(performance.now() - emitAt[k]!);
        if (!ack.ok) throw new Error(`slide:set refused: ${ack.error.code} ${ack.error.message}`);
      }),
    );
  }
  await Promise.all(acks);
  const drainUntil = performance.now() + drainMs;
  while (receivedTotal < expected && performance.now() < drainUntil) await sleep(20);
  const cpu = process.cpuUsage(clientCpu);
  const client = { cpuMs: (cpu.user + cpu.system) / 1000, elu: performance.eventLoopUtilization(clientElu).utilization, windowMs: performance.now() - clientStart };
  const moving = await child.stats({ gc: false, reset: true });
  presenter.off('room:state', onPresenterState);
  if (moveOfVersion.size !== moves) throw new Error(`the presenter saw ${moveOfVersion.size} room:state broadcasts for ${moves} moves`);

  const latencies = new Float64Array(receivedTotal);
  const slowest = new Float64Array(moves).fill(NaN);
  let delivered = 0;
  let unexpected = overflow;
  for (let i = 0; i < students; i++) {
    for (let j = 0; j < received[i]!; j++) {
      const k = moveOfVersion.get(versions[i * moves + j]!);
      if (k === undefined) {
        unexpected++;
        continue;
      }
      const latency = arrivals[i * moves + j]! - emitAt[k]!;
      latencies[delivered++] = latency;
      if (!(latency <= slowest[k]!)) slowest[k] = latency;
    }
  }

  return {
    movesPerSecond,
    moves,
    fanoutMs: summarize(latencies.subarray(0, delivered)),
    fullFanoutMs: summarize(Array.from(slowest).filter((x) => !Number.isNaN(x))),
    perMoveLastMs: Array.from(slowest, (x) => Math.round(x * 10) / 10),
    ackMs: summarize(ackTimes),
    delivered,
    expected,
    duplicates,
    unexpected,
    moving: windowOf(moving),
    client,
  };
}
