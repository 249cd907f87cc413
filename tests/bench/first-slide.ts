/**
 * First slide on a phone: the production app (Next + server, from the build in .next/) and the
 * talk's room on a content slide; Chromium as a Pixel 7 on slow 4G (150 ms RTT, 1.6 Mbit/s down,
 * 750 kbit/s up) with its CPU slowed 4×, each run a cold context (nothing cached). Times from
 * navigation start, read by the page's own clock: until the live slide's heading is visible (the
 * server renders it into the HTML), and until the page is live (its script loaded, the deck
 * fetched, the socket joined) — the second is what a phone waited for the slide before. And the
 * browser's largest-contentful-paint, which counts only what was painted.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, devices } from '@playwright/test';
import type { Browser } from '@playwright/test';
import type { PublicDeck } from '../../server/decks/types';
import { connectClient, join as joinRoom, request } from '../support/server';
import type { RunningServer } from '../../server/app';
import { summarize } from './stats';
import type { Summary } from './stats';

export type FirstSlideReport =
  | { ok: true; runs: number; slide: string; htmlBytes: number; headingVisibleMs: Summary; largestPaintMs: Summary; liveMs: Summary; network: string; cpuSlowdown: number }
  | { ok: false; message: string };

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const SLOW_4G = { offline: false, latency: 150, downloadThroughput: (1.6 * 1024 * 1024) / 8, uploadThroughput: (750 * 1024) / 8 };
const CPU_SLOWDOWN = 4;

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
    probe.once('error', reject);
  });

const headingText = (html: string) => /<h[12][^>]*>([\s\S]*?)<\/h[12]>/.exec(html)?.[1]?.replace(/<[^>]+>/g, '').trim() ?? '';

export async function measureFirstSlide(repoRoot: string, runs: number): Promise<FirstSlideReport> {
  if (!existsSync(join(repoRoot, '.next/BUILD_ID'))) return { ok: false, message: 'no production build in .next/: run `npm run build` first' };
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'yieldroom-first-slide-'));
  const app = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: repoRoot,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, PUBLIC_URL: `http://localhost:${port}`, NEXT_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let browser: Browser | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      app.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('is live') && resolve());
      app.once('exit', (code) => reject(new Error(`the app exited (${code}) before it was live`)));
    });
    const url = `http://localhost:${port}`;
    const decks = (await (await fetch(`${url}/api/decks`)).json()) as { id: string; slides: number }[];
    const talk = decks.reduce((a, b) => (b.slides > a.slides ? b : a));
    const room = (await (await fetch(`${url}/api/rooms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ deckId: talk.id }) })).json()) as { code: string; presenterSecret: string };
    const deck = (await (await fetch(`${url}/api/rooms/${room.code}/deck`)).json()) as PublicDeck;
    // A content slide a third of the way in, as when a phone joins late.
    const order = deck.stacks.flatMap((stack, h) => stack.map((slide, v) => ({ h, v, heading: headingText(slide.html) }))).filter((s) => s.heading);
    const target = order[Math.floor(order.length / 3)]!;
    const presenter = await connectClient({ url } as RunningServer);
    await joinRoom(presenter, room.code, room.presenterSecret);
    const moved = await request(presenter, 'slide:set', { h: target.h, v: target.v, f: -1 });
    if (!moved.ok) throw new Error(`slide:set refused: ${moved.error.code}`);
    const htmlBytes = Buffer.byteLength(await (await fetch(`${url}/r/${room.code}`)).text());

    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
    const { defaultBrowserType: _webkit, ...pixel } = devices['Pixel 7'];
    const heading: number[] = [];
    const live: number[] = [];
    const largestPaint: number[] = [];
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext(pixel);
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', SLOW_4G);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
      await page.goto(`${url}/r/${room.code}`, { waitUntil: 'commit' });
      // Each time is the page's own performance.now() at the first animation frame the condition held.
      const shown = page.waitForFunction(
        (text) => [...document.querySelectorAll('main.phone-slide :is(h1,h2)')].some((h) => h.checkVisibility() && h.textContent?.trim() === text) && performance.now(),
        target.heading,
        { polling: 'raf', timeout: 60_000 },
      );
      const joined = page.waitForFunction(() => document.querySelector('[data-testid=connection][data-status=live]') !== null && performance.now(), undefined, { polling: 'raf', timeout: 60_000 });
      heading.push((await (await shown).jsonValue()) as number);
      live.push((await (await joined).jsonValue()) as number);
      largestPaint.push(
        await page.evaluate(
          () => new Promise<number>((resolve) => new PerformanceObserver((list) => resolve(list.getEntries().at(-1)?.startTime ?? NaN)).observe({ type: 'largest-contentful-paint', buffered: true })),
        ),
      );
      await context.close();
    }
    presenter.disconnect();
    return { ok: true, runs, slide: target.heading, htmlBytes, headingVisibleMs: summarize(heading), largestPaintMs: summarize(largestPaint), liveMs: summarize(live), network: '150 ms RTT, 1.6 Mbit/s down, 750 kbit/s up', cpuSlowdown: CPU_SLOWDOWN };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  } finally {
    await browser?.close();
    app.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// `tsx tests/bench/first-slide.ts [runs]` measures on its own.
if (process.argv[1] === import.meta.filename) {
  console.log(JSON.stringify(await measureFirstSlide(join(import.meta.dirname, '../..'), Number(process.argv[2] ?? 5)), null, 2));
}
