import t from 'tap';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, defaultConfig, parseCliArgs, helpText, ConfigError } from '../../config/index.js';

t.test('defaults are complete and valid', async (t) => {
  const config = defaultConfig();
  t.equal(config.sip.listen, '0.0.0.0:5060');
  t.same(config.sip.transports, ['udp', 'tcp']);
  t.equal(config.rtp.ports, '20000-30000');
  t.equal(config.log.level, 'info');
  t.equal(config.log.pretty, false);
});

t.test('sources override in order: defaults < file < env < flags', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'voxbridge-config-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'voxbridge.yaml');
  writeFileSync(file, 'sip:\n  listen: 127.0.0.1:5070\nrtp:\n  ports: 30000-30100\nlog:\n  level: warn\n');

  const fromFile = loadConfig({ file });
  t.equal(fromFile.sip.listen, '127.0.0.1:5070');
  t.equal(fromFile.rtp.ports, '30000-30100');

  const fromEnv = loadConfig({ file, env: { VOXBRIDGE_RTP_PORTS: '40000-40100', VOXBRIDGE_RTP_TIMEOUT_SECONDS: '5' } });
  t.equal(fromEnv.rtp.ports, '40000-40100');
  t.equal(fromEnv.rtp.timeoutSeconds, 5);
  t.equal(fromEnv.log.level, 'warn', 'file value kept where env is silent');

  const args = parseCliArgs(['--rtp-ports', '50000-50100', '--log-level=debug', '--log-pretty']);
  const fromFlags = loadConfig({ file, env: { VOXBRIDGE_RTP_PORTS: '40000-40100' }, overrides: args.overrides });
  t.equal(fromFlags.rtp.ports, '50000-50100');
  t.equal(fromFlags.log.level, 'debug');
  t.equal(fromFlags.log.pretty, true);
});

t.test('JSON config files are read too', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'voxbridge-config-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'voxbridge.json');
  writeFileSync(file, JSON.stringify({ codecs: { preference: ['PCMA'] } }));
  t.same(loadConfig({ file }).codecs.preference, ['PCMA']);
});

t.test('bad values fail naming the key and the allowed values', async (t) => {
  const cases: Array<[Record<string, string>, string, RegExp]> = [
    [{ VOXBRIDGE_LOG_LEVEL: 'loud' }, 'log.level', /one of fatal, error, warn, info, debug, trace, silent/],
    [{ VOXBRIDGE_SIP_LISTEN: 'nonsense' }, 'sip.listen', /HOST:PORT/],
    [{ VOXBRIDGE_RTP_PORTS: '3000-2000' }, 'rtp.ports', /LOW-HIGH/],
    [{ VOXBRIDGE_RTP_TIMEOUT_SECONDS: 'soon' }, 'rtp.timeoutSeconds', /integer/],
    [{ VOXBRIDGE_CODECS_PREFERENCE: 'PCMU,GSM' }, 'codecs.preference', /PCMU, PCMA/],
    [{ VOXBRIDGE_SIP_LISTEN: '0.0.0.0:70000' }, 'sip.listen', /port/],
  ];
  for (const [env, key, allowed] of cases) {
    try {
      loadConfig({ env });
      t.fail(`expected ${key} to be rejected`);
    } catch (error) {
      t.type(error, ConfigError);
      const message = (error as Error).message;
      t.match(message, key.split('.')[0] ?? key);
      t.match(message, allowed, message);
    }
  }
});

t.test('unknown keys, flags and unreadable files are errors', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'voxbridge-config-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'bad.yaml');
  writeFileSync(file, 'sip:\n  lisen: 1.2.3.4:5060\n');
  t.throws(() => loadConfig({ file }), /unknown config key "sip.lisen"/);
  writeFileSync(file, 'sip: [unclosed\n');
  t.throws(() => loadConfig({ file }), /not valid YAML/);
  t.throws(() => loadConfig({ file: join(dir, 'missing.yaml') }), /cannot read config file/);
  t.throws(() => parseCliArgs(['--sip-lisen', 'x']), /unknown flag --sip-lisen/);
  t.throws(() => parseCliArgs(['--sip-listen']), /needs a value/);
});

t.test('help lists every flag with its env variable', async (t) => {
  const text = helpText();
  for (const flag of ['--sip-listen', '--rtp-ports', '--admin-listen', '--log-level', '--external-address', '--print-config']) {
    t.match(text, flag);
  }
  t.match(text, 'VOXBRIDGE_SIP_LISTEN');
});

t.test('secrets are never echoed in config errors', async (t) => {
  const secret = 'hunter2-with-spaces and more';
  t.throws(() => loadConfig({ env: { VOXBRIDGE_AUTH_USERS: 'alice' } }), { message: /auth\.users.*value hidden/ });
  const error = (() => {
    try {
      loadConfig({ env: { VOXBRIDGE_ADMIN_TOKEN: 'short' } });
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
    return '';
  })();
  t.match(error, /admin\.token/);
  t.notMatch(error, /short"/, 'the token is not in the message');
  t.notMatch(error, secret);
});
