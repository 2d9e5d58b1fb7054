/**
 * RFC 3551 §6 (Tables 4 and 5): payload types that mean a codec without any
 * a=rtpmap. Used to resolve "m=audio 4000 RTP/AVP 0 8 18" and to name the
 * codecs we refuse in a 488 reason.
 */
export interface StaticPayload {
  readonly name: string;
  readonly clockRate: number;
  readonly channels: number;
}

const audio = (name: string, clockRate: number, channels = 1): StaticPayload => ({ name, clockRate, channels });
const video = (name: string): StaticPayload => ({ name, clockRate: 90000, channels: 1 });

const STATIC_PAYLOADS: ReadonlyMap<number, StaticPayload> = new Map([
  [0, audio('PCMU', 8000)],
  [3, audio('GSM', 8000)],
  [4, audio('G723', 8000)],
  [5, audio('DVI4', 8000)],
  [6, audio('DVI4', 16000)],
  [7, audio('LPC', 8000)],
  [8, audio('PCMA', 8000)],
  [9, audio('G722', 8000)],
  [10, audio('L16', 44100, 2)],
  [11, audio('L16', 44100)],
  [12, audio('QCELP', 8000)],
  [13, audio('CN', 8000)],
  [14, audio('MPA', 90000)],
  [15, audio('G728', 8000)],
  [16, audio('DVI4', 11025)],
  [17, audio('DVI4', 22050)],
  [18, audio('G729', 8000)],
  [25, video('CelB')],
  [26, video('JPEG')],
  [28, video('nv')],
  [31, video('H261')],
  [32, video('MPV')],
  [33, video('MP2T')],
  [34, video('H263')],
]);

export function staticPayload(pt: number): StaticPayload | undefined {
  return STATIC_PAYLOADS.get(pt);
}
