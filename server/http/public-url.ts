import { networkInterfaces } from 'node:os';

/** The machine's non-loopback IPv4 addresses: where phones on the classroom LAN can reach us. */
export function lanAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((a) => a !== undefined && a.family === 'IPv4' && !a.internal)
    .map((a) => a!.address);
}

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/;

/**
 * The base URL a phone should open. A presenter on `localhost` gets the LAN address instead,
 * since a QR code for localhost would send every phone to itself.
 */
export function publicBaseUrl(hostHeader: string | undefined, port: number, override?: string): string {
  if (override) return override.replace(/\/$/, '');
  const host = hostHeader || `localhost:${port}`;
  const [, hostname = host, hostPort] = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host) ?? [];
  const lan = lanAddresses()[0];
  if (LOOPBACK.test(hostname) && lan) return `http://${lan}:${hostPort ?? port}`;
  return `http://${host}`;
}
