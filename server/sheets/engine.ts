import { Worker } from 'node:worker_threads';
import { SHEET_LIMITS } from '../protocol';
import type { Member, SheetRow } from '../protocol';
import type { Store } from '../store/store';

/** Which sheet: a team's, for one prediction, in one room. */
export type SheetRef = { code: string; predictionId: string; teamId: string; steps: number };

type Reply = { refused?: string; killed?: boolean; missing?: Uint8Array; messages?: Uint8Array[]; awareness?: Uint8Array | null; relay?: Uint8Array; state?: Uint8Array; rows?: SheetRow[] | string; unchanged?: boolean; clientId?: number };
/** A write: stored (with what to relay), or the server's step 1 when the update builds on edits it lacks, or refused. */
export type WriteResult = { ok: true; relay?: Uint8Array; rows?: SheetRow[]; resync?: Uint8Array } | { ok: false; reason: string; locked?: boolean };

export type EngineLimits = { timeoutMs: number; memoryMb: number };
export const DEFAULT_ENGINE_LIMITS: EngineLimits = { timeoutMs: 500, memoryMb: 128 };

const keyOf = (r: SheetRef) => `${r.code}/${r.predictionId}/${r.teamId}`;
/** Sheets kept decoded in the worker; older ones reload from the store when next touched. */
const MAX_LOADED = 2000;

/**
 * The team sheets' Yjs docs live in a worker thread under a watchdog: a request that runs past
 * `timeoutMs`, or a worker that dies (out of its memory cap), is refused and the worker replaced;
 * its docs reload from the store, which holds everything acked. Requests run one at a time, and a
 * write is stored (compare-and-set on the sheet's version) before its result comes back.
 */
export function createSheetEngine(store: Store, limits: EngineLimits = DEFAULT_ENGINE_LIMITS) {
  let worker: Worker;
  let ready: Promise<void>;
  let pending: ((reply: Reply) => void) | undefined;
  let pendingId = -1;
  let nextId = 0;
  /** Key -> the stored version the worker's copy is at. Insertion order is recency. */
  const loaded = new Map<string, number>();

  function spawn() {
    worker = new Worker(new URL('./sheet-worker.mjs', import.meta.url), {
      workerData: { limits: SHEET_LIMITS },
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: limits.memoryMb, maxYoungGenerationSizeMb: 16 },
    });
    const current = worker;
    ready = new Promise((resolve) => current.once('message', () => resolve()));
    current.on('message', (reply: Reply & { id?: number }) => {
      // A reply from a worker already replaced, or to a request the watchdog already refused,
      // belongs to no one waiting now: handing it to the next request would answer it wrongly.
      if (current === worker && reply.id !== undefined && reply.id === pendingId) pending?.(reply);
    });
    current.on('error', () => undefined);
    current.on('exit', () => {
      if (current === worker) replace('the sheet worker stopped');
    });
  }

  function replace(reason: string) {
    const dead = worker;
    loaded.clear();
    spawn();
    void dead.terminate();
    pending?.({ refused: reason, killed: true });
  }

  function call(op: string, args: object): Promise<Reply> {
    return new Promise((resolve) => {
      const id = nextId++;
      let timer: NodeJS.Timeout | undefined;
      pendingId = id;
      pending = (reply) => {
        clearTimeout(timer);
        pending = undefined;
        resolve(reply);
      };
      // The watchdog times the request, not the worker's start (loading Yjs on a busy box).
      void ready.then(() => {
        if (!pending) return;
        timer = setTimeout(() => replace(`took over ${limits.timeoutMs} ms`), limits.timeoutMs);
        worker.postMessage({ id, op, ...args });
      });
    });
  }

  spawn();
  let queue: Promise<unknown> = Promise.resolve();
  function serially<T>(task: () => Promise<T>): Promise<T> {
    const result = queue.then(task);
    queue = result.catch(() => undefined);
    return result;
  }

  /** Makes sure the worker holds the stored version of the sheet, creating the sheet if new. */
  async function ensure(ref: SheetRef): Promise<Reply | undefined> {
    const key = keyOf(ref);
    const stored = await store.getSheet(ref.code, ref.predictionId, ref.teamId);
    if (stored && loaded.get(key) === stored.version) {
      loaded.delete(key);
      loaded.set(key, stored.version);
      return undefined;
    }
    const reply = await call('load', { key, steps: ref.steps, state: stored?.state });
    if (reply.refused) return reply;
    if (!stored) {
      const rows = reply.rows as SheetRow[];
      const created = await store.saveSheet({ roomCode: ref.code, predictionId: ref.predictionId, teamId: ref.teamId, version: 1, state: reply.state!, rows, updatedAt: Date.now() });
      // Another process made it first: both made the same bytes, so reading theirs is the same sheet.
      if (created !== 'saved') return ensure(ref);
    }
    loaded.set(key, stored?.version ?? 1);
    if (loaded.size > MAX_LOADED) {
      const oldest = loaded.keys().next().value!;
      loaded.delete(oldest);
      await call('evict', { key: oldest });
    }
    return undefined;
  }

  return {
    /** A step 1: what the client lacks, the server's state vector, and the team's presence. */
    read: (ref: SheetRef, message: Uint8Array) =>
      serially(async () => {
        const failed = await ensure(ref);
        return failed ?? call('read', { key: keyOf(ref), message });
      }),

    /** A step 2 or update: applied in the worker, checked, stored; then what to relay. */
    write: (ref: SheetRef, message: Uint8Array, participant: string, now: number): Promise<WriteResult> =>
      serially(async () => {
        const key = keyOf(ref);
        for (let attempt = 0; attempt < 3; attempt++) {
          const failed = await ensure(ref);
          if (failed) return { ok: false, reason: failed.refused! };
          const reply = await call('write', { key, message, participant });
          if (reply.refused) {
            loaded.delete(key);
            return { ok: false, reason: reply.refused };
          }
          if (reply.missing) {
            loaded.delete(key);
            return { ok: true, resync: reply.missing };
          }
          if (reply.unchanged) return { ok: true };
          const version = loaded.get(key)! + 1;
          const rows = reply.rows as SheetRow[];
          const saved = await store.saveSheet({ roomCode: ref.code, predictionId: ref.predictionId, teamId: ref.teamId, version, state: reply.state!, rows, updatedAt: now }, { whileOpen: true });
          if (saved === 'saved') {
            loaded.set(key, version);
            return { ok: true, relay: reply.relay, rows };
          }
          // Not stored, so the worker's copy is ahead of the store: it reloads on next use.
          loaded.delete(key);
          if (saved === 'locked') return { ok: false, reason: 'locked', locked: true };
          // Another writer saved first: start again from what it stored.
        }
        return { ok: false, reason: 'the sheet is busy; try again' };
      }),

    /** A client's presence: its own entry only, named and coloured by the server. */
    awareness: (ref: SheetRef, message: Uint8Array, participant: string, user: Pick<Member, 'name' | 'color'>) =>
      serially(async () => {
        const failed = await ensure(ref);
        return failed ?? call('awareness', { key: keyOf(ref), message, participant, user });
      }),

    /** A client's socket closed: its presence goes away. */
    leave: (ref: SheetRef, clientId: number) => serially(() => call('leave', { key: keyOf(ref), clientId })),

    async close() {
      await queue;
      const dead = worker;
      worker = undefined as never;
      await dead.terminate();
    },
  };
}

export type SheetEngine = ReturnType<typeof createSheetEngine>;
