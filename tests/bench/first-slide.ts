/**
 * First slide on a phone: the production app (Next + server, from the build in .next/) and the
 * talk's room on a content slide; Chromium as a Pixel 7 on slow 4G (150 ms RTT, 1.6 Mbit/s down,
 * 750 kbit/s up) with its CPU slowed 4×, each run a cold context (nothing cached). Times from
 * navigation start, read by the page's own clock: until the live slide's heading is visible (the
 * server renders it into the HTML), and until the page is live (its script loaded, the deck
 * fetched, the socket joined) — the second is what a phone waited for the slide before. And the
 * browser's largest-contentful-paint, which counts only what was painted.
 */
import { join } from 'node:path';
import { chromium, devices } from '@playwright/test';
import type { Browser } from '@playwright/test';
import { NO_BUILD, hasBuild, startProductionApp, talkRoomOnContentSlide } from './app';
import { summarize } from './stats';
import type { Summary } from './stats';

export type FirstSlideReport =
  | { ok: true; runs: number; slide: string; htmlBytes: number; headingVisibleMs: Summary; largestPaintMs: Summary; liveMs: Summary; network: string; cpuSlowdown: number }
  | { ok: false; message: string };

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const SLOW_4G = { offline: false, latency: 150, downloadThroughput: (1.6 * 1024 * 1024) / 8, uploadThroughput: (750 * 1024) / 8 };
const CPU_SLOWDOWN = 4;

export async function measureFirstSlide(repoRoot: string, runs: number): Promise<FirstSlideReport> {
  if (!hasBuild(repoRoot)) return { ok: false, message: NO_BUILD };
  const app = await startProductionApp(repoRoot);
  let browser: Browser | undefined;
  try {
    const { url, code, heading: slideHeading, presenter } = await talkRoomOnContentSlide(app.url);
    const htmlBytes = Buffer.byteLength(await (await fetch(`${url}/r/${code}`)).text());

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
      await page.goto(`${url}/r/${code}`, { waitUntil: 'commit' });
      // Each time is the page's own performance.now() at the first animation frame the condition held.
      const shown = page.waitForFunction(
        (text) => [...document.querySelectorAll('main.phone-slide :is(h1,h2)')].some((h) => h.checkVisibility() && h.textContent?.trim() === text) && performance.now(),
        slideHeading,
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
    return { ok: true, runs, slide: slideHeading, htmlBytes, headingVisibleMs: summarize(heading), largestPaintMs: summarize(largestPaint), liveMs: summarize(live), network: '150 ms RTT, 1.6 Mbit/s down, 750 kbit/s up', cpuSlowdown: CPU_SLOWDOWN };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  } finally {
    await browser?.close();
    app.stop();
  }
}

// `tsx tests/bench/first-slide.ts [runs]` measures on its own.
if (process.argv[1] === import.meta.filename) {
  console.log(JSON.stringify(await measureFirstSlide(join(import.meta.dirname, '../..'), Number(process.argv[2] ?? 5)), null, 2));
}
