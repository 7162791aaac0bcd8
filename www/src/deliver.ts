// Delivery of rendered files (SPEC section 2): `memory:` (a Blob in the result), `opfs:/path`
// (written to the origin private file system), or an http(s) URL (HTTP PUT, retried with backoff;
// the file waits in OPFS until the upload succeeds, so a failed upload loses nothing).

import { networkPolicy, sleep, timedPut } from './net';
import { ReelcutError } from './types';

export interface Delivered {
  /** Where the file is now: the URI, `memory:` or, after a failed upload, its OPFS path. */
  location: string;
  blob?: Blob;
  uploadAttempts?: number;
  error?: { Code: string; Message: string };
}

const OUTBOX = 'reelcut-outbox';

async function opfsPath(path: string, create: boolean): Promise<{ dir: FileSystemDirectoryHandle; name: string }> {
  const parts = path.replace(/^opfs:\/*/, '').split('/').filter(Boolean);
  if (parts.length === 0) throw new ReelcutError('InvalidParameter.Output.URI', `${path} names no file`);
  let dir = await navigator.storage.getDirectory();
  for (const p of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(p, { create });
  return { dir, name: parts[parts.length - 1] };
}

export async function writeOpfs(path: string, blob: Blob): Promise<void> {
  const { dir, name } = await opfsPath(path, true);
  const handle = await dir.getFileHandle(name, { create: true });
  const writable = await (handle as unknown as { createWritable(): Promise<FileSystemWritableFileStream> }).createWritable();
  await writable.write(blob);
  await writable.close();
}

export async function removeOpfs(path: string): Promise<void> {
  try {
    const { dir, name } = await opfsPath(path, false);
    await dir.removeEntry(name);
  } catch {
    /* already gone */
  }
}

/** Where a file bound for the upload URL `uri` waits until its upload succeeds. */
function outboxPath(uri: string, jobId: string): string {
  const name = decodeURIComponent(new URL(uri).pathname.split('/').pop() || 'output');
  return `opfs:/${OUTBOX}/${jobId}/${name}`;
}

/** The delivery of an HLS/DASH output: the playlist's, with each file's own in `files`. */
export interface DeliveredFiles extends Delivered {
  files: Delivered[];
}

/**
 * Delivers the files of a segmented output in order, the playlist or manifest last, so it is
 * never published before the segments it names. After a failed upload the remaining files (and
 * the playlist) are not uploaded: they are kept in the outbox beside the failed one.
 */
export async function deliverFiles(files: { uri: string | null; blob: Blob }[], jobId: string, signal: AbortSignal): Promise<DeliveredFiles> {
  const out: Delivered[] = [];
  let failed: Delivered | null = null;
  let attempts = 0;
  for (const f of files) {
    if (failed && f.uri && /^https?:\/\//i.test(f.uri)) {
      const kept = outboxPath(f.uri, jobId);
      await writeOpfs(kept, f.blob);
      out.push({ location: kept });
      continue;
    }
    const d = await deliver(f.uri, f.blob, jobId, signal);
    attempts += d.uploadAttempts ?? 0;
    out.push(d);
    if (d.error && !failed) failed = d;
  }
  const playlist = out[out.length - 1] ?? { location: 'memory:' };
  return {
    location: playlist.location,
    blob: playlist.blob,
    uploadAttempts: attempts > 0 ? attempts : undefined,
    error: failed?.error
      ? { Code: failed.error.Code, Message: `${failed.error.Message}; the files after it and the playlist were not uploaded and are kept beside it` }
      : undefined,
    files: out,
  };
}

/** Delivers one output file to `uri` (`{index}` already replaced). */
export async function deliver(uri: string | null, blob: Blob, jobId: string, signal: AbortSignal): Promise<Delivered> {
  if (!uri || uri === 'memory:' || uri.startsWith('memory:')) return { location: uri || 'memory:', blob };
  if (uri.startsWith('opfs:')) {
    await writeOpfs(uri, blob);
    return { location: uri };
  }
  if (!/^https?:\/\//i.test(uri)) {
    throw new ReelcutError('InvalidParameter.Output.URI', `cannot write to ${uri}: use memory:, opfs:/path or an http(s) URL`);
  }
  const outbox = outboxPath(uri, jobId);
  await writeOpfs(outbox, blob);
  let lastError = '';
  let attempts = 0;
  // Retry policy (net.ts): 1 + retryDelaysMs.length attempts, each bounded by the connect and idle
  // timeouts; a 4xx other than 408/429 (an expired or refused pre-signed URL) is not retried.
  const delays = networkPolicy().retryDelaysMs;
  for (let attempt = 0; attempt <= delays.length; attempt++) {
    if (signal.aborted) break;
    attempts++;
    try {
      const status = await timedPut(uri, blob, { 'content-type': blob.type || 'application/octet-stream' }, signal);
      if (status >= 200 && status < 300) {
        await removeOpfs(outbox);
        return { location: uri, uploadAttempts: attempts };
      }
      lastError = `HTTP ${status}`;
      if (status >= 400 && status < 500 && status !== 408 && status !== 429) break;
    } catch (e) {
      lastError = (e as Error).message ?? String(e);
    }
    if (attempt < delays.length) await sleep(delays[attempt], signal);
  }
  // A cancel is a cancel, not a failed upload: the job ends Canceled and keeps nothing.
  if (signal.aborted) {
    await removeOpfs(outbox);
    throw new ReelcutError('Job.Canceled', 'the job was canceled while its output was being uploaded');
  }
  return {
    location: outbox,
    uploadAttempts: attempts,
    error: { Code: 'Output.UploadFailed', Message: `PUT ${uri} failed after ${attempts} attempts (${lastError}); the file is kept at ${outbox}` },
  };
}
