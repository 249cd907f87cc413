import { mkdirSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/app';
import { createRoom, startServer, tempDataDir } from '../support/server';

let server: RunningServer;
afterEach(async () => server?.close(), 30_000);

/** A raw GET (fetch would decode the body and hide the encoding). */
function raw(path: string, acceptEncoding?: string, method = 'GET'): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = get(`${server.url}${path}`, { method, headers: acceptEncoding ? { 'accept-encoding': acceptEncoding } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
  });
}

const decode = (r: { headers: IncomingHttpHeaders; body: Buffer }) =>
  r.headers['content-encoding'] === 'br' ? brotliDecompressSync(r.body) : r.headers['content-encoding'] === 'gzip' ? gunzipSync(r.body) : r.body;

describe('bodies compressed once, sent in the encoding the browser accepts', () => {
  it('serves the build’s scripts and styles in brotli, gzip or plain, cached for good, and nothing outside the static folder', async () => {
    const dataDir = tempDataDir();
    const staticDir = join(dataDir, 'static');
    mkdirSync(join(staticDir, 'chunks'), { recursive: true });
    const script = `console.log(${JSON.stringify('x'.repeat(5000))});`;
    writeFileSync(join(staticDir, 'chunks', 'app.js'), script);
    writeFileSync(join(dataDir, 'secret.js'), 'secret');
    server = await startServer(dataDir, { web: { handle: (_req, res) => void res.writeHead(404).end('from the web app'), staticDir } });

    const br = await raw('/_next/static/chunks/app.js', 'gzip, deflate, br');
    expect(br.headers).toMatchObject({ 'content-encoding': 'br', 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=31536000, immutable', vary: 'accept-encoding' });
    expect(br.body.length).toBeLessThan(script.length / 10);
    expect(decode(br).toString()).toBe(script);
    const gz = await raw('/_next/static/chunks/app.js', 'gzip, br;q=0');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(decode(gz).toString()).toBe(script);
    const plain = await raw('/_next/static/chunks/app.js');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe(script);
    const head = await raw('/_next/static/chunks/app.js', 'br', 'HEAD');
    expect(head.body.length).toBe(0);
    expect(Number(head.headers['content-length'])).toBe(br.body.length);

    for (const path of ['/_next/static/../secret.js', '/_next/static/%2e%2e/secret.js', '/_next/static/..%2fsecret.js', '/_next/static/chunks/..%2f..%2f..%2fsecret.js', '/_next/static/chunks/missing.js', '/_next/static/%E0%A4%A.js']) {
      const res = await raw(path, 'br');
      expect([path, res.status, res.body.toString()]).toEqual([path, 404, 'from the web app']);
    }
    // Only reads are served from the folder; anything else is the web app's to answer.
    const posted = await raw('/_next/static/chunks/app.js', 'br', 'POST');
    expect([posted.status, posted.body.toString()]).toEqual([404, 'from the web app']);
    // The folder is served at its own path only, not under another of the same length.
    const elsewhere = await raw('/_next/public/chunks/app.js');
    expect([elsewhere.status, elsewhere.body.toString()]).toEqual([404, 'from the web app']);
  });

  it('reads each file once, and a file missing at first once it is there', async () => {
    const dataDir = tempDataDir();
    const staticDir = join(dataDir, 'static');
    mkdirSync(staticDir, { recursive: true });
    writeFileSync(join(staticDir, 'app.js'), 'first build');
    server = await startServer(dataDir, { web: { handle: (_req, res) => void res.writeHead(404).end('from the web app'), staticDir } });
    expect((await raw('/_next/static/app.js')).body.toString()).toBe('first build');
    // Build files never change under their names: what was read is what is served.
    writeFileSync(join(staticDir, 'app.js'), 'changed on disk');
    expect((await raw('/_next/static/app.js')).body.toString()).toBe('first build');
    expect((await raw('/_next/static/late.js')).body.toString()).toBe('from the web app');
    writeFileSync(join(staticDir, 'late.js'), 'arrived');
    expect((await raw('/_next/static/late.js')).body.toString()).toBe('arrived');
  });

  it('sends a room’s public deck compressed, and the same deck to every phone', async () => {
    server = await startServer(tempDataDir());
    const { code } = await createRoom(server);
    const [a, b] = [await raw(`/api/rooms/${code}/deck`, 'br'), await raw(`/api/rooms/${code}/deck`, 'gzip')];
    expect([a.headers['content-encoding'], b.headers['content-encoding']]).toEqual(['br', 'gzip']);
    // JSON that the phone asks for afresh each time: the live room decides what it may see.
    expect(a.headers).toMatchObject({ 'content-type': 'application/json', 'cache-control': 'no-store' });
    expect(JSON.parse(decode(a).toString())).toEqual(JSON.parse(decode(b).toString()));
    expect(JSON.parse(decode(a).toString())).toMatchObject({ id: 'demo', stacks: expect.any(Array) });
    expect(a.headers['set-cookie']?.[0]).toMatch(/^yr_pid=/);
  });
});
