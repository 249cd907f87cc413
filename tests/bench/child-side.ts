/**
 * The child side of the benchmark's server contract (see child.ts), shared by the real server
 * (server-entry.ts) and the bare socket.io floor (floor-entry.ts): prints `{"port": N}` on stdout
 * once listening, answers `stats` over IPC (memory, CPU, event-loop use and lag since the last
 * reset), and exits on `stop` or when the parent goes away.
 */
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { FromServer, PortLine, ServerStats, ToServer } from './ipc';

export type BenchServer = {
  port: number;
  /** engine.io clients currently connected. */
  sockets: () => number;
  close: () => Promise<void>;
};

const LAG_RESOLUTION_MS = 10;

/** The main thread's on-CPU and run-queue wait time so far (ms), from /proc/self/schedstat (the thread-group leader). */
function schedstat(): { cpuMs: number; waitMs: number } {
  try {
    const [cpuNs, waitNs] = readFileSync('/proc/self/schedstat', 'utf8').trim().split(/\s+/).map(Number);
    return { cpuMs: (cpuNs ?? NaN) / 1e6, waitMs: (waitNs ?? NaN) / 1e6 };
  } catch {
    return { cpuMs: NaN, waitMs: NaN };
  }
}

/** The histogram records the time between timer ticks (ns), so an idle loop reads the resolution. */
const lagMs = (ns: number) => Math.max(0, ns / 1e6 - LAG_RESOLUTION_MS);

export function serveBenchChild(server: BenchServer, cleanup: () => void = () => undefined) {
  const lag = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
  lag.enable();
  let windowStart = performance.now();
  let cpuStart = process.cpuUsage();
  let eluStart = performance.eventLoopUtilization();
  let schedStart = schedstat();

  function stats(collect: boolean, reset: boolean): ServerStats {
    if (collect) globalThis.gc?.();
    const memory = process.memoryUsage();
    const cpu = process.cpuUsage(cpuStart);
    const sched = schedstat();
    const result: ServerStats = {
      rss: memory.rss,
      heapUsed: memory.heapUsed,
      external: memory.external,
      sockets: server.sockets(),
      windowMs: performance.now() - windowStart,
      cpuMs: (cpu.user + cpu.system) / 1000,
      elu: performance.eventLoopUtilization(eluStart).utilization,
      mainCpuMs: sched.cpuMs - schedStart.cpuMs,
      runqWaitMs: sched.waitMs - schedStart.waitMs,
      lagP50Ms: lagMs(lag.percentile(50)),
      lagP99Ms: lagMs(lag.percentile(99)),
      lagMaxMs: lagMs(lag.max),
    };
    if (reset) {
      windowStart = performance.now();
      cpuStart = process.cpuUsage();
      eluStart = performance.eventLoopUtilization();
      schedStart = sched;
      lag.reset();
    }
    return result;
  }

  let stopping = false;
  async function stop(code: number) {
    if (stopping) return;
    stopping = true;
    lag.disable();
    // A close with thousands of sockets can stall; never let it keep the process alive.
    setTimeout(() => process.exit(code), 5_000).unref();
    try {
      await server.close();
    } finally {
      cleanup();
      process.exit(code);
    }
  }

  process.on('message', (raw) => {
    const msg = raw as ToServer;
    if (msg.type === 'stop') return void stop(0);
    if (msg.type === 'stats') {
      const reply: FromServer = { type: 'stats', id: msg.id, stats: stats(msg.gc, msg.reset) };
      process.send?.(reply);
    }
  });
  process.on('disconnect', () => void stop(1));

  const line: PortLine = { port: server.port };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}
