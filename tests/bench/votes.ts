import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { MyVote, PollState, PollTallyBroadcast, RoundTally } from '../../server/protocol';
import { request, student } from '../support/server';
import type { Client } from '../support/server';
import { startServers } from './child';
import type { ServerKind } from './child';
import { inBatches, joinStats, presentedRoom, windowOf } from './scenario';
import type { JoinStats, LoopWindow } from './scenario';
import { summarize } from './stats';
import type { Summary } from './stats';

/** How a round's votes are sent: every student within `spreadMs`, evenly, or all at once. */
export type VoteMode = 'spread' | 'burst';

export type VoteOptions = {
  server: ServerKind;
  /** Several yieldroom nodes sharing a Redis, students spread evenly (default 1). */
  nodes?: number;
  students: number;
  /** One round per mode, in order: every student votes once per round, a different option each time. */
  modes: VoteMode[];
  /** A spread round sends the students' votes evenly over this long (ms). */
  spreadMs: number;
  connectBatch: number;
  /** After a round's last ack: how long to wait at most for the presenter's tally to be exact. */
  settleMs: number;
};

export type VoteRound = {
  round: number;
  mode: VoteMode;
  sent: number;
  acked: number;
  /** Refused acks by error code (RATE_LIMITED, POLL_CLOSED, …): should be none. */
  refused: Record<string, number>;
  /** First emit → last ack (ms). */
  wallMs: number;
  /** Until this process had emitted every vote of the round (ms): the load client's share of wallMs. */
  emitMs: number;
  votesPerSecond: number;
  /**
   * poll:tally broadcasts the presenter got from the first emit to the last ack. The server
   * coalesces to at most 10/s; far fewer means its timers waited behind the burst (a busy loop).
   */
  tallies: number;
  /** Each vote's emit → its ack (ms). */
  ackMs: Summary;
  /** The round's last ack → the presenter's poll:tally equal to every student's choice (ms); null if none was within settleMs. */
  tallyExactAfterMs: number | null;
  /** From the round's first emit until its last ack. */
  server: LoopWindow;
  client: { cpuMs: number; elu: number; windowMs: number };
};

export type VoteResult = {
  server: ServerKind;
  students: number;
  pollId: string;
  rounds: VoteRound[];
  votesSent: number;
  votesAcked: number;
  /** All rounds: acked votes / summed round wall time. */
  votesPerSecond: number;
  ackMs: Summary;
  tally: {
    /** The presenter's last poll:tally (round 1) counts equal each student's final choice. */
    ok: boolean;
    expected: number[];
    /** The presenter's last poll:tally counts; null if none arrived. */
    lastTally: number[] | null;
    /** The same poll through a presenter room:snapshot after the settle: the server's own view. */
    snapshot: number[] | null;
    /** Ballots in the last tally (one per student). */
    ballots: number | null;
    /** poll:tally broadcasts the presenter got from the first vote until it settled. */
    broadcasts: number;
    /** Last ack → the tally that equalled the expected counts (ms); null if none did. */
    settledAfterMs: number | null;
  };
  join: JoinStats;
  memory: {
    /** After the students joined, before the first vote (after a GC). */
    rssBefore: number;
    /** After the last round and the tally's settle (after a GC). */
    rssAfter: number;
    heapBefore: number;
    heapAfter: number;
    socketsSeen: number;
    /** The rounds' windows added up (the gaps between rounds and the settle left out). */
    voting: LoopWindow;
    joining: LoopWindow;
  };
  client: { cpuMs: number; elu: number; windowMs: number };
};

/** The fixture deck's poll slide (tests/fixtures/decks/demo/deck.md): arriving opens its poll. */
const POLL_SLIDE = { h: 4, v: 0, f: -1 };
const OPTIONS = 3;

const countsOf = (results: RoundTally[] | undefined, round = 1): number[] | null => {
  const r = results?.find((t) => t.round === round);
  return r && 'counts' in r ? r.counts : null;
};
const countChoices = (choice: Int8Array) => {
  const counts = Array.from({ length: OPTIONS }, () => 0);
  for (const c of choice) if (c >= 0) counts[c]! += 1;
  return counts;
};
const same = (a: number[] | null, b: number[]) => a !== null && a.length === b.length && a.every((x, i) => x === b[i]);

/** Adds up the rounds' windows: CPU and busy time over the summed window, the worst lag. */
function addWindows(windows: LoopWindow[]): LoopWindow {
  const windowMs = windows.reduce((s, w) => s + w.windowMs, 0);
  return {
    windowMs,
    cpuMs: windows.reduce((s, w) => s + w.cpuMs, 0),
    elu: windowMs > 0 ? windows.reduce((s, w) => s + w.elu * w.windowMs, 0) / windowMs : 0,
    mainCpuMs: windows.reduce((s, w) => s + w.mainCpuMs, 0),
    runqWaitMs: windows.reduce((s, w) => s + w.runqWaitMs, 0),
    lagP99Ms: Math.max(...windows.map((w) => w.lagP99Ms)),
    lagMaxMs: Math.max(...windows.map((w) => w.lagMaxMs)),
  };
}

/**
 * N students with their own voter cookie vote once per round in the fixture deck's poll (or the
 * floor's), spread over `spreadMs` or all at once; after each round the presenter's coalesced
 * tally must come to equal every student's choice, and at the end it and a snapshot must be exact.
 */
export async function runVoteScenario(options: VoteOptions, sockets: Set<Client>): Promise<VoteResult> {
  const { students, modes, spreadMs, connectBatch, settleMs } = options;
  const rounds = modes.length;
  const child = await startServers(options.server, options.nodes ?? 1);
  try {
    const { room, presenter } = await presentedRoom(child.url, child.port, sockets);
    let tallies = 0;
    let lastTally: PollTallyBroadcast | undefined;
    let lastTallyAt = 0;
    let tallyChangedAt = 0; // when the counts last differed from the tally before
    presenter.on('poll:tally', (tally) => {
      tallies++;
      const now = performance.now();
      if (!same(countsOf(tally.results), countsOf(lastTally?.results) ?? [])) tallyChangedAt = now;
      lastTally = tally;
      lastTallyAt = now;
    });
    const moved = await request(presenter, 'slide:set', POLL_SLIDE);
    if (!moved.ok) throw new Error(`slide:set to the poll slide refused: ${moved.error.code}`);
    const opened = await request<{ poll: PollState | null }>(presenter, 'room:snapshot', {});
    if (!opened.ok || !opened.data.poll) throw new Error(`no poll on screen after moving to slide ${POLL_SLIDE.h}/${POLL_SLIDE.v}`);
    const poll = opened.data.poll;
    if (poll.kind !== 'single' || poll.options.length !== OPTIONS) throw new Error(`expected a ${OPTIONS}-option single-choice poll, got ${poll.kind} with ${poll.options.length}`);

    await sleep(300);
    await child.stats({ gc: true, reset: true });

    // ---- join N students as phones do: a voter cookie from the deck route, then the socket ----
    const voters: Client[] = new Array<Client>(students);
    const joining = await inBatches(students, connectBatch, async (i) => {
      const { socket } = await student(child.node(i), room.code);
      sockets.add(socket);
      voters[i] = socket;
    });
    await sleep(1_000);
    const joined = await child.stats({ gc: false, reset: false });
    const settled = await child.stats({ gc: true, reset: true });

    // ---- rounds: every student votes at once, a different option each round ----
    const choice = new Int8Array(students).fill(-1); // what each student's last acked vote was
    const emitAt = new Float64Array(students);
    const ackAt = new Float64Array(students);
    const allAcks = new Float64Array(students * rounds);
    const results: VoteRound[] = [];
    const clientWindows: { cpuMs: number; elu: number; windowMs: number }[] = [];
    tallies = 0;
    let lastAckAt = 0;
    for (let r = 1; r <= rounds; r++) {
      const mode = modes[r - 1]!;
      const spread = mode === 'spread' ? spreadMs : 0;
      const wanted = Int8Array.from(choice, (prev) => (prev < 0 ? Math.floor(Math.random() * OPTIONS) : (prev + 1 + Math.floor(Math.random() * (OPTIONS - 1))) % OPTIONS));
      const refused: Record<string, number> = {};
      let acked = 0;
      await child.stats({ gc: false, reset: true });
      const clientCpu = process.cpuUsage();
      const clientElu = performance.eventLoopUtilization();
      const pending: Promise<void>[] = new Array<Promise<void>>(students);
      const talliesBefore = tallies;
      const first = performance.now();
      for (let i = 0; i < students; i++) {
        if (spread > 0) {
          const wait = first + (i * spread) / students - performance.now();
          if (wait >= 1) await sleep(wait);
        }
        const option = wanted[i]!;
        emitAt[i] = performance.now();
        // request() emits synchronously inside its promise executor, so emitAt[i] is the emit time.
        pending[i] = request<MyVote>(voters[i]!, 'poll:vote', { pollId: poll.id, round: poll.round, choice: { option } }).then((ack) => {
          ackAt[i] = performance.now();
          if (!ack.ok) return void (refused[ack.error.code] = (refused[ack.error.code] ?? 0) + 1);
          acked++;
          choice[i] = 'option' in ack.data.choice ? ack.data.choice.option : -1;
        });
      }
      const emitted = performance.now();
      await Promise.all(pending);
      const last = performance.now();
      const roundTallies = tallies - talliesBefore;
      const roundServer = await child.stats({ gc: false, reset: true });
      const cpu = process.cpuUsage(clientCpu);
      const client = { cpuMs: (cpu.user + cpu.system) / 1000, elu: performance.eventLoopUtilization(clientElu).utilization, windowMs: last - first };
      clientWindows.push(client);
      lastAckAt = last;
      // Until the presenter's coalesced tally equals every student's choice so far.
      const expectedNow = countChoices(choice);
      const exactUntil = last + settleMs;
      while (!same(countsOf(lastTally?.results), expectedNow) && performance.now() < exactUntil) await sleep(10);
      const tallyExactAfterMs = same(countsOf(lastTally?.results), expectedNow) ? Math.max(0, tallyChangedAt - last) : null;
      const latencies = new Float64Array(students);
      for (let i = 0; i < students; i++) latencies[i] = ackAt[i]! - emitAt[i]!;
      allAcks.set(latencies, (r - 1) * students); // before summarize() sorts `latencies` in place
      results.push({
        round: r,
        mode,
        tallyExactAfterMs,
        sent: students,
        acked,
        refused,
        wallMs: last - first,
        emitMs: emitted - first,
        votesPerSecond: acked / ((last - first) / 1000),
        tallies: roundTallies,
        ackMs: summarize(latencies),
        server: windowOf(roundServer),
        client,
      });
    }

    // ---- the presenter's coalesced tally must settle on exactly the final choices ----
    const expected = countChoices(choice);
    let settledAt: number | null = null;
    const settleUntil = lastAckAt + settleMs;
    // Done once the last tally matches and a few tally intervals (100 ms) passed with none after it.
    while (performance.now() < settleUntil) {
      if (same(countsOf(lastTally?.results), expected)) {
        settledAt ??= lastTallyAt;
        if (performance.now() - lastTallyAt > 500) break;
      } else settledAt = null;
      await sleep(25);
    }
    const broadcasts = tallies;
    const snap = await request<{ poll: PollState | null }>(presenter, 'room:snapshot', {});
    const snapshot = snap.ok ? countsOf(snap.data.poll?.results ?? undefined) : null;
    const got = countsOf(lastTally?.results);
    const after = await child.stats({ gc: true, reset: true });
    const sent = students * rounds;
    const ackedTotal = results.reduce((s, r) => s + r.acked, 0);
    const clientMs = clientWindows.reduce((s, w) => s + w.windowMs, 0);

    return {
      server: options.server,
      students,
      pollId: poll.id,
      rounds: results,
      votesSent: sent,
      votesAcked: ackedTotal,
      votesPerSecond: ackedTotal / (results.reduce((s, r) => s + r.wallMs, 0) / 1000),
      ackMs: summarize(allAcks),
      tally: {
        ok: ackedTotal === sent && same(got, expected) && same(snapshot, expected),
        expected,
        lastTally: got,
        snapshot,
        ballots: lastTally?.results.find((t) => t.round === 1)?.ballots ?? null,
        broadcasts,
        settledAfterMs: settledAt === null ? null : settledAt - lastAckAt,
      },
      join: joinStats(joining),
      memory: {
        rssBefore: settled.rss,
        rssAfter: after.rss,
        heapBefore: settled.heapUsed,
        heapAfter: after.heapUsed,
        socketsSeen: settled.sockets,
        voting: addWindows(results.map((r) => r.server)),
        joining: windowOf(joined),
      },
      client: {
        cpuMs: clientWindows.reduce((s, w) => s + w.cpuMs, 0),
        elu: clientMs > 0 ? clientWindows.reduce((s, w) => s + w.elu * w.windowMs, 0) / clientMs : 0,
        windowMs: clientMs,
      },
    };
  } finally {
    for (const socket of sockets) socket.disconnect();
    sockets.clear();
    await child.stop();
  }
}
