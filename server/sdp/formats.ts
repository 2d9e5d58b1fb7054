/** Maps SDP payload formats to our codec descriptors (by name, clock rate and channels; never by switch). */
import { findCodec, type CodecDescriptor } from '../../codecs/index.js';
import type { SdpFormat } from './model.js';

/** The audio codec a format denotes, if we implement it at that clock rate and channel count. */
export function audioCodecFor(format: SdpFormat): CodecDescriptor | undefined {
  if (format.name === null) return undefined;
  const codec = findCodec(format.name);
  if (!codec || codec.kind !== 'audio') return undefined;
  return codec.clockRate === format.clockRate && codec.channels === format.channels ? codec : undefined;
}

/** True for formats of an event codec (telephone-event) at `clockRate`. */
export function isEventFormat(format: SdpFormat, clockRate: number): boolean {
  if (format.name === null) return false;
  return findCodec(format.name)?.kind === 'event' && format.clockRate === clockRate;
}

/** The first event format at `clockRate` (RFC 4733 wants the audio codec's rate), or undefined. */
export function eventFormatFor(formats: readonly SdpFormat[], clockRate: number): SdpFormat | undefined {
  return formats.find((format) => isEventFormat(format, clockRate));
}

/** Resolves config codec names (most preferred first) to audio descriptors, skipping unknown ones. */
export function preferredCodecs(names: readonly string[]): CodecDescriptor[] {
  const result: CodecDescriptor[] = [];
  for (const name of names) {
    const codec = findCodec(name);
    if (codec?.kind === 'audio' && !result.includes(codec)) result.push(codec);
  }
  return result;
}

/** How a refused format is named in a 488 reason: "G729", "opus/48000/2", "PT 96". */
export function formatLabel(format: SdpFormat): string {
  if (format.name === null) return `PT ${format.payloadType}`;
  const known = findCodec(format.name);
  if (known && known.clockRate === format.clockRate && known.channels === format.channels) return format.name;
  if (known || format.channels !== 1) {
    return format.channels === 1 ? `${format.name}/${format.clockRate}` : `${format.name}/${format.clockRate}/${format.channels}`;
  }
  return format.name;
}

/** Parses an fmtp value ("a=1;b=2", "0-15") into key/value pairs; a bare token gets the value "". */
export function parseFmtp(text: string | null): Record<string, string> {
  const result: Record<string, string> = {};
  if (text === null) return result;
  for (const part of text.split(';')) {
    const item = part.trim();
    if (item === '') continue;
    const eq = item.indexOf('=');
    if (eq < 0) result[item] = '';
    else result[item.slice(0, eq).trim()] = item.slice(eq + 1).trim();
  }
  return result;
}
