/** Config section `admin`: the REST API, event stream, metrics and dashboard (server/admin). */
import { Type } from '@sinclair/typebox';

const HOST_PORT = '^(\\[[0-9a-fA-F:.]+\\]|[A-Za-z0-9_.-]+):[0-9]{1,5}$';

export const AdminSection = Type.Object(
  {
    enabled: Type.Boolean({
      default: true,
      description: 'Serve the admin REST API, event stream, /metrics and the dashboard',
      hint: 'true or false',
      flag: 'admin-enabled',
    }),
    listen: Type.String({
      pattern: HOST_PORT,
      default: '127.0.0.1:8080',
      description: 'Address of the admin API; without a token it must be a loopback address',
      hint: 'HOST:PORT, e.g. 127.0.0.1:8080',
      flag: 'admin-listen',
    }),
    // Two keys so that both a list (config file) and one token (env/flag) can be given; they add up.
    token: Type.String({
      default: '',
      pattern: '^(.{16,})?$',
      description: 'One bearer token for the admin API (added to admin.tokens); never logged',
      hint: 'a string of at least 16 characters, or empty',
      // config/validate.ts leaves secrets out of error messages.
      secret: true,
      flag: 'admin-token',
    }),
    tokens: Type.Array(Type.String({ minLength: 16 }), {
      default: [],
      description: 'Bearer tokens accepted by the admin API (with none, the API listens on loopback only)',
      hint: 'a list of strings of at least 16 characters',
      secret: true,
      flag: 'admin-tokens',
    }),
    shutdownGraceSeconds: Type.Integer({
      minimum: 0,
      maximum: 3600,
      default: 10,
      description: 'On SIGTERM: stop taking calls, let live calls run this long, then end them with BYE',
      hint: 'an integer from 0 to 3600 (s)',
      flag: 'shutdown-grace',
    }),
    recordingsDir: Type.String({
      default: 'recordings',
      minLength: 1,
      description: 'Directory where recordings started from the API are written',
      hint: 'a directory path',
      flag: 'recordings-dir',
    }),
  },
  { default: {}, additionalProperties: false },
);
