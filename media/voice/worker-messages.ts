/**
 * Control messages between the voice pool (media thread) and a voice worker.
 * Rare by design: attach/update/detach per leg; audio never goes this way
 * (it travels through the legs' SpscRings and the worker's work counter).
 */

/** Given to every voice worker at start (`workerData`). */
export interface VoiceWorkerData {
  /** URL of the module exporting `createVoiceProcessor`. */
  readonly processorModule: string;
  /** Int32Array[1] bumped (and notified) by the media thread whenever it writes an input frame. */
  readonly work: SharedArrayBuffer;
}

export type HostToWorker =
  /** Starts (or restarts, replacing its processor) transforming a leg. */
  | {
      readonly type: 'attach';
      readonly legId: string;
      readonly input: SharedArrayBuffer;
      readonly output: SharedArrayBuffer;
      readonly sampleRate: number;
      readonly spec: unknown;
      readonly seed: number;
    }
  | { readonly type: 'update'; readonly legId: string; readonly spec: unknown; readonly fadeMs: number }
  | { readonly type: 'detach'; readonly legId: string };

export type WorkerToHost =
  /** The processor module loaded; the worker takes legs. */
  | { readonly type: 'ready' }
  /** A leg's processor could not be built or threw: the leg stays on its fallback. */
  | { readonly type: 'leg-error'; readonly legId: string; readonly message: string };
