import t from 'tap';
import { audioCodecs, findCodec, g722, l16, opus, pcma, pcmu, telephoneEvent } from '../../codecs/index.js';

t.test('the registry holds every audio codec with its SDP identity', async (t) => {
  t.same(
    audioCodecs.map((c) => [c.name, c.kind, c.staticPayloadType, c.defaultPayloadType, c.clockRate, c.sampleRate, c.channels]),
    [
      ['opus', 'audio', undefined, 111, 48000, 48000, 2],
      ['G722', 'audio', 9, 9, 8000, 16000, 1],
      ['PCMU', 'audio', 0, 0, 8000, 8000, 1],
      ['PCMA', 'audio', 8, 8, 8000, 8000, 1],
      ['L16', 'audio', undefined, 118, 16000, 16000, 1],
    ],
  );
  for (const codec of [pcmu, pcma, g722, l16]) {
    t.same(codec.ptimes, [20, 10, 30, 40, 60], `${codec.name} ptimes`);
  }
  t.same(opus.ptimes, [20, 10, 40, 60], 'Opus has no 30 ms frame');
  t.same(opus.sampleRates, [8000, 12000, 16000, 24000, 48000]);
  t.equal(pcmu.frameBytes?.(20), 160);
  t.equal(pcma.frameBytes?.(30), 240);
  t.equal(g722.frameBytes?.(20), 160, 'G.722: 64 kbit/s is 160 octets per 20 ms');
  t.equal(l16.frameBytes?.(20), 640);
  t.equal(opus.frameBytes, undefined, 'Opus is VBR');
});

t.test('findCodec is case-insensitive and covers telephone-event', async (t) => {
  t.equal(findCodec('pcmu'), pcmu);
  t.equal(findCodec('PcMa'), pcma);
  t.equal(findCodec('OPUS'), opus);
  t.equal(findCodec('g722'), g722);
  t.equal(findCodec('l16'), l16);
  t.equal(findCodec('TELEPHONE-EVENT'), telephoneEvent);
  t.equal(findCodec('G729'), undefined);
  t.equal(telephoneEvent.kind, 'event');
  t.equal(telephoneEvent.defaultPayloadType, 101);
  t.equal(telephoneEvent.staticPayloadType, undefined);
  t.equal(telephoneEvent.createEncoder, undefined);
  t.equal(telephoneEvent.createDecoder, undefined);
  t.same(telephoneEvent.defaultFmtp, { '0-16': '' });
});

/** SNR of `back` against `pcm` after the best delay in 0..maxDelay samples (codecs with look-ahead). */
function delayedSnr(pcm: Int16Array, back: Int16Array, maxDelay: number): number {
  let best = -Infinity;
  for (let d = 0; d <= maxDelay; d++) {
    let signal = 0;
    let noise = 0;
    for (let i = 0; i + d < back.length; i++) {
      const x = pcm[i] ?? 0;
      signal += x * x;
      noise += (x - (back[i + d] ?? 0)) ** 2;
    }
    best = Math.max(best, 10 * Math.log10(signal / noise));
  }
  return best;
}

t.test('every codec encodes and decodes a tone on caller buffers, frame by frame', async (t) => {
  // Expected SNR range of a -10 dBFS 1 kHz tone after 200 ms, per codec.
  const expected: Readonly<Record<string, readonly [number, number]>> = {
    opus: [12, 60],
    G722: [25, 60],
    PCMU: [30, 45],
    PCMA: [30, 45],
    L16: [90, Infinity],
  };
  for (const codec of audioCodecs) {
    const options = { fmtp: {}, ptime: 20 };
    const encoder = codec.createEncoder?.(options);
    const decoder = codec.createDecoder?.(options);
    if (!encoder || !decoder) {
      t.fail(`${codec.name} lacks encoder/decoder`);
      continue;
    }
    const frame = codec.sampleRate / 50;
    const frames = 20;
    const pcm = new Int16Array(frame * frames);
    for (let i = 0; i < pcm.length; i++) pcm[i] = Math.round(10362 * Math.sin((2 * Math.PI * 1000 * i) / codec.sampleRate));
    const back = new Int16Array(pcm.length);
    const bytes = new Uint8Array(4000);
    const out = new Int16Array(frame);
    for (let f = 0; f < frames; f++) {
      const n = encoder.encode(pcm.subarray(f * frame, (f + 1) * frame), bytes);
      if (codec.frameBytes) t.equal(n, codec.frameBytes(20), `${codec.name} frame ${f}: CBR size`);
      else t.ok(n > 0 && n < 400, `${codec.name} frame ${f}: ${n} bytes`);
      t.equal(decoder.decode(bytes.subarray(0, n), out), frame);
      back.set(out, f * frame);
    }
    // Skip the first 100 ms (codec start-up) before measuring.
    const skip = frame * 5;
    const snr = delayedSnr(pcm.subarray(skip), back.subarray(skip), codec.name === 'opus' ? 400 : 40);
    const [low, high] = expected[codec.name] ?? [0, 0];
    t.ok(snr > low && (snr < high || high === Infinity), `${codec.name} SNR ${snr.toFixed(1)} dB in (${low}, ${high})`);
    encoder.close?.();
    decoder.close?.();
  }
  t.equal(pcmu.createEncoder?.({ fmtp: {}, ptime: 20 }), pcmu.createEncoder?.({ fmtp: {}, ptime: 20 }), 'G.711 coders are stateless singletons');
  t.not(g722.createEncoder?.({ fmtp: {}, ptime: 20 }), g722.createEncoder?.({ fmtp: {}, ptime: 20 }), 'G.722 coders keep state per stream');
});
