import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import type { SheetSyncResult } from '../../server/protocol';
import type { Client } from './server';
import { request } from './server';

const FROM_SERVER = 'server';

/**
 * A team sheet as a phone holds it: a Y.Doc synced over the room's socket with y-protocols
 * messages. Local edits are sent while online and kept while offline; `open` syncs both ways.
 */
export class SheetClient {
  readonly doc = new Y.Doc();
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  readonly acks: Promise<unknown>[] = [];
  private socket: Client | undefined;
  private readonly listening = new WeakSet<Client>();

  constructor(readonly predictionId: string) {
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === FROM_SERVER || !this.socket) return;
      const e = encoding.createEncoder();
      syncProtocol.writeUpdate(e, update);
      this.acks.push(this.write(this.socket, encoding.toUint8Array(e)));
    });
  }

  private apply(message: Uint8Array): Uint8Array | undefined {
    const reply = encoding.createEncoder();
    syncProtocol.readSyncMessage(decoding.createDecoder(message), reply, this.doc, FROM_SERVER);
    return encoding.length(reply) > 0 ? encoding.toUint8Array(reply) : undefined;
  }

  /** Sends a write; if the server answers with its step 1 (it lacks edits this one builds on), sends what it lacks. */
  private async write(socket: Client, message: Uint8Array): Promise<unknown> {
    const res = await request<SheetSyncResult>(socket, 'sheet:sync', { predictionId: this.predictionId, message });
    if (!res.ok) return res;
    const answers = res.data.messages.map((m) => this.apply(new Uint8Array(m))).filter((a): a is Uint8Array => a !== undefined);
    for (const answer of answers) {
      const again = await this.write(socket, answer);
      if (!(again as { ok: boolean }).ok) return again;
    }
    return res;
  }

  /** Step 1 to the server; applies its step 2 and answers its step 1 with what it lacks. */
  async open(socket: Client, teamId?: string) {
    if (this.socket !== socket && !this.listening.has(socket)) {
      this.listening.add(socket);
      socket.on('sheet:sync', (msg) => msg.predictionId === this.predictionId && this.apply(new Uint8Array(msg.message)));
      socket.on('sheet:awareness', (msg) => awarenessProtocol.applyAwarenessUpdate(this.awareness, new Uint8Array(msg.message), FROM_SERVER));
    }
    this.socket = socket;
    const e = encoding.createEncoder();
    syncProtocol.writeSyncStep1(e, this.doc);
    const res = await request<SheetSyncResult>(socket, 'sheet:sync', { predictionId: this.predictionId, message: encoding.toUint8Array(e), ...(teamId ? { teamId } : {}) });
    if (!res.ok) return res;
    for (const message of res.data.messages) {
      const answer = this.apply(new Uint8Array(message));
      if (answer) this.acks.push(this.write(socket, answer));
    }
    if (res.data.awareness) awarenessProtocol.applyAwarenessUpdate(this.awareness, new Uint8Array(res.data.awareness), FROM_SERVER);
    return res;
  }

  goOffline() {
    this.socket = undefined;
  }

  rows() {
    return this.doc.getArray<Y.Map<unknown>>('rows');
  }

  /** Types into a row's answer the way an input does: insert at a position. */
  type(step: number, at: number, text: string) {
    (this.rows().get(step).get('value') as Y.Text).insert(at, text);
  }

  setKind(step: number, kind: string) {
    this.rows().get(step).set('kind', kind);
  }

  value(step: number): string {
    return String(this.rows().get(step)?.get('value') ?? '');
  }

  /** Says which row this phone is on. */
  async showRow(row: number | null) {
    this.awareness.setLocalState({ row });
    const message = awarenessProtocol.encodeAwarenessUpdate(this.awareness, [this.doc.clientID]);
    return request(this.socket!, 'sheet:awareness', { predictionId: this.predictionId, message });
  }
}
