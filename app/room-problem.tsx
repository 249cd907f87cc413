import Link from 'next/link';
import type { ProtocolError } from '../server/protocol/constants';

const TITLES: Partial<Record<ProtocolError['code'], string>> = {
  NOT_FOUND: 'No room with that code',
  ROOM_EXPIRED: 'This room has ended',
  CLIENT_TOO_OLD: 'This page is out of date',
  FORBIDDEN: 'Not allowed',
};

/** The friendly page for a wrong code, an ended room or a refused join. */
export function RoomProblem({ code, error }: { code: string; error: ProtocolError }) {
  return (
    <main className="mx-auto flex min-h-dvh max-w-md flex-col justify-center gap-4 px-6 text-center">
      <h1 className="text-3xl font-bold">{TITLES[error.code] ?? 'Something went wrong'}</h1>
      <p className="text-lg text-slate-300">
        {error.code === 'NOT_FOUND' ? (
          <>
            Check the code on the screen: you opened <span className="font-mono">{code}</span>.
          </>
        ) : (
          error.message
        )}
      </p>
      <Link href="/" className="mx-auto rounded-lg bg-amber-400 px-5 py-3 text-lg font-semibold text-slate-900">
        Enter another code
      </Link>
    </main>
  );
}
