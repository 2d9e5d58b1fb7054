/** Parsing helpers for the string forms the schema validates ("HOST:PORT", "LOW-HIGH"). */

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** Splits a validated HOST:PORT; IPv6 hosts come in brackets and leave without them. */
export function parseHostPort(value: string): HostPort {
  const colon = value.lastIndexOf(':');
  let host = value.slice(0, colon);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return { host, port: Number(value.slice(colon + 1)) };
}

export interface PortRange {
  readonly low: number;
  readonly high: number;
}

export function parsePortRange(value: string): PortRange {
  const [low, high] = value.split('-').map(Number);
  return { low: low ?? 0, high: high ?? 0 };
}
