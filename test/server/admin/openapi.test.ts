import t from 'tap';
import { adminHarness } from './fixtures/harness.js';

interface Operation {
  summary?: string;
  tags?: string[];
  parameters?: { in: string; name: string; required?: boolean; schema?: unknown }[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { description?: string; content?: Record<string, { schema: unknown }> }>;
}
interface Document {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
  security: unknown[];
}

/** Every $ref in the document, wherever it sits. */
function refs(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((child) => refs(child, found));
  else if (node !== null && typeof node === 'object') {
    for (const [key, child] of Object.entries(node)) {
      if (key === '$ref' && typeof child === 'string') found.push(child);
      else refs(child, found);
    }
  }
  return found;
}

t.test('/openapi.json documents every route with schemas and consistent errors', async (t) => {
  const { app } = await adminHarness(t);
  const reply = await app.inject({ url: '/openapi.json' });
  t.equal(reply.statusCode, 200);
  const doc = reply.json() as Document;
  t.match(doc.openapi, /^3\./);
  t.equal(doc.info.version, '9.9.9');
  t.ok(doc.components.securitySchemes.bearer);
  t.ok(doc.components.schemas.ErrorReply, 'the error schema is a shared component');

  const expected = [
    'GET /health', 'GET /ready', 'GET /api/info', 'GET /api/config', 'GET /api/stats',
    'GET /api/calls', 'GET /api/calls/{id}', 'DELETE /api/calls/{id}', 'PUT /api/calls/{id}/voice', 'DELETE /api/calls/{id}/voice', 'POST /api/calls/{id}/play',
    'GET /api/rooms', 'POST /api/rooms', 'GET /api/rooms/{name}', 'DELETE /api/rooms/{name}', 'POST /api/rooms/{name}/lock', 'POST /api/rooms/{name}/unlock', 'POST /api/rooms/{name}/play',
    'GET /api/rooms/{name}/participants', 'GET /api/rooms/{name}/participants/{id}', 'PATCH /api/rooms/{name}/participants/{id}', 'DELETE /api/rooms/{name}/participants/{id}',
    'POST /api/rooms/{name}/participants/{id}/mute', 'POST /api/rooms/{name}/participants/{id}/unmute', 'POST /api/rooms/{name}/participants/{id}/deaf', 'POST /api/rooms/{name}/participants/{id}/undeaf',
    'PUT /api/rooms/{name}/participants/{id}/voice', 'DELETE /api/rooms/{name}/participants/{id}/voice',
    'GET /api/recordings', 'POST /api/recordings', 'POST /api/recordings/{id}/stop', 'GET /api/recordings/{id}/download', 'DELETE /api/playbacks/{id}',
    'POST /api/dial-out', 'GET /api/dial-out', 'GET /api/dial-out/{id}',
    'GET /api/voice-profiles', 'GET /api/voice-profiles/{name}', 'PUT /api/voice-profiles/{name}', 'DELETE /api/voice-profiles/{name}',
  ];
  const documented: string[] = [];
  for (const [path, operations] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const label = `${method.toUpperCase()} ${path}`;
      documented.push(label);
      t.ok(operation.summary, `${label} has a summary`);
      t.ok(operation.tags?.length, `${label} has a tag`);
      for (const name of path.match(/\{(\w+)\}/g) ?? []) {
        const param = operation.parameters?.find((p) => p.in === 'path' && `{${p.name}}` === name);
        t.ok(param?.schema, `${label} documents path parameter ${name}`);
      }
      const success = Object.keys(operation.responses).filter((status) => /^2/.test(status));
      t.ok(success.length > 0, `${label} documents its success reply`);
      if (path.startsWith('/api/')) {
        for (const status of ['400', '401', '403']) {
          const schema = operation.responses[status]?.content?.['application/json']?.schema;
          t.same(schema, { $ref: '#/components/schemas/ErrorReply' }, `${label} ${status} uses ErrorReply`);
        }
      }
      if (['post', 'put', 'patch'].includes(method) && operation.requestBody) {
        t.ok(Object.keys(operation.requestBody.content).length > 0, `${label} body has a media type`);
      }
    }
  }
  t.same([...documented].sort(), [...expected].sort(), 'exactly the routes we serve (dashboard, docs, metrics hidden)');
  // @fastify/websocket hides WebSocket routes (OpenAPI 3.0 cannot describe them): the description names it instead.
  t.match((doc.info as { description?: string }).description, /\/api\/events/);
  for (const ref of refs(doc)) {
    const name = ref.replace('#/components/schemas/', '');
    t.ok(ref.startsWith('#/components/schemas/') && doc.components.schemas[name], `ref ${ref} resolves`);
  }
  t.equal((await app.inject({ url: '/docs/' })).statusCode, 200, 'the docs page is served');
});
