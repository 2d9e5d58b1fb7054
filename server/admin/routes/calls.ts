/** Calls: list, get, hang up, voice transform, playback into the call. */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ControlPlane } from '../../control/control-plane.js';
import type { VoiceSettings } from '../../../media/index.js';
import { CallSchema, errors, IdParams, Ok, PlayBody, PlayReply, VoiceSettingsSchema } from '../schemas.js';

type Id = { Params: Static<typeof IdParams> };

export function callRoutes(app: FastifyInstance, control: ControlPlane): void {
  const tags = ['calls'];
  app.get('/api/calls', { schema: { tags, summary: 'Live calls', response: { 200: Type.Array(CallSchema), ...errors() } } }, async () => control.listCalls());
  app.get<Id>(
    '/api/calls/:id',
    { schema: { tags, summary: 'One call (by id or SIP Call-ID) with media stats', params: IdParams, response: { 200: CallSchema, ...errors(404) } } },
    async (request) => control.getCall(request.params.id),
  );
  app.delete<Id>(
    '/api/calls/:id',
    { schema: { tags, summary: 'Hang up a call (BYE)', params: IdParams, response: { 200: Ok, ...errors(404) } } },
    async (request) => {
      await control.hangupCall(request.params.id);
      return { ok: true as const };
    },
  );
  app.put<Id & { Body: Static<typeof VoiceSettingsSchema> }>(
    '/api/calls/:id/voice',
    { schema: { tags, summary: 'Set the caller\'s voice transform', params: IdParams, body: VoiceSettingsSchema, response: { 200: Ok, ...errors(404, 503) } } },
    async (request) => {
      await control.setCallVoice(request.params.id, request.body as VoiceSettings);
      return { ok: true as const };
    },
  );
  app.delete<Id>(
    '/api/calls/:id/voice',
    { schema: { tags, summary: 'Clear the caller\'s voice transform', params: IdParams, response: { 200: Ok, ...errors(404, 503) } } },
    async (request) => {
      await control.setCallVoice(request.params.id, null);
      return { ok: true as const };
    },
  );
  app.post<Id & { Body: Static<typeof PlayBody> }>(
    '/api/calls/:id/play',
    { schema: { tags, summary: 'Play a recording or WAV file into the call', params: IdParams, body: PlayBody, response: { 201: PlayReply, ...errors(404) } } },
    async (request, reply) => {
      const call = control.findCall(request.params.id);
      const { loop, ...source } = request.body;
      const playbackId = await control.recordings.play({ legId: call.legId }, source, loop ?? false);
      return reply.code(201).send({ playbackId });
    },
  );
}
