import { describe, expect, it } from 'vitest';
import { exited, freePort, killSession, startProcess } from '../support/kill-session';
import { connectClient, join, request, tempDataDir } from '../support/server';
import type { RunningServer } from '../../server/app';

describe('a server killed mid-lecture', () => {
  it('loses nothing it acked across 5 SIGKILLs: votes, sheet edits and the slide, and every phone comes back on the presenter’s slide', async () => {
    const figures = await killSession({ kills: 5, students: 50 });
    expect(figures).toMatchObject({ kills: 5, lostVotes: 0, doubledVotes: 0, lostEdits: 0, offSlide: 0, cutOff: 0 });
    expect(figures.ackedVotes).toBeGreaterThan(0);
    expect(figures.ackedEdits).toBeGreaterThan(0);
  }, 120_000);

  it('exits 0 on a SIGTERM, closing its phones’ sockets, and what it acked is there when it starts again', async () => {
    const dataDir = tempDataDir();
    const port = await freePort();
    let child = await startProcess(dataDir, port);
    const url = `http://127.0.0.1:${port}`;
    const room = (await (await fetch(`${url}/api/rooms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ deckId: 'lecture' }) })).json()) as { code: string; presenterSecret: string };
    const server = { url } as RunningServer;
    const presenter = await connectClient(server);
    await join(presenter, room.code, room.presenterSecret);
    expect(await request(presenter, 'slide:set', { h: 2, v: 0, f: -1 })).toMatchObject({ ok: true });
    // The server closes its sockets rather than waiting for the phones to leave.
    const closed = new Promise((resolve) => presenter.once('disconnect', resolve));
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
    await closed;
    presenter.disconnect();
    child = await startProcess(dataDir, port);
    const again = await connectClient(server);
    expect((await join(again, room.code, room.presenterSecret)).snapshot.slide).toEqual({ h: 2, v: 0, f: -1 });
    again.disconnect();
    child.kill('SIGKILL');
    await exited(child);
  }, 60_000);
});
