// The built CLI, run as a user runs it (npm test builds dist/ first).
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../../dist/server/main.js', import.meta.url));

function voxbridge(args: string[], env: Record<string, string> = {}) {
  // tap's NODE_OPTIONS (its TypeScript loader and process tracking) are for tests, not for the built CLI.
  const { NODE_OPTIONS: _nodeOptions, ...parentEnv } = process.env;
  return spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', env: { ...parentEnv, ...env }, timeout: 60_000 });
}

t.test('the CLI', { skip: existsSync(main) ? false : 'dist/ not built: run `npm run build` (npm test does)' }, async (t) => {
  t.test('--help explains the flags', async (t) => {
    const result = voxbridge(['--help']);
    t.equal(result.status, 0);
    for (const flag of ['--sip-listen', '--rtp-ports', '--admin-listen', '--log-level', '--external-address', '--config', '--print-config']) {
      t.match(result.stdout, flag);
    }
  });

  t.test('--print-config shows the effective config from all sources', async (t) => {
    const result = voxbridge(['--print-config', '--sip-listen', '127.0.0.1:5070'], { VOXBRIDGE_RTP_PORTS: '31000-31100' });
    t.equal(result.status, 0, result.stderr);
    const config = JSON.parse(result.stdout) as { sip: { listen: string }; rtp: { ports: string }; log: { level: string } };
    t.equal(config.sip.listen, '127.0.0.1:5070');
    t.equal(config.rtp.ports, '31000-31100');
    t.equal(config.log.level, 'info');
  });

  t.test('bad config fails at start naming the key and the allowed values', async (t) => {
    const result = voxbridge(['--log-level', 'chatty']);
    t.equal(result.status, 2);
    t.match(result.stderr, /log\.level/);
    t.match(result.stderr, /one of fatal, error, warn, info, debug, trace, silent/);
    const env = voxbridge([], { VOXBRIDGE_RTP_PORTS: 'lots' });
    t.equal(env.status, 2);
    t.match(env.stderr, /rtp\.ports/);
  });

  t.test('unknown flags are rejected', async (t) => {
    const result = voxbridge(['--sip-port', '5060']);
    t.equal(result.status, 2);
    t.match(result.stderr, /unknown flag --sip-port/);
  });
});
