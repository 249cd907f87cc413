import { MessageChannel, Worker, receiveMessageOnPort } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { SHEET_LIMITS } from '../protocol';
import type { Member, SheetRow } from '../protocol';
import type { Store } from '../store/store';

/** Which sheet: a team's, for one prediction, in one room. */
export type SheetRef = { code: string; predictionId: string; teamId: string; steps: number };

type Reply = {
  refused?: string;
  killed?: boolean;
  /** The worker was replaced while this request waited behind another: its sheet reloads and it runs again. */
  restarted?: boolean;
  missing?: Uint8Array;
  messages?: Uint8Array[];
  awareness?: Uint8Array | null;
  relay?: Uint8Array;
  state?: Uint8Array;
  rows?: SheetRow[] | string;
  unchanged?: boolean;
  clientId?: number;
};
/** A write: stored (with what to relay), or the server's step 1 when the update builds on edits it lacks, or refused. */
export type WriteResult = { ok: true; relay?: Uint8Array; rows?: SheetRow[]; resync?: Uint8Array } | { ok: false; reason: string; locked?: boolean };

export type EngineLimits = { timeoutMs: number; memoryMb: number };
export const DEFAULT_ENGINE_LIMITS: EngineLimits = { timeoutMs: 500, memoryMb: 128 };
export const SHEET_WORKER = new URL('./sheet-worker.mjs', import.meta.url);

const keyOf = (r: SheetRef) => `${r.code}/${r.predictionId}/${r.teamId}`;
/** Sheets kept decoded in the worker; older ones reload from the store when next touched. */
const MAX_LOADED = 2000;
/** How often a request runs again after the worker was replaced under it (by another sheet's bad update). */
const RESTARTS = 3;
/**
 * How often a write starts again from what another process stored between its read and its save
 * (or after a restart). A team split across two nodes, typing under load, lost three in a row.
 */
const WRITE_ATTEMPTS = 12;

/**
 * The team sheets' Yjs docs live in a worker thread under a watchdog: a request that runs past
 * `timeoutMs`, or a worker that dies (out of its memory cap), is refused and the worker replaced;
 * its docs reload from the store, which holds everything acked. One sheet's requests run one at a
 * time, and a write is stored (compare-and-set on the sheet's version) before its result comes
 * back; different sheets' requests overlap, several in flight to the worker at once, so a class
 * typing is not one queue of thread round trips.
 */
export function createSheetEngine(store: Store, limits: EngineLimits = DEFAULT_ENGINE_LIMITS, workerUrl: URL = SHEET_WORKER) {
  let worker: Worker;
  /** The worker's replies come on their own port, which the watchdog can read without waiting for the event loop. */
  let replies: MessagePort;
  let ready: Promise<void>;
  /** Which worker this is: a sheet loaded into an earlier one is gone. */
  let generation = 0;
  /** Requests sent to the worker and not yet answered, in the order sent: it answers them in that order. */
  const inFlight = new Map<number, (reply: Reply) => void>();
  let watchdog: NodeJS.Timeout | undefined;
  let nextId = 0;
  /** Key -> the stored version the worker's copy is at. Insertion order is recency. */
  const loaded = new Map<string, number>();
  /** Key -> the end of that sheet's queue of requests. */
  const queues = new Map<string, Promise<unknown>>();
  /** Requests made in this turn of the event loop, posted together: one message to the thread per turn, not per keystroke. */
  let outbox: object[] = [];
  const postOutbox = () => {
    if (outbox.length > 0) worker.postMessage(outbox);
    outbox = [];
  };

  /** Times the oldest unanswered request, from when the worker could start on it (the previous reply). */
  function watchOldest() {
    clearTimeout(watchdog);
    watchdog = inFlight.size > 0 ? setTimeout(judgeOldest, limits.timeoutMs) : undefined;
  }

  /**
   * The oldest request's time is up: unless its reply is already waiting, the worker is stuck. A
   * main thread that stalled past the limit (a broadcast to 10,000 sockets) runs due timers before
   * it reads the worker's messages, so a reply sent in time may not have been read yet.
   */
  function judgeOldest() {
    const oldest = inFlight.keys().next().value;
    for (let sent = receiveMessageOnPort(replies); sent; sent = receiveMessageOnPort(replies)) answer(sent.message as Reply & { id?: number });
    if (inFlight.size > 0 && inFlight.keys().next().value === oldest) replace(`took over ${limits.timeoutMs} ms`);
  }

  function answer(reply: Reply & { id?: number }) {
    const waiting = reply.id !== undefined ? inFlight.get(reply.id) : undefined;
    if (!waiting) return;
    inFlight.delete(reply.id!);
    watchOldest();
    waiting(reply);
  }

  function spawn() {
    const channel = new MessageChannel();
    worker = new Worker(workerUrl, {
      workerData: { limits: SHEET_LIMITS, replies: channel.port2 },
      transferList: [channel.port2],
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: limits.memoryMb, maxYoungGenerationSizeMb: 16 },
    });
    generation += 1;
    const current = worker;
    replies = channel.port1;
    ready = new Promise((resolve) => channel.port1.once('message', () => resolve()));
    channel.port1.on('message', answer);
    current.on('error', () => undefined);
    current.on('exit', () => {
      if (current === worker) replace('the sheet worker stopped');
    });
  }

  /** The oldest request is the one the worker was on: it is refused; the others run again on the new worker. */
  function replace(reason: string) {
    const dead = worker;
    // A replaced worker's replies, read or not, answer no one waiting now.
    replies.close();
    const [culprit, ...behind] = inFlight.values();
    inFlight.clear();
    outbox = [];
    watchOldest();
    loaded.clear();
    spawn();
    void dead.terminate();
    culprit?.({ refused: reason, killed: true });
    for (const waiting of behind) waiting({ restarted: true });
  }

  /** Sends a request, unless the worker that held the caller's sheet (`seen`) has since been replaced. */
  function call(op: string, args: object, seen = generation): Promise<Reply> {
    return new Promise((resolve) => {
      // The watchdog times the request, not the worker's start (loading Yjs on a busy box).
      void ready.then(() => {
        if (seen !== generation) return resolve({ restarted: true });
        const id = nextId++;
        inFlight.set(id, resolve);
        if (inFlight.size === 1) watchOldest();
        if (outbox.length === 0) setImmediate(postOutbox);
        outbox.push({ id, op, ...args });
      });
    });
  }

  spawn();
  function inTurn<T>(key: string, task: () => Promise<T>): Promise<T> {
    const result = (queues.get(key) ?? Promise.resolve()).then(task);
    const settled = result.catch(() => undefined);
    queues.set(key, settled);
    void settled.then(() => queues.get(key) === settled && queues.delete(key));
    return result;
  }

  /**
   * Makes sure the worker holds the stored version of the sheet, creating the sheet if new: the
   * worker generation that holds it, or the reply that says why not.
   */
  async function ensure(ref: SheetRef): Promise<{ generation: number; version: number } | { failed: Reply }> {
    const key = keyOf(ref);
    const seen = generation;
    const stored = await store.getSheet(ref.code, ref.predictionId, ref.teamId);
    if (stored && seen === generation && loaded.get(key) === stored.version) {
      loaded.delete(key);
      loaded.set(key, stored.version);
      return { generation: seen, version: stored.version };
    }
    const reply = await call('load', { key, steps: ref.steps, state: stored?.state }, seen);
    if (reply.refused || reply.restarted) return { failed: reply };
    if (!stored) {
      const rows = reply.rows as SheetRow[];
      const created = await store.saveSheet({ roomCode: ref.code, predictionId: ref.predictionId, teamId: ref.teamId, version: 1, state: reply.state!, rows, updatedAt: Date.now() });
      // Another process made it first: both made the same bytes, so reading theirs is the same sheet.
      if (created !== 'saved') return ensure(ref);
    }
    if (seen !== generation) return { failed: { restarted: true } };
    loaded.set(key, stored?.version ?? 1);
    // The least recently used sheet no request is waiting on goes.
    const idle = loaded.size > MAX_LOADED ? [...loaded.keys()].find((k) => !queues.has(k)) : undefined;
    if (idle !== undefined) {
      loaded.delete(idle);
      await call('evict', { key: idle }, seen);
    }
    return { generation: seen, version: stored?.version ?? 1 };
  }

  /** `op` on the sheet as stored, run again if the worker is replaced under it. */
  async function onSheet(ref: SheetRef, op: string, args: object): Promise<Reply> {
    for (let attempt = 0; attempt < RESTARTS; attempt++) {
      const checked = await ensure(ref);
      const reply = 'failed' in checked ? checked.failed : await call(op, { key: keyOf(ref), ...args }, checked.generation);
      if (!reply.restarted) return reply;
    }
    return { refused: 'the sheet is busy; try again' };
  }

  return {
    /** A step 1: what the client lacks, the server's state vector, and the team's presence. */
    read: (ref: SheetRef, message: Uint8Array) => inTurn(keyOf(ref), () => onSheet(ref, 'read', { message })),

    /** A step 2 or update: applied in the worker, checked, stored; then what to relay. */
    write: (ref: SheetRef, message: Uint8Array, participant: string, now: number): Promise<WriteResult> =>
      inTurn(keyOf(ref), async () => {
        const key = keyOf(ref);
        for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
          const checked = await ensure(ref);
          const reply = 'failed' in checked ? checked.failed : await call('write', { key, message, participant }, checked.generation);
          // The worker was replaced under this request (another sheet's bad update): reload and apply it again.
          if (reply.restarted) continue;
          if ('failed' in checked || reply.refused) {
            loaded.delete(key);
            return { ok: false, reason: reply.refused! };
          }
          if (reply.missing) {
            loaded.delete(key);
            return { ok: true, resync: reply.missing };
          }
          if (reply.unchanged) return { ok: true };
          const version = checked.version + 1;
          const rows = reply.rows as SheetRow[];
          const saved = await store.saveSheet({ roomCode: ref.code, predictionId: ref.predictionId, teamId: ref.teamId, version, state: reply.state!, rows, updatedAt: now }, { whileOpen: true });
          if (saved === 'saved') {
            // Unless the worker was replaced meanwhile, its copy is the stored one.
            if (checked.generation === generation) loaded.set(key, version);
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
      inTurn(keyOf(ref), () => onSheet(ref, 'awareness', { message, participant, user })),

    /** A client's socket closed: its presence goes away (with a replaced worker, it already has). */
    leave: (ref: SheetRef, clientId: number) => inTurn(keyOf(ref), async () => {
      const reply = await call('leave', { key: keyOf(ref), clientId });
      return reply.restarted ? {} : reply;
    }),

    async close() {
      while (queues.size > 0) await Promise.all(queues.values());
      const dead = worker;
      worker = undefined as never;
      clearTimeout(watchdog);
      replies.close();
      await dead.terminate();
    },
  };
}

export type SheetEngine = ReturnType<typeof createSheetEngine>;
