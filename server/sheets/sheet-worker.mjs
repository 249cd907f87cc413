// Team sheets' Yjs docs, in a worker thread: students' bytes are decoded and applied here, never on
// the server's main loop, so a crafted update that hangs or balloons (yjs #687) costs this thread,
// which the main thread's watchdog kills and replaces. Plain JavaScript: a worker runs outside the
// TypeScript loader. The only module that loads Yjs on the server.
import { parentPort, workerData } from 'node:worker_threads';
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

// y-protocols sync messages: a subtype, then the bytes.
const STEP1 = 0;
const STEP2 = 1;
const UPDATE = 2;
const KINDS = ['', 'value', 'stop', 'raise'];
const { docBytes: MAX_DOC_BYTES, answer: MAX_ANSWER } = workerData.limits;
/** Replies go on their own port, which the main thread's watchdog reads before it judges this thread stuck. */
const replies = workerData.replies;

/** key -> { doc, steps, awareness: Map<clientId, { clock, state }>, owners: Map<clientId, participant> } */
const docs = new Map();

/**
 * A new sheet: one row per step, each a map of kind and two texts. Made with a fixed client id in
 * one transaction, so every process that creates it makes the same bytes and Yjs merges them as one.
 */
function newSheet(steps) {
  const doc = new Y.Doc();
  doc.clientID = 1;
  doc.transact(() => {
    const rows = doc.getArray('rows');
    for (let i = 0; i < steps; i++) {
      const row = new Y.Map();
      rows.push([row]);
      row.set('kind', '');
      row.set('value', new Y.Text());
      row.set('prints', new Y.Text());
    }
  });
  return doc;
}

/** The rows as the server reads them, or why the doc no longer has a sheet's shape. */
function readRows(doc, steps) {
  const rows = doc.getArray('rows');
  if (rows.length !== steps) return `a sheet has ${steps} rows, not ${rows.length}`;
  const out = [];
  for (const row of rows) {
    const value = row instanceof Y.Map ? row.get('value') : undefined;
    const prints = row instanceof Y.Map ? row.get('prints') : undefined;
    const kind = row instanceof Y.Map ? row.get('kind') : undefined;
    if (!(value instanceof Y.Text) || !(prints instanceof Y.Text) || !KINDS.includes(kind)) return 'a row lost its shape';
    const text = value.toString();
    const printed = prints.toString();
    if (text.length > MAX_ANSWER || printed.length > MAX_ANSWER) return `an answer is over ${MAX_ANSWER} characters`;
    out.push({ kind, value: text, prints: printed });
  }
  return out;
}

function syncMessage(type, bytes) {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, type);
  encoding.writeVarUint8Array(e, bytes);
  return encoding.toUint8Array(e);
}

function awarenessMessage(entries) {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, entries.length);
  for (const [clientId, { clock, state }] of entries) {
    encoding.writeVarUint(e, clientId);
    encoding.writeVarUint(e, clock);
    encoding.writeVarString(e, JSON.stringify(state));
  }
  return encoding.toUint8Array(e);
}

/**
 * Binds Yjs client ids to the participant who first used them: a student writes and shows presence
 * only as clients of their own, so no one can author edits, or reuse clocks, in a teammate's name.
 */
function claim(entry, ids, participant) {
  if (ids.some((id) => (entry.owners.get(id) ?? participant) !== participant)) return false;
  for (const id of ids) entry.owners.set(id, participant);
  return true;
}

function sheet(key) {
  const entry = docs.get(key);
  if (!entry) throw new Error(`sheet ${key} is not loaded`);
  return entry;
}

const ops = {
  /** Loads a sheet from its stored state, or makes a new one; returns the new one's state to store. */
  load({ key, steps, state }) {
    const doc = state ? new Y.Doc() : newSheet(steps);
    if (state) Y.applyUpdate(doc, state);
    docs.set(key, { doc, steps, awareness: new Map(), owners: new Map([[1, 'server']]) });
    return state ? {} : { state: Y.encodeStateAsUpdate(doc), rows: readRows(doc, steps) };
  },
  evict({ key }) {
    docs.delete(key);
    return {};
  },
  /** A step 1 (read): what the client lacks, the server's own state vector, and who is here. */
  read({ key, message }) {
    const { doc, awareness } = sheet(key);
    const d = decoding.createDecoder(message);
    if (decoding.readVarUint(d) !== STEP1) return { refused: 'not a sync step 1' };
    const missing = Y.encodeStateAsUpdate(doc, decoding.readVarUint8Array(d));
    const live = [...awareness].filter(([, a]) => a.state !== null);
    return {
      messages: [syncMessage(STEP2, missing), syncMessage(STEP1, Y.encodeStateVector(doc))],
      awareness: live.length > 0 ? awarenessMessage(live) : null,
    };
  },
  /**
   * A step 2 or update (write) from `clientId`: applied, then checked; a refused one leaves the doc
   * as it was stored (the doc is dropped and reloads from the store). Returns the server's own
   * encoding of the change, the whole state to store, and the rows.
   */
  write({ key, message, participant }) {
    const entry = sheet(key);
    const { doc, steps } = entry;
    const d = decoding.createDecoder(message);
    const type = decoding.readVarUint(d);
    if (type !== STEP2 && type !== UPDATE) return { refused: 'not a sync update' };
    const update = decoding.readVarUint8Array(d);
    const before = Y.encodeStateVector(doc);
    // Whose edits this adds: a step 2 may also carry teammates' edits the server already has.
    const known = Y.decodeStateVector(before);
    const authors = [...Y.parseUpdateMeta(update).to].filter(([id, to]) => to > (known.get(id) ?? 0)).map(([id]) => id);
    if (!claim(entry, authors, participant)) return refuse(key, 'an update may only carry your own edits');
    const changes = [];
    const collect = (u) => changes.push(u);
    doc.on('update', collect);
    try {
      Y.applyUpdate(doc, update, 'student');
    } finally {
      doc.off('update', collect);
    }
    // It builds on edits the server never stored (refused while locked, or lost with a killed
    // process): nothing is kept, and the client gets the server's step 1 so it sends them all.
    if (doc.store.pendingStructs || doc.store.pendingDs) {
      docs.delete(key);
      return { missing: syncMessage(STEP1, before) };
    }
    const rows = readRows(doc, steps);
    if (typeof rows === 'string') return refuse(key, rows);
    const state = Y.encodeStateAsUpdate(doc);
    if (state.byteLength > MAX_DOC_BYTES) return refuse(key, `a sheet may hold ${MAX_DOC_BYTES / 1024} KB`);
    if (changes.length === 0) return { unchanged: true };
    return { relay: syncMessage(UPDATE, Y.mergeUpdates(changes)), state, rows };
  },
  /**
   * A client's awareness update: only its own entry, and only the row it is on; the name and colour
   * are the server's. Returns the awareness message to relay.
   */
  awareness({ key, message, participant, user }) {
    const entry = sheet(key);
    const { steps, awareness } = entry;
    const d = decoding.createDecoder(message);
    const count = decoding.readVarUint(d);
    if (count !== 1) return { refused: 'one awareness entry per message' };
    const id = decoding.readVarUint(d);
    const clock = decoding.readVarUint(d);
    const raw = JSON.parse(decoding.readVarString(d));
    if (!claim(entry, [id], participant)) return { refused: 'awareness only for your own client' };
    const row = raw && Number.isInteger(raw.row) && raw.row >= 0 && raw.row < steps ? raw.row : null;
    const presence = { clock, state: raw === null ? null : { user, row } };
    awareness.set(id, presence);
    return { relay: awarenessMessage([[id, presence]]), clientId: id };
  },
  /** A client left: everyone else forgets where it was. */
  leave({ key, clientId }) {
    const presence = docs.get(key)?.awareness.get(clientId);
    if (!presence) return {};
    docs.get(key).awareness.delete(clientId);
    return { relay: awarenessMessage([[clientId, { clock: presence.clock + 1, state: null }]]) };
  },
};

function refuse(key, reason) {
  docs.delete(key);
  return { refused: reason };
}

// Requests come in batches (one message per turn of the main loop), each answered on its own as
// soon as it is done, so the main thread's watchdog knows which one this thread is on.
parentPort.on('message', (batch) => {
  for (const { id, op, ...args } of batch) {
    try {
      replies.postMessage({ id, ...ops[op](args) });
    } catch (error) {
      // A message Yjs cannot decode: the doc may be half-applied, so it reloads from the store.
      if (args.key) docs.delete(args.key);
      replies.postMessage({ id, refused: `could not decode: ${String(error?.message ?? error).slice(0, 120)}` });
    }
  }
});
replies.postMessage({ ready: true });
