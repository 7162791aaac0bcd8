// Peer benchmark: the same jobs done with ffmpeg.wasm (@ffmpeg/ffmpeg + the single-thread
// @ffmpeg/core, which runs in the worker @ffmpeg/ffmpeg starts). No SharedArrayBuffer needed.
//
// ffmpeg.wasm reads only its in-memory file system, so each job first fetches the input and writes
// it into MEMFS; that is timed apart from the ffmpeg run (`write_s` vs `run_s`) and both count in
// the total, as reelcut's timings include reading its input over HTTP. Loading the core (fetching
// and compiling its 32 MB wasm) is reported as `load_s` and not counted, as starting reelcut's
// engine is not counted either. Each job gets a fresh instance, so none inherits the other's heap.
import { FFmpeg } from '@ffmpeg/ffmpeg';

export interface FfmpegCore {
  coreURL: string;
  wasmURL: string;
}

export interface FfmpegTiming {
  load_s: number;
  write_s: number;
  run_s: number;
  read_s: number;
  seconds: number;
  exitCode: number;
  log: string[];
}

async function withFfmpeg<T>(core: FfmpegCore, job: (ff: FFmpeg, log: string[]) => Promise<T>): Promise<T & { load_s: number }> {
  const ff = new FFmpeg();
  const log: string[] = [];
  ff.on('log', (e) => log.push(e.message));
  const t0 = performance.now();
  await ff.load({ coreURL: core.coreURL, wasmURL: core.wasmURL });
  const load_s = (performance.now() - t0) / 1000;
  try {
    return { ...(await job(ff, log)), load_s };
  } catch (e) {
    // A crash inside the core (e.g. a wasm trap) says little by itself; ffmpeg's last lines say more.
    throw new Error(`${(e as Error).message ?? e}; ffmpeg log: ${log.slice(-12).join(' | ')}`);
  } finally {
    ff.terminate();
  }
}

async function writeInput(ff: FFmpeg, url: string, name: string): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  await ff.writeFile(name, new Uint8Array(await res.arrayBuffer()));
  return (performance.now() - t0) / 1000;
}

async function run(ff: FFmpeg, args: string[]): Promise<{ run_s: number; exitCode: number }> {
  const t0 = performance.now();
  const exitCode = await ff.exec(args);
  return { run_s: (performance.now() - t0) / 1000, exitCode };
}

/**
 * Scene detection + loudness in one decode pass: the video goes through `select` on the scene score
 * (threshold 0.3) with `metadata=print` logging each cut, the audio through `ebur128`; both end in
 * the null muxer. Returns the cuts found and the integrated loudness as evidence of the work done.
 */
export async function ffmpegAnalysis(url: string, core: FfmpegCore): Promise<FfmpegTiming & { scenes: number; integratedLufs: number | null }> {
  return withFfmpeg(core, async (ff, log) => {
    const write_s = await writeInput(ff, url, 'in.mp4');
    const { run_s, exitCode } = await run(ff, [
      '-i', 'in.mp4',
      '-filter_complex', "[0:v]select='gt(scene,0.3)',metadata=print[v];[0:a]ebur128[a]",
      '-map', '[v]', '-map', '[a]', '-f', 'null', '-',
    ]);
    const scenes = log.filter((l) => l.includes('lavfi.scene_score=')).length;
    // ebur128's summary at the end: "    I:         -23.0 LUFS".
    const lufs = log.map((l) => /^\s*I:\s+(-?[\d.]+) LUFS/.exec(l)).filter(Boolean).pop();
    return { write_s, run_s, read_s: 0, seconds: write_s + run_s, exitCode, scenes, integratedLufs: lufs ? Number(lufs[1]) : null, log: log.slice(-20) };
  });
}

/**
 * The reel: each range read with input seeking (`-ss`/`-t`, so only those parts are decoded),
 * the three joined with `concat`, fitted into 1080x1920 with black bars (`scale` keeping the aspect
 * + `pad`), libx264 High at 4 Mbit/s (preset veryfast: a speed-oriented setting like the realtime
 * software encoder Chromium uses; x264's default `medium` would be several times slower here),
 * a key frame every 150 frames, the source's frame rate (concat keeps it), AAC 128 kbit/s at 48 kHz (ffmpeg's own encoder: this core's libopus
 * traps with "memory access out of bounds" on the first frame), MP4 with the index first.
 * The output is read back out of MEMFS (timed) and uploaded to `uploadUrl` (not timed).
 */
export async function ffmpegReel(
  url: string,
  core: FfmpegCore,
  opts: { ranges: { start: number; duration: number }[]; width: number; height: number; videoBitrate: number; audioBitrate: number; uploadUrl: string },
): Promise<FfmpegTiming & { size: number }> {
  return withFfmpeg(core, async (ff, log) => {
    const write_s = await writeInput(ff, url, 'in.mp4');
    const { width: W, height: H } = opts;
    const inputs = opts.ranges.flatMap((r) => ['-ss', String(r.start), '-t', String(r.duration), '-i', 'in.mp4']);
    const joined = opts.ranges.map((_, i) => `[${i}:v][${i}:a]`).join('');
    const filter =
      `${joined}concat=n=${opts.ranges.length}:v=1:a=1[cv][ca];` +
      `[cv]scale=${W}:${H}:force_original_aspect_ratio=decrease,pad=${W}:${H}:(ow-iw)/2:(oh-ih)/2:black,setsar=1,format=yuv420p[v]`;
    const { run_s, exitCode } = await run(ff, [
      ...inputs,
      '-filter_complex', filter,
      '-map', '[v]', '-map', '[ca]',
      '-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'high', '-b:v', String(opts.videoBitrate), '-g', '150',
      '-c:a', 'aac', '-b:a', String(opts.audioBitrate), '-ar', '48000',
      '-movflags', '+faststart', 'out.mp4',
    ]);
    if (exitCode !== 0) return { write_s, run_s, read_s: 0, seconds: write_s + run_s, exitCode, size: 0, log: log.slice(-20) };
    const t0 = performance.now();
    const out = (await ff.readFile('out.mp4')) as Uint8Array;
    const read_s = (performance.now() - t0) / 1000;
    const res = await fetch(opts.uploadUrl, { method: 'PUT', body: out as Uint8Array<ArrayBuffer> });
    if (!res.ok) throw new Error(`upload: HTTP ${res.status}`);
    return { write_s, run_s, read_s, seconds: write_s + run_s + read_s, exitCode, size: out.byteLength, log: log.slice(-20) };
  });
}
