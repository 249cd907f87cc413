import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH } from '../protocol';

export function newJoinCode(): string {
  let code = '';
  for (let i = 0; i < JOIN_CODE_LENGTH; i++) code += JOIN_CODE_ALPHABET[randomInt(JOIN_CODE_ALPHABET.length)];
  return code;
}

/** 192 random bits, base64url: for presenter secrets and one-time pairing tokens. */
export function newSecret(): string {
  return randomBytes(24).toString('base64url');
}

/** Only hashes are stored; a leaked database does not hand out presenter rights. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Constant-time: compares fixed-length hashes, so timing tells nothing about the secret. */
export function secretMatches(secret: string, hashes: readonly string[]): boolean {
  const candidate = Buffer.from(hashSecret(secret), 'hex');
  let match = false;
  for (const hash of hashes) {
    const stored = Buffer.from(hash, 'hex');
    if (stored.length === candidate.length && timingSafeEqual(stored, candidate)) match = true;
  }
  return match;
}
