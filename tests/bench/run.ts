/**
 * `npm run bench`: slide fan-out latency, delivery, server memory per socket and join time for a
 * room of N students; vote throughput, ack latency and the exactness of the presenter's
 * coalesced tally for N voters; plus the JS the student and presenter pages download.
 *
 *   BENCH_SIZES=1000,5000   students per fan-out scenario (one fresh server child each)
 *   BENCH_VOTERS=1000,5000  students per votes scenario (one fresh server child each; 0 skips them)
 *   BENCH_VOTE_ROUNDS=3     votes per student, all students at once per round, a new choice each time
 *   BENCH_SECONDS=8         how long the presenter moves, at BENCH_RATE (5) moves per second
 *   BENCH_BATCH=200         sockets connected at once while joining
 *   BENCH_TIMEOUT_S=300     safety timeout for the whole run: kill everything, exit 2
 *   BENCH_CPU_PROF=dir      write a V8 CPU profile of each server child into dir
 *   BENCH_SERVER_ENTRY=file another server with server-entry.ts's stdout/IPC contract (e.g. bare socket.io);
 *                           the votes scenario also needs yieldroom's HTTP API (room, deck cookie) and poll events
 *
 * The server runs in a child process (tests/bench/server-entry.ts) so its RSS is its own; this
 * process holds the presenter and every student socket, so one clock (performance.now()) times
 * both ends. Loopback only. Results: a table on stdout and bench-results.json in the repo root.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import type { Client } from '../support/server';
import { measureBundles } from './bundle';
import type { BundleReport } from './bundle';
import { killAllChildren } from './child';
import { runScenario } from './scenario';
import type { ScenarioResult } from './scenario';
import { kib, mib, round, summarize, table } from './stats';
import { runVoteScenario } from './votes';
import type { VoteResult } from './votes';

const REPO_ROOT = join(import.meta.dirname, '../..');
const RESULTS_FILE = join(REPO_ROOT, 'bench-results.json');

/** Bare socket.io on this box (measured apart from yieldroom): fan-out p99 in ms by room size. */
const BARE_SOCKET_IO_P99_MS: Record<number, number> = { 1000: 62, 5000: 163, 10000: 369 };
/** Bare socket.io on this box (the brief's measured floor): acked votes per second, all at once. */
const BARE_SOCKET_IO_VOTES_PER_S = { low: 12_000, high: 16_000, label: '12–16k' };

function intEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return value;
}

function listEnv(name: string, fallback: string, allowNone = false): number[] {
  const raw = process.env[name] || fallback;
  if (allowNone && raw.trim() === '0') return [];
  return raw.split(',').map((s) => {
    const n = Number(s.trim());
    if (!Number.isInteger(n) || n <= 0) throw new Error(`${name}: "${s}" is not a positive whole number`);
    return n;
  });
}

const sizes = listEnv('BENCH_SIZES', '1000,5000');
const voters = listEnv('BENCH_VOTERS', '1000,5000', true);
const voteRounds = Math.round(intEnv('BENCH_VOTE_ROUNDS', 3));
const seconds = intEnv('BENCH_SECONDS', 8);
const movesPerSecond = intEnv('BENCH_RATE', 5);
const connectBatch = Math.round(intEnv('BENCH_BATCH', 200));
const timeoutS = intEnv('BENCH_TIMEOUT_S', 300);

const startedAt = new Date().toISOString();
const openSockets = new Set<Client>();

function abort(reason: string, code: number): never {
  console.error(`\nbench: ${reason}; killing the server child and exiting`);
  for (const socket of openSockets) socket.disconnect();
  killAllChildren();
  process.exit(code);
}

const safety = setTimeout(() => abort(`safety timeout (${timeoutS} s, BENCH_TIMEOUT_S)`, 2), timeoutS * 1000);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => abort(signal, 130));

// ---- environment: fds and ports ----

function shell(cmd: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', cmd], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}
const fdSoft = shell('ulimit -Sn');
const fdHard = shell('ulimit -Hn');
const portRange = (() => {
  try {
    const [lo, hi] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    return lo !== undefined && hi !== undefined ? hi - lo + 1 : undefined;
  } catch {
    return undefined;
  }
})();
const largest = Math.max(...sizes, ...voters);
// Each process (the server child and this load client) holds one fd per socket, plus a few dozen
// of its own, plus (votes) up to a batch of keep-alive HTTP connections from the cookie fetches.
const fdsNeeded = largest + 256 + (voters.length > 0 ? connectBatch : 0);
const warnings: string[] = [];
const fdLimit = fdSoft === 'unlimited' ? Infinity : Number(fdSoft);
if (Number.isFinite(fdLimit) && fdLimit < fdsNeeded) {
  warnings.push(
    `open-file limit is ${fdSoft} (hard ${fdHard}); ${largest} sockets need about ${fdsNeeded} per process. ` +
      `Raise it in this shell before running: \`ulimit -n ${Math.max(fdsNeeded, 65536)}\` (at most the hard limit; ` +
      'above it: /etc/security/limits.conf, systemd LimitNOFILE=, or docker --ulimit nofile=65536:65536).',
  );
}
// Another busy process on a 2-core box shows up directly in the tail latencies: sample 1 s of CPU first.
const cpuBusyShare = async (ms: number) => {
  const sample = () =>
    cpus().reduce((acc, { times: t }) => ({ busy: acc.busy + t.user + t.nice + t.sys + t.irq, total: acc.total + t.user + t.nice + t.sys + t.irq + t.idle }), { busy: 0, total: 0 });
  const start = sample();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const end = sample();
  return end.total > start.total ? (end.busy - start.busy) / (end.total - start.total) : 0;
};
const loadAtStart = loadavg()[0] ?? 0;
const busyAtStart = await cpuBusyShare(1_000);
if (busyAtStart > 0.15) warnings.push(`the CPUs were ${Math.round(busyAtStart * 100)} % busy before starting (load ${round(loadAtStart, 2)}): other processes are running and the latencies will be noisy.`);
if (portRange !== undefined && largest + 1 > portRange) {
  warnings.push(`only ${portRange} ephemeral ports (net.ipv4.ip_local_port_range) for ${largest + 1} client sockets to one address.`);
}

console.log(`yieldroom bench — node ${process.version}, ${availableParallelism()} cores (${cpus()[0]?.model ?? '?'}), ${round(totalmem() / 2 ** 30, 1)} GiB`);
console.log(`open files: soft ${fdSoft ?? '?'}, hard ${fdHard ?? '?'} (need ~${fdsNeeded} per process); ephemeral ports: ${portRange ?? '?'}`);
console.log(`sizes ${sizes.join(', ')}; ${seconds} s of slide:set at ${movesPerSecond}/s; connect batch ${connectBatch}; safety timeout ${timeoutS} s`);
console.log(voters.length > 0 ? `voters ${voters.join(', ')}; ${voteRounds} rounds of poll:vote, every student at once` : 'votes: skipped (BENCH_VOTERS=0)');
for (const warning of warnings) console.log(`WARNING: ${warning}`);

// ---- scenarios ----

type Outcome = { students: number; ok: true; result: ScenarioResult } | { students: number; ok: false; error: string };
const outcomes: Outcome[] = [];
for (const students of sizes) {
  console.log(`\n▶ ${students} students: joining…`);
  try {
    const result = await runScenario({ students, seconds, movesPerSecond, connectBatch, drainMs: 10_000 }, openSockets);
    outcomes.push({ students, ok: true, result });
    const f = result.fanoutMs;
    console.log(
      `  joined in ${round(result.join.totalMs / 1000, 2)} s; fan-out p50 ${round(f.p50)} / p99 ${round(f.p99)} ms; ` +
        `delivered ${result.delivered}/${result.expected}; ${round(result.server.kbPerSocket)} KB per socket`,
    );
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.log(`  FAILED: ${message}`);
    if (/EMFILE|ENFILE/.test(message)) console.log('  (out of file descriptors: see the open-file limit note above)');
    outcomes.push({ students, ok: false, error: message });
  }
}

type VoteOutcome = { students: number; ok: true; result: VoteResult } | { students: number; ok: false; error: string };
const voteOutcomes: VoteOutcome[] = [];
const tallyMismatch = (r: VoteResult) =>
  `MISMATCH ${r.students} voters: expected [${r.tally.expected.join(', ')}] from ${r.students} final choices; ` +
  `presenter's last poll:tally [${r.tally.lastTally?.join(', ') ?? 'none'}], snapshot [${r.tally.snapshot?.join(', ') ?? 'none'}]; ` +
  `${r.votesAcked}/${r.votesSent} votes acked${r.rounds.some((x) => Object.keys(x.refused).length) ? ` (refused: ${r.rounds.map((x) => JSON.stringify(x.refused)).join(' ')})` : ''}`;
for (const students of voters) {
  console.log(`\n▶ ${students} voters × ${voteRounds} rounds: joining…`);
  try {
    const result = await runVoteScenario({ students, rounds: voteRounds, connectBatch, settleMs: 10_000 }, openSockets);
    voteOutcomes.push({ students, ok: true, result });
    console.log(
      `  joined in ${round(result.join.totalMs / 1000, 2)} s; ${Math.round(result.votesPerSecond)} votes acked/s ` +
        `(rounds ${result.rounds.map((r) => Math.round(r.votesPerSecond)).join(', ')}); ack p50 ${round(result.ackMs.p50)} / p99 ${round(result.ackMs.p99)} ms; ` +
        `${result.tally.broadcasts} poll:tally for ${result.votesSent} votes; tally ${result.tally.ok ? 'exact' : 'WRONG'}`,
    );
    if (!result.tally.ok) console.log(`  ${tallyMismatch(result)}`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.log(`  FAILED: ${message}`);
    if (/EMFILE|ENFILE/.test(message)) console.log('  (out of file descriptors: see the open-file limit note above)');
    voteOutcomes.push({ students, ok: false, error: message });
  }
}

const bundles: BundleReport = measureBundles(REPO_ROOT, ['r/[code]', 'present/[code]']);

// ---- report ----

const done = outcomes.flatMap((o) => (o.ok ? [o.result] : []));
if (done.length > 0) {
  console.log('\nSlide fan-out (room:state arrival at each student − presenter emit; ms)');
  console.log(
    table([
      ['students', 'moves', 'p50', 'p95', 'p99', 'max', 'last student p50', 'last, 1st→2nd half', 'ack p50', 'ack p99', 'delivered', 'bare socket.io p99'],
      ...done.map((r) => [
        r.students,
        r.moves,
        round(r.fanoutMs.p50),
        round(r.fanoutMs.p95),
        round(r.fanoutMs.p99),
        round(r.fanoutMs.max),
        round(r.fullFanoutMs.p50),
        `${round(summarize(r.perMoveLastMs.slice(0, r.moves >> 1)).p50)}→${round(summarize(r.perMoveLastMs.slice(r.moves >> 1)).p50)}`,
        round(r.ackMs.p50),
        round(r.ackMs.p99),
        `${r.delivered}/${r.expected}${r.duplicates || r.unexpected ? ` (+${r.duplicates} dup, ${r.unexpected} other)` : ''}`,
        BARE_SOCKET_IO_P99_MS[r.students] ?? '—',
      ]),
    ]),
  );
  console.log('\nJoin and memory (server child)');
  console.log(
    table([
      ['students', 'all joined (s)', 'joins/s', 'join p50 ms', 'join p99 ms', 'RSS before MiB', 'RSS after MiB', 'KB/socket', 'heap KB/socket', 'server sockets'],
      ...done.map((r) => [
        r.students,
        round(r.join.totalMs / 1000, 2),
        Math.round(r.join.socketsPerSecond),
        round(r.join.perSocketMs.p50),
        round(r.join.perSocketMs.p99),
        mib(r.server.rssBefore),
        mib(r.server.rssAfter),
        round(r.server.kbPerSocket),
        round((r.server.heapAfter - r.server.heapBefore) / 1024 / r.students),
        r.server.socketsSeen,
      ]),
    ]),
  );
  console.log('\nCPU while moving (server child vs this load client; % of one core, event-loop utilisation, server loop lag)');
  console.log(
    table([
      ['students', 'server CPU %', 'server ELU', 'server lag p99 ms', 'server lag max ms', 'client CPU %', 'client ELU', 'server CPU % joining'],
      ...done.map((r) => [
        r.students,
        round((100 * r.server.moving.cpuMs) / r.server.moving.windowMs),
        round(r.server.moving.elu, 2),
        round(r.server.moving.lagP99Ms),
        round(r.server.moving.lagMaxMs),
        round((100 * r.client.cpuMs) / r.client.windowMs),
        round(r.client.elu, 2),
        round((100 * r.server.joining.cpuMs) / r.server.joining.windowMs),
      ]),
    ]),
  );
}
for (const r of done) {
  // Past ~0.85 busy the loop queues: latencies then grow through the run and say more about this box than about fan-out.
  const busy = [r.server.moving.elu > 0.85 ? `server loop ${Math.round(r.server.moving.elu * 100)} % busy` : '', r.client.elu > 0.85 ? `load client ${Math.round(r.client.elu * 100)} % busy` : ''].filter(Boolean);
  if (busy.length > 0) console.log(`NOTE ${r.students}: saturated (${busy.join(', ')}): latencies include queueing; on 2 cores the server and the load client compete.`);
}
for (const o of outcomes) if (!o.ok) console.log(`\n${o.students} students: FAILED — ${o.error}`);

const voted = voteOutcomes.flatMap((o) => (o.ok ? [o.result] : []));
if (voted.length > 0) {
  const pct = (cpuMs: number, windowMs: number) => round((100 * cpuMs) / windowMs);
  const refusedOf = (refused: Record<string, number>) => Object.entries(refused).map(([code, n]) => `${n} ${code}`).join(', ') || 0;
  console.log(`\nVotes (poll:vote, every student at once per round; emit → ack, ms; wall = first emit → last ack; bare socket.io ${BARE_SOCKET_IO_VOTES_PER_S.label} acked/s)`);
  console.log('poll:tally = broadcasts the presenter got during the round (coalesced to ≤ 10/s); server CPU % = all its threads, % of one core;');
  console.log('loop CPU % / loop queued % = its event-loop thread on a CPU / runnable but waiting for one (Linux schedstat)');
  console.log(
    table([
      ['voters', 'round', 'acked/s', 'wall ms', 'emit ms', 'ack p50', 'ack p95', 'ack p99', 'ack max', 'refused', 'poll:tally', 'server CPU %', 'server ELU', 'loop CPU %', 'loop queued %', 'client CPU %', 'client ELU', 'bare socket.io acked/s'],
      ...voted.flatMap((r) => [
        ...r.rounds.map((x) => [
          r.students,
          x.round,
          Math.round(x.votesPerSecond),
          round(x.wallMs),
          round(x.emitMs),
          round(x.ackMs.p50),
          round(x.ackMs.p95),
          round(x.ackMs.p99),
          round(x.ackMs.max),
          refusedOf(x.refused),
          x.tallies,
          pct(x.server.cpuMs, x.server.windowMs),
          round(x.server.elu, 2),
          pct(x.server.mainCpuMs, x.server.windowMs),
          pct(x.server.runqWaitMs, x.server.windowMs),
          pct(x.client.cpuMs, x.client.windowMs),
          round(x.client.elu, 2),
          BARE_SOCKET_IO_VOTES_PER_S.label,
        ]),
        [
          r.students,
          'all',
          Math.round(r.votesPerSecond),
          round(r.rounds.reduce((s, x) => s + x.wallMs, 0)),
          round(r.rounds.reduce((s, x) => s + x.emitMs, 0)),
          round(r.ackMs.p50),
          round(r.ackMs.p95),
          round(r.ackMs.p99),
          round(r.ackMs.max),
          r.votesSent - r.votesAcked,
          r.rounds.reduce((s, x) => s + x.tallies, 0),
          pct(r.server.voting.cpuMs, r.server.voting.windowMs),
          round(r.server.voting.elu, 2),
          pct(r.server.voting.mainCpuMs, r.server.voting.windowMs),
          pct(r.server.voting.runqWaitMs, r.server.voting.windowMs),
          pct(r.client.cpuMs, r.client.windowMs),
          round(r.client.elu, 2),
          BARE_SOCKET_IO_VOTES_PER_S.label,
        ],
      ]),
    ]),
  );
  console.log('\nVote tally and memory (presenter\'s last poll:tally after it settled vs each student\'s final choice; server child)');
  console.log(
    table([
      ['voters', 'votes sent', 'acked', 'poll:tally (to settle)', 'votes/tally', 'expected', 'last tally', 'snapshot', 'exact', 'settled after ms', 'RSS before MiB', 'RSS after MiB', 'server lag p99 ms', 'joined (s)'],
      ...voted.map((r) => [
        r.students,
        r.votesSent,
        r.votesAcked,
        r.tally.broadcasts,
        r.tally.broadcasts > 0 ? Math.round(r.votesSent / r.tally.broadcasts) : '—',
        r.tally.expected.join('/'),
        r.tally.lastTally?.join('/') ?? 'none',
        r.tally.snapshot?.join('/') ?? 'none',
        r.tally.ok ? 'yes' : 'NO',
        r.tally.settledAfterMs === null ? '—' : round(r.tally.settledAfterMs),
        mib(r.server.rssBefore),
        mib(r.server.rssAfter),
        round(r.server.voting.lagP99Ms),
        round(r.join.totalMs / 1000, 2),
      ]),
    ]),
  );
  for (const r of voted) {
    const busy = [r.server.voting.elu > 0.85 ? `server loop ${Math.round(r.server.voting.elu * 100)} % busy` : '', r.client.elu > 0.85 ? `load client ${Math.round(r.client.elu * 100)} % busy` : ''].filter(Boolean);
    if (busy.length > 0) console.log(`NOTE ${r.students} voters: saturated (${busy.join(', ')}) while voting: acked/s is then the loop's limit, and on 2 cores the server and the load client compete.`);
  }
}
for (const r of voted) if (!r.tally.ok) console.log(`\n!!! ${tallyMismatch(r)}`);
for (const o of voteOutcomes) if (!o.ok) console.log(`\n${o.students} voters: FAILED — ${o.error}`);

console.log('\nPage JavaScript (production build)');
if (!bundles.ok) console.log(bundles.message);
else {
  console.log(`build ${bundles.buildId}, ${bundles.builtAt}${bundles.stale ? ` — WARNING: ${bundles.stale}` : ''}`);
  console.log(
    table([
      ['route', 'initial JS KB', 'initial gzip KB', 'files', 'lazy JS KB', 'lazy gzip KB', 'CSS KB', 'CSS gzip KB', 'noModule polyfill KB'],
      ...bundles.routes.map((r) => [
        r.route,
        kib(r.initialJs.bytes),
        kib(r.initialJs.gzip),
        r.initialJs.files.length,
        kib(r.lazyJs.bytes),
        kib(r.lazyJs.gzip),
        kib(r.css.bytes),
        kib(r.css.gzip),
        kib(r.polyfillJs.bytes),
      ]),
    ]),
  );
  const [student, presenter] = bundles.routes;
  if (student && presenter) {
    const shared = new Set(presenter.initialJs.files.map((f) => f.file));
    const own = student.initialJs.files.filter((f) => !shared.has(f.file));
    console.log(`/r/[code] chunks not on /present/[code]: ${own.map((f) => `${f.file} (${kib(f.bytes)} KB, ${kib(f.gzip)} KB gz)`).join(', ') || 'none'}`);
  }
  console.log(`method: ${bundles.method}`);
}

writeFileSync(
  RESULTS_FILE,
  `${JSON.stringify(
    {
      startedAt,
      finishedAt: new Date().toISOString(),
      busyBeforeStart: busyAtStart,
      loadAverage: { atStart: loadAtStart, atEnd: loadavg()[0] },
      machine: { node: process.version, cores: availableParallelism(), cpu: cpus()[0]?.model, totalMemBytes: totalmem(), openFiles: { soft: fdSoft, hard: fdHard }, ephemeralPorts: portRange },
      config: { sizes, seconds, movesPerSecond, connectBatch, timeoutS, voters, voteRounds },
      warnings,
      bareSocketIoP99Ms: BARE_SOCKET_IO_P99_MS,
      bareSocketIoVotesPerSecond: { low: BARE_SOCKET_IO_VOTES_PER_S.low, high: BARE_SOCKET_IO_VOTES_PER_S.high },
      scenarios: outcomes,
      votes: voteOutcomes,
      bundles,
    },
    null,
    2,
  )}\n`,
);
console.log(`\nwrote ${RESULTS_FILE}`);

clearTimeout(safety);
killAllChildren();
// A failed scenario or a tally that is not exact fails the run.
process.exit(outcomes.every((o) => o.ok) && voteOutcomes.every((o) => o.ok && o.result.tally.ok) ? 0 : 1);
