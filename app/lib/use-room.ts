'use client';
import { useEffect, useRef, useState } from 'react';
import { io } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import { PROTOCOL_VERSION } from '../../server/protocol/constants';
import type { ProtocolError } from '../../server/protocol/constants';
import type { Ack } from '../../server/protocol/constants';
import type { ClientToServerEvents, MyVote, PollState, PollVote, Role, RoomSnapshot, ServerToClientEvents, SlidePosition } from '../../server/protocol/events';
import type { MyTeam, PredictionState } from '../../server/protocol/predictions';

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
  poll: PollState | null;
  myVote: MyVote | null;
  prediction: PredictionState | null;
  team: MyTeam | null;
  socket?: RoomSocket;
};

type VoteAck = (res: Ack<MyVote>) => void;
/** Sends a vote now, or keeps it until this phone has joined again; `queued` says which. */
export type CastVote = (vote: PollVote, ack: VoteAck) => 'sent' | 'queued';

/** A new poll or a new round starts without a ballot. */
const sameBallotBox = (a: PollState | null, b: PollState | null) => a !== null && b !== null && a.id === b.id && a.round === b.round;

/**
 * Joins a room and keeps its state: the same path for a first join, a reconnect and a missed
 * broadcast — ask for a snapshot, then apply broadcasts whose version follows it.
 */
export function useRoom(code: string, presenterSecret?: string | null): RoomView & { setMyVote: (vote: MyVote) => void; castVote: CastVote } {
  const [view, setView] = useState<RoomView>({ status: 'connecting', version: -1, audience: 0, poll: null, myVote: null, prediction: null, team: null });
  const versionRef = useRef(-1);
  // A vote tapped while offline waits here (the latest per poll) until the phone has joined again:
  // sent before the join, the server would refuse it. A re-cast replaces the same ballot.
  const joined = useRef<RoomSocket | undefined>(undefined);
  const waitingVotes = useRef(new Map<string, { vote: PollVote; ack: VoteAck }>());
  const castVote: CastVote = (vote, ack) => {
    const socket = joined.current;
    if (socket?.connected) {
      socket.emit('poll:vote', vote, ack);
      return 'sent';
    }
    waitingVotes.current.set(vote.pollId, { vote, ack });
    return 'queued';
  };

  useEffect(() => {
    if (presenterSecret === null) return; // presenter page still reading its key
    const socket: RoomSocket = io({ transports: ['websocket', 'polling'], tryAllTransports: true, auth: { protocol: PROTOCOL_VERSION } });
    const apply = (snapshot: RoomSnapshot, role?: Role) => {
      // A room's version only grows: a snapshot older than a broadcast already applied is stale.
      if (snapshot.version < versionRef.current) return setView((v) => ({ ...v, team: snapshot.team, status: 'live', role: role ?? v.role, socket }));
      versionRef.current = snapshot.version;
      setView((v) => ({ ...v, ...snapshot, status: 'live', error: undefined, role: role ?? v.role, socket }));
    };
    const fail = (error: ProtocolError) => setView((v) => ({ ...v, status: 'failed', error }));
    const join = () =>
      socket.emit('room:join', presenterSecret ? { code, presenterSecret } : { code }, (res) => {
        if (res.ok) {
          apply(res.data.snapshot, res.data.role);
          joined.current = socket;
          for (const { vote, ack } of waitingVotes.current.values()) socket.emit('poll:vote', vote, ack);
          waitingVotes.current.clear();
          return;
        }
        // The server lost its store for a moment: try again rather than give up on the room.
        if (res.error.code === 'UNAVAILABLE') return void setTimeout(() => socket.connected && join(), 1000);
        fail(res.error);
      });
    const resync = () =>
      socket.emit('room:snapshot', {}, (res) => {
        if (res.ok) return apply(res.data);
        if (res.error.code === 'NOT_JOINED') return join();
        if (res.error.code === 'UNAVAILABLE') return void setTimeout(() => socket.connected && resync(), 1000);
        fail(res.error);
      });
    /** Applies a versioned broadcast if it is the next one; on a gap, fetches a snapshot instead. */
    const inOrder = (version: number, change: (v: RoomView) => RoomView) => {
      if (version <= versionRef.current) return;
      if (version !== versionRef.current + 1) return resync();
      versionRef.current = version;
      setView((v) => ({ ...change(v), version }));
    };

    socket.on('connect', join);
    socket.on('disconnect', () => {
      joined.current = undefined;
      setView((v) => (v.status === 'failed' ? v : { ...v, status: 'reconnecting' }));
    });
    socket.on('connect_error', (err) => {
      const data = (err as Error & { data?: ProtocolError }).data;
      if (data?.code) fail(data);
      else setView((v) => ({ ...v, status: 'reconnecting' }));
    });
    socket.on('room:state', (msg) => inOrder(msg.version, (v) => ({ ...v, slide: msg.slide })));
    socket.on('poll:state', (msg) => inOrder(msg.version, (v) => ({ ...v, poll: msg.poll, myVote: sameBallotBox(v.poll, msg.poll) ? v.myVote : null })));
    socket.on('poll:tally', (msg) => setView((v) => (v.poll?.id === msg.pollId ? { ...v, audience: msg.audience, poll: { ...v.poll, results: msg.results } } : v)));
    socket.on('room:audience', (msg) => setView((v) => ({ ...v, audience: msg.audience })));
    socket.on('predict:state', (msg) => inOrder(msg.version, (v) => ({ ...v, prediction: msg.prediction })));
    socket.on('team:state', (msg) => setView((v) => (v.team ? { ...v, team: { ...v.team, team: msg.team } } : v)));
    // Teams were formed or changed mode: the snapshot says where this phone now sits.
    socket.on('team:reset', () => resync());
    socket.on('room:stale', () => resync());
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

  return { ...view, setMyVote: (myVote) => setView((v) => ({ ...v, myVote })), castVote };
}
