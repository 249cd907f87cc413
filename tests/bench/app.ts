/** The production app (Next + server, from the build in .next/) in a child process, for the page scenarios. */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PublicDeck } from '../../server/decks/types';
import type { RunningServer } from '../../server/app';
import type { Client } from '../support/server';
import { connectClient, join as joinRoom, request } from '../support/server';

export const hasBuild = (repoRoot: string) => existsSync(join(repoRoot, '.next/BUILD_ID'));
export const NO_BUILD = 'no production build in .next/: run `npm run build` first';

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
    probe.once('error', reject);
  });

/** `npm start` on a free port with its own data dir (BENCH_CPU_PROF=dir profiles it, as the bench's servers); `env` adds settings (e.g. lifted per-address caps). */
export async function startProductionApp(repoRoot: string, env: Record<string, string> = {}) {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'yieldroom-bench-app-'));
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const app = spawn(process.execPath, ['--import', 'tsx', ...profile, 'scripts/start.ts'], {
    cwd: repoRoot,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, PUBLIC_URL: `http://localhost:${port}`, NEXT_TELEMETRY_DISABLED: '1', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const stop = () => {
    app.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await new Promise<void>((resolve, reject) => {
      app.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('is live') && resolve());
      app.once('exit', (code) => reject(new Error(`the app exited (${code}) before it was live`)));
    });
  } catch (error) {
    stop();
    throw error;
  }
  return { url: `http://localhost:${port}`, pid: app.pid!, stop };
}

const headingText = (html: string) => /<h[12][^>]*>([\s\S]*?)<\/h[12]>/.exec(html)?.[1]?.replace(/<[^>]+>/g, '').trim() ?? '';

/** A room of the largest deck (the talk), its presenter on a content slide a third of the way in, as when a phone joins late. */
export async function talkRoomOnContentSlide(url: string): Promise<{ url: string; code: string; heading: string; presenter: Client }> {
  const decks = (await (await fetch(`${url}/api/decks`)).json()) as { id: string; slides: number }[];
  const talk = decks.reduce((a, b) => (b.slides > a.slides ? b : a));
  const room = (await (await fetch(`${url}/api/rooms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ deckId: talk.id }) })).json()) as { code: string; presenterSecret: string };
  const deck = (await (await fetch(`${url}/api/rooms/${room.code}/deck`)).json()) as PublicDeck;
  const order = deck.stacks.flatMap((stack, h) => stack.map((slide, v) => ({ h, v, heading: headingText(slide.html) }))).filter((s) => s.heading);
  const target = order[Math.floor(order.length / 3)]!;
  const presenter = await connectClient({ url } as RunningServer);
  await joinRoom(presenter, room.code, room.presenterSecret);
  const moved = await request(presenter, 'slide:set', { h: target.h, v: target.v, f: -1 });
  if (!moved.ok) throw new Error(`slide:set refused: ${moved.error.code}`);
  return { url, code: room.code, heading: target.heading, presenter };
}
