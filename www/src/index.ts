// reelcut's public API: a local implementation of SubmitScreenMediaHighlightsJob and
// CreateHighlightTask. Requests are validated and run in a Web Worker; this module keeps the
// queue, the job records (IndexedDB), the events and the completion notifications.

import type { FromWorker, JobResult, JobSpec, ToWorker } from './protocol';
import { setNetworkPolicy } from './net';
import { capabilities, type Capabilities } from './capabilities';
import { notify } from './notify';
import type { HighlightTaskRequest, ScreenMediaHighlightsRequest } from './requests';
import { JobStore, type StoredJob } from './store';
import {
  ReelcutError,
  type ApiErrorBody,
  type EngineOptions,
  type JobRecord,
  type ListJobsFilter,
  type MediaMap,
  type ProgressEvent,
  type SubmitOptions,
} from './types';

export * from './types';
export type * from './requests';
export { DEFAULT_NETWORK_POLICY, type NetworkPolicy } from './net';
export type { JobSpec, JobResult, OutputRecord, SubJobRecord, HighlightRecord, LoudnessReport, MusicRecord, OutputClip, ScoreCurve, SourceSummary } from './protocol';
export { capabilities, type Capabilities } from './capabilities';

type Action = JobRecord['Action'];
type EngineEvent = 'progress' | 'complete' | 'failed';
type Listener = (payload: ProgressEvent | JobRecord) => void;

/** A worker that does not acknowledge a cancel within this time is terminated (SPEC: stop within a second). */
const CANCEL_GRACE_MS = 800;

interface QueuedJob {
  id: string;
  spec: JobSpec;
  action: Action;
  /** The request as submitted, cloned; the worker runs it (it validates it again). */
  request: unknown;
  media: MediaMap;
  opts: SubmitOptions;
  /** Seconds (`performance.now() / 1000`) when the worker took the job. */
  startedAt?: number;
  /** Where the current phase of the job began (see `etaSeconds`). */
  phase?: { name: string; t: number; fraction: number };
}

/** Render and delivery alternate per output: one phase for the ETA. */
const phaseOf = (stage: string) => (stage === 'render' || stage === 'deliver' ? 'output' : stage);

/**
 * Seconds left, from the rate the bar moves at in the current phase: the engine shares the bar
 * between stages by their estimated cost (src/engine/progress.rs), and the rate measured within a
 * phase corrects what the estimate got wrong on this machine (a slower encoder, a busy CPU).
 * Early in a phase, the whole job's average rate.
 */
function etaSeconds(job: QueuedJob, stage: string, fraction: number, t: number): number | null {
  // The phase's clock starts when its bar first moves: set-up (opening decoders and encoders)
  // is not the pace of the work.
  if (!job.phase || job.phase.name !== phaseOf(stage) || fraction <= job.phase.fraction) job.phase = { name: phaseOf(stage), t, fraction };
  const { t: t0, fraction: f0 } = job.phase;
  if (fraction >= 1) return 0;
  if (fraction - f0 >= 0.02 && t - t0 >= 0.5) return ((t - t0) / (fraction - f0)) * (1 - fraction);
  const elapsed = t - job.startedAt!;
  return fraction > 0.02 ? (elapsed / fraction) * (1 - fraction) : null;
}

function newId(prefix = ''): string {
  const hex = crypto.randomUUID().replace(/-/g, '');
  return prefix + hex;
}

const now = () => new Date().toISOString();

/** Terminal statuses per API. */
const FINAL = new Set(['Finished', 'Succeeded', 'Failed', 'Canceled']);

export class Engine {
  private worker!: Worker;
  private queue: QueuedJob[] = [];
  private current: QueuedJob | null = null;
  private listeners = new Map<EngineEvent, Set<Listener>>();
  private validations = new Map<number, (m: Extract<FromWorker, { type: 'validated' }>) => void>();
  private nextReq = 1;
  private seq = Date.now();
  private cancelTimer: ReturnType<typeof setTimeout> | null = null;
  private notifications: Promise<unknown>[] = [];
  /** The running job a cancel was asked for: whatever it reports next, it ends Canceled. */
  private canceling: string | null = null;

  /** @internal use createEngine() */
  constructor(
    private store: JobStore,
    private options: EngineOptions,
  ) {
    setNetworkPolicy(options.network);
    this.startWorker();
  }

  private startWorker(): void {
    this.worker = this.options.workerUrl
      ? new Worker(this.options.workerUrl, { type: 'module' })
      : new Worker(/* webpackChunkName: "worker" */ new URL('./worker.ts', import.meta.url), { type: 'module' });
    this.worker.onmessage = (ev: MessageEvent<FromWorker>) => void this.onWorkerMessage(ev.data);
    this.worker.onerror = (ev) => {
      ev.preventDefault();
      void this.onWorkerCrash(`worker error: ${ev.message}`);
    };
    this.send({ type: 'configure', network: this.options.network });
  }

  private send(msg: ToWorker): void {
    this.worker.postMessage(msg);
  }

  /** Subscribes to engine events; returns an unsubscribe function. */
  on(event: 'progress', listener: (p: ProgressEvent) => void): () => void;
  on(event: 'complete' | 'failed', listener: (r: JobRecord) => void): () => void;
  on(event: EngineEvent, listener: (payload: never) => void): () => void {
    const set = this.listeners.get(event) ?? new Set();
    set.add(listener as Listener);
    this.listeners.set(event, set);
    return () => set.delete(listener as Listener);
  }

  private emit(event: EngineEvent, payload: ProgressEvent | JobRecord): void {
    for (const l of this.listeners.get(event) ?? []) {
      try {
        l(payload);
      } catch (e) {
        console.error('reelcut listener failed', e);
      }
    }
  }

  /** SubmitScreenMediaHighlightsJob: returns `{ RequestId, JobId }` once the request is validated and queued. */
  async submitScreenMediaHighlightsJob(
    params: ScreenMediaHighlightsRequest,
    opts: SubmitOptions = {},
  ): Promise<{ RequestId: string; JobId: string }> {
    const record = await this.submit('SubmitScreenMediaHighlightsJob', params, opts);
    return { RequestId: record.RequestId, JobId: record.JobId! };
  }

  /** CreateHighlightTask: returns `{ RequestId, TaskId, EventId }` once validated and queued. */
  async createHighlightTask(params: HighlightTaskRequest, opts: SubmitOptions = {}): Promise<{ RequestId: string; TaskId: string; EventId: string }> {
    const record = await this.submit('CreateHighlightTask', params, opts);
    return { RequestId: record.RequestId, TaskId: record.TaskId!, EventId: record.EventId! };
  }

  /** Validates and queues a request of either API given its action name (used by the CLI). */
  async submit(action: Action, params: unknown, opts: SubmitOptions = {}): Promise<JobRecord> {
    const spec = await this.validate(action, params);
    // A clone: the app may reuse its request object while the job waits in the queue.
    const request = structuredClone(params);
    const media = opts.media ?? {};
    const ice = action === 'SubmitScreenMediaHighlightsJob';
    const id = ice ? newId() : `Highlight-${crypto.randomUUID()}`;
    const record: JobRecord = {
      RequestId: crypto.randomUUID().toUpperCase(),
      ...(ice ? { JobId: id } : { TaskId: id, EventId: newId('0ED-') }),
      Action: action,
      ...(spec.projectName ? { ProjectName: spec.projectName } : {}),
      ...(ice ? {} : { Type: spec.kind }),
      Status: ice ? 'Init' : 'Running',
      CreateTime: now(),
      ...(spec.userData != null ? { UserData: spec.userData } : {}),
      ...(spec.tags && Object.keys(spec.tags).length ? { Tags: spec.tags } : {}),
      Progress: { Stage: 'queued', Fraction: 0, EtaSeconds: null },
    };
    const resumable = spec.sources.every((s) => /^(https?:|opfs:)/i.test(s.uri) && !(s.uri in media));
    await this.store.put({ id, record, spec, request, resumable, seq: this.seq++ });
    this.queue.push({ id, action, spec, request, media, opts });
    this.pump();
    return record;
  }

  private validate(action: string, request: unknown): Promise<JobSpec> {
    const reqId = this.nextReq++;
    return new Promise((resolve, reject) => {
      this.validations.set(reqId, (m) => (m.error ? reject(new ReelcutError(m.error.Code, m.error.Message)) : resolve(m.spec!)));
      this.send({ type: 'validate', reqId, action, request });
    });
  }

  /** One job record, as the API returns it. */
  async getJob(id: string): Promise<JobRecord | undefined> {
    return (await this.store.get(id))?.record;
  }

  /** Job records, oldest first, filtered by status, tags (all must match) and action. */
  async listJobs(filter: ListJobsFilter = {}): Promise<JobRecord[]> {
    return (await this.store.all())
      .map((j) => j.record)
      .filter(
        (r) =>
          (!filter.Status || r.Status === filter.Status) &&
          (!filter.Action || r.Action === filter.Action) &&
          Object.entries(filter.Tags ?? {}).every(([k, v]) => r.Tags?.[k] === v),
      );
  }

  /** Cancels a queued or running job; a running one stops within a second. */
  async cancelJob(id: string): Promise<JobRecord | undefined> {
    const queued = this.queue.findIndex((j) => j.id === id);
    if (queued >= 0) {
      const [job] = this.queue.splice(queued, 1);
      await this.finish(job, { Code: 'Job.Canceled', Message: 'the job was canceled before it started' }, 'Canceled');
    } else if (this.current?.id === id) {
      this.canceling = id;
      this.send({ type: 'cancel', jobId: id });
      this.cancelTimer = setTimeout(() => void this.onWorkerCrash('cancel', true), CANCEL_GRACE_MS);
    }
    return this.getJob(id);
  }

  /** Resolves when the job reaches a final status. */
  async waitFor(id: string): Promise<JobRecord> {
    const rec = await this.getJob(id);
    if (rec && FINAL.has(rec.Status)) return rec;
    return new Promise((resolve) => {
      const off1 = this.on('complete', (r) => done(r));
      const off2 = this.on('failed', (r) => done(r));
      const done = (r: JobRecord) => {
        if ((r.JobId ?? r.TaskId) !== id) return;
        off1();
        off2();
        resolve(r);
      };
    });
  }

  /** What this browser can decode and encode (and whether it has AAC and OPFS), before any job. */
  capabilities(): Promise<Capabilities> {
    return capabilities();
  }

  /** Waits for pending completion notifications (tests, CLI). */
  async flushNotifications(): Promise<void> {
    await Promise.all(this.notifications);
  }

  /** Stops the worker; the records stay in IndexedDB. */
  terminate(): void {
    this.worker.terminate();
    this.store.close();
  }

  private pump(): void {
    if (this.current || this.queue.length === 0) return;
    const job = this.queue.shift()!;
    this.current = job;
    job.startedAt = performance.now() / 1000;
    void this.update(job.id, (r) => {
      r.Status = r.Action === 'SubmitScreenMediaHighlightsJob' ? 'Processing' : 'Running';
      r.StartTime = now();
    }).then(() => this.send({ type: 'run', jobId: job.id, action: job.action, request: job.request, media: job.media }));
  }

  private async update(id: string, change: (r: JobRecord) => void): Promise<JobRecord | undefined> {
    const stored = await this.store.get(id);
    if (!stored) return undefined;
    change(stored.record);
    await this.store.put(stored);
    return stored.record;
  }

  private async onWorkerMessage(msg: FromWorker): Promise<void> {
    switch (msg.type) {
      case 'validated':
        this.validations.get(msg.reqId)?.(msg);
        this.validations.delete(msg.reqId);
        break;
      case 'progress': {
        const job = this.current;
        if (!job || job.id !== msg.jobId) break;
        const eta = etaSeconds(job, msg.stage, msg.fraction, performance.now() / 1000);
        const p: ProgressEvent = { JobId: job.id, Stage: msg.stage, Fraction: msg.fraction, EtaSeconds: eta === null ? null : Math.round(eta * 10) / 10 };
        job.opts.onProgress?.(p);
        this.emit('progress', p);
        // Records are written at most a few times per second: progress events are frequent.
        if (!this.lastProgressWrite || performance.now() - this.lastProgressWrite > 500) {
          this.lastProgressWrite = performance.now();
          await this.update(job.id, (r) => (r.Progress = { Stage: p.Stage, Fraction: p.Fraction, EtaSeconds: p.EtaSeconds }));
        }
        break;
      }
      case 'done':
        if (this.current?.id !== msg.jobId) break;
        if (this.canceling === msg.jobId) await this.finish(this.current, { Code: 'Job.Canceled', Message: 'the job was canceled' }, 'Canceled');
        else await this.finish(this.current, null, null, msg.result);
        break;
      case 'failed':
        if (this.current?.id === msg.jobId) {
          const job = this.current;
          if (msg.fatal) this.restartWorker();
          const canceled = msg.error.Code === 'Job.Canceled' || this.canceling === msg.jobId;
          await this.finish(job, canceled ? { Code: 'Job.Canceled', Message: msg.error.Code === 'Job.Canceled' ? msg.error.Message : 'the job was canceled' } : msg.error, canceled ? 'Canceled' : 'Failed');
        }
        break;
      case 'resolve':
        await this.resolveForWorker(msg.reqId, msg.uri);
        break;
    }
  }
  private lastProgressWrite = 0;

  private async resolveForWorker(reqId: number, uri: string): Promise<void> {
    const hook = this.options.resolveUri;
    if (!hook) {
      const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(uri)?.[1];
      const what = scheme ? `references with the scheme ${scheme}: need a resolveUri hook` : 'it is not a key of the media map, nor a blob:, http(s): or opfs: URL, and no resolveUri hook is set';
      this.send({ type: 'resolved', reqId, error: { Code: 'InvalidMedia.NotFound', Message: `cannot open ${uri}: ${what}` } });
      return;
    }
    try {
      this.send({ type: 'resolved', reqId, value: await hook(uri) });
    } catch (e) {
      this.send({ type: 'resolved', reqId, error: { Code: 'InvalidMedia.NotFound', Message: `resolveUri failed for ${uri}: ${(e as Error).message ?? e}` } });
    }
  }

  private restartWorker(): void {
    this.worker.terminate();
    // Validations in flight die with the worker; their callers get an error rather than a hang.
    for (const [, cb] of this.validations) cb({ type: 'validated', reqId: 0, error: { Code: 'Internal', Message: 'the engine restarted' } });
    this.validations.clear();
    this.startWorker();
  }

  private async onWorkerCrash(reason: string, canceled = false): Promise<void> {
    const job = this.current;
    this.restartWorker();
    if (job) {
      await this.finish(
        job,
        canceled ? { Code: 'Job.Canceled', Message: 'the job was canceled' } : { Code: 'Internal', Message: `the engine stopped unexpectedly (${reason}); it was restarted` },
        canceled ? 'Canceled' : 'Failed',
      );
    }
  }

  /** Writes the final record, fires events and notifications, and starts the next job. */
  private async finish(job: QueuedJob, error: ApiErrorBody | null, failStatus: 'Failed' | 'Canceled' | null, result?: JobResult): Promise<void> {
    if (this.cancelTimer) clearTimeout(this.cancelTimer);
    this.cancelTimer = null;
    if (this.canceling === job.id) this.canceling = null;
    // An output that was not delivered (its upload failed) makes the job fail: never Success.
    const undelivered = error ? null : undeliveredOutput(result);
    const jobError = error ?? undelivered;
    const status = error ? failStatus : undelivered ? 'Failed' : null;
    const record = await this.update(job.id, (r) => {
      const ice = r.Action === 'SubmitScreenMediaHighlightsJob';
      r.EndTime = now();
      // A canceled job keeps the progress it had reached: it did not get to "done".
      r.Progress = status === 'Canceled' ? { Stage: 'canceled', Fraction: r.Progress?.Fraction ?? 0, EtaSeconds: null } : { Stage: 'done', Fraction: 1, EtaSeconds: 0 };
      if (!error && result) {
        const earlierNotes = r.Notes ?? [];
        Object.assign(r, result);
        // Notes written before the run (e.g. "resumed after reload") stay in front of the result's.
        if (earlierNotes.length) r.Notes = [...earlierNotes, ...(result?.Notes ?? [])];
      }
      if (jobError) {
        r.Status = ice ? 'Finished' : status!;
        r.Code = jobError.Code;
        r.Message = jobError.Message;
        if (ice) r.Result = 'Failed';
      } else {
        r.Status = ice ? 'Finished' : 'Succeeded';
        r.Code = 'Success';
        r.Message = 'ok';
      }
    });
    if (this.current === job) this.current = null;
    if (record) {
      job.opts.onComplete?.(record);
      this.emit(jobError ? 'failed' : 'complete', record);
      // Notifications run beside the queue (the next job starts now) and are bounded by the network
      // policy's timeouts; the outcome is recorded on the job as Notification {Status, Attempts, Error}.
      if (job.spec.notify) {
        const target = job.spec.notify;
        this.notifications.push(
          notify(target, completionMessage(record))
            .catch((e) => ({ Target: target, Status: 'Failed' as const, Attempts: 1, Error: e instanceof Error ? e.message : String(e) }))
            .then((res) => this.update(job.id, (r) => (r.Notification = res))),
        );
      }
    }
    this.pump();
  }

  /** Jobs that were running or queued when the page died: resumed if their inputs are re-readable, else interrupted. */
  async recoverInterrupted(): Promise<void> {
    for (const stored of await this.store.all()) {
      if (FINAL.has(stored.record.Status)) continue;
      if (stored.resumable && stored.request !== undefined) {
        stored.record.Notes = [...(stored.record.Notes ?? []), 'resumed after the page was reloaded'];
        stored.record.Status = stored.record.Action === 'SubmitScreenMediaHighlightsJob' ? 'Init' : 'Running';
        await this.store.put(stored);
        this.queue.push({ id: stored.id, action: stored.record.Action, spec: stored.spec as JobSpec, request: stored.request, media: {}, opts: {} });
      } else {
        const ice = stored.record.Action === 'SubmitScreenMediaHighlightsJob';
        Object.assign(stored.record, {
          Status: ice ? 'Finished' : 'Failed',
          ...(ice ? { Result: 'Failed' } : {}),
          Code: 'Job.Interrupted',
          Message: 'the page was closed while the job was queued or running, and its inputs (picked files) cannot be read again',
          EndTime: now(),
        });
        await this.store.put(stored);
      }
    }
    this.pump();
  }
}

/** The first output whose file was rendered but not delivered, as the job's error. */
function undeliveredOutput(result: JobResult | undefined): ApiErrorBody | null {
  const outputs = (result?.Outputs ?? result?.SubJobList ?? []) as { Index?: number; Status?: string; ErrorCode?: string; ErrorMessage?: string }[];
  const failed = outputs.filter((o) => o.Status === 'Failed' && o.ErrorCode === 'Output.UploadFailed');
  if (failed.length === 0) return null;
  const first = failed[0];
  const more = failed.length > 1 ? ` (and ${failed.length - 1} more output(s) not delivered)` : '';
  return { Code: 'Output.UploadFailed', Message: `output ${first.Index ?? 1} was not delivered: ${first.ErrorMessage ?? 'upload failed'}${more}` };
}

/** The completion message in each API's format (SPEC sections 3 and 4). */
export function completionMessage(r: JobRecord): unknown {
  const { Progress: _p, Action: _a, Notification: _n, ...body } = r as JobRecord & { Notification?: unknown };
  if (r.Action === 'SubmitScreenMediaHighlightsJob') {
    return { EventType: 'ScreenMediaHighlightsComplete', EventTime: r.EndTime, MessageBody: body };
  }
  return {
    id: r.EventId,
    source: 'reelcut',
    type: 'CreateHighlightTask:Complete',
    subject: r.TaskId,
    time: r.EndTime,
    content: JSON.stringify(body),
  };
}

/** Creates an engine: one worker, one queue; records are kept in IndexedDB. */
export async function createEngine(options: EngineOptions = {}): Promise<Engine> {
  const store = await JobStore.open(options.databaseName ?? 'reelcut');
  const engine = new Engine(store, options);
  await engine.recoverInterrupted();
  return engine;
}

export type { StoredJob };
