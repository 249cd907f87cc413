import { ERROR_MESSAGES } from './protocol';
import type { ErrorCode } from './protocol';

/** A named refusal: the domain throws it, the handler wrapper turns it into `{ ok: false, error }`. */
export class Refusal extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string = ERROR_MESSAGES[code],
  ) {
    super(message);
  }
}
