import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort } from './kill-session';
import { tempDataDir } from './server';

/** A real redis-server of the test's own on a free port: memory only, or with an fsynced AOF when a test kills it. */
export type TestRedis = { url: string; port: number; kill: () => Promise<void>; start: () => Promise<void>; stop: () => Promise<void> };

export async function startRedis({ durable = false } = {}): Promise<TestRedis> {
  const port = await freePort();
  const dir = tempDataDir();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', ...(durable ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'])];
  let child: ChildProcess | undefined;
  const url = `redis://127.0.0.1:${port}`;
  const start = async () => {
    child = spawn('redis-server', args, { stdio: 'ignore' });
    for (let i = 0; i < 200; i++) {
      const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      probe.on('error', () => undefined);
      try {
        await probe.connect();
        await probe.ping();
        probe.disconnect();
        return;
      } catch {
        probe.disconnect();
        await new Promise((r) => setTimeout(r, 25));
      }
    }
    throw new Error('redis-server did not start');
  };
  const ended = (signal: NodeJS.Signals) => async () => {
    const running = child;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill(signal);
    await exited;
  };
  await start();
  return { url, port, kill: ended('SIGKILL'), start, stop: ended('SIGTERM') };
}
