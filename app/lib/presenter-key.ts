/** The presenter secret lives only in this browser's storage, one per room. */
const keyFor = (code: string) => `yieldroom:presenter:${code}`;

export function readPresenterSecret(code: string): string | undefined {
  return localStorage.getItem(keyFor(code)) ?? undefined;
}

export function savePresenterSecret(code: string, secret: string): void {
  localStorage.setItem(keyFor(code), secret);
}
