'use client';
import { useEffect, useState } from 'react';
import { getJson } from '../../lib/get-json';

/** Large join code + QR for the projector; Q or a click toggles it. */
export function JoinOverlay({ code, audience, onClose }: { code: string; audience: number; onClose: () => void }) {
  const [joinUrl, setJoinUrl] = useState<string | undefined>();
  useEffect(() => {
    void getJson<{ joinUrl: string }>(`/api/rooms/${code}`).then((res) => res.ok && setJoinUrl(res.data.joinUrl));
  }, [code]);
  return (
    <div role="dialog" aria-label="Join this room" data-testid="join-overlay" className="join-overlay" onClick={onClose}>
      <div className="flex items-center gap-16 rounded-3xl bg-white p-12 text-slate-900 shadow-2xl">
        <img src={`/api/rooms/${code}/qr.svg`} alt={`QR code for ${joinUrl ?? code}`} className="h-[min(60vh,520px)] w-[min(60vh,520px)]" />
        <div className="flex flex-col gap-4">
          <p className="text-3xl text-slate-600">Join at</p>
          <p className="text-4xl font-semibold break-all" data-testid="join-url">{joinUrl ?? '…'}</p>
          <p className="text-3xl text-slate-600">with code</p>
          <p className="font-mono text-8xl font-bold tracking-[0.15em]" data-testid="join-code">{code}</p>
          <p className="text-2xl text-slate-500">{audience} joined · press Q to close</p>
        </div>
      </div>
    </div>
  );
}
