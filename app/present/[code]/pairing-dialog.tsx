'use client';
import { useEffect, useState } from 'react';
import type { PairResult } from '../../../server/protocol/events';
import type { RoomSocket } from '../../lib/use-room';

/**
 * The clicker's pairing QR code. It hides itself once used or after its 30 s lifetime, so a
 * laptop screen mirrored to the projector cannot hand a student the clicker for long.
 */
export function PairingDialog({ pairing, socket, onDone }: { pairing: PairResult; socket?: RoomSocket; onDone: () => void }) {
  const [now, setNow] = useState(() => Date.now());
  // Counted on this device's clock from when the link arrived: the server's clock may differ.
  const [hideAt] = useState(() => Date.now() + pairing.ttlMs);
  useEffect(() => {
    const tick = setInterval(() => setNow(Date.now()), 1000);
    socket?.on('presenter:paired', onDone);
    return () => {
      clearInterval(tick);
      socket?.off('presenter:paired', onDone);
    };
  }, [socket, onDone]);
  const left = Math.ceil((hideAt - now) / 1000);
  useEffect(() => {
    if (left <= 0) onDone();
  }, [left, onDone]);
  return (
    <div role="dialog" aria-label="Pair a phone" data-url={pairing.url} className="flex items-center gap-6 rounded-xl bg-white p-4 text-slate-900">
      <div className="h-48 w-48 shrink-0" dangerouslySetInnerHTML={{ __html: pairing.qrSvg }} />
      <p className="text-lg">
        Scan with your own phone to use it as a clicker. The link works once; this code hides itself in <span data-testid="pairing-left">{Math.max(0, left)}</span> s or as
        soon as it is used. Keep it off the projector.
        <button className="mt-3 block rounded-md bg-slate-900 px-3 py-1.5 text-white" onClick={onDone}>
          Done
        </button>
      </p>
    </div>
  );
}
