#!/usr/bin/env node
// The whole test suite, as `npm test` and .ci/run run it:
//   1. make sure SIPp and ffmpeg are there for the interop and codec tests (apt-get when root),
//   2. build dist/ (the CLI tests start the built server like a user would; worker threads run it too),
//   3. run tap and close with one line "N passed, N failed" from tap's own summary.
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';

function have(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** Debian tools the tests use: command, package, and the tests that skip without it. */
const TOOLS = [
  { command: 'sipp', pkg: 'sip-tester', tests: 'SIPp interop tests' },
  { command: 'ffmpeg', pkg: 'ffmpeg', tests: 'codec reference tests (G.722, Opus)' },
  { command: 'chromium', pkg: 'chromium', tests: 'admin dashboard browser test' },
];

function ensureTools() {
  const missing = TOOLS.filter((tool) => !have(tool.command));
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0 || !have('apt-get')) {
    for (const tool of missing) console.log(`# ${tool.command} not found and cannot install it here: ${tool.tests} will be skipped`);
    return;
  }
  console.log(`# installing ${missing.map((tool) => tool.pkg).join(', ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore', env });
  for (const tool of missing) {
    const install = spawnSync('apt-get', ['install', '-y', '-qq', tool.pkg], { stdio: 'ignore', env });
    if (install.status !== 0) console.log(`# apt-get install ${tool.pkg} failed: ${tool.tests} will be skipped`);
  }
}

function build() {
  const result = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  if (result.status !== 0) {
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
}

ensureTools();
build();

// dist/ was just built from these sources: worker threads run it instead of compiling TypeScript per thread.
const tap = spawn('npx', ['tap', '--reporter=tap', ...process.argv.slice(2)], {
  stdio: ['ignore', 'pipe', 'inherit'],
  env: { ...process.env, VOXBRIDGE_PREFER_BUILT_WORKERS: '1' },
});
let summary = null;
createInterface({ input: tap.stdout }).on('line', (line) => {
  console.log(line);
  // tap's final line: "# { total: 44, pass: 43, fail: 1, skip: 2 }"
  const match = /^# \{ total: (\d+)(.*)\}$/.exec(line);
  if (match) {
    const count = (name) => Number(new RegExp(`${name}: (\\d+)`).exec(match[2])?.[1] ?? 0);
    summary = { pass: count('pass'), fail: count('fail'), skip: count('skip') + count('todo') };
  }
});
tap.on('close', (code) => {
  const failed = summary ? summary.fail : 1;
  const passed = summary ? summary.pass : 0;
  const skipped = summary && summary.skip > 0 ? `, ${summary.skip} skipped` : '';
  console.log(`${passed} passed, ${failed + (code !== 0 && failed === 0 ? 1 : 0)} failed${skipped}`);
  process.exit(code === 0 && failed === 0 ? 0 : 1);
});
