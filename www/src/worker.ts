// The engine worker: validates requests and runs one job at a time, off the page's main thread.

import init, * as core from '../pkg/reelcut.js';
import { jobIo } from './jobs';
import { blobReader, httpReader, opfsReader, type SyncReader } from './io';
import { setNetworkPolicy } from './net';
import type { FromWorker, JobResult, ToWorker } from './protocol';
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
        const spec = core.validateRequest(msg.action, msg.request);
        post({ type: 'validated', reqId: msg.reqId, spec });
      } catch (e) {
        post({ type: 'validated', reqId: msg.reqId, error: parseErrorBody(e) });
      }
      break;
    }
    case 'run':
      await ready;
      await runJob(msg.jobId, msg.action, msg.request, msg.media);
      break;
    case 'cancel':
      running.get(msg.jobId)?.abort();
      break;
    case 'configure':
      setNetworkPolicy(msg.network);
      break;
    case 'resolved':
      pendingResolves.get(msg.reqId)?.(msg);
      pendingResolves.delete(msg.reqId);
      break;
  }
};

async function runJob(jobId: string, action: string, request: unknown, media: MediaMap): Promise<void> {
  const abort = new AbortController();
  running.set(jobId, abort);
  try {
    const io = jobIo({
      jobId,
      signal: abort.signal,
      open: (uri) => openReference(uri, media),
      progress: (stage, fraction) => post({ type: 'progress', jobId, stage, fraction }),
    });
    const result: JobResult = await core.runJob(action, request, io);
    // A job canceled while it finished (say, during an upload) is Canceled, never a success.
    if (abort.signal.aborted) post({ type: 'failed', jobId, error: { Code: 'Job.Canceled', Message: 'the job was canceled' }, fatal: false });
    else post({ type: 'done', jobId, result });
  } catch (e) {
    // A trap inside wasm leaves the instance unusable: the page restarts this worker.
    const fatal = e instanceof WebAssembly.RuntimeError;
    const error = abort.signal.aborted
      ? { Code: 'Job.Canceled', Message: 'the job was canceled' }
      : fatal
        ? { Code: 'Internal', Message: `engine failure: ${(e as Error).message}` }
        : parseErrorBody(e);
    post({ type: 'failed', jobId, error, fatal });
  } finally {
    running.delete(jobId);
  }
}

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
