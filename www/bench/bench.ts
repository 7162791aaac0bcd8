// Page-side helpers for bench/bench.mjs.
import type { MediabunnyRequest } from './mediabunny-worker';

export { ffmpegAnalysis, ffmpegReel } from './ffmpeg-peer';

/** Posts one request to a fresh worker and resolves with its one answer (`{error}` rejects). */
function once<T>(worker: Worker, request: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    worker.onmessage = (ev) => {
      worker.terminate();
      if (ev.data.error) reject(new Error(ev.data.error));
      else resolve(ev.data);
    };
    worker.onerror = (ev) => {
      worker.terminate();
      reject(new Error(ev.message));
    };
    worker.postMessage(request);
  });
}

export function measureDecode(url: string): Promise<{ frames: number; seconds: number }> {
  return once(new Worker(new URL('./decode-worker.ts', import.meta.url), { type: 'module' }), { url });
}

export function measureEncode(width: number, height: number, fps: number, frames: number): Promise<{ frames: number; seconds: number; codec: string }> {
  return once(new Worker(new URL('./encode-worker.ts', import.meta.url), { type: 'module' }), { width, height, fps, frames });
}

/** mediabunny, in a worker: `decode` → {frames, seconds}; `reel` → {frames, seconds, size, fps}. */
export function mediabunny<R>(request: MediabunnyRequest): Promise<R> {
  return once(new Worker(new URL('./mediabunny-worker.ts', import.meta.url), { type: 'module' }), request);
}

/** Uploads a finished job's `memory:` output (a Blob, which cannot leave the page as is) to `url`. */
export async function uploadOutput(jobId: string, url: string): Promise<number> {
  const engine = (window as unknown as { __engine: { getJob(id: string): Promise<{ Outputs?: { Blob?: Blob }[] } | null> } }).__engine;
  const blob = (await engine.getJob(jobId))?.Outputs?.[0]?.Blob;
  if (!blob) throw new Error(`job ${jobId} has no output in memory`);
  const res = await fetch(url, { method: 'PUT', body: blob });
  if (!res.ok) throw new Error(`upload: HTTP ${res.status}`);
  return blob.size;
}
