// Page-side helpers for bench/bench.mjs.
export function measureDecode(url: string): Promise<{ frames: number; seconds: number }> {
  const worker = new Worker(new URL('./decode-worker.ts', import.meta.url), { type: 'module' });
  return new Promise((resolve, reject) => {
    worker.onmessage = (ev) => {
      worker.terminate();
      if (ev.data.error) reject(new Error(ev.data.error));
      else resolve(ev.data);
    };
    worker.postMessage({ url });
  });
}

export function measureEncode(width: number, height: number, fps: number, frames: number): Promise<{ frames: number; seconds: number; codec: string }> {
  const worker = new Worker(new URL('./encode-worker.ts', import.meta.url), { type: 'module' });
  return new Promise((resolve, reject) => {
    worker.onmessage = (ev) => {
      worker.terminate();
      if (ev.data.error) reject(new Error(ev.data.error));
      else resolve(ev.data);
    };
    worker.postMessage({ width, height, fps, frames });
  });
}
