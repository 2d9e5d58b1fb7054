/**
 * Reads an uploaded WAV (16-bit PCM, mono or multi-channel, any rate) into
 * mono samples with the media plane's WAV parser. Input from the network: a
 * bad file is a ControlError (400) naming the problem, never a crash.
 */
import { downmix, parseWav, WavFormatError } from '../../media/index.js';
import { ControlError } from './errors.js';

export interface MonoPcm {
  readonly sampleRate: number;
  readonly samples: Int16Array;
}

export function readWavMono(bytes: Uint8Array): MonoPcm {
  try {
    const audio = parseWav(bytes);
    if (audio.sampleRate < 8000 || audio.sampleRate > 192000) throw new WavFormatError('WAV sample rate out of range (8000–192000 Hz)');
    return { sampleRate: audio.sampleRate, samples: downmix(audio) };
  } catch (error) {
    if (error instanceof WavFormatError) throw new ControlError('ERR_BAD_REQUEST', error.message, { cause: error });
    throw error;
  }
}
