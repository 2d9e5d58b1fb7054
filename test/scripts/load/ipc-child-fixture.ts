/**
 * A child for the IPC test (started with --serve-ipc-fixture): doubles numbers, fails on request, exits on close.
 * Run without that flag (tap walking this folder), it does nothing.
 */
import { serveIpc } from '../../../scripts/load/ipc.js';

export type FixtureProtocol = {
  double: { request: { value: number }; reply: { value: number } };
  fail: { request: Record<string, never>; reply: never };
  close: { request: Record<string, never>; reply: { closed: true } };
};

if (process.argv.includes('--serve-ipc-fixture')) serveFixture();

function serveFixture(): void {
  serveIpc<FixtureProtocol>(
    {
      double: ({ value }) => ({ value: value * 2 }),
      fail: () => {
        throw new Error('asked to fail');
      },
      close: () => {
        setImmediate(() => process.disconnect());
        return { closed: true };
      },
    },
    { pid: process.pid },
  );
}
