/** The engine's command modules, one per area of the contract (media/protocol/*.ts). */
import type { EngineContext } from '../engine-context.js';
import type { InProcessEngineOptions } from '../in-process-engine.js';
import { createDtmfCommands } from './dtmf.js';
import { createEngineStatsCommands } from './engine-stats.js';
import { createRecordingCommands } from './recording.js';
import { createRoomCommands } from './rooms.js';
import { createVoiceCommands } from './voice.js';

export function createCommandModules(context: EngineContext, options: InProcessEngineOptions) {
  return {
    rooms: createRoomCommands(context, options),
    recording: createRecordingCommands(context, options),
    voice: createVoiceCommands(context, options),
    dtmf: createDtmfCommands(context, options),
    engine: createEngineStatsCommands(context, options),
  };
}

export type CommandModules = ReturnType<typeof createCommandModules>;
