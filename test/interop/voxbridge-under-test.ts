/**
 * Starts voxbridge in-process for interop tests, the way a test should: SIP on
 * 127.0.0.1 port 0 (UDP and TCP), RTP on loopback in a port window of its own
 * (tap runs test files in parallel), logs silenced, closed in teardown.
 */
import { defaultConfig, type Config } from '../../config/index.js';
import { startVoxbridge, type RunningVoxbridge } from '../../server/voxbridge.js';
import type { Test } from 'tap';
import type { Endpoint } from '../helpers/sip-test-client.js';

export interface ServerUnderTest {
  readonly server: RunningVoxbridge;
  readonly udp: Endpoint;
  readonly tcp: Endpoint | undefined;
  /** "127.0.0.1:port" of the UDP listener, for SIPp's command line. */
  readonly target: string;
}

/** A random even-aligned window of 400 RTP ports, so parallel test files rarely meet. */
function rtpWindow(): string {
  const low = 20000 + 400 * Math.floor(Math.random() * 100);
  return `${low}-${low + 399}`;
}

export async function startServerUnderTest(t: Test, adjust: (config: Config) => void = () => undefined): Promise<ServerUnderTest> {
  const config = defaultConfig();
  config.sip.listen = '127.0.0.1:0';
  config.rtp.ports = rtpWindow();
  config.rtp.bindAddress = '127.0.0.1';
  config.log.level = 'silent';
  // Media workers recompile the TypeScript tree per thread under tap (seconds each); tests that
  // exercise the workers themselves set inProcess back to false.
  config.media.inProcess = true;
  config.admin.listen = '127.0.0.1:0';
  adjust(config);
  const server = await startVoxbridge(config);
  t.teardown(() => server.close());
  const udp = server.sip.udp;
  if (!udp) throw new Error('voxbridge started without a UDP listener');
  return { server, udp, tcp: server.sip.tcp, target: `${udp.host}:${udp.port}` };
}

/**
 * Polls `condition` until it holds or `timeoutMs` passes, and says which. For
 * server state that settles just after the SIP exchange a test awaited (a leg
 * closes after the BYE's 200 is sent) and that has no event to await.
 */
export async function eventually(condition: () => boolean | Promise<boolean>, timeoutMs = 2000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}
