/**
 * Conference test rig: an InProcessEngine on a ManualClock, and far ends
 * (UDP peers on 127.0.0.1) that each send a tone (or silence) as real RTP in
 * their codec and decode what the room sends back. Each `step` sends one
 * 20 ms packet per peer, waits until every leg has it, then advances the
 * clock one tick: no sleeps.
 */
import { findCodec, type AudioDecoder, type AudioEncoder } from '../../../codecs/index.js';
import type { LegParams, RoomOptions } from '../../../media/index.js';
import { harness, peer, rtpOnly, type Harness, type Peer, type Teardown } from '../helpers/engine-harness.js';
import { goertzelPower, powerToDbfs } from '../../helpers/audio.js';

export interface CodecSpec {
  readonly name: string;
  readonly payloadType: number;
  readonly clockRate: number;
  readonly sampleRate: number;
}

export const CODECS = {
  PCMU: { name: 'PCMU', payloadType: 0, clockRate: 8000, sampleRate: 8000 },
  G722: { name: 'G722', payloadType: 9, clockRate: 8000, sampleRate: 16000 },
  L16: { name: 'L16', payloadType: 96, clockRate: 16000, sampleRate: 16000 },
  OPUS: { name: 'opus', payloadType: 111, clockRate: 48000, sampleRate: 48000 },
} as const satisfies Record<string, CodecSpec>;

export const LEVEL_ROOM: RoomOptions = {
  sampleRate: 16000,
  maxTalkers: 3,
  talkerThresholdDb: -45,
  talkerHangoverMs: 200,
  dsp: { noiseSuppression: false, agc: false, echoCancellation: false },
  joinLeaveTones: false,
  talkerDetection: 'level',
};

export interface Tone {
  frequency: number;
  dbfs: number;
}

export class FarEnd {
  readonly legId: string;
  readonly codec: CodecSpec;
  readonly peer: Peer;
  enginePort = 0;
  /** What this far end sends (null: digital silence, still in packets). */
  tone: Tone | null;
  sent = 0;
  readonly #encoder: AudioEncoder;
  readonly #decoder: AudioDecoder;
  readonly #pcm: Int16Array;
  readonly #payload: Uint8Array;
  #seq = 1000;
  #ts = 5000;
  #phase = 0;

  constructor(legId: string, codec: CodecSpec, socket: Peer, tone: Tone | null) {
    this.legId = legId;
    this.codec = codec;
    this.peer = socket;
    this.tone = tone;
    const descriptor = findCodec(codec.name);
    const options = { fmtp: {}, ptime: 20 };
    const encoder = descriptor?.createEncoder?.(options);
    const decoder = descriptor?.createDecoder?.(options);
    if (encoder === undefined || decoder === undefined) throw new Error(`codec ${codec.name} missing`);
    this.#encoder = encoder;
    this.#decoder = decoder;
    this.#pcm = new Int16Array(codec.sampleRate / 50);
    this.#payload = new Uint8Array(4000);
  }

  params(overrides: Partial<LegParams> = {}): LegParams {
    const c = this.codec;
    return {
      remote: { address: '127.0.0.1', rtpPort: this.peer.port, rtcpPort: this.peer.port + 1 },
      rtcpMux: false,
      codec: { name: c.name, payloadType: c.payloadType, clockRate: c.clockRate, channels: c.name === 'opus' ? 2 : 1, fmtp: {} },
      telephoneEvent: null,
      ptime: 20,
      direction: 'sendrecv',
      ...overrides,
    };
  }

  /** Sends the next 20 ms packet. */
  sendFrame(): void {
    const pcm = this.#pcm;
    const tone = this.tone;
    const amplitude = tone === null ? 0 : 32768 * 10 ** (tone.dbfs / 20);
    const step = tone === null ? 0 : (2 * Math.PI * tone.frequency) / this.codec.sampleRate;
    for (let i = 0; i < pcm.length; i++) {
      pcm[i] = Math.round(amplitude * Math.sin(this.#phase));
      this.#phase += step;
    }
    const bytes = this.#encoder.encode(pcm, this.#payload);
    const packet = new Uint8Array(12 + bytes);
    const view = new DataView(packet.buffer);
    packet[0] = 0x80;
    packet[1] = this.codec.payloadType;
    view.setUint16(2, this.#seq & 0xffff);
    view.setUint32(4, this.#ts >>> 0);
    view.setUint32(8, 0x1234 + this.codec.payloadType);
    packet.set(this.#payload.subarray(0, bytes), 12);
    this.#seq++;
    this.#ts += (this.codec.clockRate * 20) / 1000;
    this.peer.send(packet, this.enginePort);
    this.sent++;
  }

  /** RTP received from the room so far (parsed). */
  packets(): ReturnType<typeof rtpOnly> {
    return rtpOnly(this.peer.received);
  }

  /** Decoded audio of the RTP packets received from index `from` on. */
  heard(from = 0): Int16Array {
    const packets = this.packets().slice(from);
    const frame = new Int16Array(this.codec.sampleRate / 50);
    const out = new Int16Array(packets.length * frame.length);
    packets.forEach((p, k) => {
      const n = this.#decoder.decode(p.payload, frame);
      out.set(frame.subarray(0, n), k * frame.length);
    });
    return out;
  }

  /** Level (dBFS) of `frequency` in what was heard from packet `from` on. */
  toneDb(frequency: number, from = 0): number {
    return powerToDbfs(goertzelPower(this.heard(from), frequency, this.codec.sampleRate));
  }
}

export interface Rig {
  readonly h: Harness;
  readonly ends: FarEnd[];
  /** One tick: every far end sends a packet, the engine receives them all, the clock moves 20 ms. */
  step(count?: number): Promise<void>;
  /** Resolves once everything the engine sent has reached every far end. */
  drain(): Promise<void>;
}

export async function conference(
  t: Teardown,
  ports: string,
  roomOptions: RoomOptions,
  members: readonly { codec: CodecSpec; tone: Tone | null }[],
  roomId = 'room-1',
): Promise<Rig> {
  const h = harness(t, ports);
  await h.engine.request('room.create', { roomId, options: roomOptions });
  const ends: FarEnd[] = [];
  for (const [i, member] of members.entries()) {
    const legId = `leg-${i}`;
    const end = new FarEnd(legId, member.codec, await peer(t), member.tone);
    const local = await h.engine.request('leg.create', { legId, callId: `call-${i}`, advertiseAddress: '127.0.0.1', group: roomId });
    end.enginePort = local.rtpPort;
    await h.engine.request('leg.update', { legId, params: end.params() });
    await h.engine.request('room.join', { roomId, legId });
    ends.push(end);
  }
  const marker = await peer(t);
  return {
    h,
    ends,
    async step(count = 1) {
      for (let k = 0; k < count; k++) {
        for (const end of ends) end.sendFrame();
        await Promise.all(ends.map((end) => h.until(end.legId, (s) => s.rx.packets >= end.sent)));
        h.clock.advance(20);
      }
    },
    async drain() {
      for (const end of ends) await end.peer.drain(marker);
    },
  };
}
