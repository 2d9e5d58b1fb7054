/**
 * The one source of truth for configuration: TypeScript types, defaults and
 * validation all come from this TypeBox schema. Each leaf carries a `hint`
 * (what is allowed) used in start-up error messages, and a `flag` where it
 * can be set from the command line.
 */
import { Type, type Static, type TString } from '@sinclair/typebox';
import { AdminSection } from './sections/admin.js';
import { MediaSection } from './sections/media.js';
import { VoiceSection } from './sections/voice.js';
import { SrtpSection } from './sections/srtp.js';
import { ConferenceSection } from './sections/conference.js';

/** Extra keywords we attach to leaves; TypeBox keeps unknown options on the schema. */
export interface LeafOptions {
  readonly description: string;
  /** What values are allowed, in words, for error messages. */
  readonly hint?: string;
  /** Long CLI flag (without `--`) that sets this key. */
  readonly flag?: string;
}

const HOST_PORT = '^(\\[[0-9a-fA-F:.]+\\]|[A-Za-z0-9_.-]+):[0-9]{1,5}$';
const PORT_RANGE = '^[0-9]{1,5}-[0-9]{1,5}$';

function hostPort(defaultValue: string, options: LeafOptions): TString {
  return Type.String({ pattern: HOST_PORT, default: defaultValue, hint: 'HOST:PORT, e.g. 0.0.0.0:5060', ...options });
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
/** Codecs the registry can negotiate (codecs/registry.ts); L16 is for internal links and tests. */
export const KNOWN_CODECS = ['opus', 'G722', 'PCMU', 'PCMA', 'L16'] as const;
/**
 * Default preference: wideband first (Opus, then G.722), G.711 for everyone
 * else (SIPp, trunks), as FreeSWITCH orders them. L16 is never offered by default.
 */
export const DEFAULT_CODEC_PREFERENCE: readonly (typeof KNOWN_CODECS)[number][] = ['opus', 'G722', 'PCMU', 'PCMA'];

export const ConfigSchema = Type.Object(
  {
    sip: Type.Object(
      {
        listen: hostPort('0.0.0.0:5060', {
          description: 'Address and port of the SIP listeners (UDP and TCP share the port)',
          flag: 'sip-listen',
        }),
        transports: Type.Array(Type.Union([Type.Literal('udp'), Type.Literal('tcp'), Type.Literal('ws')]), {
          default: ['udp', 'tcp'],
          minItems: 1,
          uniqueItems: true,
          description: 'SIP transports to open: udp and tcp on sip.listen, ws (RFC 7118) on sip.wsListen',
          hint: 'a non-empty list of udp, tcp, ws',
          flag: 'sip-transports',
        }),
        wsListen: hostPort('0.0.0.0:5066', {
          description: 'Address and port of the SIP-over-WebSocket listener (when sip.transports has ws)',
          flag: 'sip-ws-listen',
        }),
        maxMessageBytes: Type.Integer({
          minimum: 512,
          maximum: 65535,
          default: 16384,
          description: 'Largest SIP message accepted; larger ones get 513 or are dropped',
          hint: 'an integer from 512 to 65535',
        }),
        maxHeaders: Type.Integer({
          minimum: 10,
          maximum: 500,
          default: 100,
          description: 'Most header lines accepted in one SIP message',
          hint: 'an integer from 10 to 500',
        }),
        t1Ms: Type.Integer({
          minimum: 50,
          maximum: 10000,
          default: 500,
          description: 'RFC 3261 T1 (RTT estimate); retransmission timers derive from it',
          hint: 'an integer from 50 to 10000 (ms)',
        }),
        t2Ms: Type.Integer({
          minimum: 100,
          maximum: 60000,
          default: 4000,
          description: 'RFC 3261 T2: the longest retransmit interval for non-INVITE requests and INVITE responses',
          hint: 'an integer from 100 to 60000 (ms)',
        }),
        tryingDelayMs: Type.Integer({
          minimum: 0,
          maximum: 200,
          default: 0,
          description:
            'Delay before 100 Trying to a new INVITE; 0 sends it at once, more saves a datagram per call when the app answers within it (RFC 3261 §17.2.1 allows up to 200 ms)',
          hint: 'an integer from 0 to 200 (ms)',
          flag: 'sip-trying-delay',
        }),
        t4Ms: Type.Integer({
          minimum: 0,
          maximum: 60000,
          default: 5000,
          description: 'RFC 3261 T4: how long a message may stay in the network (Timers I and K)',
          hint: 'an integer from 0 to 60000 (ms)',
        }),
        userAgent: Type.String({ default: 'voxbridge', minLength: 1, description: 'Value of the Server/User-Agent header' }),
        maxCalls: Type.Integer({
          minimum: 0,
          default: 2000,
          description: 'Most calls at once (dialogs plus INVITEs being answered); more get 503 with Retry-After (0: no limit)',
          hint: 'a non-negative integer',
          flag: 'max-calls',
        }),
        sessionExpires: Type.Integer({
          minimum: 0,
          maximum: 86400,
          default: 1800,
          description: 'RFC 4028 session interval we ask for when the caller does not (0: no session timer unless the caller asks)',
          hint: 'an integer from 0 to 86400 (s)',
        }),
        minSessionExpires: Type.Integer({
          minimum: 1,
          maximum: 86400,
          default: 90,
          description: 'RFC 4028 Min-SE: shorter session intervals get 422 (90 per the RFC; lower only for tests)',
          hint: 'an integer from 1 to 86400 (s)',
        }),
        ringTimeoutSeconds: Type.Integer({
          minimum: 1,
          maximum: 600,
          default: 60,
          description: 'Calls we place are cancelled when not answered within this time',
          hint: 'an integer from 1 to 600 (s)',
        }),
      },
      { default: {}, additionalProperties: false },
    ),
    auth: Type.Object(
      {
        realm: Type.String({ default: 'voxbridge', minLength: 1, description: 'Digest realm of our challenges' }),
        users: Type.Array(Type.String({ pattern: '^[^:\\s]+:.+$' }), {
          default: [],
          description: 'SIP accounts as user:password; with none, nothing is challenged (an open server)',
          hint: 'a list of user:password',
          flag: 'auth-users',
        }),
        require: Type.Array(Type.String({ pattern: '^(REGISTER|INVITE(:[^\\s,]+)?)$' }), {
          default: ['REGISTER'],
          uniqueItems: true,
          description: 'Requests that must authenticate: REGISTER, INVITE (every call) or INVITE:USER (calls to that Request-URI user; * matches any run of characters)',
          hint: 'a list of REGISTER, INVITE, INVITE:USER, e.g. REGISTER,INVITE:conf-*',
          flag: 'auth-require',
        }),
        algorithms: Type.Array(Type.Union([Type.Literal('SHA-256'), Type.Literal('MD5')]), {
          default: ['MD5'],
          minItems: 1,
          uniqueItems: true,
          description:
            'Digest algorithms we challenge with (RFC 8760), most preferred first. MD5 alone by default: some phones (baresip 1.0, SIPp) give up on any SHA-256 challenge',
          hint: 'a non-empty list of SHA-256, MD5',
        }),
        nonceSeconds: Type.Integer({
          minimum: 5,
          maximum: 86400,
          default: 300,
          description: 'How long a nonce is accepted; older ones are re-challenged with stale=true',
          hint: 'an integer from 5 to 86400 (s)',
        }),
      },
      { default: {}, additionalProperties: false },
    ),
    rtp: Type.Object(
      {
        ports: Type.String({
          pattern: PORT_RANGE,
          default: '20000-30000',
          description: 'UDP port range for RTP (even) and RTCP (odd) sockets',
          hint: 'LOW-HIGH with 1024 <= LOW < HIGH <= 65535, e.g. 20000-30000',
          flag: 'rtp-ports',
        }),
        bindAddress: Type.String({
          default: '0.0.0.0',
          minLength: 1,
          description: 'Local address RTP sockets bind to',
          hint: 'an IP address, e.g. 0.0.0.0',
          flag: 'rtp-bind',
        }),
        externalAddress: Type.String({
          default: '',
          description: 'Address advertised in SDP c= lines (empty: the SIP request\'s local address)',
          hint: 'an IP address or empty',
          flag: 'external-address',
        }),
        timeoutSeconds: Type.Integer({
          minimum: 0,
          maximum: 3600,
          default: 60,
          description: 'Hang up a call after this long without RTP/RTCP (0 disables)',
          hint: 'an integer from 0 to 3600',
          flag: 'rtp-timeout',
        }),
        jitterBufferMs: Type.Integer({
          minimum: 0,
          maximum: 1000,
          default: 60,
          description: 'Start delay of the adaptive jitter buffer (its target until it has measured the network)',
          hint: 'an integer from 0 to 1000 (ms)',
        }),
        jitterBuffer: Type.Object(
          {
            minMs: Type.Integer({
              minimum: 0,
              maximum: 1000,
              default: 20,
              description: 'Lowest target delay the adaptive jitter buffer shrinks to',
              hint: 'an integer from 0 to 1000 (ms)',
              flag: 'jitter-min',
            }),
            maxMs: Type.Integer({
              minimum: 20,
              maximum: 2000,
              default: 300,
              description: 'Highest target delay the adaptive jitter buffer grows to',
              hint: 'an integer from 20 to 2000 (ms)',
              flag: 'jitter-max',
            }),
          },
          { default: {}, additionalProperties: false },
        ),
      },
      { default: {}, additionalProperties: false },
    ),
    codecs: Type.Object(
      {
        preference: Type.Array(Type.Union(KNOWN_CODECS.map((c) => Type.Literal(c))), {
          default: [...DEFAULT_CODEC_PREFERENCE],
          minItems: 1,
          uniqueItems: true,
          description: 'Audio codecs we accept, most preferred first',
          hint: `a non-empty list of ${KNOWN_CODECS.join(', ')}`,
          flag: 'codecs',
        }),
        // Defaults equal codecs/local-settings.ts OPUS_LOCAL_DEFAULTS (config/ imports nothing; a test keeps them in step).
        opus: Type.Object(
          {
            bitrate: Type.Integer({
              minimum: 6000,
              maximum: 510000,
              default: 32000,
              description:
                'Opus encoder target bitrate, and the maxaveragebitrate we declare; a lower maxaveragebitrate from the far end caps it (RFC 7587)',
              hint: 'an integer from 6000 to 510000 (bit/s)',
              flag: 'opus-bitrate',
            }),
            complexity: Type.Integer({
              minimum: 0,
              maximum: 10,
              default: 5,
              description: 'Opus encoder complexity: 0 is cheapest, 10 best; CPU per leg grows with it (docs/benchmarks.md)',
              hint: 'an integer from 0 to 10',
              flag: 'opus-complexity',
            }),
            fec: Type.Boolean({
              default: true,
              description: 'Opus in-band FEC: we declare useinbandfec=1, and send FEC to far ends that declare it',
              hint: 'true or false',
              flag: 'opus-fec',
            }),
            dtx: Type.Boolean({
              default: false,
              description: 'Opus DTX (no packets in silence): we declare usedtx=1, and use it towards far ends that declare it',
              hint: 'true or false',
              flag: 'opus-dtx',
            }),
          },
          { default: {}, additionalProperties: false },
        ),
      },
      { default: {}, additionalProperties: false },
    ),
    media: MediaSection,
    srtp: SrtpSection,
    conference: ConferenceSection,
    voice: VoiceSection,
    apps: Type.Object(
      {
        echoUser: Type.String({
          default: 'echo',
          minLength: 1,
          description: 'Request-URI user that reaches the echo test',
          flag: 'echo-user',
        }),
        maxCallSeconds: Type.Integer({
          minimum: 0,
          default: 3600,
          description: 'Hang up calls longer than this (0: no limit)',
          hint: 'a non-negative integer (seconds)',
          flag: 'max-call-seconds',
        }),
      },
      { default: {}, additionalProperties: false },
    ),
    admin: AdminSection,
    log: Type.Object(
      {
        level: Type.Union(LOG_LEVELS.map((l) => Type.Literal(l)), {
          default: 'info',
          description: 'Log level',
          hint: `one of ${LOG_LEVELS.join(', ')}`,
          flag: 'log-level',
        }),
        pretty: Type.Boolean({
          default: false,
          description: 'Human-readable logs instead of JSON lines',
          hint: 'true or false',
          flag: 'log-pretty',
        }),
      },
      { default: {}, additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export type Config = Static<typeof ConfigSchema>;
