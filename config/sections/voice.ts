/** Config section `voice`: the voice-transform worker pool. */
import { Type } from '@sinclair/typebox';

export const VoiceSection = Type.Object(
  {
    workers: Type.Integer({
      minimum: 0,
      maximum: 256,
      default: 0,
      description: 'Voice transform worker threads (0: one per CPU core)',
      hint: 'an integer from 0 to 256',
      flag: 'voice-workers',
    }),
    fallback: Type.Union([Type.Literal('comfort-noise'), Type.Literal('silence'), Type.Literal('passthrough')], {
      default: 'comfort-noise',
      description: 'What a leg gets when its transform falls behind (anonymize never passes the raw voice through)',
      hint: 'one of comfort-noise, silence, passthrough',
      flag: 'voice-fallback',
    }),
    collectBudgetMs: Type.Number({
      minimum: 0,
      maximum: 20,
      default: 8,
      description: 'Longest the media thread waits per tick, over all legs, for transformed frames before using fallbacks (ms)',
      hint: 'a number of milliseconds from 0 to 20',
      flag: 'voice-collect-budget',
    }),
    profilesDir: Type.String({
      default: 'voices',
      minLength: 1,
      description: 'Directory holding target-speaker voice profiles',
      hint: 'a directory path',
      flag: 'voice-profiles-dir',
    }),
  },
  { default: {}, additionalProperties: false },
);
