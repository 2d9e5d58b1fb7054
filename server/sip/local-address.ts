/**
 * Which local address a peer reaches us on, for Contact, Via and SDP when we
 * listen on a wildcard address. UDP sockets bound to 0.0.0.0 do not tell the
 * destination address of a datagram, so we ask the kernel's routing table
 * instead: connect() a throwaway UDP socket towards the peer and read its
 * local address (no packet is sent). Results are cached per peer address.
 */
import { createSocket } from 'node:dgram';
import { isWildcardAddress } from './transport.js';

const CACHE_LIMIT = 1024;
const DISCARD_PORT = 9;

export class LocalAddressResolver {
  readonly #cache = new Map<string, string>();

  /** `boundHost`: the address the listener was bound to. */
  constructor(private readonly boundHost: string) {}

  /** The answer when it is known without asking the kernel, else null. */
  known(flowLocalAddress: string, remoteAddress: string): string | null {
    if (!isWildcardAddress(flowLocalAddress)) return flowLocalAddress;
    if (!isWildcardAddress(this.boundHost)) return this.boundHost;
    if (remoteAddress === '127.0.0.1' || remoteAddress === '::1') return remoteAddress;
    return this.#cache.get(remoteAddress) ?? null;
  }

  async resolve(flowLocalAddress: string, remoteAddress: string): Promise<string> {
    const known = this.known(flowLocalAddress, remoteAddress);
    if (known !== null) return known;
    const family = remoteAddress.includes(':') ? 'udp6' : 'udp4';
    const fallback = family === 'udp6' ? '::1' : '127.0.0.1';
    const local = await new Promise<string>((resolve) => {
      const socket = createSocket(family);
      let settled = false;
      const done = (address: string): void => {
        if (settled) return;
        settled = true;
        socket.close();
        resolve(address);
      };
      socket.once('error', () => done(fallback));
      socket.connect(DISCARD_PORT, remoteAddress, () => {
        try {
          done(socket.address().address);
        } catch {
          done(fallback);
        }
      });
    });
    if (this.#cache.size >= CACHE_LIMIT) this.#cache.clear();
    this.#cache.set(remoteAddress, local);
    return local;
  }
}
