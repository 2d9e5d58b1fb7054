/**
 * Media worker entry (a worker_thread): runs one InProcessEngine on its own
 * slice of RTP ports and serves the engine contract over its parent port.
 * Started by WorkerEngine through `spawnWorker`, from dist/ (.js) or from
 * sources under a TS loader (.ts).
 */
import { pino } from 'pino';
import { parentPort, threadId, workerData, type MessagePort } from 'node:worker_threads';
import { InProcessEngine } from '../in-process-engine.js';
import type { EngineArgs, EngineCommandName, EngineResult } from '../protocol.js';
import { isHostMessage, serializeError, type HostMessage, type MediaWorkerData, type WorkerMessage } from './messages.js';

function requireParentPort(): MessagePort {
  if (parentPort === null) throw new Error('media-worker.js must run as a worker thread (started by WorkerEngine)');
  return parentPort;
}
const port = requireParentPort();

const data = workerData as MediaWorkerData;
const logger = pino({ level: data.logLevel, base: { name: 'voxbridge', mediaWorker: data.index } });
const engine = new InProcessEngine({
  rtp: data.rtp,
  logger,
  ...(data.codecs !== undefined ? { codecs: data.codecs } : {}),
  ...(data.voice !== undefined ? { voice: data.voice } : {}),
  ...(data.portReuseDelayMs !== undefined ? { portReuseDelayMs: data.portReuseDelayMs } : {}),
});

const post = (message: WorkerMessage): void => port.postMessage(message);

engine.onEvent((event) => post({ kind: 'event', event }));

function run<N extends EngineCommandName>(id: number, name: N, args: EngineArgs<N>): void {
  engine.request(name, args).then(
    (value: EngineResult<N>) => {
      post({ kind: 'result', id, ok: true, value });
      // After engine.close the worker has nothing left to do: let the thread end.
      if (name === 'engine.close') port.close();
    },
    (error: unknown) => post({ kind: 'result', id, ok: false, error: serializeError(error) }),
  );
}

const handlers: { readonly [K in HostMessage['kind']]: (message: Extract<HostMessage, { kind: K }>) => void } = {
  request: (message) => run(message.id, message.name, message.args as EngineArgs<typeof message.name>),
  crash: () => {
    if (!data.allowCrashForTest) return;
    // Thrown from a timer so it is a real uncaught exception in this thread.
    setTimeout(() => {
      throw new Error(`media worker ${data.index} crashed on request (test hook)`);
    }, 0);
  },
};

port.on('message', (message: unknown) => {
  if (!isHostMessage(message)) return;
  const handler = handlers[message.kind] as ((message: HostMessage) => void) | undefined;
  handler?.(message);
});

post({ kind: 'ready', threadId });
