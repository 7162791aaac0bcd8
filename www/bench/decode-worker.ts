// Benchmark baseline: demux + decode every video frame of an input with the engine's own demuxer
// and WebCodecs decoder (`decodeAllFrames`, src/web/bench.rs), closing each frame at once (no
// analysis). Runs in a worker, as the engine does, so the two timings are comparable.
import init, * as core from '../pkg/reelcut.js';
import { httpReader } from '../src/io';

const ready = init({ module_or_path: new URL('../pkg/reelcut_bg.wasm', import.meta.url) });

self.onmessage = async (ev: MessageEvent<{ url: string }>) => {
  await ready;
  try {
    const t0 = performance.now();
    const frames = await core.decodeAllFrames(await httpReader(ev.data.url));
    (self as unknown as Worker).postMessage({ frames, seconds: (performance.now() - t0) / 1000 });
  } catch (e) {
    (self as unknown as Worker).postMessage({ error: String((e as Error).message ?? e) });
  }
};
