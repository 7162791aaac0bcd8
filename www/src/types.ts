// Public types of the reelcut package.

import type { NetworkPolicy } from './net';

/** A cloud-style error: `InvalidParameter.<Field>`, `InvalidMedia.*`, `Output.UploadFailed`, `Job.*`, `Internal`. */
export interface ApiErrorBody {
  Code: string;
  Message: string;
}

/** Thrown by submit calls for invalid requests; `code`/`message` follow SPEC section 5. */
export class ReelcutError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(`${code}: ${message}`);
    this.code = code;
    this.name = 'ReelcutError';
  }
  toJSON(): ApiErrorBody {
    return { Code: this.code, Message: this.message.slice(this.code.length + 2) };
  }
  static from(value: unknown): ReelcutError {
    if (value instanceof ReelcutError) return value;
    const body = parseErrorBody(value);
    return new ReelcutError(body.Code, body.Message);
  }
}

/** Accepts an ApiErrorBody, its JSON, an Error whose message starts with a code, or anything else. */
export function parseErrorBody(value: unknown): ApiErrorBody {
  if (value && typeof value === 'object' && 'Code' in value && 'Message' in value) {
    return { Code: String((value as ApiErrorBody).Code), Message: String((value as ApiErrorBody).Message) };
  }
  const text = value instanceof Error ? value.message : String(value);
  try {
    const parsed = JSON.parse(text);
    if (parsed && typeof parsed.Code === 'string') return { Code: parsed.Code, Message: String(parsed.Message) };
  } catch {
    /* not JSON */
  }
  const m = /^((?:InvalidParameter|InvalidMedia|Output|Job)(?:\.[A-Za-z0-9_.]+)?|Internal): ([\s\S]*)$/.exec(text);
  if (m) return { Code: m[1], Message: m[2] };
  return { Code: 'Internal', Message: text };
}

/** Input references per SPEC section 2: `media` map keys, `blob:`, `http(s)://`, `opfs:/path`, or resolveUri. */
export type MediaMap = Record<string, Blob>;

/** Turns an app-specific reference (e.g. `oss://bucket/key`) into an https URL or a Blob. */
export type ResolveUri = (uri: string) => Promise<string | Blob> | string | Blob;

export interface EngineOptions {
  /** Hook for references with other schemes. Without it those fail with InvalidMedia.NotFound. */
  resolveUri?: ResolveUri;
  /** IndexedDB database name for job records (default `reelcut`). */
  databaseName?: string;
  /** URL of the worker script; by default the bundled one. */
  workerUrl?: string | URL;
  /**
   * Timeouts and retries of every network step (uploads, notifications, input reads); see
   * `DEFAULT_NETWORK_POLICY` and the README's "Limits and guarantees".
   */
  network?: Partial<NetworkPolicy>;
}

export interface SubmitOptions {
  /** Files/Blobs the request refers to by key. */
  media?: MediaMap;
  /** Called with this job's progress. */
  onProgress?: (p: ProgressEvent) => void;
  /** Called once when this job ends (any status). */
  onComplete?: (record: JobRecord) => void;
}

export interface ProgressEvent {
  JobId: string;
  Stage: string;
  /** 0..1 over the whole job. */
  Fraction: number;
  /** Estimated seconds left, when known. */
  EtaSeconds: number | null;
}

export interface Highlight {
  /** Index into MediaArray / Sources. */
  Source: number;
  URI: string;
  /** Seconds of the source. */
  Start: number;
  End: number;
  /** 0..1, highest first. */
  Score: number;
  Reasons: string[];
}

/** The job record as the API returns it (fields depend on the API; see README). */
export interface JobRecord {
  RequestId: string;
  /** Screen-highlights jobs. */
  JobId?: string;
  /** Highlight tasks. */
  TaskId?: string;
  EventId?: string;
  Action: 'SubmitScreenMediaHighlightsJob' | 'CreateHighlightTask';
  Status: string;
  Code?: string;
  Message?: string;
  CreateTime: string;
  StartTime?: string;
  EndTime?: string;
  UserData?: string;
  Tags?: Record<string, string>;
  Progress?: { Stage: string; Fraction: number; EtaSeconds: number | null };
  Highlights?: Highlight[];
  Profile?: string;
  Notes?: string[];
  [key: string]: unknown;
}

export interface ListJobsFilter {
  Status?: string;
  Tags?: Record<string, string>;
  Action?: JobRecord['Action'];
}
