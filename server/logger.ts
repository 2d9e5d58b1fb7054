/** pino, JSON lines by default; pretty only when asked (log.pretty). */
import { pino, type Logger } from 'pino';
import type { Config } from '../config/index.js';

export type { Logger };

export function createLogger(config: Config['log'], destination?: NodeJS.WritableStream): Logger {
  const options = { level: config.level, base: { name: 'voxbridge' } };
  if (config.pretty) {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l' } } });
  }
  return destination ? pino(options, destination) : pino(options);
}
