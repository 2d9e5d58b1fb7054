/**
 * Local ports for processes that cannot take port 0 (SIPp needs its ports on
 * the command line), and a race-free "is it bound yet" check that reads
 * Linux's socket tables instead of binding the port itself.
 */
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** A port the OS just handed out for `transport` on 127.0.0.1 (free a moment ago). */
export async function freePort(transport: 'udp' | 'tcp' = 'udp'): Promise<number> {
  if (transport === 'tcp') {
    const server = createServer();
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
    const address = server.address();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    if (address === null || typeof address === 'string') throw new Error('no TCP port from the OS');
    return address.port;
  }
  const socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => resolve());
  });
  const port = socket.address().port;
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/** An even UDP port with the next three also unbound (SIPp uses mp..mp+3 for audio/video RTP and RTCP). */
export async function freeMediaPort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = (await freePort('udp')) & ~1;
    if (port > 1024 && port + 3 <= 65535 && [0, 1, 2, 3].every((i) => !isListening('udp', port + i))) return port;
  }
  throw new Error('no free block of 4 UDP ports found');
}

/** Whether some socket is bound to `port` (UDP) or listening on it (TCP), from /proc/net. */
export function isListening(transport: 'udp' | 'tcp', port: number): boolean {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of transport === 'udp' ? ['udp', 'udp6'] : ['tcp', 'tcp6']) {
    let text: string;
    try {
      text = readFileSync(`/proc/net/${table}`, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const local = fields[1] ?? '';
      // TCP state 0A is LISTEN; any UDP row is a bound socket.
      if (local.endsWith(`:${hexPort}`) && (transport === 'udp' || fields[3] === '0A')) return true;
    }
  }
  return false;
}
