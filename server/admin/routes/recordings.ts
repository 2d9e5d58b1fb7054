/** Recordings (start, stop, list, download) and stopping playbacks. */
import { createReadStream } from 'node:fs';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ControlPlane } from '../../control/control-plane.js';
import { ControlError } from '../../control/errors.js';
import { errors, IdParams, Ok, RecordingSchema, RecordingStartBody } from '../schemas.js';

type Id = { Params: Static<typeof IdParams> };

export function recordingRoutes(app: FastifyInstance, control: ControlPlane): void {
  const tags = ['recordings'];
  app.get('/api/recordings', { schema: { tags, summary: 'Recordings: running ones and files on disk', response: { 200: Type.Array(RecordingSchema), ...errors() } } }, async () =>
    control.recordings.list(),
  );
  app.post<{ Body: Static<typeof RecordingStartBody> }>(
    '/api/recordings',
    {
      schema: {
        tags,
        summary: 'Start recording a room (its mix) or a call (direction in/out/both)',
        body: RecordingStartBody,
        response: { 201: RecordingSchema, ...errors(404, 503) },
      },
    },
    async (request, reply) => {
      const { room, call, direction } = request.body;
      if ((room === undefined) === (call === undefined)) throw new ControlError('ERR_BAD_REQUEST', 'give exactly one of room or call');
      const target = room !== undefined ? { room } : { legId: control.findCall(call ?? '').legId, ...(direction ? { direction } : {}) };
      return reply.code(201).send(await control.recordings.start(target));
    },
  );
  app.post<Id>(
    '/api/recordings/:id/stop',
    { schema: { tags, summary: 'Stop a recording and finish its file', params: IdParams, response: { 200: RecordingSchema, ...errors(404, 409) } } },
    async (request) => control.recordings.stop(request.params.id),
  );
  app.get<Id>(
    '/api/recordings/:id/download',
    {
      schema: {
        tags,
        summary: 'Download a finished recording (audio/wav)',
        params: IdParams,
        response: {
          200: { description: 'The WAV file', content: { 'audio/wav': { schema: Type.String({ format: 'binary' }) } } },
          ...errors(404, 409),
        },
      },
    },
    async (request, reply) => {
      const { path, bytes } = await control.recordings.file(request.params.id);
      return reply
        .type('audio/wav')
        .header('content-length', bytes)
        .header('content-disposition', `attachment; filename="${request.params.id}.wav"`)
        .send(createReadStream(path));
    },
  );
  app.delete<Id>(
    '/api/playbacks/:id',
    { schema: { tags, summary: 'Stop a playback', params: IdParams, response: { 200: Ok, ...errors(404) } } },
    async (request) => {
      await control.recordings.stopPlayback(request.params.id);
      return { ok: true as const };
    },
  );
}
