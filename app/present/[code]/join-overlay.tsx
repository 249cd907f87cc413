'use client';
import { useEffect, useState } from 'react';
import { getJson } from '../../lib/get-json';

/** The room's join link as phones reach it (the server knows the LAN address or PUBLIC_URL). */
export function useJoinUrl(code: string): string | undefined {
  const [joinUrl, setJoinUrl] = useState<string | undefined>();
  useEffect(() => {
    void getJson<{ joinUrl: string }>(`/api/rooms/${code}`).then((res) => res.ok && setJoinUrl(res.data.joinUrl));
  }, [code]);
  return joinUrl;
}

const shortUrl = (url: string) => url.replace(/^https?:\/\//, '');

/** Large join code + QR for the projector; Q or a click toggles it. */
export function JoinOverlay({ code, audience, onClose }: { code: string; audience: number; onClose: () => void }) {
  const joinUrl = useJoinUrl(code);
  return (
    <div role="dialog" aria-label="Join this room" data-testid="join-overlay" className="join-overlay" onClick={onClose}>
      <div className="flex items-center gap-16 rounded-3xl bg-white p-12 text-slate-900 shadow-2xl">
        <img src={`/api/rooms/${code}/qr.svg`} alt={`QR code for ${joinUrl ?? code}`} className="h-[min(60vh,520px)] w-[min(60vh,520px)]" />
        <div className="flex flex-col gap-4">
          <p className="text-3xl text-slate-600">Join at</p>
          <p className="text-4xl font-semibold break-all" data-testid="join-url">{joinUrl ? shortUrl(joinUrl) : '…'}</p>
          <p className="text-3xl text-slate-600">with code</p>
          <p className="font-mono text-8xl font-bold tracking-[0.15em]" data-testid="join-code">{code}</p>
          <p className="text-2xl text-slate-600">{audience} joined · press Q to close</p>
        </div>
      </div>
    </div>
  );
}

/** On the title slide, without asking: the QR large enough to scan from the back rows. */
export function TitleJoin({ code }: { code: string }) {
  const joinUrl = useJoinUrl(code);
  return (
    <aside data-testid="title-join" aria-label="Join this room" className="title-join">
      <img src={`/api/rooms/${code}/qr.svg`} alt={`QR code for ${joinUrl ?? code}`} />
      <p className="title-join-url">{joinUrl ? shortUrl(joinUrl) : '…'}</p>
      <p className="title-join-code font-mono">{code}</p>
    </aside>
  );
}

/** Every slide: where to join, small but legible from the back, and how many have. */
export function JoinStrip({ code, audience }: { code: string; audience: number }) {
  const joinUrl = useJoinUrl(code);
  return (
    <footer data-testid="join-strip" className="projector-join">
      <span>
        Join at <strong>{joinUrl ? shortUrl(joinUrl) : '…'}</strong>
      </span>
      <span>
        code <strong className="font-mono tracking-widest" data-testid="strip-code">{code}</strong>
      </span>
      <span className="projector-audience" data-testid="audience">
        {audience} joined
      </span>
    </footer>
  );
}
