/** Speech fixtures as 16-bit PCM (test/fixtures/audio). */
import { fileURLToPath } from 'node:url';
import { readWav } from '../../helpers/wav.js';

export function readFixtureWav(name: string): Int16Array {
  return readWav(fileURLToPath(new URL(`../../fixtures/audio/${name}`, import.meta.url))).samples;
}
