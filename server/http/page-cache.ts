import type { IncomingMessage, ServerResponse } from 'node:http';
import { encodeOnce, sendEncoded } from './compressed';
import type { Encoded } from './compressed';

type Page = { body: Encoded; headers: Record<string, string> };

/** Headers that belong to one response, not to the page: set again (or by sendEncoded) on each. */
const PER_RESPONSE = new Set(['set-cookie', 'content-length', 'content-encoding', 'transfer-encoding', 'vary', 'date', 'connection', 'keep-alive']);

/**
 * The phone page's HTML, rendered by the web app once per page and live slide, then sent from
 * memory, compressed once. The page depends only on its URL and the slide the server hands it, and
 * a room's phones arrive together: in a join storm Next rendered and gzipped the same page for
 * every phone (about 15 ms of CPU each, more than the rest of a join). A phone that arrives while
 * the first render runs waits for it. The first render goes to its own phone uncompressed, so it
 * can be kept as sent. (Hand-written: Next's own caches do not apply to a page that reads request
 * headers, and a general HTTP cache in front would need a second server.)
 */
export function createPageCache(capacity = 64) {
  const pages = new Map<string, Promise<Page | undefined>>();

  function keep(key: string, page: Promise<Page | undefined>) {
    pages.delete(key);
    if (pages.size >= capacity) pages.delete(pages.keys().next().value!);
    pages.set(key, page);
  }

  /** Renders the page into `res` through `render`, kept for the next request with the same key. */
  function renderAndKeep(req: IncomingMessage, res: ServerResponse, key: string, render: () => void | Promise<void>) {
    delete req.headers['accept-encoding'];
    const chunks: Buffer[] = [];
    const write = res.write.bind(res) as (...args: unknown[]) => boolean;
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    const collect = (chunk: unknown, encoding: unknown) => {
      if (typeof chunk === 'string') chunks.push(Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8'));
      else if (chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
    };
    // Headers given to writeHead (without an earlier setHeader) are not readable from res afterwards.
    const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
    let headersWritten: Record<string, unknown> = {};
    res.writeHead = ((...args: unknown[]) => {
      const given = args.slice(1).find((a) => typeof a === 'object' && a !== null && !Array.isArray(a));
      if (given) headersWritten = Object.fromEntries(Object.entries(given).map(([name, value]) => [name.toLowerCase(), value]));
      return writeHead(...args);
    }) as typeof res.writeHead;
    res.write = ((...args: unknown[]) => (collect(args[0], args[1]), write(...args))) as typeof res.write;
    res.end = ((...args: unknown[]) => (typeof args[0] !== 'function' && collect(args[0], args[1]), end(...args))) as typeof res.end;
    const page = new Promise<Page | undefined>((resolve) => {
      res.once('close', () => {
        const sent = { ...res.getHeaders(), ...headersWritten };
        // Only a whole, plain HTML page is kept: not an error, a redirect, or an interrupted send.
        if (!res.writableFinished || res.statusCode !== 200 || !String(sent['content-type'] ?? '').startsWith('text/html') || sent['content-encoding']) return resolve(undefined);
        const headers = Object.fromEntries(Object.entries(sent).flatMap(([name, value]) => (PER_RESPONSE.has(name) || value === undefined ? [] : [[name, String(value)]])));
        encodeOnce(Buffer.concat(chunks), { quick: true }).then((body) => resolve({ body, headers }), () => resolve(undefined));
      });
    });
    keep(key, page);
    return render();
  }

  /** Sends the page for `key` from memory if it is kept (or being rendered), else (or if that render could not be kept) renders it with `render`. */
  return async function servePage(req: IncomingMessage, res: ServerResponse, key: string, render: () => void | Promise<void>): Promise<void> {
    const waiting = pages.get(key);
    const kept = waiting && (await waiting);
    if (kept) return sendEncoded(req, res, kept.body, kept.headers);
    return renderAndKeep(req, res, key, render);
  };
}
