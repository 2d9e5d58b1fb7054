/** media/recording: WAV files in and out of the media path (leg and room recording, playback). */
export { WavFileWriter, DEFAULT_BATCH_MS, DEFAULT_MAX_QUEUED_BATCHES, type WavFileInfo, type WavWriterOptions, type WavWriterStats } from './wav-writer.js';
export { WavSource, loadWavSource, readWavFile, MAX_WAV_FILE_BYTES, DEFAULT_FRAME_MS, type WavSourceOptions } from './wav-source.js';
export { parseWav, encodeWavHeader, WavFormatError, WAV_HEADER_BYTES, type PcmAudio } from './wav-format.js';
export { toMonoAt, downmix } from './pcm-convert.js';
export { MediaJobs, mediaJobs, type RecordingJob, type PlaybackJob } from './media-jobs.js';
export { LegRecording, LegTap, isRecordDirection, recordChannels, type LegRecordingStats } from './leg-recording.js';
export { PlaybackStage, type PlaybackMode, type PlaybackEnd } from './playback-stage.js';
