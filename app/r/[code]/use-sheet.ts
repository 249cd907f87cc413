'use client';
import { useEffect, useMemo, useState } from 'react';
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import { ERROR_MESSAGES } from '../../../server/protocol/constants';
import type { RoomSocket } from '../../lib/use-room';

const FROM_SERVER = 'server';

type Row = { kind: string; value: string; prints: string };
type Presence = { clientId: number; name: string; color: string; row: number | null };

/** Applies a text edit to a Y.Text as the smallest replace, so teammates' concurrent typing merges. */
function replaceText(text: Y.Text, next: string) {
  const prev = text.toString();
  let start = 0;
  while (start < prev.length && start < next.length && prev[start] === next[start]) start++;
  let end = 0;
  while (end < prev.length - start && end < next.length - start && prev[prev.length - 1 - end] === next[next.length - 1 - end]) end++;
  text.doc!.transact(() => {
    text.delete(start, prev.length - start - end);
    text.insert(start, next.slice(start, next.length - end));
  });
}

/**
 * The team's prediction sheet on a phone: a Y.Doc synced with y-protocols messages over the room's
 * socket. Edits made offline are kept and merged when the socket is back (the sync runs again).
 */
export function useSheet(socket: RoomSocket | undefined, predictionId: string, online: boolean) {
  const doc = useMemo(() => new Y.Doc(), [predictionId]);
  const awareness = useMemo(() => new awarenessProtocol.Awareness(doc), [doc]);
  const [rows, setRows] = useState<Row[]>([]);
  const [presence, setPresence] = useState<Presence[]>([]);
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    const read = () => setRows(doc.getArray<Y.Map<unknown>>('rows').toArray().map((r) => ({ kind: String(r.get('kind') ?? ''), value: String(r.get('value') ?? ''), prints: String(r.get('prints') ?? '') })));
    doc.on('update', read);
    const onAwareness = () =>
      setPresence(
        [...awareness.getStates()].flatMap(([clientId, s]) => (clientId !== doc.clientID && s.user ? [{ clientId, name: s.user.name, color: s.user.color, row: s.row ?? null }] : [])),
      );
    awareness.on('change', onAwareness);
    return () => {
      doc.off('update', read);
      awareness.off('change', onAwareness);
    };
  }, [doc, awareness]);

  useEffect(() => {
    if (!socket || !online) return;
    // A write may be answered with the server's step 1 (it lacks edits this one builds on): answering it sends them.
    const send = (message: Uint8Array) =>
      socket.emit('sheet:sync', { predictionId, message }, (res) => {
        if (!res.ok) return setError(res.error.message || ERROR_MESSAGES[res.error.code]);
        for (const m of res.data.messages) apply(new Uint8Array(m));
      });
    function apply(message: Uint8Array) {
      const reply = encoding.createEncoder();
      syncProtocol.readSyncMessage(decoding.createDecoder(message), reply, doc, FROM_SERVER);
      if (encoding.length(reply) > 0) send(encoding.toUint8Array(reply));
    }
    const onUpdate = (update: Uint8Array, origin: unknown) => {
      if (origin === FROM_SERVER) return;
      const e = encoding.createEncoder();
      syncProtocol.writeUpdate(e, update);
      send(encoding.toUint8Array(e));
    };
    const onSync = (msg: { predictionId: string; message: Uint8Array | ArrayBuffer }) => msg.predictionId === predictionId && apply(new Uint8Array(msg.message));
    const onPresence = (msg: { predictionId: string; message: Uint8Array | ArrayBuffer }) =>
      msg.predictionId === predictionId && awarenessProtocol.applyAwarenessUpdate(awareness, new Uint8Array(msg.message), FROM_SERVER);
    socket.on('sheet:sync', onSync);
    socket.on('sheet:awareness', onPresence);
    const e = encoding.createEncoder();
    syncProtocol.writeSyncStep1(e, doc);
    socket.emit('sheet:sync', { predictionId, message: encoding.toUint8Array(e) }, (res) => {
      if (!res.ok) return setError(res.error.message || ERROR_MESSAGES[res.error.code]);
      setError(undefined);
      for (const m of res.data.messages) apply(new Uint8Array(m));
      if (res.data.awareness) awarenessProtocol.applyAwarenessUpdate(awareness, new Uint8Array(res.data.awareness), FROM_SERVER);
      doc.on('update', onUpdate);
    });
    return () => {
      doc.off('update', onUpdate);
      socket.off('sheet:sync', onSync);
      socket.off('sheet:awareness', onPresence);
    };
  }, [socket, online, doc, awareness, predictionId]);

  const focusRow = (row: number | null) => {
    awareness.setLocalState({ row });
    socket?.emit('sheet:awareness', { predictionId, message: awarenessProtocol.encodeAwarenessUpdate(awareness, [doc.clientID]) }, () => undefined);
  };
  const rowMap = (i: number) => doc.getArray<Y.Map<unknown>>('rows').get(i);
  return {
    rows,
    presence,
    error,
    focusRow,
    setKind: (i: number, kind: string) => rowMap(i)?.set('kind', kind),
    setText: (i: number, field: 'value' | 'prints', text: string) => {
      const target = rowMap(i)?.get(field);
      if (target instanceof Y.Text) replaceText(target, text);
    },
  };
}
