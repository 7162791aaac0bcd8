// Messages between the page (index.ts) and the engine worker (worker.ts).

import type { NetworkPolicy } from './net';
import type { ApiErrorBody, MediaMap } from './types';

export type ToWorker =
  | { type: 'validate'; reqId: number; action: string; request: unknown }
  | { type: 'run'; jobId: string; spec: JobSpec; media: MediaMap }
  | { type: 'cancel'; jobId: string }
  | { type: 'configure'; network?: Partial<NetworkPolicy> }
  | { type: 'resolved'; reqId: number; value?: string | Blob; error?: ApiErrorBody };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'validated'; reqId: number; spec?: JobSpec; error?: ApiErrorBody }
  | { type: 'progress'; jobId: string; stage: string; fraction: number }
  | { type: 'done'; jobId: string; result: JobResult }
  | { type: 'failed'; jobId: string; error: ApiErrorBody; fatal: boolean }
  | { type: 'resolve'; reqId: number; uri: string };

/** The validated internal job model produced by the Rust validator (`src/job/spec.rs`). */
export interface JobSpec {
  api: 'ScreenMediaHighlights' | 'HighlightTask';
  kind: 'Retrieval' | 'Concat' | 'Compose' | 'ScreenHighlights';
  sources: { uri: string; startS: number; durationS: number }[];
  mode: 'Scene' | 'Average';
  content?: string | null;
  introAuto?: boolean;
  maxDurationS?: number | null;
  targetDurationS?: number | null;
  outputs: {
    uri: string | null;
    container: string | null;
    count: number;
    width: number | null;
    height: number | null;
    video: {
      disabled: boolean;
      codec: 'h264' | 'h265' | 'vp9' | 'av1' | null;
      bitrateBps: number | null;
      crf: number | null;
      frameRate: number | null;
      gopSize: number | null;
      scaleType: 'stretch' | 'crop' | 'fill' | 'fit' | null;
      pixelFormat: string | null;
    };
    audio: { disabled: boolean; codec: string | null; bitrateBps: number | null; sampleRate: number | null; channels: number | null };
    sourceVolume: number;
  };
  transitions: { mode: 'Closed' | 'Auto' | 'Random' | 'Sequential'; list: { name: string; durationS: number; weight: number }[] };
  userData?: string | null;
  tags?: Record<string, string>;
  notify?: string | null;
  projectName?: string | null;
  [key: string]: unknown;
}

/** One written file (SubJobList entry for screen-highlights jobs, `Outputs` for highlight tasks). */
export interface OutputRecord {
  Index: number;
  URI: string | null;
  Status: 'Success' | 'Failed';
  ErrorCode?: string;
  ErrorMessage?: string;
  /** Where a file whose upload failed is kept (OPFS). */
  Location?: string;
  /** `memory:` outputs. */
  Blob?: Blob;
  UploadAttempts?: number;
  Duration?: number;
  Width?: number;
  Height?: number;
  FrameRate?: number;
  Frames?: number;
  /** Wall time of decoding, drawing, encoding and muxing this output. */
  RenderSeconds?: number;
  Size?: number;
  Container?: string;
  VideoCodec?: string;
  AudioCodec?: string | null;
  /** EBU R128 of the mixed audio before and after normalisation (LUFS, dBTP); absent when off. */
  Loudness?: { Target: number; IntegratedBefore: number | null; TruePeakBefore: number | null; IntegratedAfter: number | null; TruePeakAfter: number | null; GainDb: number };
  Clips: { Source: number; In: number; Out: number; Score: number; Reasons: string[]; Transition?: string }[];
  Notes?: string[];
}

/** What a finished job adds to its record. */
export interface JobResult {
  Highlights?: { Source: number; URI: string; Start: number; End: number; Score: number; Reasons: string[]; Output?: string | null }[];
  Profile?: string;
  Notes?: string[];
  Sources?: { URI: string; Container: string; Duration: number; Video: string | null; Audio: string | null; Width: number; Height: number; Frames: number; DecodedFrames?: number }[];
  Outputs?: OutputRecord[];
  /** Screen-highlights jobs: the outputs, each with `MediaURL` instead of `URI`. */
  SubJobList?: (Omit<OutputRecord, 'URI'> & { MediaURL: string | null })[];
}
