/** The echo test: the caller hears its own audio back through the full media path. */
import type { Application } from './call-context.js';
import { answerWithMedia } from './media-call.js';

export const echoApplication: Application = (call, context) => answerWithMedia(call, { kind: 'echo' }, context);
