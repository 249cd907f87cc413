import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../server/config';
import { Refusal } from '../../server/errors';
import { createAddressLimits } from '../../server/http/address-limits';
import { clientAddress } from '../../server/http/address';
import { securityHeaders } from '../../server/http/security-headers';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createParticipants, loadParticipantSecret } from '../../server/http/participant';
import { encodeOnce, sendEncoded } from '../../server/http/compressed';
import { lanAddresses, publicBaseUrl } from '../../server/http/public-url';

/** A port nothing listens on: taken, then released. */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('per-address budgets', () => {
  it('spends a minute’s budget, then says no', async () => {
    const limits = createAddressLimits({ ...DEFAULT_LIMITS, roomsPerAddressPerMinute: 2 });
    expect([await limits.createRoom('10.0.0.1'), await limits.createRoom('10.0.0.1'), await limits.createRoom('10.0.0.1')]).toEqual([true, true, false]);
    expect(await limits.createRoom('10.0.0.2')).toBe(true);
  });

  it('refuses with UNAVAILABLE, not a yes, when the Redis that keeps them cannot be reached', async () => {
    const redis = new Redis({ port: await closedPort(), host: '127.0.0.1', lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    redis.on('error', () => undefined);
    const limits = createAddressLimits(DEFAULT_LIMITS, redis);
    await expect(limits.mintVoter('10.0.0.1')).rejects.toThrow(Refusal);
    await expect(limits.mintVoter('10.0.0.1')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    const notFound = () => Promise.reject(new Refusal('NOT_FOUND'));
    await expect(limits.lookUp('10.0.0.1', notFound)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    redis.disconnect();
  });

  it('counts only NOT_FOUND as a wrong guess: other refusals and errors pass through and spend nothing', async () => {
    const limits = createAddressLimits({ ...DEFAULT_LIMITS, joinGuessesPerAddressPerMinute: 2 });
    for (const error of [new Refusal('ROOM_EXPIRED'), new Refusal('ROOM_FULL'), new Error('disk error')]) {
      for (let i = 0; i < 3; i++) await expect(limits.lookUp('10.0.0.1', () => Promise.reject(error))).rejects.toBe(error);
    }
    expect(await limits.lookUp('10.0.0.1', async () => 'room')).toBe('room');
  });

  it('answers wrong guesses racing past the budget NOT_FOUND, as the ones before, and blocks the address after them', async () => {
    const limits = createAddressLimits({ ...DEFAULT_LIMITS, joinGuessesPerAddressPerMinute: 2 });
    const notFound = () => Promise.reject(new Refusal('NOT_FOUND'));
    // All four pass the block check before the first is counted: the last two find the budget spent.
    const answers = await Promise.allSettled([1, 2, 3, 4].map(() => limits.lookUp('10.0.0.1', notFound)));
    expect(answers.map((a) => a.status === 'rejected' && (a.reason as Refusal).code)).toEqual(['NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND']);
    await expect(limits.lookUp('10.0.0.1', async () => 'room')).rejects.toMatchObject({ code: 'RATE_LIMITED' });
  });
});

describe('the client address', () => {
  const request = (remoteAddress: string, forwarded?: string) => ({ socket: { remoteAddress }, headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded } }) as unknown as IncomingMessage;

  it('is the socket’s peer, whatever X-Forwarded-For says, unless a proxy is trusted', () => {
    expect(clientAddress(request('10.0.0.9', '6.6.6.6'), false)).toBe('10.0.0.9');
  });

  it('behind a trusted proxy, is the last hop the proxy added (a client cannot forge it by sending its own header)', () => {
    expect(clientAddress(request('127.0.0.1', '6.6.6.6, 192.168.1.20'), true)).toBe('192.168.1.20');
    expect(clientAddress(request('127.0.0.1', ' 192.168.1.21 '), true)).toBe('192.168.1.21');
    expect(clientAddress(request('127.0.0.1'), true)).toBe('127.0.0.1');
  });
});

describe('the base URL a phone opens', () => {
  const lan = lanAddresses()[0];

  it('comes from the machine’s IPv4 addresses other than loopback', () => {
    for (const address of lanAddresses()) expect(address).toMatch(/^(?!127\.)\d+\.\d+\.\d+\.\d+$/);
  });

  it('is PUBLIC_URL when set, without its trailing slash', () => {
    expect(publicBaseUrl('127.0.0.1:3000', 3000, 'https://class.example/')).toBe('https://class.example');
  });

  it('is the Host the presenter used when it is not loopback', () => {
    expect(publicBaseUrl('classroom.example:8080', 3000)).toBe('http://classroom.example:8080');
    expect(publicBaseUrl('[fd00::1]:8080', 3000)).toBe('http://[fd00::1]:8080');
  });

  it('is the LAN address for a loopback Host or none, keeping the port (localhost without a LAN stays localhost)', () => {
    expect(publicBaseUrl('localhost:8080', 3000)).toBe(lan ? `http://${lan}:8080` : 'http://localhost:8080');
    expect(publicBaseUrl('127.0.0.1', 3000)).toBe(lan ? `http://${lan}:3000` : 'http://127.0.0.1');
    expect(publicBaseUrl(undefined, 3000)).toBe(`http://${lan ?? 'localhost'}:3000`);
  });
});

describe('the encoding a body is sent in', () => {
  const sentAs = async (acceptEncoding: string) => {
    const body = await encodeOnce('hello '.repeat(100));
    let encoding: unknown;
    const res = { writeHead: (_status: number, headers: Record<string, string>) => (encoding = headers['content-encoding'] ?? 'identity'), end: () => undefined };
    sendEncoded({ method: 'GET', headers: { 'accept-encoding': acceptEncoding } } as IncomingMessage, res as unknown as ServerResponse, body, {});
    return encoding;
  };

  it('is brotli, else gzip, else none, as Accept-Encoding allows', async () => {
    expect([await sentAs('gzip, deflate, br'), await sentAs('gzip'), await sentAs('deflate'), await sentAs('')]).toEqual(['br', 'gzip', 'identity', 'identity']);
  });

  it('reads q=0 as a refusal wherever the q parameter stands, with or without spaces, and any other q as allowed', async () => {
    expect(await sentAs('br;q=0, gzip')).toBe('gzip');
    expect(await sentAs('br; q=0, gzip')).toBe('gzip');
    expect(await sentAs('br;q=0.0, gzip')).toBe('gzip');
    expect(await sentAs('br;q=0 ;level=1, gzip')).toBe('gzip');
    expect(await sentAs('br;level=1;q=0, gzip')).toBe('gzip');
    expect(await sentAs('br;q=0.5, gzip')).toBe('br');
    expect(await sentAs('br;level=1, gzip')).toBe('br');
  });

  it('ignores parameters that only look like q', async () => {
    expect(await sentAs('br;xq=0, gzip')).toBe('br');
    expect(await sentAs('br;q=0x, gzip')).toBe('br');
  });
});

describe('security headers', () => {
  it('are, in production, exactly these: scripts, styles, images, fonts, sockets and workers from this origin only, and no framing', () => {
    expect(new Map(securityHeaders(false))).toEqual(
      new Map([
        [
          'content-security-policy',
          "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
        ],
        ['x-frame-options', 'DENY'],
        ['referrer-policy', 'no-referrer'],
        ['x-content-type-options', 'nosniff'],
      ]),
    );
  });

  it('let only dev mode evaluate code, and always forbid framing', () => {
    const csp = (dev: boolean) => new Map(securityHeaders(dev)).get('content-security-policy')!;
    expect(csp(true)).toContain("'unsafe-eval'");
    expect(csp(false)).not.toContain("'unsafe-eval'");
    for (const dev of [true, false]) expect(csp(dev)).toContain("frame-ancestors 'none'");
  });
});

describe('the key that signs voter cookies', () => {
  it('is made once, readable by the server’s user only, and read back without a trailing newline', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'yieldroom-secret-'));
    const secret = loadParticipantSecret(dataDir);
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(join(dataDir, 'participant-secret')).mode & 0o777).toBe(0o600);
    expect(loadParticipantSecret(dataDir)).toBe(secret);
    // A key written by hand (an editor adds a newline) is the same key.
    writeFileSync(join(dataDir, 'participant-secret'), `${secret}\n`);
    expect(loadParticipantSecret(dataDir)).toBe(secret);
  });
});

describe('the voter cookie', () => {
  const participants = createParticipants('secret', async () => true);
  const minted = async () => {
    const headers: string[] = [];
    await participants.ensure({ headers: {} } as IncomingMessage, { appendHeader: (_name: string, value: string) => headers.push(value) } as unknown as ServerResponse);
    return headers[0]!.split(';')[0]!;
  };

  it('is read among other cookies, with or without a space after the semicolon', async () => {
    const cookie = await minted();
    const id = cookie.split('=')[1]!.split('.')[0];
    expect(participants.read(`theme=dark; ${cookie}`)).toBe(id);
    expect(participants.read(`theme=dark;${cookie}`)).toBe(id);
  });

  it('is absent, not an error, when only other cookies or a forged signature come', async () => {
    expect(participants.read('theme=dark; lang=en')).toBeUndefined();
    expect(participants.read(undefined)).toBeUndefined();
    expect(participants.read(`${(await minted()).slice(0, -2)}xx`)).toBeUndefined();
    // An id with no signature, or a signature with no id.
    expect(participants.read((await minted()).split('.')[0])).toBeUndefined();
    expect(participants.read(`yr_pid=.${(await minted()).split('.')[1]}`)).toBeUndefined();
  });
});
