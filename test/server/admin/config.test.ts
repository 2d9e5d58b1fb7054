import t from 'tap';
import { ConfigError, loadConfig, parseCliArgs } from '../../../config/index.js';
import { adminTokens } from '../../../server/admin/index.js';

t.test('admin tokens from env, flags and file keys add up', async (t) => {
  const fromEnv = loadConfig({ env: { VOXBRIDGE_ADMIN_TOKEN: 'env-token-0123456789', VOXBRIDGE_ADMIN_TOKENS: 'list-token-aaaaaaaaaa, list-token-bbbbbbbbbb' } });
  t.same(adminTokens(fromEnv.admin), ['list-token-aaaaaaaaaa', 'list-token-bbbbbbbbbb', 'env-token-0123456789']);
  const args = parseCliArgs(['--admin-token', 'flag-token-0123456789', '--admin-listen', '0.0.0.0:9000', '--shutdown-grace', '30']);
  const fromFlags = loadConfig({ overrides: args.overrides });
  t.same(adminTokens(fromFlags.admin), ['flag-token-0123456789']);
  t.equal(fromFlags.admin.listen, '0.0.0.0:9000');
  t.equal(fromFlags.admin.shutdownGraceSeconds, 30);
  t.same(adminTokens(loadConfig({}).admin), [], 'none by default');
  t.equal(loadConfig({}).admin.listen, '127.0.0.1:8080');
});

t.test('a short token is a config error naming the key', async (t) => {
  for (const env of [{ VOXBRIDGE_ADMIN_TOKEN: 'short' }, { VOXBRIDGE_ADMIN_TOKENS: 'short' }]) {
    try {
      loadConfig({ env });
      t.fail('should not load');
    } catch (error) {
      t.ok(error instanceof ConfigError);
      t.match((error as Error).message, /admin\.tokens?"/);
    }
  }
});
