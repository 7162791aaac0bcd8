// Benchmark baseline: demux + decode every video frame of an input with the same Rust demuxer and
// WebCodecs settings as the engine, closing each frame at once (no analysis). Runs in a worker, as
// the engine does, so the two timings are comparable.
import init, * as core from '../pkg/reelcut.js';
import { openDemuxer } from '../src/media';
import { videoChunk, videoDecoderConfig, waitForDequeue } from './webcodecs';
import { httpReader } from '../src/io';

const ready = init({ module_or_path: new URL('../pkg/reelcut_bg.wasm', import.meta.url) });

self.onmessage = async (ev: MessageEvent<{ url: string }>) => {
  await ready;
  try {
    const t0 = performance.now();
    const reader = await httpReader(ev.data.url);
    const { demuxer, info } = openDemuxer(core, reader);
    const track = info.tracks.find((t) => t.kind === 'Video')!;
    let frames = 0;
    let error: unknown = null;
    const decoder = new VideoDecoder({
      output: (f) => {
        frames++;
        f.close();
      },
      error: (e) => (error = e),
    });
    decoder.configure(await videoDecoderConfig(track));
    for (;;) {
      const p = demuxer.nextPacket();
      if (!p) break;
      if (p.trackId === track.id) {
        while (decoder.decodeQueueSize > 12) await waitForDequeue(decoder);
        decoder.decode(videoChunk(p));
      }
      p.free();
    }
    await decoder.flush();
    decoder.close();
    demuxer.free();
    if (error) throw error;
    (self as unknown as Worker).postMessage({ frames, seconds: (performance.now() - t0) / 1000 });
  } catch (e) {
    (self as unknown as Worker).postMessage({ error: String((e as Error).message ?? e) });
  }
};
