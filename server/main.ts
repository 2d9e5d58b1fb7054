#!/usr/bin/env node
/**
 * The `voxbridge` command: parse flags, load config (defaults < file < env <
 * flags), start the server, and shut down gracefully on SIGTERM/SIGINT
 * (no new calls, live calls get `admin.shutdownGraceSeconds`, then BYE); a
 * second signal stops at once.
 */
import { readFileSync } from 'node:fs';
import { ConfigError, helpText, loadConfig, parseCliArgs } from '../config/index.js';
import { createLogger } from './logger.js';
import { startVoxbridge } from './voxbridge.js';

function version(): string {
  const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return packageJson.version;
}

async function main(argv: readonly string[]): Promise<number> {
  let args;
  let config;
  try {
    args = parseCliArgs(argv);
    if (args.help) {
      process.stdout.write(`${helpText()}\n`);
      return 0;
    }
    if (args.version) {
      process.stdout.write(`voxbridge ${version()}\n`);
      return 0;
    }
    config = loadConfig({ file: args.configFile, env: process.env, overrides: args.overrides });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`voxbridge: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  if (args.printConfig) {
    process.stdout.write(`${JSON.stringify(config, null, 2)}\n`);
    return 0;
  }
  if (args.checkConfig) {
    process.stdout.write('voxbridge: config OK\n');
    return 0;
  }

  const logger = createLogger(config.log);
  const server = await startVoxbridge(config, { logger, version: version() });
  logger.info({ sip: server.sip, admin: server.admin?.url ?? null, rtpPorts: config.rtp.ports, version: version() }, 'voxbridge is listening');

  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string): void => {
      const done = (error?: unknown): void => {
        if (error !== undefined) logger.error({ err: error }, 'error during shutdown');
        resolve();
      };
      if (stopping) {
        logger.info({ signal }, 'second signal: stopping now');
        server.close().then(() => done(), done);
        return;
      }
      stopping = true;
      logger.info({ signal, graceSeconds: config.admin.shutdownGraceSeconds }, 'shutting down gracefully');
      server.shutdown().then((report) => {
        logger.info(report, 'shutdown complete');
        done();
      }, done);
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  });
  logger.flush();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`voxbridge: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
