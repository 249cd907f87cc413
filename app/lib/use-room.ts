'use client';
import { useEffect, useRef, useState } from 'react';
import { io } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import { PROTOCOL_VERSION } from '../../server/protocol/constants';
import type { ProtocolError } from '../../server/protocol/constants';
import type { ClientToServerEvents, Role, RoomSnapshot, ServerToClientEvents, SlidePosition } from '../../server/protocol/events';

export type RoomSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type ConnectionStatus = 'connecting' | 'live' | 'reconnecting' | 'failed';

export type RoomView = {
  status: ConnectionStatus;
  error?: ProtocolError;
  role?: Role;
  version: number;
  slide?: SlidePosition;
  audience: number;
  startedAt?: number;
  socket?: RoomSocket;
};

/**
 * Joins a room and keeps its state: the same path for a first join, a reconnect and a missed
 * broadcast — ask for a snapshot, then apply broadcasts whose version follows it.
 */
export function useRoom(code: string, presenterSecret?: string | null): RoomView {
  const [view, setView] = useState<RoomView>({ status: 'connecting', version: -1, audience: 0 });
  const versionRef = useRef(-1);

  useEffect(() => {
    if (presenterSecret === null) return; // presenter page still reading its key
    const socket: RoomSocket = io({ transports: ['websocket', 'polling'], tryAllTransports: true, auth: { protocol: PROTOCOL_VERSION } });
    const apply = (snapshot: RoomSnapshot, role?: Role) => {
      versionRef.current = snapshot.version;
      setView((v) => ({ ...v, status: 'live', error: undefined, role: role ?? v.role, version: snapshot.version, slide: snapshot.slide, audience: snapshot.audience, startedAt: snapshot.startedAt, socket }));
    };
    const fail = (error: ProtocolError) => setView((v) => ({ ...v, status: 'failed', error }));
    const join = () =>
      socket.emit('room:join', presenterSecret ? { code, presenterSecret } : { code }, (res) =>
        res.ok ? apply(res.data.snapshot, res.data.role) : fail(res.error),
      );
    const resync = () =>
      socket.emit('room:snapshot', {}, (res) => (res.ok ? apply(res.data) : res.error.code === 'NOT_JOINED' ? join() : fail(res.error)));

    socket.on('connect', join);
    socket.on('disconnect', () => setView((v) => (v.status === 'failed' ? v : { ...v, status: 'reconnecting' })));
    socket.on('connect_error', (err) => {
      const data = (err as Error & { data?: ProtocolError }).data;
      if (data?.code) fail(data);
      else setView((v) => ({ ...v, status: 'reconnecting' }));
    });
    socket.on('room:state', (msg) => {
      if (msg.version <= versionRef.current) return;
      if (msg.version !== versionRef.current + 1) return resync();
      versionRef.current = msg.version;
      setView((v) => ({ ...v, version: msg.version, slide: msg.slide }));
    });
    socket.on('room:audience', (msg) => setView((v) => ({ ...v, audience: msg.audience })));
    // A phone waking from a locked screen may hold a socket that missed broadcasts.
    const onVisible = () => {
      if (document.visibilityState === 'visible' && socket.connected) resync();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      document.removeEventListener('visibilitychange', onVisible);
      socket.disconnect();
    };
  }, [code, presenterSecret]);

  return view;
}
