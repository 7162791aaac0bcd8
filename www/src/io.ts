// Input readers for the worker: synchronous random access over a Blob (FileReaderSync), an OPFS
// file (sync access handle) or an http(s) URL (synchronous Range requests). The Rust demuxer pulls
// bytes through them in slices, so no input is ever held whole in memory (except an http server
// without Range support, which is read once into a Blob).

/** The object the Rust `JsByteSource` calls. */
export interface SyncReader {
  size: number;
  read(offset: number, length: number): Uint8Array;
  close(): void;
}

import { dropBody, networkPolicy, readBody, timedFetch } from './net';

declare class FileReaderSync {
  readAsArrayBuffer(blob: Blob): ArrayBuffer;
}

export function blobReader(blob: Blob): SyncReader {
  const fr = new FileReaderSync();
  return {
    size: blob.size,
    read(offset, length) {
      try {
        return new Uint8Array(fr.readAsArrayBuffer(blob.slice(offset, offset + length)));
      } catch (e) {
        // A File picked by the user can disappear or change on disk.
        throw new Error(`InvalidMedia.NotFound: the file could not be read (${(e as Error).message})`);
      }
    },
    close() {},
  };
}

interface SyncAccessHandle {
  getSize(): number;
  read(buffer: Uint8Array, options: { at: number }): number;
  close(): void;
}

/** `opfs:/dir/name.mp4` → a sync access handle (worker only). */
export async function opfsReader(uri: string): Promise<SyncReader> {
  const path = uri.replace(/^opfs:\/*/, '').split('/').filter(Boolean);
  if (path.length === 0) throw new Error(`InvalidMedia.NotFound: ${uri} names no file`);
  let dir = await navigator.storage.getDirectory();
  try {
    for (const part of path.slice(0, -1)) dir = await dir.getDirectoryHandle(part);
    const file = await dir.getFileHandle(path[path.length - 1]);
    const handle = (await (file as unknown as { createSyncAccessHandle(): Promise<SyncAccessHandle> }).createSyncAccessHandle());
    const size = handle.getSize();
    return {
      size,
      read(offset, length) {
        const buf = new Uint8Array(Math.max(0, Math.min(length, size - offset)));
        const n = handle.read(buf, { at: offset });
        return n === buf.length ? buf : buf.subarray(0, n);
      },
      close() {
        handle.close();
      },
    };
  } catch (e) {
    if ((e as DOMException).name === 'NotFoundError' || (e as DOMException).name === 'TypeMismatchError') {
      throw new Error(`InvalidMedia.NotFound: ${uri} does not exist in the origin private file system`);
    }
    throw e;
  }
}

/**
 * http(s) URL: probe size and Range support once, then read slices with synchronous XHR. Every
 * wait is bounded (net.ts): the probe by the connect timeout, a body read without Range by the idle
 * timeout, each Range slice by connect + idle timeout; a stalled input fails the job, not hangs it.
 */
export async function httpReader(url: string): Promise<SyncReader> {
  let res: Response;
  let controller: AbortController;
  try {
    ({ res, controller } = await timedFetch(url, { headers: { Range: 'bytes=0-0' } }));
  } catch (e) {
    throw new Error(`InvalidMedia.NotFound: ${url} could not be fetched (${(e as Error).message})`);
  }
  if (!res.ok) {
    dropBody(res, controller);
    throw new Error(`InvalidMedia.NotFound: ${url} returned HTTP ${res.status}`);
  }
  const range = res.headers.get('content-range');
  const total = range ? Number(/\/(\d+)\s*$/.exec(range)?.[1]) : NaN;
  if (res.status !== 206 || !Number.isFinite(total)) {
    // No Range support: the only way in is the whole body.
    try {
      return blobReader(await readBody(res, controller));
    } catch (e) {
      throw new Error(`InvalidMedia.NotFound: ${url} could not be read (${(e as Error).message})`);
    }
  }
  dropBody(res, controller);
  return {
    size: total,
    read(offset, length) {
      const end = Math.min(total, offset + length) - 1;
      if (end < offset) return new Uint8Array(0);
      const { connectTimeoutMs, idleTimeoutMs } = networkPolicy();
      const xhr = new XMLHttpRequest();
      xhr.open('GET', url, false);
      xhr.setRequestHeader('Range', `bytes=${offset}-${end}`);
      xhr.responseType = 'arraybuffer';
      // Synchronous XHR (worker only) has one timer: connect + idle bounds a slice.
      xhr.timeout = connectTimeoutMs + idleTimeoutMs;
      try {
        xhr.send();
      } catch (e) {
        const what = (e as DOMException).name === 'TimeoutError' ? `timed out after ${xhr.timeout} ms` : (e as Error).message;
        throw new Error(`InvalidMedia.NotFound: ${url} could not be read at bytes ${offset}-${end} (${what})`);
      }
      if (xhr.status !== 206 && xhr.status !== 200) {
        throw new Error(`InvalidMedia.NotFound: ${url} returned HTTP ${xhr.status} for bytes ${offset}-${end}`);
      }
      const body = new Uint8Array(xhr.response as ArrayBuffer);
      // A 200 means the server ignored Range and sent everything: take our slice of it.
      return xhr.status === 200 ? body.subarray(offset, end + 1) : body;
    },
    close() {},
  };
}
