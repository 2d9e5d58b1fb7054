import t from 'tap';
import { audioCodecs, findCodec, pcma, pcmu, telephoneEvent } from '../../codecs/index.js';

t.test('audio codecs are PCMU and PCMA with their RFC 3551 static types', async (t) => {
  t.same(audioCodecs.map((c) => [c.name, c.kind, c.staticPayloadType, c.clockRate, c.sampleRate, c.channels]), [
    ['PCMU', 'audio', 0, 8000, 8000, 1],
    ['PCMA', 'audio', 8, 8000, 8000, 1],
  ]);
  for (const codec of audioCodecs) {
    t.same(codec.ptimes, [20, 10, 30, 40, 60], `${codec.name} ptimes`);
    t.equal(codec.frameBytes?.(20), 160);
    t.equal(codec.frameBytes?.(30), 240);
  }
});

t.test('findCodec is case-insensitive and covers telephone-event', async (t) => {
  t.equal(findCodec('pcmu'), pcmu);
  t.equal(findCodec('PcMa'), pcma);
  t.equal(findCodec('TELEPHONE-EVENT'), telephoneEvent);
  t.equal(findCodec('G729'), undefined);
  t.equal(telephoneEvent.kind, 'event');
  t.equal(telephoneEvent.defaultPayloadType, 101);
  t.equal(telephoneEvent.staticPayloadType, undefined);
  t.equal(telephoneEvent.createEncoder, undefined);
  t.equal(telephoneEvent.createDecoder, undefined);
  t.same(telephoneEvent.defaultFmtp, { '0-16': '' });
});

t.test('encoders and decoders work on caller buffers', async (t) => {
  const options = { fmtp: {}, ptime: 20 };
  const pcm = new Int16Array(160);
  for (let i = 0; i < pcm.length; i++) pcm[i] = Math.round(8000 * Math.sin((2 * Math.PI * 1000 * i) / 8000));
  for (const codec of audioCodecs) {
    const encoder = codec.createEncoder?.(options);
    const decoder = codec.createDecoder?.(options);
    if (!encoder || !decoder) {
      t.fail(`${codec.name} lacks encoder/decoder`);
      continue;
    }
    const bytes = new Uint8Array(codec.frameBytes?.(20) ?? 0);
    t.equal(encoder.encode(pcm, bytes), 160);
    const back = new Int16Array(160);
    t.equal(decoder.decode(bytes, back), 160);
    // G.711 keeps roughly 38 dB SNR on a full-ish sine.
    let signal = 0;
    let noise = 0;
    for (let i = 0; i < pcm.length; i++) {
      const x = pcm[i] ?? 0;
      signal += x * x;
      noise += (x - (back[i] ?? 0)) ** 2;
    }
    const snr = 10 * Math.log10(signal / noise);
    t.ok(snr > 30 && snr < 45, `${codec.name} SNR ${snr.toFixed(1)} dB`);
  }
  t.not(pcmu.createEncoder?.(options), undefined);
});
