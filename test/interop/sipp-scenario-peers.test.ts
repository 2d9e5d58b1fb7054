/**
 * Checks the SIPp scenarios themselves, without voxbridge: each UAC scenario
 * runs against a SIPp peer (sipp/peers/) that behaves as the server should, so
 * a failure in the voxbridge runs points at the server, not at the XML. A
 * peer that misbehaves must make the scenario fail, or the check proves nothing.
 */
import t from 'tap';
import { describeSippRun, runSipp, sippMissing, sippScenario, startSipp, type SippOptions } from '../helpers/sipp.js';

const missing = sippMissing();

interface Pair {
  readonly uac: string;
  readonly service: string;
  readonly peer: Omit<SippOptions, 'timeoutMs'>;
  readonly expect: 'pass' | 'fail';
  /** For 'fail': what SIPp's error trace must say, so the run failed for the reason meant. */
  readonly why?: RegExp;
}

const PAIRS: readonly Pair[] = [
  { uac: 'uac-echo-call', service: 'echo', peer: { scenario: 'uas' }, expect: 'pass' },
  { uac: 'uac-pcap-echo', service: 'echo', peer: { scenario: sippScenario('peers/uas-answer-pcma'), rtpEcho: true }, expect: 'pass' },
  { uac: 'uac-pcap-echo', service: 'echo', peer: { scenario: 'uas' }, expect: 'fail', why: /Failed regexp match.*RTP\/AVP 8/s }, // answers PCMU
  { uac: 'uac-cancel', service: 'ring', peer: { scenario: sippScenario('peers/uas-ring-until-cancel') }, expect: 'pass' },
  { uac: 'uac-options', service: 'echo', peer: { scenario: sippScenario('peers/uas-options') }, expect: 'pass' },
  { uac: 'uac-options', service: 'echo', peer: { scenario: sippScenario('peers/uas-not-implemented') }, expect: 'fail', why: /timed out|timeout/i }, // never answers OPTIONS
  { uac: 'uac-not-found', service: 'nobody', peer: { scenario: sippScenario('peers/uas-not-found') }, expect: 'pass' },
  { uac: 'uac-not-found', service: 'nobody', peer: { scenario: 'uas' }, expect: 'fail', why: /unexpected/i }, // rings and answers
  { uac: 'uac-unknown-method', service: 'echo', peer: { scenario: sippScenario('peers/uas-not-implemented') }, expect: 'pass' },
  { uac: 'uac-bye-from-server', service: 'echo', peer: { scenario: sippScenario('peers/uas-answer-then-bye') }, expect: 'pass' },
];

t.test('UAC scenarios against SIPp peers', { skip: missing ?? false }, async (t) => {
  for (const pair of PAIRS) {
    const peerName = pair.peer.scenario.replace(/^.*\//, '');
    t.test(`${pair.uac} vs ${peerName}: expect ${pair.expect}`, async (t) => {
      const peer = await startSipp({ ...pair.peer, timeoutMs: 20000 });
      t.teardown(() => peer.stop());
      const result = await runSipp({
        scenario: sippScenario(pair.uac),
        target: `127.0.0.1:${peer.localPort}`,
        service: pair.service,
        calls: 1,
        timeoutMs: pair.expect === 'pass' ? 15000 : 2000,
        // A peer that ignores a request would leave the UAC retransmitting; bound it.
        extraArgs: ['-recv_timeout', '3000'],
      });
      const passed = result.exitCode === 0 && result.successful === 1 && result.failed === 0;
      t.equal(passed, pair.expect === 'pass', `SIPp run ${passed ? 'passed' : 'failed'}`, { sipp: describeSippRun(result) });
      if (pair.why) t.match(result.errors, pair.why, 'failed for the reason the pair is meant to show');
    });
  }
});
