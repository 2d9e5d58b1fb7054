/** Target-speaker voice profiles: upload a reference WAV (request body), list, get, delete. */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ControlPlane } from '../../control/control-plane.js';
import { ControlError } from '../../control/errors.js';
import { errors, Ok, ProfileParams, VoiceProfileSchema } from '../schemas.js';

type Profile = { Params: Static<typeof ProfileParams> };
const UploadQuery = Type.Object({ replace: Type.Optional(Type.Boolean()) }, { additionalProperties: false });
/** Largest reference recording accepted (about 5 minutes of 16 kHz mono). */
export const MAX_PROFILE_UPLOAD_BYTES = 10 * 1024 * 1024;

export function voiceProfileRoutes(app: FastifyInstance, control: ControlPlane): void {
  const tags = ['voice profiles'];
  // WAV bodies arrive as raw bytes; only these routes accept them.
  app.addContentTypeParser(['audio/wav', 'audio/x-wav', 'audio/wave', 'application/octet-stream'], { parseAs: 'buffer', bodyLimit: MAX_PROFILE_UPLOAD_BYTES }, (_request, body, done) =>
    done(null, body),
  );
  app.get('/api/voice-profiles', { schema: { tags, summary: 'Stored voice profiles', response: { 200: Type.Array(VoiceProfileSchema), ...errors() } } }, async () =>
    control.voiceProfiles.list(),
  );
  app.get<Profile>(
    '/api/voice-profiles/:name',
    { schema: { tags, summary: 'One voice profile', params: ProfileParams, response: { 200: VoiceProfileSchema, ...errors(404) } } },
    async (request) => control.voiceProfiles.get(request.params.name),
  );
  app.put<Profile & { Querystring: Static<typeof UploadQuery>; Body: unknown }>(
    '/api/voice-profiles/:name',
    {
      bodyLimit: MAX_PROFILE_UPLOAD_BYTES,
      schema: {
        tags,
        summary: 'Upload a reference recording (16-bit PCM WAV, ≥ 10 s of speech) as the body (Content-Type: audio/wav)',
        params: ProfileParams,
        querystring: UploadQuery,
        consumes: ['audio/wav'],
        response: { 201: VoiceProfileSchema, ...errors(409, 413) },
      },
    },
    async (request, reply) => {
      if (!Buffer.isBuffer(request.body)) throw new ControlError('ERR_BAD_REQUEST', 'send the WAV file as the body with Content-Type: audio/wav');
      const created = await control.voiceProfiles.create(request.params.name, request.body, request.query.replace ?? false);
      return reply.code(201).send(created);
    },
  );
  app.delete<Profile>(
    '/api/voice-profiles/:name',
    { schema: { tags, summary: 'Delete a voice profile', params: ProfileParams, response: { 200: Ok, ...errors(404) } } },
    async (request) => {
      await control.voiceProfiles.delete(request.params.name);
      return { ok: true as const };
    },
  );
}
