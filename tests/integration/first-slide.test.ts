import { afterEach, describe, expect, it } from 'vitest';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RunningServer } from '../../server/app';
import { FIRST_SLIDE_HEADER, decodeFirstSlide, encodeFirstSlide } from '../../server/protocol/first-slide';
import type { Client } from '../support/server';
import { connectClient, createRoom, join, request, startServer, tempDataDir } from '../support/server';

/** Stands in for Next's page: answers with the first slide the server handed the request. */
const pageReportingFirstSlide = {
  handle: (req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ firstSlide: decodeFirstSlide(req.headers[FIRST_SLIDE_HEADER] as string | undefined) ?? null }));
  },
};

let server: RunningServer;
const sockets: Client[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.disconnect();
  await server?.close();
}, 30_000);

async function pageSees(path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${server.url}${path}`, { headers });
  return ((await res.json()) as { firstSlide: unknown }).firstSlide;
}

describe('the live slide in the phone page’s HTML', () => {
  it('hands the page the live slide with the fragments shown so far marked, and no notes', async () => {
    server = await startServer(tempDataDir(), { web: pageReportingFirstSlide });
    const { code, presenterSecret } = await createRoom(server);
    const presenter = await connectClient(server);
    sockets.push(presenter);
    await join(presenter, code, presenterSecret);
    expect((await request(presenter, 'slide:set', { h: 1, v: 0, f: 0 })).ok).toBe(true);

    const seen = (await pageSees(`/r/${code.toLowerCase()}`)) as { html: string };
    const deck = (await (await fetch(`${server.url}/api/rooms/${code}/deck`)).json()) as { stacks: unknown[][] };
    expect(seen).toStrictEqual({ h: 1, v: 0, f: 0, index: 1, total: deck.stacks.flat().length, html: expect.any(String) });
    expect(deck.stacks.flat().length).toBeGreaterThan(deck.stacks.length);
    expect(seen.html).toContain('Fragments');
    expect(seen.html.match(/data-fragment-index="\d+"( data-shown)?/g)).toEqual(['data-fragment-index="0" data-shown', 'data-fragment-index="1"']);
    expect(seen.html).not.toContain('Step through both');

    expect((await request(presenter, 'slide:set', { h: 1, v: 1, f: -1 })).ok).toBe(true);
    expect(await pageSees(`/r/${code}?from=qr`)).toMatchObject({ h: 1, v: 1, index: 2 });
    expect(await pageSees(`/r/${code}/print`)).toBeNull();

    // A slide with a class of its own hands the page that class too.
    expect((await request(presenter, 'slide:set', { h: 2, v: 0, f: -1 })).ok).toBe(true);
    expect(await pageSees(`/r/${code}`)).toMatchObject({ h: 2, v: 0, className: 'dark', html: expect.stringContaining('Code steps') });
  });

  it('ignores a first slide a client sends itself, and hands none for an unknown code, counting it as a wrong guess', async () => {
    server = await startServer(tempDataDir(), { web: pageReportingFirstSlide, limits: { joinGuessesPerAddressPerMinute: 3 } });
    const { code } = await createRoom(server);
    const forged = { [FIRST_SLIDE_HEADER]: encodeFirstSlide({ h: 0, v: 0, f: -1, index: 0, total: 1, html: '<img src=x onerror=alert(1)>' }) };
    expect(await pageSees('/r/ZZZZZZ', forged)).toBeNull();
    expect(await pageSees('/', forged)).toBeNull();
    expect(await pageSees(`/r/${code}`, forged)).toMatchObject({ h: 0, v: 0, html: expect.stringContaining('Demo deck') });

    // Three wrong codes (one above, one not even a code's shape) spend the address's guesses: the real room is no longer shown either.
    await pageSees('/r/ZZZZZY');
    expect(await pageSees('/r/not-a-code')).toBeNull();
    expect(await pageSees(`/r/${code}`)).toBeNull();
    const res = await fetch(`${server.url}/api/rooms/${code}`);
    expect(res.status).toBe(429);
  });
});
