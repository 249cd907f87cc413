import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { FromServer, PortLine, ServerStats, ToServer } from './ipc';
import type { RunningServer } from '../../server/app';
import { startRedis } from '../support/redis';
import type { TestRedis } from '../support/redis';

/** Which server a scenario runs against: the real one, or bare socket.io speaking the same minimal protocol. */
export type ServerKind = 'yieldroom' | 'floor';
export const SERVER_KINDS: readonly ServerKind[] = ['yieldroom', 'floor'];
const ENTRIES: Record<ServerKind, string> = {
  yieldroom: join(import.meta.dirname, 'server-entry.ts'),
  floor: join(import.meta.dirname, 'floor-entry.ts'),
};
const REPO_ROOT = join(import.meta.dirname, '../..');

/** Every child still alive, so the safety timeout and signal handlers can kill them. */
export const liveChildren = new Set<ChildProcess>();

/** The Redis servers of running two-node groups, killed with the children on an abort. */
const liveRedis = new Set<TestRedis>();

export function killAllChildren() {
  for (const child of liveChildren) child.kill('SIGKILL');
  liveChildren.clear();
  for (const redis of liveRedis) void redis.kill();
  liveRedis.clear();
}

export type ServerChild = {
  url: string;
  port: number;
  pid: number;
  stats: (options: { gc: boolean; reset: boolean }) => Promise<ServerStats>;
  stop: () => Promise<void>;
};

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Forks the server (its entry under tsx) and waits for its port line. */
export async function startServerChild(kind: ServerKind, env: Record<string, string> = {}): Promise<ServerChild> {
  const child = fork(ENTRIES[kind], [], {
    cwd: REPO_ROOT,
    // BENCH_CPU_PROF=dir: a V8 CPU profile of the server per scenario (open in Chrome DevTools).
    execArgv: ['--import', 'tsx', '--expose-gc', ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [])],
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    env: { ...process.env, NODE_ENV: 'production', ...env },
  });
  liveChildren.add(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  void exited.then(() => liveChildren.delete(child));

  const pending = new Map<number, (stats: ServerStats) => void>();
  let nextId = 1;
  child.on('message', (raw) => {
    const msg = raw as FromServer;
    if (msg.type === 'stats') pending.get(msg.id)?.(msg.stats);
    pending.delete(msg.id);
  });

  const lines = createInterface({ input: child.stdout! });
  const port = await withTimeout(
    new Promise<number>((resolve, reject) => {
      let first = true;
      lines.on('line', (line) => {
        if (!first) return void console.log(`[server] ${line}`);
        first = false;
        try {
          resolve((JSON.parse(line) as PortLine).port);
        } catch {
          reject(new Error(`server child printed "${line}" instead of its port`));
        }
      });
      void exited.then((code) => reject(new Error(`server child exited (${code}) before listening`)));
    }),
    30_000,
    'server child start',
  ).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });

  const send = (msg: ToServer) => child.send(msg);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid ?? -1,
    stats: ({ gc, reset }) => {
      const id = nextId++;
      const answer = new Promise<ServerStats>((resolve) => pending.set(id, resolve));
      send({ type: 'stats', id, gc, reset });
      return withTimeout(answer, 15_000, 'server stats');
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      if (child.connected) send({ type: 'stop' });
      await withTimeout(exited, 10_000, 'server child stop').catch(() => child.kill('SIGKILL'));
      lines.close();
    },
  };
}

/**
 * One server, or `nodes` yieldroom servers sharing a Redis of their own (the two-node variant):
 * the presenter joins the first node (`url`), student i node i % nodes, so each carries an equal
 * share; stats add up the nodes' CPU, memory and sockets and take the worst loop lag.
 */
export type ServerGroup = ServerChild & { nodes: number; node: (student: number) => RunningServer };

export async function startServers(kind: ServerKind, nodes: number, env: Record<string, string> = {}): Promise<ServerGroup> {
  const asServer = (c: ServerChild) => ({ url: c.url, port: c.port }) as RunningServer;
  if (nodes === 1) {
    const child = await startServerChild(kind, env);
    return { ...child, nodes, node: () => asServer(child) };
  }
  if (kind !== 'yieldroom') throw new Error('only yieldroom runs on several nodes');
  const redis = await startRedis();
  liveRedis.add(redis);
  const children: ServerChild[] = [];
  try {
    for (let i = 0; i < nodes; i++) children.push(await startServerChild(kind, { ...env, BENCH_REDIS_URL: redis.url }));
  } catch (error) {
    await Promise.all(children.map((c) => c.stop()));
    await redis.stop();
    liveRedis.delete(redis);
    throw error;
  }
  const servers = children.map(asServer);
  return {
    ...children[0]!,
    nodes,
    node: (student) => servers[student % nodes]!,
    async stats(options) {
      const all = await Promise.all(children.map((c) => c.stats(options)));
      const sum = (key: keyof ServerStats) => all.reduce((total, s) => total + s[key], 0);
      const max = (key: keyof ServerStats) => Math.max(...all.map((s) => s[key]));
      return {
        rss: sum('rss'),
        heapUsed: sum('heapUsed'),
        external: sum('external'),
        sockets: sum('sockets'),
        windowMs: max('windowMs'),
        cpuMs: sum('cpuMs'),
        elu: sum('elu') / all.length,
        mainCpuMs: sum('mainCpuMs'),
        runqWaitMs: sum('runqWaitMs'),
        lagP50Ms: max('lagP50Ms'),
        lagP99Ms: max('lagP99Ms'),
        lagMaxMs: max('lagMaxMs'),
      };
    },
    async stop() {
      await Promise.all(children.map((c) => c.stop()));
      await redis.stop();
      liveRedis.delete(redis);
    },
  };
}
