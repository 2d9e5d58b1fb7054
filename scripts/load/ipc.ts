/**
 * Request/reply over a forked child's IPC channel, typed by a protocol table
 * (`{ name: { request; reply } }`). The child calls `serveIpc(handlers, ready)`
 * and announces itself with one unsolicited `ready` message; the parent
 * awaits `IpcPeer.fork(...)`, then calls `request(name, body)`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

export type Protocol = Record<string, { request: object; reply: unknown }>;

export type Handlers<P extends Protocol> = { [K in keyof P]: (body: P[K]['request']) => P[K]['reply'] | Promise<P[K]['reply']> };

interface WireRequest {
  readonly id: number;
  readonly type: string;
  readonly body: object;
}

type WireReply = { readonly id: number; readonly ok: true; readonly reply: unknown } | { readonly id: number; readonly ok: false; readonly error: string };

interface ReadyMessage {
  readonly ready: unknown;
}

function isWireRequest(value: unknown): value is WireRequest {
  return typeof value === 'object' && value !== null && typeof (value as WireRequest).id === 'number' && typeof (value as WireRequest).type === 'string';
}

function isWireReply(value: unknown): value is WireReply {
  return typeof value === 'object' && value !== null && typeof (value as WireReply).id === 'number' && typeof (value as WireReply).ok === 'boolean';
}

/** The child side: answers requests with `handlers`, then tells the parent it is ready with `ready`. */
export function serveIpc<P extends Protocol>(handlers: Handlers<P>, ready: unknown): void {
  const send = (message: WireReply | ReadyMessage): void => {
    process.send?.(message);
  };
  process.on('message', (message: unknown) => {
    if (!isWireRequest(message)) return;
    const handler = (handlers as Record<string, ((body: object) => unknown) | undefined>)[message.type];
    if (handler === undefined) {
      send({ id: message.id, ok: false, error: `unknown request ${message.type}` });
      return;
    }
    Promise.resolve()
      .then(() => handler(message.body))
      .then(
        (reply) => send({ id: message.id, ok: true, reply }),
        (error: unknown) => send({ id: message.id, ok: false, error: error instanceof Error ? error.message : String(error) }),
      );
  });
  send({ ready });
}

/** The parent side of one forked child. */
export class IpcPeer<P extends Protocol, Ready = unknown> {
  readonly child: ChildProcess;
  readonly ready: Ready;
  readonly #pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  #nextId = 1;

  private constructor(child: ChildProcess, ready: Ready) {
    this.child = child;
    this.ready = ready;
    child.on('message', (message: unknown) => {
      if (!isWireReply(message)) return;
      const pending = this.#pending.get(message.id);
      if (pending === undefined) return;
      this.#pending.delete(message.id);
      if (message.ok) pending.resolve(message.reply);
      else pending.reject(new Error(message.error));
    });
    child.once('exit', (code, signal) => {
      for (const pending of this.#pending.values()) pending.reject(new Error(`child exited (${code ?? signal ?? '?'})`));
      this.#pending.clear();
    });
  }

  /** Forks `module` and resolves once it has sent its ready message (rejects if it exits first). */
  static async fork<P extends Protocol, Ready>(module: URL, args: readonly string[], execArgv: readonly string[] = []): Promise<IpcPeer<P, Ready>> {
    // The child's stdout goes to our stderr: a bench's stdout carries its JSON only.
    const child = fork(module, [...args], { execArgv: [...execArgv], stdio: ['ignore', 2, 2, 'ipc'] });
    const ready = new Promise<Ready>((resolve) => {
      const onMessage = (message: unknown): void => {
        if (typeof message === 'object' && message !== null && 'ready' in message) {
          child.off('message', onMessage);
          resolve((message as { ready: Ready }).ready);
        }
      };
      child.on('message', onMessage);
    });
    const exited = once(child, 'exit').then(([code]) => {
      throw new Error(`${module.pathname} exited with ${String(code)} before it was ready`);
    });
    exited.catch(() => undefined); // only the race cares; a later exit is handled by the peer
    return new IpcPeer<P, Ready>(child, await Promise.race([ready, exited]));
  }

  request<K extends keyof P & string>(type: K, body: P[K]['request']): Promise<P[K]['reply']> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.child.send({ id, type, body } satisfies WireRequest);
    });
  }

  /** Waits for the child to exit (killing it after `graceMs`). */
  async exit(graceMs = 5000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const hard = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await once(this.child, 'exit');
    clearTimeout(hard);
  }
}
