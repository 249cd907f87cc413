import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';

const COOKIE = 'yr_pid';
const YEAR_SECONDS = 365 * 24 * 3600;

/**
 * Participant identity: a random id the server signs into a cookie. A vote counts for the id
 * in a valid cookie, never for anything in the payload, so a student can't vote as another.
 */
export function createParticipants(secret: string, mayMint: (req: IncomingMessage) => Promise<boolean>) {
  const sign = (id: string) => createHmac('sha256', secret).update(id).digest('base64url');

  function read(cookieHeader: string | undefined): string | undefined {
    const value = cookieHeader?.split(/;\s*/).find((c) => c.startsWith(`${COOKIE}=`))?.slice(COOKIE.length + 1);
    const [id, signature] = value?.split('.') ?? [];
    if (!id || !signature) return undefined;
    const expected = Buffer.from(sign(id));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given) ? id : undefined;
  }

  return {
    read,
    /**
     * Gives a browser without a valid cookie its id; reloads keep it. Minting is budgeted per
     * address: past it the page still follows the slides, but its votes are refused.
     */
    async ensure(req: IncomingMessage, res: ServerResponse) {
      if (read(req.headers.cookie) || !(await mayMint(req))) return;
      const id = randomBytes(12).toString('base64url');
      res.appendHeader('set-cookie', `${COOKIE}=${id}.${sign(id)}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${YEAR_SECONDS}`);
    },
  };
}

export type Participants = ReturnType<typeof createParticipants>;

/** Voter cookies must stay valid across restarts, so their signing key lives beside the data. */
export function loadParticipantSecret(dataDir: string): string {
  const file = join(dataDir, 'participant-secret');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}
