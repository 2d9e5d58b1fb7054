/**
 * The operator's codec settings (config `codecs.opus`): the fmtp we declare
 * follows them, and the encoder uses them, capped by the far end's fmtp
 * (RFC 7587 §6.1/§7).
 */
import t from 'tap';
import {
  DEFAULT_LOCAL_CODEC_SETTINGS,
  opus,
  OPUS_LOCAL_DEFAULTS,
  OpusEncoder,
  opusEncoderSettings,
  sdpFmtpFromConfig,
  type LocalCodecSettings,
  type OpusLocalSettings,
} from '../../codecs/index.js';
import { defaultConfig, loadConfig, parseCliArgs } from '../../config/index.js';
import { answerOffer, createSession } from '../../server/sdp/index.js';
import { LOCAL_V4 } from '../fixtures/sdp/load.js';
import { harmonicSpeech } from './signals.js';

function withOpus(opusSettings: Partial<OpusLocalSettings>): LocalCodecSettings {
  return { opus: { ...OPUS_LOCAL_DEFAULTS, ...opusSettings } };
}

t.test('the config schema defaults are the codecs’ defaults; keys load from env and flags', async (t) => {
  const config = defaultConfig();
  t.same(config.codecs.opus, OPUS_LOCAL_DEFAULTS);
  t.same(config.codecs.opus, { bitrate: 32000, complexity: 5, fec: true, dtx: false });
  const fromEnv = loadConfig({ env: { VOXBRIDGE_CODECS_OPUS_BITRATE: '20000', VOXBRIDGE_CODECS_OPUS_DTX: 'true' } });
  t.same(fromEnv.codecs.opus, { bitrate: 20000, complexity: 5, fec: true, dtx: true });
  const flags = parseCliArgs(['--opus-complexity', '9', '--opus-fec', 'false', '--opus-dtx']);
  t.same(loadConfig({ overrides: flags.overrides }).codecs.opus, { bitrate: 32000, complexity: 9, fec: false, dtx: true });
  t.throws(() => loadConfig({ env: { VOXBRIDGE_CODECS_OPUS_BITRATE: '5000' } }), /codecs\.opus\.bitrate.*6000 to 510000/);
  t.throws(() => loadConfig({ env: { VOXBRIDGE_CODECS_OPUS_COMPLEXITY: '11' } }), /codecs\.opus\.complexity/);
});

t.test('sdpFmtpFromConfig: what we declare follows the settings', async (t) => {
  t.same(sdpFmtpFromConfig(defaultConfig().codecs), {
    opus: {
      minptime: '10',
      useinbandfec: '1',
      maxplaybackrate: '48000',
      'sprop-maxcapturerate': '48000',
      stereo: '0',
      'sprop-stereo': '0',
      maxaveragebitrate: '32000',
    },
  });
  const changed = sdpFmtpFromConfig(withOpus({ fec: false, dtx: true, bitrate: 24000 }));
  t.same(Object.keys(changed), ['opus'], 'only codecs whose fmtp the settings shape');
  t.equal(changed['opus']?.['useinbandfec'], undefined, 'FEC off: no useinbandfec (RFC default 0)');
  t.equal(changed['opus']?.['usedtx'], '1');
  t.equal(changed['opus']?.['maxaveragebitrate'], '24000');
  t.equal(DEFAULT_LOCAL_CODEC_SETTINGS.opus, OPUS_LOCAL_DEFAULTS);
});

t.test('the SDP answer declares the configured fmtp (SdpPolicy.fmtp = sdpFmtpFromConfig)', async (t) => {
  const offer = ['v=0', 'o=- 1 1 IN IP4 10.0.0.1', 's=-', 'c=IN IP4 10.0.0.1', 't=0 0', 'm=audio 4000 RTP/AVP 111', 'a=rtpmap:111 opus/48000/2', ''].join('\r\n');
  const config = loadConfig({ env: { VOXBRIDGE_CODECS_OPUS_DTX: 'true', VOXBRIDGE_CODECS_OPUS_BITRATE: '20000' } });
  const { answerSdp } = answerOffer(offer, LOCAL_V4, { codecs: ['opus'], fmtp: sdpFmtpFromConfig(config.codecs) }, createSession('x'));
  t.match(answerSdp, /\r\na=fmtp:111 minptime=10;useinbandfec=1;maxplaybackrate=48000;sprop-maxcapturerate=48000;stereo=0;sprop-stereo=0;usedtx=1;maxaveragebitrate=20000\r\n/);
});

t.test('encoder settings: the operator’s, capped by what the far end asked for', async (t) => {
  const generous = { bitrate: 64000, complexity: 9, fec: true, dtx: true };
  const plain = opusEncoderSettings({}, 48000, generous);
  t.equal(plain.bitrate, 64000, 'no cap from the far end: the configured bitrate');
  t.equal(plain.complexity, 9);
  t.equal(plain.fec, false, 'FEC only when the far end declares useinbandfec=1');
  t.equal(plain.dtx, false, 'DTX only when the far end declares usedtx=1');
  const asked = opusEncoderSettings({ useinbandfec: '1', usedtx: '1', maxaveragebitrate: '24000' }, 48000, generous);
  t.same([asked.bitrate, asked.fec, asked.packetLossPercent, asked.dtx], [24000, true, 10, true], 'its maxaveragebitrate caps ours');
  const off = opusEncoderSettings({ useinbandfec: '1', usedtx: '1', maxaveragebitrate: '64000' }, 48000, { bitrate: 16000, complexity: 0, fec: false, dtx: false });
  t.same([off.bitrate, off.complexity, off.fec, off.packetLossPercent, off.dtx], [16000, 0, false, 0, false], 'the far end asking does not override the config');
  t.same(opusEncoderSettings({}, 48000), opusEncoderSettings({}, 48000, OPUS_LOCAL_DEFAULTS), 'no settings: the defaults');
});

t.test('the descriptor builds its encoder from CodecOptions.localSettings, and the bitrate takes effect', async (t) => {
  const encoderFor = (local: Partial<OpusLocalSettings>, fmtp: Record<string, string> = {}): OpusEncoder => {
    const encoder = opus.createEncoder?.({ fmtp, ptime: 20, sampleRate: 16000, localSettings: withOpus(local) });
    if (!(encoder instanceof OpusEncoder)) throw new Error('opus descriptor built no OpusEncoder');
    t.teardown(() => encoder.close());
    return encoder;
  };
  const low = encoderFor({ bitrate: 12000, complexity: 3 });
  const high = encoderFor({ bitrate: 48000 });
  t.same([low.settings.bitrate, low.settings.complexity, low.settings.sampleRate], [12000, 3, 16000]);
  t.equal(encoderFor({ dtx: true }, { usedtx: '1' }).dtxMaxBytes, 2, 'DTX on: its tiny frames are marked for the packetizer');
  t.equal(encoderFor({ dtx: false }, { usedtx: '1' }).dtxMaxBytes, 0);
  const speech = harmonicSpeech(16000, 2);
  const meanBytes = (encoder: OpusEncoder): number => {
    const out = new Uint8Array(1500);
    let total = 0;
    let frames = 0;
    for (let at = 0; at + 320 <= speech.length; at += 320, frames++) total += encoder.encode(speech.subarray(at, at + 320), out);
    return total / frames;
  };
  const lowBytes = meanBytes(low);
  const highBytes = meanBytes(high);
  // 20 ms at B bit/s is B / 400 bytes; VBR varies around it.
  t.ok(lowBytes < 45 && lowBytes > 15, `12 kbit/s: ${lowBytes.toFixed(1)} bytes per 20 ms (nominal 30)`);
  t.ok(highBytes > 2 * lowBytes, `48 kbit/s: ${highBytes.toFixed(1)} bytes per 20 ms`);
});
