// The engine worker: validates requests and runs one job at a time, off the page's main thread.

import init, * as core from '../pkg/reelcut.js';
import { analyseSource } from './analyse';
import { blobReader, httpReader, opfsReader, type SyncReader } from './io';
import type { FromWorker, JobResult, JobSpec, ToWorker } from './protocol';
import { parseErrorBody, ReelcutError, type MediaMap } from './types';

const post = (msg: FromWorker) => (self as unknown as Worker).postMessage(msg);

const ready = init({ module_or_path: new URL('../pkg/reelcut_bg.wasm', import.meta.url) });
const running = new Map<string, AbortController>();
const pendingResolves = new Map<number, (m: Extract<ToWorker, { type: 'resolved' }>) => void>();
let nextResolveId = 1;

self.onmessage = async (ev: MessageEvent<ToWorker>) => {
  const msg = ev.data;
  switch (msg.type) {
    case 'validate': {
      await ready;
      try {
        const spec = JSON.parse(core.validateRequest(msg.action, JSON.stringify(msg.request))) as JobSpec;
        post({ type: 'validated', reqId: msg.reqId, spec });
      } catch (e) {
        post({ type: 'validated', reqId: msg.reqId, error: parseErrorBody(e) });
      }
      break;
    }
    case 'run':
      await ready;
      await runJob(msg.jobId, msg.spec, msg.media);
      break;
    case 'cancel':
      running.get(msg.jobId)?.abort();
      break;
    case 'resolved':
      pendingResolves.get(msg.reqId)?.(msg);
      pendingResolves.delete(msg.reqId);
      break;
  }
};

async function runJob(jobId: string, spec: JobSpec, media: MediaMap): Promise<void> {
  const abort = new AbortController();
  running.set(jobId, abort);
  try {
    const result = await retrieve(spec, media, abort.signal, (stage, fraction) => post({ type: 'progress', jobId, stage, fraction }));
    post({ type: 'done', jobId, result });
  } catch (e) {
    // A trap inside wasm leaves the instance unusable: the page restarts this worker.
    const fatal = e instanceof WebAssembly.RuntimeError;
    const error = fatal ? { Code: 'Internal', Message: `engine failure: ${(e as Error).message}` } : parseErrorBody(e);
    post({ type: 'failed', jobId, error, fatal });
  } finally {
    running.delete(jobId);
  }
}

/** Finds highlights in every source (Type Retrieval). */
async function retrieve(
  spec: JobSpec,
  media: MediaMap,
  signal: AbortSignal,
  progress: (stage: string, fraction: number) => void,
): Promise<JobResult> {
  const session = new core.WasmHighlightSession();
  const notes: string[] = [];
  const sources: NonNullable<JobResult['Sources']> = [];
  const ranges: [number, number][] = [];
  try {
    const n = spec.sources.length;
    for (let i = 0; i < n; i++) {
      const src = spec.sources[i];
      progress('analyse', i / n);
      const reader = await openReference(src.uri, media);
      try {
        const analysed = await analyseSource(core, reader, src, {
          signal,
          onProgress: (f) => progress('analyse', (i + f) / n),
        }).catch((e) => {
          const body = parseErrorBody(e);
          throw new ReelcutError(body.Code, `${src.uri}: ${body.Message}`);
        });
        const v = analysed.info.tracks.find((t) => t.kind === 'Video');
        const a = analysed.info.tracks.find((t) => t.kind === 'Audio');
        sources.push({
          URI: src.uri,
          Container: analysed.info.container,
          Duration: analysed.info.duration_s,
          Video: v ? v.codec_name : null,
          Audio: a ? a.codec_name : null,
          Width: v?.video?.display_width ?? 0,
          Height: v?.video?.display_height ?? 0,
          Frames: analysed.frames,
        });
        notes.push(...analysed.notes.map((m) => (n > 1 ? `source ${i}: ${m}` : m)));
        ranges.push([analysed.range.start, analysed.range.end]);
        session.addSource(analysed.analyzer);
      } finally {
        reader.close();
      }
    }
    progress('score', 0.99);
    const options = {
      mode: spec.mode,
      content: spec.content ?? null,
      minClipS: 1,
      maxClipS: Math.max(1, Math.min(15, spec.maxDurationS ?? 15)),
      maxCount: null,
      targetTotalS: spec.targetDurationS ?? null,
      ranges,
    };
    const report = JSON.parse(session.findHighlights(JSON.stringify(options)));
    return {
      Highlights: report.highlights.map((h: { source: number; start: number; end: number; score: number; reasons: string[] }) => ({
        Source: h.source,
        URI: spec.sources[h.source].uri,
        Start: round3(h.start),
        End: round3(h.end),
        Score: round3(h.score),
        Reasons: h.reasons,
      })),
      Profile: report.profile,
      Notes: [...notes, ...report.notes],
      Sources: sources,
    };
  } finally {
    session.free();
  }
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** Opens an input reference (SPEC section 2). */
async function openReference(uri: string, media: MediaMap, depth = 0): Promise<SyncReader> {
  if (Object.prototype.hasOwnProperty.call(media, uri)) return blobReader(media[uri]);
  if (uri.startsWith('blob:')) {
    const res = await fetch(uri).catch(() => null);
    if (!res || !res.ok) throw new ReelcutError('InvalidMedia.NotFound', `${uri} is not a live blob URL (revoked, or from another page)`);
    return blobReader(await res.blob());
  }
  if (/^https?:\/\//i.test(uri)) return httpReader(uri);
  if (uri.startsWith('opfs:')) return opfsReader(uri);
  if (depth > 0) throw new ReelcutError('InvalidMedia.NotFound', `resolveUri returned another unreadable reference: ${uri}`);
  const resolved = await askPageToResolve(uri);
  return resolved instanceof Blob ? blobReader(resolved) : openReference(resolved, media, depth + 1);
}

function askPageToResolve(uri: string): Promise<string | Blob> {
  const reqId = nextResolveId++;
  return new Promise((resolve, reject) => {
    pendingResolves.set(reqId, (m) => {
      if (m.error) reject(new ReelcutError(m.error.Code, m.error.Message));
      else resolve(m.value!);
    });
    post({ type: 'resolve', reqId, uri });
  });
}
