import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { phone, phoneContext, slideOf } from './helpers';

// A second server of our own (the suite's web server keeps running), so this test can kill it.
const PORT = Number(process.env.E2E_RESTART_PORT ?? 3219);
const BASE = `http://localhost:${PORT}`;
const dataDir = mkdtempSync(join(tmpdir(), 'yieldroom-restart-'));

async function startServer(): Promise<ChildProcess> {
  const child = spawn('npx', ['tsx', 'scripts/start.ts'], { env: { ...process.env, PORT: String(PORT), HOST: '127.0.0.1', DATA_DIR: dataDir, PUBLIC_URL: BASE }, stdio: 'ignore', detached: true });
  await expect.poll(() => fetch(`${BASE}/healthz`).then((r) => r.ok, () => false), { timeout: 60_000 }).toBe(true);
  return child;
}

async function stopServer(child: ChildProcess) {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid!, 'SIGTERM');
  await exited;
}

test('a phone rides out a server restart: it shows the outage, reconnects and catches up by itself', async ({ browser }) => {
  test.setTimeout(120_000);
  let server = await startServer();
  try {
    const room = await (await fetch(`${BASE}/api/rooms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ deckId: 'welcome' }) })).json();
    const laptop = await browser.newContext({ baseURL: BASE });
    await laptop.addInitScript(([code, secret]) => localStorage.setItem(`yieldroom:presenter:${code}`, secret), [room.code, room.presenterSecret]);
    const speaker = await laptop.newPage();
    await speaker.goto(`/present/${room.code}/speaker`);
    await expect(speaker.getByTestId('notes')).toContainText('Greet the room');
    const pixel = await phone(browser, 'Pixel 7', room.code, BASE);
    await expect(slideOf(pixel)).toContainText('Welcome to yieldroom');

    await stopServer(server);
    await expect(pixel.getByTestId('connection')).toHaveAttribute('data-status', 'reconnecting');
    await expect(speaker.getByTestId('speaker-connection')).toHaveAttribute('data-status', 'reconnecting');
    server = await startServer();
    await expect(pixel.getByTestId('connection')).toHaveAttribute('data-status', 'live', { timeout: 30_000 });
    await expect(speaker.getByTestId('speaker-connection')).toHaveAttribute('data-status', 'live', { timeout: 30_000 });
    await speaker.getByRole('button', { name: 'Forward' }).click();
    await expect(slideOf(pixel)).toContainText('How it works');

    // Missed broadcasts (a flaky network): the phone sees a version gap and catches up from a snapshot.
    let dropping = true;
    const asked: string[] = [];
    const flaky = await (await phoneContext(browser, 'iPhone 14')).newPage();
    await flaky.routeWebSocket(/socket\.io/, (ws) => {
      const server = ws.connectToServer();
      server.onMessage((message) => {
        if (!(dropping && String(message).includes('"room:state"'))) ws.send(message);
      });
      ws.onMessage((message) => {
        asked.push(String(message));
        server.send(message);
      });
    });
    await flaky.goto(`${BASE}/r/${room.code}`);
    await expect(slideOf(flaky)).toContainText('How it works');
    for (let i = 0; i < 4; i++) await speaker.getByRole('button', { name: 'Forward' }).click();
    await expect(speaker.getByTestId('notes')).toContainText('Show the Back to live button');
    await expect(slideOf(pixel)).toContainText('Browse back');
    await expect(slideOf(flaky)).toContainText('How it works');
    dropping = false;
    const askedBefore = asked.filter((m) => m.includes('"room:snapshot"')).length;
    await speaker.getByRole('button', { name: 'Forward' }).click();
    await expect(slideOf(pixel)).toContainText('Code, one line at a time');
    await expect(slideOf(flaky)).toContainText('Code, one line at a time');
    // It got there by asking for a snapshot, not by trusting a broadcast that skipped versions.
    expect(asked.filter((m) => m.includes('"room:snapshot"')).length).toBe(askedBefore + 1);
  } finally {
    await stopServer(server);
  }
});
