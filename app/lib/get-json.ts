import { ERROR_MESSAGES } from '../../server/protocol/constants';
import type { ProtocolError } from '../../server/protocol/constants';

export type Loaded<T> = { ok: true; data: T } | { ok: false; error: ProtocolError };

/** GETs one of our JSON routes; the server answers refusals as `{ ok: false, error }`. */
export async function getJson<T>(url: string, headers?: HeadersInit): Promise<Loaded<T>> {
  try {
    const res = await fetch(url, { headers, cache: 'no-store' });
    const body = await res.json();
    return res.ok ? { ok: true, data: body as T } : { ok: false, error: body.error };
  } catch {
    return { ok: false, error: { code: 'INTERNAL', message: ERROR_MESSAGES.INTERNAL } };
  }
}
