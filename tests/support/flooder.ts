/**
 * A student's laptop running a script, as its own process so its sending does not share the
 * server's event loop: opens SOCKETS sockets to URL, joins CODE, prints `ready`, and on a line
 * from stdin sends acked events as fast as it can (printing `flooding` once under way). Prints `{"acks":[…],"closed":N}` once every
 * socket has been disconnected, then exits.
 */
import { createInterface } from 'node:readline';
import { connect } from 'socket.io-client';
import { PROTOCOL_VERSION } from '../../server/protocol';

const [url, code, count] = process.argv.slice(2) as [string, string, string];
const sockets = await Promise.all(
  Array.from({ length: Number(count) }, async () => {
    const socket = connect(url, { transports: ['websocket'], auth: { protocol: PROTOCOL_VERSION }, reconnection: false, forceNew: true });
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    await new Promise((resolve) => socket.emit('room:join', { code }, () => resolve(undefined)));
    return socket;
  }),
);
const acks = sockets.map(() => 0);
const closed = Promise.all(sockets.map((socket) => new Promise<void>((resolve) => socket.once('disconnect', () => resolve()))));
console.log('ready');
createInterface({ input: process.stdin }).once('line', () => {
  // Keep sending until the server closes each socket: a flood that the server must end.
  sockets.forEach((socket, i) => {
    const send = () => {
      if (!socket.connected) return;
      for (let n = 0; n < 50; n++) socket.emit('room:snapshot', {}, () => (acks[i]! += 1));
      setImmediate(send);
    };
    send();
  });
  console.log('flooding');
});
await closed;
console.log(JSON.stringify({ acks, closed: sockets.length }));
process.exit(0);
