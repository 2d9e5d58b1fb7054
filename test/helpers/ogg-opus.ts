/**
 * Minimal Ogg Opus (RFC 7845 on RFC 3533) writer and reader for tests, so
 * Opus packets can go to and come from ffmpeg: one logical stream, one packet
 * per page, OpusHead and OpusTags headers, CRC-32 as Ogg defines it.
 */

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let k = 0; k < 8; k++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    table[i] = r >>> 0;
  }
  return table;
})();

function oggCrc(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) crc = ((crc << 8) ^ (CRC_TABLE[((crc >>> 24) ^ byte) & 0xff] ?? 0)) >>> 0;
  return crc;
}

function page(packet: Uint8Array, granule: number, sequence: number, flags: number, serial: number): Uint8Array {
  const segments = Math.floor(packet.length / 255) + 1;
  const out = new Uint8Array(27 + segments + packet.length);
  const view = new DataView(out.buffer);
  out.set([0x4f, 0x67, 0x67, 0x53], 0); // "OggS"
  out[5] = flags;
  view.setUint32(6, granule % 2 ** 32, true);
  view.setUint32(10, Math.floor(granule / 2 ** 32), true);
  view.setUint32(14, serial, true);
  view.setUint32(18, sequence, true);
  out[26] = segments;
  for (let i = 0; i < segments; i++) out[27 + i] = i < segments - 1 ? 255 : packet.length % 255;
  out.set(packet, 27 + segments);
  view.setUint32(22, oggCrc(out), true);
  return out;
}

function ascii(text: string): number[] {
  return [...text].map((c) => c.charCodeAt(0));
}

export interface OggOpusOptions {
  /** Samples at 48 kHz the decoder drops at the start (the encoder's look-ahead). */
  readonly preSkip: number;
  /** The original input rate, informational. */
  readonly inputRate: number;
  /** Duration of each packet in 48 kHz samples. */
  readonly packetSamples48k: number;
}

/** An Ogg Opus file holding `packets` (mono). */
export function writeOggOpus(packets: readonly Uint8Array[], options: OggOpusOptions): Uint8Array {
  const serial = 0x766f7862;
  const head = new Uint8Array(19);
  const hv = new DataView(head.buffer);
  head.set(ascii('OpusHead'), 0);
  head[8] = 1; // version
  head[9] = 1; // channels
  hv.setUint16(10, options.preSkip, true);
  hv.setUint32(12, options.inputRate, true);
  hv.setInt16(16, 0, true); // output gain
  head[18] = 0; // mapping family
  const vendor = ascii('voxbridge-test');
  const tags = Uint8Array.from([...ascii('OpusTags'), vendor.length, 0, 0, 0, ...vendor, 0, 0, 0, 0]);
  const pages = [page(head, 0, 0, 0x02, serial), page(tags, 0, 1, 0, serial)];
  let granule = 0;
  packets.forEach((packet, i) => {
    granule += options.packetSamples48k;
    pages.push(page(packet, granule, i + 2, i === packets.length - 1 ? 0x04 : 0, serial));
  });
  const total = pages.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of pages) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export interface OggOpusFile {
  readonly preSkip: number;
  readonly packets: Uint8Array[];
}

/** Reads every packet of an Ogg Opus stream (header packets separated out). */
export function readOggOpus(bytes: Uint8Array): OggOpusFile {
  const packets: Uint8Array[] = [];
  let pending: number[] = [];
  let at = 0;
  while (at + 27 <= bytes.length) {
    if (bytes[at] !== 0x4f || bytes[at + 1] !== 0x67 || bytes[at + 2] !== 0x67 || bytes[at + 3] !== 0x53) throw new Error(`no Ogg page at ${at}`);
    const segments = bytes[at + 26] ?? 0;
    let data = at + 27 + segments;
    for (let i = 0; i < segments; i++) {
      const lace = bytes[at + 27 + i] ?? 0;
      pending.push(...bytes.subarray(data, data + lace));
      data += lace;
      if (lace < 255) {
        packets.push(Uint8Array.from(pending));
        pending = [];
      }
    }
    at = data;
  }
  const head = packets.shift();
  packets.shift(); // OpusTags
  if (!head || String.fromCharCode(...head.subarray(0, 8)) !== 'OpusHead') throw new Error('not an Ogg Opus stream');
  return { preSkip: new DataView(head.buffer, head.byteOffset).getUint16(10, true), packets };
}
