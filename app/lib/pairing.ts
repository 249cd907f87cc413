'use client';
import { useEffect, useState } from 'react';
import { io } from 'socket.io-client';
import { PROTOCOL_VERSION } from '../../server/protocol/constants';
import type { Ack, ProtocolError } from '../../server/protocol/constants';
import type { RedeemResult } from '../../server/protocol/events';
import { readPresenterSecret, savePresenterSecret } from './presenter-key';
import type { RoomSocket } from './use-room';

function redeem(code: string, token: string): Promise<Ack<RedeemResult>> {
  return new Promise((resolve) => {
    const socket: RoomSocket = io({ transports: ['websocket', 'polling'], auth: { protocol: PROTOCOL_VERSION } });
    socket.emit('presenter:redeem', { code, token }, (res) => {
      socket.disconnect();
      resolve(res);
    });
  });
}

/**
 * The presenter key for this room: from this browser's storage, or — on a phone opened from a
 * pairing QR code — redeemed once from the `#pair=` token, which is then wiped from the URL.
 * `null` while it is being read.
 */
export function usePresenterSecret(code: string): { secret: string | null | undefined; error?: ProtocolError } {
  const [state, setState] = useState<{ secret: string | null | undefined; error?: ProtocolError }>({ secret: null });
  useEffect(() => {
    const token = /[#&]pair=([\w-]+)/.exec(window.location.hash)?.[1];
    if (!token) return setState({ secret: readPresenterSecret(code) });
    history.replaceState(null, '', window.location.pathname);
    void redeem(code, token).then((res) => {
      if (!res.ok) return setState({ secret: readPresenterSecret(code), error: res.error });
      savePresenterSecret(code, res.data.presenterSecret);
      setState({ secret: res.data.presenterSecret });
    });
  }, [code]);
  return state;
}
