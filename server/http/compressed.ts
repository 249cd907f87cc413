import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

/**
 * Bodies that never change (the build's scripts and styles, a deck) compressed once, in brotli and
 * gzip, and sent in whichever the browser accepts. Next's own `compress` gzips every response
 * anew: a thousand phones loading the page at once made the server gzip the same 500 KB of
 * script a thousand times. (Hand-written: a static handler with a per-file cache is a few lines
 * of node:zlib, and the Express-based precompressed-file servers would bring Express along.)
 */
export type Encoded = { identity: Buffer; br: Buffer; gzip: Buffer };

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** `quick`: a body that changes (a page per slide) is compressed fast rather than smallest. */
export async function encodeOnce(body: Buffer | string, { text = true, quick = false } = {}): Promise<Encoded> {
  const identity = Buffer.from(body);
  const mode = text ? constants.BROTLI_MODE_TEXT : constants.BROTLI_MODE_GENERIC;
  const [br, gz] = await Promise.all([
    brotli(identity, { params: { [constants.BROTLI_PARAM_QUALITY]: quick ? 5 : 11, [constants.BROTLI_PARAM_MODE]: mode } }),
    gzipAsync(identity, { level: quick ? 6 : 9 }),
  ]);
  return { identity, br, gzip: gz };
}

/** The encodings an Accept-Encoding header allows (a `q=0` refuses one). */
function accepted(header: string | string[] | undefined): Set<string> {
  const allowed = new Set<string>();
  for (const part of String(header ?? '').split(',')) {
    const [token, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    if (token && (q === undefined || Number(q) > 0)) allowed.add(token);
  }
  return allowed;
}

export function sendEncoded(req: IncomingMessage, res: ServerResponse, body: Encoded, headers: Record<string, string>) {
  const allowed = accepted(req.headers['accept-encoding']);
  const [encoding, bytes] = allowed.has('br') ? (['br', body.br] as const) : allowed.has('gzip') ? (['gzip', body.gzip] as const) : ([undefined, body.identity] as const);
  res.writeHead(200, { ...headers, vary: 'accept-encoding', 'content-length': String(bytes.length), ...(encoding ? { 'content-encoding': encoding } : {}) });
  res.end(req.method === 'HEAD' ? undefined : bytes);
}

const TYPES: Record<string, { type: string; text: boolean }> = {
  '.js': { type: 'text/javascript; charset=utf-8', text: true },
  '.css': { type: 'text/css; charset=utf-8', text: true },
  '.json': { type: 'application/json', text: true },
  '.svg': { type: 'image/svg+xml', text: true },
  '.woff2': { type: 'font/woff2', text: false },
  '.woff': { type: 'font/woff', text: false },
};

/**
 * Serves `/_next/static/…` from the build's static folder, each file read and compressed on its
 * first request and kept (the folder is a few dozen files whose names change with each build).
 * Anything else, or a file it does not know, is left to the web app.
 */
export function createStaticFiles(staticDir: string) {
  const root = normalize(staticDir) + sep;
  const cache = new Map<string, Promise<Encoded>>();
  return async function serveStatic(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      return false;
    }
    const kind = TYPES[extname(path)];
    if (!path.startsWith('/_next/static/') || !kind) return false;
    const file = normalize(join(root, path.slice('/_next/static/'.length)));
    if (!file.startsWith(root)) return false;
    let body = cache.get(file);
    if (!body) {
      body = readFile(file).then((data) => encodeOnce(data, kind));
      cache.set(file, body);
    }
    try {
      sendEncoded(req, res, await body, { 'content-type': kind.type, 'cache-control': 'public, max-age=31536000, immutable' });
      return true;
    } catch {
      cache.delete(file);
      return false;
    }
  };
}
