/**
 * Join storm: N phones open the student page of the talk's room within a window (default 1,000
 * in 10 s, evenly spaced), each doing what the page does: the HTML (which sets its voter cookie),
 * every script and stylesheet the HTML names (gzip and brotli accepted), the public deck with
 * its cookie, then a socket that joins and receives its snapshot. Per phone: the time from its
 * first request to its snapshot, and the server's CPU time for the whole storm. The app runs from the production build in a child process,
 * with the per-address caps lifted (the load comes from one address).
 *
 * Before the storm, one phone opens the page under another URL, as the first students do before
 * the rest: it waits out Next's loading of its page modules after start (a second or two, which
 * would otherwise fall on the storm), and leaves the storm's page to be rendered by its own first phone.
 *
 * Not like phones: this process shares one HTTP connection pool (undici) among all the phones,
 * so TCP setup is paid less often than by real phones. Like a first visit, nothing is cached:
 * every phone fetches every asset.
 */
import { readFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { connect } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import { PROTOCOL_VERSION } from '../../server/protocol';
import { NO_BUILD, hasBuild, startProductionApp, talkRoomOnContentSlide } from './app';
import { summarize } from './stats';
import type { Summary } from './stats';

export type JoinStormReport =
  | { ok: true; phones: number; windowMs: number; joined: number; failed: string[]; perPhoneMs: Summary; requestsPerPhone: number; bytesPerPhone: number; lastSnapshotMs: number; serverCpuSeconds: number }
  | { ok: false; message: string };

const ASSET = /<(?:script[^>]*\ssrc|link[^>]*rel="stylesheet"[^>]*\shref)="(\/_next\/[^"]+)"/g;

/** User + system CPU a process has used (Linux /proc; clock ticks at the usual 100 Hz). */
function cpuSecondsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** A GET as a phone's browser makes it, the body left compressed (decoding it is the phone's work, not the server's). */
function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; cookie?: string; encoding?: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpGet(url, { headers: { 'accept-encoding': 'gzip, br', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, cookie: res.headers['set-cookie']?.[0]?.split(';')[0], encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

async function onePhone(url: string, code: string, sockets: Socket[]): Promise<{ ms: number; requests: number; bytes: number }> {
  const started = performance.now();
  const page = await get(`${url}/r/${code}`);
  if (page.status !== 200 || !page.cookie) throw new Error(`page ${page.status}${page.cookie ? '' : ', no voter cookie'}`);
  const cookie = page.cookie;
  const html = (page.encoding === 'br' ? brotliDecompressSync(page.body) : page.encoding === 'gzip' ? gunzipSync(page.body) : page.body).toString();
  const assets = [...new Set([...html.matchAll(ASSET)].map((m) => m[1]!))];
  const sizes = await Promise.all(
    assets.map(async (path) => {
      const res = await get(`${url}${path}`);
      if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
      return res.body.length;
    }),
  );
  const deck = await get(`${url}/api/rooms/${code}/deck`, { cookie });
  if (deck.status !== 200) throw new Error(`deck ${deck.status}`);
  const socket = connect(url, { transports: ['websocket'], auth: { protocol: PROTOCOL_VERSION }, extraHeaders: { cookie }, reconnection: false, forceNew: true });
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect_error', reject);
    socket.once('connect', () =>
      socket.emit('room:join', { code }, (res: { ok: boolean; error?: { code: string } }) => (res.ok ? resolve() : reject(new Error(`join ${res.error?.code}`)))),
    );
  });
  return { ms: performance.now() - started, requests: assets.length + 3, bytes: page.body.length + sizes.reduce((a, b) => a + b, 0) + deck.body.length };
}

export async function measureJoinStorm(repoRoot: string, phones: number, windowMs: number): Promise<JoinStormReport> {
  if (!hasBuild(repoRoot)) return { ok: false, message: NO_BUILD };
  const lifted = String(phones * 2);
  const app = await startProductionApp(repoRoot, { VOTERS_PER_ADDRESS_PER_MINUTE: lifted, CONNECTIONS_PER_ADDRESS: lifted, ROOM_SIZE: lifted });
  const sockets: Socket[] = [];
  try {
    const { url, code, presenter } = await talkRoomOnContentSlide(app.url);
    // Next loads its page modules in the background once it is up; one early visitor (under
    // another URL, so the storm's own page is still rendered by its first phone) waits for that.
    await get(`${url}/r/${code}?early`);
    const cpuBefore = cpuSecondsOf(app.pid);
    const started = performance.now();
    const results = await Promise.allSettled(
      Array.from({ length: phones }, (_, i) => new Promise((resolve) => setTimeout(resolve, (i * windowMs) / phones)).then(() => onePhone(url, code, sockets))),
    );
    const lastSnapshotMs = performance.now() - started;
    const serverCpuSeconds = cpuSecondsOf(app.pid) - cpuBefore;
    const joined = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failed = [...new Set(results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason instanceof Error ? r.reason.message : r.reason)] : [])))];
    presenter.disconnect();
    return {
      ok: true,
      phones,
      windowMs,
      joined: joined.length,
      failed,
      perPhoneMs: summarize(joined.map((j) => j.ms)),
      requestsPerPhone: joined[0]?.requests ?? 0,
      bytesPerPhone: joined[0]?.bytes ?? 0,
      lastSnapshotMs,
      serverCpuSeconds,
    };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  } finally {
    for (const socket of sockets) socket.disconnect();
    app.stop();
  }
}
