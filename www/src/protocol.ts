// Messages between the page (index.ts) and the engine worker (worker.ts).

import type { ApiErrorBody, MediaMap } from './types';

export type ToWorker =
  | { type: 'validate'; reqId: number; action: string; request: unknown }
  | { type: 'run'; jobId: string; spec: JobSpec; media: MediaMap }
  | { type: 'cancel'; jobId: string }
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
  maxDurationS?: number | null;
  targetDurationS?: number | null;
  userData?: string | null;
  tags?: Record<string, string>;
  notify?: string | null;
  projectName?: string | null;
  [key: string]: unknown;
}

/** What a finished job adds to its record. */
export interface JobResult {
  Highlights?: { Source: number; URI: string; Start: number; End: number; Score: number; Reasons: string[] }[];
  Profile?: string;
  Notes?: string[];
  Sources?: { URI: string; Container: string; Duration: number; Video: string | null; Audio: string | null; Width: number; Height: number; Frames: number }[];
}
