/**
 * `npm run bench [-- flags]`: a lecture hall of N phones against yieldroom and against the floor
 * (bare socket.io with the same engine options, tests/bench/floor-entry.ts), in alternation in
 * one run, so every figure comes with its ratio to the floor measured on the same box minutes
 * apart. Per N: join rate; slide fan-out p50/p95/p99/max at each pace, event-loop lag and CPU;
 * server RSS per student; a vote round spread over ~1 s and one all at once (acked/s, ack
 * p50/p99, time until the presenter's tally is exact); a prediction round (teams of 4 typing into
 * their sheets: edit propagation within a team). Plus the JS the pages download, and the
 * join storm (tests/bench/join-storm.ts) and the first slide on a throttled phone
 * (tests/bench/first-slide.ts), both against the production build.
 *
 * Each server runs in a child process of its own, so its RSS and CPU are its own; this process
 * is the load generator (presenter and every student socket), so one clock times both ends.
 * Reports: bench/results/<date>-<N>.json, <date>.md (the summary) and <date>-p99.svg.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Client } from '../support/server';
import { measureBundles } from './bundle';
import { measureFirstSlide } from './first-slide';
import type { FirstSlideReport } from './first-slide';
import { measureJoinStorm } from './join-storm';
import type { JoinStormReport } from './join-storm';
import { killAllChildren, SERVER_KINDS } from './child';
import type { ServerKind } from './child';
import { VARIANT_NAMES, VARIANTS, correctness, markdownSummary, p99Chart } from './report';
import type { Machine, Outcome, Pair, SizeReport, Variant } from './report';
import { runScenario } from './scenario';
import { round } from './stats';
import { runVoteScenario } from './votes';
import { runPredictionScenario } from './predictions';
import type { VoteMode } from './votes';

const REPO_ROOT = join(import.meta.dirname, '../..');
const HELP = `npm run bench -- [flags]
  --n 1000,5000,10000   students per room (each N: fan-out and votes, against yieldroom and the floor)
  --rate 5              presenter moves per second
  --slow-rate 1         an extra, first pace at N >= --slow-from (0: none)
  --slow-from 10000
  --seconds 8           how long the presenter moves at each pace
  --votes spread,burst  vote rounds per N, in order: spread (every student within --spread-ms) or burst (all at once); "none" skips
  --spread-ms 1000
  --batch 200           sockets connected at once while joining
  --timeout 900         seconds before everything is killed (exit 2)
  --edit-rate 1         team edits per student per second in the prediction round (teams of 4, --seconds long); 0 skips
  --edit-max-n 1000     the prediction round only for N up to this (a Y.Doc per phone in the load generator)
  --storm 1000          join storm: phones loading the student page (needs \`npm run build\`); 0 skips
  --storm-seconds 10    the window they arrive in
  --two-nodes           also run each scenario on two yieldroom nodes sharing a Redis (students split evenly)
  --page-runs 5         first slide on a throttled phone (needs \`npm run build\`), cold runs; 0 skips
  --out bench/results   where the reports go
BENCH_CPU_PROF=dir writes a V8 CPU profile of each server child.`;

const { values: flags } = parseArgs({
  options: {
    n: { type: 'string', default: '1000,5000,10000' },
    rate: { type: 'string', default: '5' },
    'slow-rate': { type: 'string', default: '1' },
    'slow-from': { type: 'string', default: '10000' },
    seconds: { type: 'string', default: '8' },
    votes: { type: 'string', default: 'spread,burst' },
    'spread-ms': { type: 'string', default: '1000' },
    batch: { type: 'string', default: '200' },
    timeout: { type: 'string', default: '900' },
    'edit-rate': { type: 'string', default: '1' },
    'edit-max-n': { type: 'string', default: '1000' },
    storm: { type: 'string', default: '1000' },
    'storm-seconds': { type: 'string', default: '10' },
    'page-runs': { type: 'string', default: '5' },
    'two-nodes': { type: 'boolean', default: false },
    out: { type: 'string', default: 'bench/results' },
    help: { type: 'boolean', default: false },
  },
});
if (flags.help) {
  console.log(HELP);
  process.exit(0);
}

function positive(name: string, raw: string, allowZero = false): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || (n === 0 && !allowZero)) throw new Error(`--${name}: "${raw}" is not a positive number\n\n${HELP}`);
  return n;
}
const sizes = flags.n.split(',').map((s) => Math.round(positive('n', s.trim())));
const rate = positive('rate', flags.rate);
const slowRate = positive('slow-rate', flags['slow-rate'], true);
const slowFrom = positive('slow-from', flags['slow-from']);
const seconds = positive('seconds', flags.seconds);
const voteModes: VoteMode[] =
  flags.votes === 'none'
    ? []
    : flags.votes.split(',').map((m) => {
        if (m !== 'spread' && m !== 'burst') throw new Error(`--votes: "${m}" is neither spread nor burst`);
        return m;
      });
const spreadMs = positive('spread-ms', flags['spread-ms']);
const connectBatch = Math.round(positive('batch', flags.batch));
const timeoutS = positive('timeout', flags.timeout);
const pageRuns = Math.round(positive('page-runs', flags['page-runs'], true));
const twoNodes = flags['two-nodes'];
const editRate = positive('edit-rate', flags['edit-rate'], true);
const editMaxN = positive('edit-max-n', flags['edit-max-n']);
const stormPhones = Math.round(positive('storm', flags.storm, true));
const stormSeconds = positive('storm-seconds', flags['storm-seconds']);
const outDir = resolve(REPO_ROOT, flags.out);
const pacesFor = (students: number) => (slowRate > 0 && students >= slowFrom && slowRate !== rate ? [rate, slowRate] : [rate]);

const startedAt = new Date().toISOString();
const openSockets = new Set<Client>();

function abort(reason: string, code: number): never {
  console.error(`\nbench: ${reason}; killing the server child and exiting`);
  for (const socket of openSockets) socket.disconnect();
  killAllChildren();
  process.exit(code);
}
const safety = setTimeout(() => abort(`safety timeout (${timeoutS} s, --timeout)`, 2), timeoutS * 1000);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => abort(signal, 130));

// ---- environment: fds, ports, how busy the box is ----

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
const largest = Math.max(...sizes);
// Each process (a server child and this load generator) holds one fd per socket, plus a few dozen
// of its own, plus (votes) up to a batch of keep-alive HTTP connections from the cookie fetches.
const fdsNeeded = largest + 256 + connectBatch;
const warnings: string[] = [];
const fdLimit = fdSoft === 'unlimited' ? Infinity : Number(fdSoft);
if (Number.isFinite(fdLimit) && fdLimit < fdsNeeded) {
  warnings.push(
    `open-file limit is ${fdSoft} (hard ${fdHard}); ${largest} sockets need about ${fdsNeeded} per process. ` +
      `Raise it in this shell before running: \`ulimit -n ${Math.max(fdsNeeded, 65536)}\` (at most the hard limit; ` +
      'above it: /etc/security/limits.conf, systemd LimitNOFILE=, or docker --ulimit nofile=65536:65536).',
  );
}
if (portRange !== undefined && largest + 1 > portRange) {
  warnings.push(`only ${portRange} ephemeral ports (net.ipv4.ip_local_port_range) for ${largest + 1} client sockets to one address.`);
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
if (busyAtStart > 0.15) warnings.push(`the CPUs were ${Math.round(busyAtStart * 100)} % busy before starting (load ${round(loadAtStart, 2)}): other processes are running, so absolute figures are noisy; the ratios, measured side by side, are what to read.`);

const machine: Machine = {
  node: process.version,
  cores: availableParallelism(),
  cpu: cpus()[0]?.model ?? '?',
  totalMemGiB: round(totalmem() / 2 ** 30, 1),
  openFiles: `${fdSoft ?? '?'} (hard ${fdHard ?? '?'}, need ~${fdsNeeded})`,
  loadAtStart,
  busyBeforeStart: busyAtStart,
};
const config = { n: sizes, rate, slowRate, slowFrom, seconds, votes: voteModes, spreadMs, connectBatch, editRate, editMaxN, twoNodes, stormPhones, stormSeconds, pageRuns };
console.log(`yieldroom bench — node ${machine.node}, ${machine.cores} cores (${machine.cpu}), ${machine.totalMemGiB} GiB; open files ${machine.openFiles}; ephemeral ports ${portRange ?? '?'}`);
console.log(`N ${sizes.join(', ')}; ${seconds} s of slide:set per pace (${rate}/s${slowRate > 0 ? `, and ${slowRate}/s at N ≥ ${slowFrom}` : ''}); votes: ${voteModes.join(', ') || 'none'}`);
for (const warning of warnings) console.log(`WARNING: ${warning}`);

// ---- scenarios: each against both servers, the order swapped every time ----

let turn = 0;
/** A scenario against yieldroom and the floor, in alternating order, then (with --two-nodes) yieldroom on two nodes and Redis. */
async function bothServers<T>(label: string, run: (server: ServerKind, nodes: number) => Promise<T>): Promise<Pair<T>> {
  const order = turn++ % 2 === 0 ? SERVER_KINDS : [...SERVER_KINDS].reverse();
  const variants: [Variant, ServerKind, number][] = [...order.map((server): [Variant, ServerKind, number] => [server, server, 1]), ...(twoNodes ? [['twoNodes', 'yieldroom', 2] as [Variant, ServerKind, number]] : [])];
  const pair = {} as Pair<T>;
  for (const [variant, server, nodes] of variants) {
    console.log(`▶ ${label} — ${VARIANT_NAMES[variant]}`);
    try {
      pair[variant] = { ok: true, result: await run(server, nodes) };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      console.log(`  FAILED: ${message}${/EMFILE|ENFILE/.test(message) ? ' (out of file descriptors: see the open-file limit above)' : ''}`);
      pair[variant] = { ok: false, error: message } satisfies Outcome<T>;
    }
  }
  return pair;
}

mkdirSync(outDir, { recursive: true });
const date = startedAt.slice(0, 10);
const reports: SizeReport[] = [];
for (const students of sizes) {
  const fanout = await bothServers(`${students} students, slide fan-out`, (server, nodes) =>
    runScenario({ server, nodes, students, seconds, paces: pacesFor(students), connectBatch, drainMs: 10_000 }, openSockets),
  );
  const votes =
    voteModes.length === 0
      ? null
      : await bothServers(`${students} students, votes (${voteModes.join(', ')})`, (server, nodes) =>
          runVoteScenario({ server, nodes, students, modes: voteModes, spreadMs, connectBatch, settleMs: 10_000 }, openSockets),
        );
  const predictions =
    editRate === 0 || students > editMaxN
      ? null
      : await bothServers(`${students} students, team edits (${editRate}/s each)`, (server, nodes) =>
          runPredictionScenario({ server, nodes, students, seconds, rate: editRate, connectBatch, settleMs: 10_000 }, openSockets),
        );
  const size: SizeReport = { students, fanout, votes, predictions };
  reports.push(size);
  const file = join(outDir, `${date}-${students}.json`);
  writeFileSync(file, `${JSON.stringify({ startedAt, machine, config, warnings, ...size }, null, 2)}\n`);
  console.log(`  wrote ${relative(REPO_ROOT, file)}`);
}

const bundles = measureBundles(REPO_ROOT, ['r/[code]', 'present/[code]']);
let joinStorm: JoinStormReport | undefined;
if (stormPhones > 0) {
  console.log(`▶ join storm: ${stormPhones} phones load the student page within ${stormSeconds} s`);
  joinStorm = await measureJoinStorm(REPO_ROOT, stormPhones, stormSeconds * 1000);
  writeFileSync(join(outDir, `${date}-join-storm.json`), `${JSON.stringify({ startedAt, machine, ...joinStorm }, null, 2)}\n`);
}
let firstSlide: FirstSlideReport | undefined;
if (pageRuns > 0) {
  console.log(`▶ first slide on a throttled phone, ${pageRuns} cold runs`);
  firstSlide = await measureFirstSlide(REPO_ROOT, pageRuns);
  writeFileSync(join(outDir, `${date}-first-slide.json`), `${JSON.stringify({ startedAt, machine, ...firstSlide }, null, 2)}\n`);
}
const summary = markdownSummary({ startedAt, machine, config, sizes: reports, warnings, bundles, joinStorm, firstSlide });
const summaryFile = join(outDir, `${date}.md`);
const chartFile = join(outDir, `${date}-p99.svg`);
writeFileSync(summaryFile, `${summary}\n![p99 against N](${date}-p99.svg)\n`);
writeFileSync(chartFile, p99Chart(reports, machine));
console.log(`\n${summary}`);
console.log(`wrote ${relative(REPO_ROOT, summaryFile)} and ${relative(REPO_ROOT, chartFile)}`);

clearTimeout(safety);
killAllChildren();
// A failed scenario, a lost message or vote, or a tally that is not exact fails the run.
process.exit(reports.every((size) => VARIANTS.every((variant) => correctness(size, variant).length === 0)) ? 0 : 1);
