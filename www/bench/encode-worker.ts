// Benchmark baseline for rendering: encode N frames of a simple moving picture at the reel's size
// with the encoder configuration the engine negotiates, and nothing else (no decode, no drawing
// of source frames, no muxing).
import init, * as core from '../pkg/reelcut.js';
import { waitForDequeue } from './webcodecs';

const ready = init({ module_or_path: new URL('../pkg/reelcut_bg.wasm', import.meta.url) });

self.onmessage = async (ev: MessageEvent<{ width: number; height: number; fps: number; frames: number }>) => {
  const { width, height, fps, frames } = ev.data;
  try {
    await ready;
    const config = await core.engineVideoEncoderConfig(width, height, fps);
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d', { alpha: false })!;
    let error: unknown = null;
    let chunks = 0;
    const encoder = new VideoEncoder({ output: () => chunks++, error: (e) => (error = e) });
    encoder.configure(config);
    const t0 = performance.now();
    for (let i = 0; i < frames; i++) {
      // A moving gradient and box: content that changes every frame, as a reel's does.
      const g = ctx.createLinearGradient(0, 0, width, height);
      g.addColorStop(0, `hsl(${(i * 3) % 360} 70% 50%)`);
      g.addColorStop(1, `hsl(${(i * 3 + 180) % 360} 70% 30%)`);
      ctx.fillStyle = g;
      ctx.fillRect(0, 0, width, height);
      ctx.fillStyle = '#fff';
      ctx.fillRect((i * 17) % width, (i * 29) % height, width / 5, height / 9);
      const frame = new VideoFrame(canvas, { timestamp: Math.round((i * 1e6) / fps) });
      while (encoder.encodeQueueSize > 6) await waitForDequeue(encoder);
      encoder.encode(frame, { keyFrame: i % 150 === 0 });
      frame.close();
    }
    await encoder.flush();
    encoder.close();
    if (error) throw error;
    (self as unknown as Worker).postMessage({ frames, chunks, seconds: (performance.now() - t0) / 1000, codec: config.codec });
  } catch (e) {
    (self as unknown as Worker).postMessage({ error: String((e as Error).message ?? e) });
  }
};
