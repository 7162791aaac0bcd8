// Messages between the page (index.ts) and the engine worker (worker.ts).

import type { NetworkPolicy } from './net';
import type { ApiErrorBody, MediaMap } from './types';

export type ToWorker =
  | { type: 'validate'; reqId: number; action: string; request: unknown }
  /** The request as submitted: the engine validates it again (src/web/job.rs `runJob`). */
  | { type: 'run'; jobId: string; action: string; request: unknown; media: MediaMap }
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

// The job model and the result are defined once, in Rust (`src/job/spec.rs`, `src/engine/result.rs`);
// their TypeScript declarations are generated from those types (tsify) into pkg/reelcut.d.ts.
import type { JobResult as EngineResult, JobSpec, OutputRecord as EngineOutput, SubJob as EngineSubJob } from '../pkg/reelcut.js';

export type { JobSpec };
export type { HighlightRecord, LoudnessReport, MusicRecord, OutputClip, ScoreCurve, SourceSummary } from '../pkg/reelcut.js';

/** A `memory:` output also carries its file. */
export type OutputRecord = EngineOutput & { Blob?: Blob };
export type SubJobRecord = EngineSubJob & { Blob?: Blob };

/** What a finished job adds to its record. */
export type JobResult = Omit<EngineResult, 'Outputs' | 'SubJobList'> & { Outputs?: OutputRecord[]; SubJobList?: SubJobRecord[] };
