/**
 * The phone page rendered once per page and live slide: every phone on that slide gets the same
 * HTML from memory, compressed once, with its own cookie and headers.
 */
import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Writable } from 'node:stream';
import { createGzip, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/app';
import { createPageCache } from '../../server/http/page-cache';
import { FIRST_SLIDE_HEADER, decodeFirstSlide } from '../../server/protocol/first-slide';
import type { Client } from '../support/server';
import { connectClient, createRoom, join, request, startServer, tempDataDir } from '../support/server';

let http: Server | undefined;
let server: RunningServer | undefined;
const sockets: Client[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.disconnect();
  await server?.close();
  server = undefined;
  http?.closeAllConnections();
  await new Promise((resolve) => (http ? http.close(resolve) : resolve(undefined)));
  http = undefined;
}, 30_000);

/** A plain HTTP server whose every request goes through one page cache, with a page that can be held mid-render. */
async function cachedPageServer(page: (req: IncomingMessage, res: ServerResponse) => Promise<void>) {
  const servePage = createPageCache(2);
  const arrivals: (() => void)[] = [];
  let arrived = 0;
  http = createHttpServer((req, res) => {
    arrived += 1;
    arrivals.splice(0).forEach((notify) => notify());
    void servePage(req, res, req.url!, () => page(req, res));
  });
  await new Promise<void>((resolve) => http!.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const arrivedCount = async (n: number) => {
    while (arrived < n) await new Promise<void>((resolve) => arrivals.push(resolve));
  };
  return { url, arrivedCount };
}

/** Where a page writes its body: gzipped, with its header, when the request accepts gzip (as Next's compression does). */
function gzipWhenAccepted(req: IncomingMessage, res: ServerResponse): Writable {
  if (!String(req.headers['accept-encoding'] ?? '').includes('gzip')) return res;
  res.setHeader('content-encoding', 'gzip');
  const gzip = createGzip();
  gzip.pipe(res);
  return gzip;
}

describe('the page cache', () => {
  it('renders a page once however many ask at once: the others wait for that render and get it compressed', async () => {
    let renders = 0;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const { url, arrivedCount } = await cachedPageServer(async (req, res) => {
      renders += 1;
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.setHeader('cache-control', 'private, no-store');
      // Like Next: gzipped for a browser that accepts it (the cache asks for it plain), written in bytes and strings, ended without a chunk.
      const body = gzipWhenAccepted(req, res);
      body.write(Buffer.from('<html><body>'));
      body.write('3c68313e', 'hex');
      body.write('Slide ');
      await held;
      body.write(`${renders}</h1></body></html>`);
      body.end();
    });
    const first = fetch(`${url}/r/ROOM22`, { headers: { 'accept-encoding': 'gzip, br' } });
    const others = [fetch(`${url}/r/ROOM22`, { headers: { 'accept-encoding': 'br' } }), fetch(`${url}/r/ROOM22`, { headers: { 'accept-encoding': 'gzip' } })];
    await arrivedCount(3);
    release();
    const [a, b, c] = await Promise.all([first, ...others]);
    expect(renders).toBe(1);
    // The first phone gets the render as it streams, uncompressed; the others the kept copy.
    expect([a!.headers.get('content-encoding'), b!.headers.get('content-encoding'), c!.headers.get('content-encoding')]).toEqual([null, 'br', 'gzip']);
    const bodies = await Promise.all([a!.text(), b!.text(), c!.text()]);
    expect(bodies).toEqual(Array(3).fill('<html><body><h1>Slide 1</h1></body></html>'));
    expect(b!.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(b!.headers.get('cache-control')).toBe('private, no-store');
    expect(b!.headers.get('vary')).toBe('accept-encoding');
  });

  it('keeps only whole HTML pages: an error, another type or an interrupted render is rendered again', async () => {
    const renders: string[] = [];
    const { url } = await cachedPageServer(async (req, res) => {
      renders.push(req.url!);
      const failing = req.url === '/fails' && renders.filter((r) => r === '/fails').length === 1;
      if (req.url === '/cut') return void res.socket?.destroy();
      if (req.url === '/gzipped') return void res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip' }).end(gzipSync('ok'));
      res.writeHead(failing ? 500 : 200, req.url === '/untyped' ? {} : { 'content-type': req.url === '/json' ? 'application/json' : 'text/html' });
      res.end(failing ? 'oops' : 'ok');
    });
    expect((await fetch(`${url}/fails`)).status).toBe(500);
    expect((await fetch(`${url}/fails`)).status).toBe(200);
    expect((await fetch(`${url}/fails`)).status).toBe(200);
    for (const path of ['/json', '/json', '/untyped', '/untyped']) expect(await (await fetch(`${url}${path}`)).text()).toBe('ok');
    for (const path of ['/gzipped', '/gzipped']) expect(await (await fetch(`${url}${path}`)).text()).toBe('ok');
    await expect(fetch(`${url}/cut`)).rejects.toThrow();
    await expect(fetch(`${url}/cut`)).rejects.toThrow();
    expect(renders).toEqual(['/fails', '/fails', '/json', '/json', '/untyped', '/untyped', '/gzipped', '/gzipped', '/cut', '/cut']);
  });

  it('keeps a bounded number of pages, forgetting the oldest', async () => {
    const renders: string[] = [];
    const { url } = await cachedPageServer(async (req, res) => {
      renders.push(req.url!);
      res.writeHead(200, { 'content-type': 'text/html' }).end(req.url);
    });
    for (const path of ['/a', '/b', '/a', '/c', '/b', '/a']) expect(await (await fetch(`${url}${path}`)).text()).toBe(path);
    // Capacity 2: /c pushes out /a, then /a pushes out /b.
    expect(renders).toEqual(['/a', '/b', '/c', '/a']);
  });
});

describe('the phone page in the server', () => {
  /** Stands in for Next's page: HTML showing the slide the server handed it, counting its renders. */
  function stubPage() {
    const renders: string[] = [];
    return {
      renders,
      web: {
        handle: (req: IncomingMessage, res: ServerResponse) => {
          renders.push(req.url!);
          const slide = decodeFirstSlide(req.headers[FIRST_SLIDE_HEADER] as string | undefined);
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
          res.end(`<main>${slide ? `slide ${slide.index}` : 'joining'}</main>`);
        },
      },
    };
  }

  it('renders the page once per live slide; each phone still gets its own voter cookie and the security headers', async () => {
    const page = stubPage();
    server = await startServer(tempDataDir(), { web: page.web });
    const { code, presenterSecret } = await createRoom(server);
    const presenter = await connectClient(server);
    sockets.push(presenter);
    await join(presenter, code, presenterSecret);

    const phones = await Promise.all([0, 1, 2].map(async () => fetch(`${server!.url}/r/${code}`)));
    phones.push(await fetch(`${server.url}/r/${code}`));
    expect(await Promise.all(phones.map((p) => p.text()))).toEqual(Array(4).fill('<main>slide 0</main>'));
    const cookies = phones.map((p) => p.headers.get('set-cookie')?.split(';')[0]);
    expect(new Set(cookies).size).toBe(4);
    for (const p of phones) expect(p.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(page.renders).toEqual([`/r/${code}`]);

    // The presenter moves on: the next phone gets the new slide, rendered once; a phone coming back to the old one is served from memory.
    expect((await request(presenter, 'slide:set', { h: 1, v: 0, f: -1 })).ok).toBe(true);
    expect(await (await fetch(`${server.url}/r/${code}`)).text()).toBe('<main>slide 1</main>');
    expect(await (await fetch(`${server.url}/r/${code}`)).text()).toBe('<main>slide 1</main>');
    expect((await request(presenter, 'slide:set', { h: 0, v: 0, f: -1 })).ok).toBe(true);
    expect(await (await fetch(`${server.url}/r/${code}`)).text()).toBe('<main>slide 0</main>');
    expect(page.renders).toEqual([`/r/${code}`, `/r/${code}`]);
  });

  it('leaves Next’s client-side fetches of the page (RSC), other methods and other pages to the web app every time', async () => {
    const page = stubPage();
    server = await startServer(tempDataDir(), { web: page.web });
    const { code } = await createRoom(server);
    await fetch(`${server.url}/r/${code}`);
    await fetch(`${server.url}/r/${code}`, { headers: { rsc: '1' } });
    await fetch(`${server.url}/r/${code}?_rsc=abc`);
    await fetch(`${server.url}/r/${code}`, { method: 'HEAD' });
    await fetch(`${server.url}/r/${code}/print`);
    await fetch(`${server.url}/r/${code}/print`);
    expect(page.renders).toEqual([`/r/${code}`, `/r/${code}`, `/r/${code}?_rsc=abc`, `/r/${code}`, `/r/${code}/print`, `/r/${code}/print`]);
  });
});
