/**
 * Sent with every page and API answer. The CSP keeps scripts, styles, images and sockets on this
 * origin. Next's App Router inlines its bootstrap scripts and reveal.js positions slides with
 * inline styles, hence 'unsafe-inline' for both; dev mode's hot reload also evaluates code.
 */
export function securityHeaders(dev: boolean): [string, string][] {
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'unsafe-inline'${dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
  return [
    ['content-security-policy', csp],
    ['x-frame-options', 'DENY'],
    ['referrer-policy', 'no-referrer'],
    ['x-content-type-options', 'nosniff'],
  ];
}
