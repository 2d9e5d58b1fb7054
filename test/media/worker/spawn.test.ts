import t from 'tap';
import { once } from 'node:events';
import { loaderExecArgv, resolveWorkerEntry, spawnWorker } from '../../../media/worker/spawn.js';

t.test('a .js URL whose file is missing resolves to its .ts source', async (t) => {
  const entry = resolveWorkerEntry(new URL('./fixtures/hello-worker.js', import.meta.url));
  t.equal(entry.typescript, true);
  t.match(entry.url.pathname, /hello-worker\.ts$/);
  t.throws(() => resolveWorkerEntry(new URL('./fixtures/nope.js', import.meta.url)), /does not exist/);
  const existing = resolveWorkerEntry(new URL(import.meta.url));
  t.equal(existing.typescript, false, 'an existing file is used as is');
});

t.test('loaderExecArgv keeps loader hooks, drops process-only ones', async (t) => {
  const argv = [
    '--import=file:///x/@tapjs/typescript/import.mjs',
    '--import', 'file:///x/@tapjs/mock/import.mjs',
    '--enable-source-maps',
    '--max-old-space-size=100',
    '--loader', 'tsx',
    '--import=file:///x/@tapjs/processinfo/import.mjs',
  ];
  t.same(loaderExecArgv(argv), ['--import=file:///x/@tapjs/typescript/import.mjs', '--enable-source-maps', '--loader=tsx']);
});

t.test('spawnWorker runs a TypeScript entry under the test runner', async (t) => {
  const worker = spawnWorker(new URL('./fixtures/hello-worker.js', import.meta.url), { workerData: { hi: 1 } });
  t.teardown(() => worker.terminate());
  const [message] = (await once(worker, 'message')) as [unknown];
  t.same(message, { frameMs: 20, echo: { hi: 1 } });
});
