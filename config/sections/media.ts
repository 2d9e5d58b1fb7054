/** Config section `media`: how the media plane runs (worker threads). */
import { Type } from '@sinclair/typebox';

export const MediaSection = Type.Object(
  {
    workers: Type.Integer({
      minimum: 0,
      maximum: 256,
      default: 0,
      description: 'Media worker threads (0: one per CPU core)',
      hint: 'an integer from 0 to 256',
      flag: 'media-workers',
    }),
    inProcess: Type.Boolean({
      default: false,
      description: 'Run the media engine in the main thread instead of workers (debugging and tests)',
      hint: 'true or false',
      flag: 'media-in-process',
    }),
  },
  { default: {}, additionalProperties: false },
);
