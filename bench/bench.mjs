#!/usr/bin/env node
// npm run bench -- --out FILE.json [--only SECTIONS] [--cost-rounds N] [--no-long] [--no-render] [--no-render-cost] [--no-peers] [--no-ffmpeg] [--no-memory-output]
// One headless Chromium run: for each benchmark input, time pure demux+decode of every video frame
// and the full analysis job (Retrieval), and report ratio = decode_s / analysis_s (higher is better),
// peak memory (PSS of all Chromium processes, sampled) for a 60 s and a 10 min input, and wasm size.
// In the same browser session, the peers (mediabunny, ffmpeg.wasm single-thread) do the same jobs
// on the same file (`peers`, ratio = peer_s / reelcut_s: above 1 reelcut is faster), and the memory
// of rendering a 60 s and a 10 min output is sampled like the analysis memory (`memory_output`).
//   --only SECTIONS      run only these sections (comma-separated): analysis, render, render-cost,
//                        peers, memory, memory-output (peers also runs analysis: its reelcut side)
//   --no-long            skip the 10 min input (memory rows) and the 10 min output
//   --no-render          skip the render rows
//   --no-render-cost     skip the render-cost rows (the reference reel with music + ducking and at
//                        Speed 0.5, against the plain reel in the same run)
//   --cost-rounds N      rounds of the render-cost rows (default 2; each figure is the fastest)
//   --no-peers           skip every peer row
//   --no-ffmpeg          skip the ffmpeg.wasm peer rows (the slowest part, about 3 minutes)
//   --no-memory-output   skip the rendered-output memory rows
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { ensureBuilt, ensureFixtures, launchEngineHost, root, runInPage, startServer, uploadRoute } from '../cli/harness.mjs';

const args = process.argv.slice(2);
const outFile = args.includes('--out') ? args[args.indexOf('--out') + 1] : null;
const SECTIONS = ['analysis', 'render', 'render-cost', 'peers', 'memory', 'memory-output'];
const only = args.includes('--only') ? (args[args.indexOf('--only') + 1] ?? '').split(',').filter(Boolean) : null;
for (const s of only ?? []) if (!SECTIONS.includes(s)) throw new Error(`--only: unknown section '${s}'; sections: ${SECTIONS.join(', ')}`);
/** Whether section `name` runs: listed by --only, or (without --only) not turned off by --no-<name>. */
const runs = (name) => (only ? only.includes(name) : !args.includes(`--no-${name}`));
const skipLong = args.includes('--no-long');
const skipRender = !runs('render');
const skipRenderCost = !runs('render-cost');
const skipPeers = !runs('peers');
const skipAnalysis = !runs('analysis') && skipPeers;
const skipFfmpeg = args.includes('--no-ffmpeg');
const skipMemory = !runs('memory');
const skipMemoryOutput = !runs('memory-output');
const benchStart = performance.now();

ensureBuilt();
const needsLong = !skipLong && !(skipMemory && skipMemoryOutput);
// The render-cost rows' music is one of the edge set's music files.
const fixtures = ensureFixtures(['bench', ...(needsLong ? ['long'] : []), ...(skipRenderCost ? [] : ['edge'])]);

/**
 * Sum of PSS (kB→bytes) over the Chromium processes of this run, read from /proc: the descendants
 * of this node process (Playwright starts the browser as its child). Other Chromium instances on a
 * shared machine (other people's tests) are not counted.
 */
function chromiumPss() {
  const parent = new Map();
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      // /proc/PID/stat: "pid (comm) state ppid ..."; comm may contain spaces, so split after ')'.
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      parent.set(Number(pid), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      /* process ended */
    }
  }
  const ours = (pid) => {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) if (p === process.pid) return true;
    return false;
  };
  let total = 0;
  for (const pid of parent.keys()) {
    if (!ours(pid)) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.includes('chromium')) continue;
      const m = /Pss:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
      if (m) total += Number(m[1]) * 1024;
    } catch {
      /* process ended */
    }
  }
  return total;
}

/**
 * Checks that a reel is the job asked for: about the expected duration (within 0.5 s), the expected
 * size, with a video and an audio stream. Returns what ffprobe saw and the problems found.
 */
function checkReel(file, want) {
  let probe;
  try {
    probe = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name,width,height:format=duration', '-of', 'json', file], { encoding: 'utf8' }));
  } catch (e) {
    return { file, ok: false, problems: [`ffprobe failed: ${String(e.message).split('\n')[0]}`] };
  }
  const video = probe.streams.find((s) => s.codec_type === 'video');
  const audio = probe.streams.find((s) => s.codec_type === 'audio');
  const duration = Number(probe.format?.duration);
  const problems = [];
  if (!video) problems.push('no video stream');
  else if (video.width !== want.width || video.height !== want.height) problems.push(`video is ${video.width}x${video.height}, not ${want.width}x${want.height}`);
  if (!audio) problems.push('no audio stream');
  if (!(Math.abs(duration - want.duration) <= 0.5)) problems.push(`lasts ${duration} s, not ${want.duration} s`);
  return {
    file, duration_s: duration, video: video ? `${video.codec_name} ${video.width}x${video.height}` : null, audio: audio?.codec_name ?? null,
    size_mb: mb(fs.statSync(file).size), ok: problems.length === 0, problems,
  };
}

function sampler() {
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, chromiumPss())), 100);
  return { stop: () => (clearInterval(timer), Math.max(peak, chromiumPss())) };
}

const server = await startServer();
// The peer reels (and reelcut's) are uploaded here by the page so ffprobe can check them.
const reelDir = fs.mkdtempSync(path.join(os.tmpdir(), 'reelcut-bench-reels-'));
const reelUploads = uploadRoute(reelDir, { base: server.base });
server.addRoute(reelUploads);
const host = await launchEngineHost(server.base, { log: (m) => console.error(m) });
const page = host.page;
await page.addScriptTag({ type: 'module', content: "import * as b from './bench.js'; window.reelcutBench = b; window.benchReady = true;" });
await page.waitForFunction(() => window.benchReady === true);

const mb = (b) => Math.round((b / 1048576) * 10) / 10;
const result = { machine: { cores: (await import('node:os')).cpus().length, chromium: host.context.browser()?.version() ?? null }, analysis: [], memory: [], wasm: {} };

async function analysis(file) {
  const url = server.fileUrl(path.join(fixtures, file));
  fs.readFileSync(path.join(fixtures, file)); // warm the page cache so neither timing pays for the disk
  const decode = await page.evaluate((u) => window.reelcutBench.measureDecode(u), url);
  const base = chromiumPss();
  const mem = sampler();
  const t0 = performance.now();
  const record = await runInPage(page, 'CreateHighlightTask', { Type: 'Retrieval', Mode: 'Scene', Sources: [{ URI: url }], Output: { URI: 'memory:' } });
  const analysisS = (performance.now() - t0) / 1000;
  const peak = mem.stop();
  if (record.Status !== 'Succeeded') throw new Error(`${file}: ${record.Code}: ${record.Message}`);
  return { decode, analysisS, record, base, peak };
}

for (const file of skipAnalysis ? [] : ['bench-1080p.mp4', 'bench-1080x1920.mp4']) {
  console.error(`[bench] ${file}`);
  const r = await analysis(file);
  result.analysis.push({
    input: file,
    frames: r.decode.frames,
    decode_s: +r.decode.seconds.toFixed(3),
    analysis_s: +r.analysisS.toFixed(3),
    ratio: +(r.decode.seconds / r.analysisS).toFixed(3),
    decode_fps: +(r.decode.frames / r.decode.seconds).toFixed(1),
    analysis_fps: +(r.decode.frames / r.analysisS).toFixed(1),
    highlights: r.record.Highlights.length,
  });
}
// Progress events of the job being timed (runInPage exposes one callback per page, so it forwards
// to whichever collector is current).
let progressSink = null;
const onProgress = (p) => progressSink?.(p);

/**
 * How well a job's progress predicted its end: where the analysis ended in the bar and in time
 * (the two agree when the stages are weighted by their real cost), and, at 25/50/75 % of the
 * bar, the error of the ETA the engine reported, as a share of the whole job's time.
 */
function progressAccuracy(events, totalS) {
  const analysed = events.filter((e) => e.Stage === 'analyse').at(-1);
  const etaError = {};
  for (const at of [0.25, 0.5, 0.75]) {
    const e = events.find((x) => x.Fraction >= at && x.EtaSeconds !== null);
    if (e) etaError[`at_${at * 100}`] = +(Math.abs(e.EtaSeconds - (totalS - e.t)) / totalS).toFixed(3);
  }
  return {
    analysis_share_of_bar: analysed ? +analysed.Fraction.toFixed(3) : null,
    analysis_share_of_time: analysed ? +(analysed.t / totalS).toFixed(3) : null,
    eta_error: etaError,
  };
}

// The reference reel: a 30 s 1080x1920 Compose of `file`, with `edit` and `output` added to the
// request, timed by its RenderSeconds (decode, compose, encode, mux) against pure encoding of as
// many 1080x1920 frames with the engine's negotiated encoder configuration.
async function referenceReel(file, { edit = null, output = {}, progress = null } = {}) {
  const url = server.fileUrl(path.join(fixtures, file));
  const record = await runInPage(page, 'CreateHighlightTask', {
    Type: 'Compose', Mode: 'Scene', Sources: [{ URI: url }], ...(edit ? { Edit: edit } : {}),
    Output: { URI: 'memory:', Container: 'mp4', MaxDuration: 30, TargetDuration: 30, Video: { TranscodeVideo: { Resolution: '1080x1920' } }, ...output },
  }, progress);
  if (record.Status !== 'Succeeded') throw new Error(`render: ${record.Code}: ${record.Message}`);
  const out = record.Outputs[0];
  const enc = await page.evaluate(([w, h, fps, n]) => window.reelcutBench.measureEncode(w, h, fps, n), [out.Width, out.Height, out.FrameRate, out.Frames]);
  const row = {
    input: file,
    output: `${out.Width}x${out.Height} ${out.Duration} s ${out.VideoCodec}+${out.AudioCodec}`,
    frames: out.Frames,
    encode_s: +enc.seconds.toFixed(3),
    render_s: out.RenderSeconds,
    ratio: +(enc.seconds / out.RenderSeconds).toFixed(3),
    encode_fps: +(enc.frames / enc.seconds).toFixed(1),
    render_fps: +(out.Frames / out.RenderSeconds).toFixed(1),
  };
  return { record, out, row };
}

// Render: a 30 s 1080x1920 reel from the 60 s 1080p file (landscape into portrait: every frame is
// drawn) and, for comparison, from the 1080x1920 file (same size: frames pass straight through
// outside transitions), each against pure encoding of as many frames at that size.
if (!skipRender) {
  result.render = [];
  for (const file of ['bench-1080p.mp4', 'bench-1080x1920.mp4']) {
    console.error(`[bench] render: 30 s 1080x1920 reel from ${file}`);
    // Times on the page's clock: events reach node through a binding that may lag under load.
    const events = [];
    const pageNow = () => page.evaluate(() => performance.now() / 1000);
    const began = await pageNow();
    progressSink = (p) => events.push({ ...p, t: p.PageTime - began });
    const { row } = await referenceReel(file, { progress: onProgress });
    const ended = await pageNow();
    await new Promise((r) => setTimeout(r, 1000)); // the last events may still be in flight
    progressSink = null;
    result.render.push({ ...row, progress: progressAccuracy(events, ended - began) });
  }
}
// Render cost of background music (ducked under the file's two spoken sentences) and of Speed
// 0.5 (the audio time-stretched, half the material in as many output frames): the reference reel
// from the 1080p file plain and with each, in this session, in `--cost-rounds` rounds (default 2)
// that alternate the variants, so a change of machine load hits them alike; each figure is the
// fastest of its rounds (`render_s_rounds` lists them). `vs_plain = plain render_s / render_s`
// (below 1: the variant renders slower than the plain reel), `ratio` as in `render`.
if (!skipRenderCost) {
  result.render_cost = [];
  const file = 'bench-1080p.mp4';
  const music = server.fileUrl(path.join(fixtures, 'edge/music/tone-20s.flac'));
  const variants = [
    ['plain', {}],
    ['music + ducking (tone-20s.flac looped, Volume 0.2)', { edit: { Mode: 'Sequential', BackgroundMusicMode: 'Sequential', BackgroundMusics: [{ URI: music, Volume: 0.2 }] } }],
    ['Speed 0.5', { output: { Speed: 0.5 } }],
  ];
  const rounds = args.includes('--cost-rounds') ? Number(args[args.indexOf('--cost-rounds') + 1]) : 2;
  if (!(Number.isInteger(rounds) && rounds >= 1)) throw new Error('--cost-rounds must be a whole number >= 1');
  const measured = variants.map(() => []);
  for (let round = 1; round <= rounds; round++) {
    for (const [i, [variant, options]] of variants.entries()) {
      console.error(`[bench] render cost, round ${round}/${rounds}: 30 s 1080x1920 reel from ${file}, ${variant}`);
      const { record, row } = await referenceReel(file, options);
      if (variant.startsWith('music') && !record.Outputs[0].BackgroundMusic) throw new Error('render cost: the music reel has no BackgroundMusic in its record');
      measured[i].push(row);
    }
  }
  const fastest = (rows, key) => Math.min(...rows.map((r) => r[key]));
  const plainS = fastest(measured[0], 'render_s');
  for (const [i, [variant]] of variants.entries()) {
    const rows = measured[i];
    const renderS = fastest(rows, 'render_s');
    const encodeS = fastest(rows, 'encode_s');
    result.render_cost.push({
      variant, input: file, output: rows[0].output, frames: rows[0].frames,
      encode_s: encodeS, render_s: renderS, ratio: +(encodeS / renderS).toFixed(3),
      encode_fps: +(rows[0].frames / encodeS).toFixed(1), render_fps: +(rows[0].frames / renderS).toFixed(1),
      plain_render_s: plainS, vs_plain: +(plainS / renderS).toFixed(3), render_s_rounds: rows.map((r) => r.render_s),
    });
  }
}
// Peers, in the same browser session and on the same 60 s 1080p file. The reelcut side of the
// analysis rows is the analysis row measured above for that file (same job, same session).
if (!skipPeers) {
  result.peers = [];
  result.peer_outputs = [];
  result.warnings = [];
  const file = 'bench-1080p.mp4';
  const url = server.fileUrl(path.join(fixtures, file));
  const version = (pkg) => JSON.parse(fs.readFileSync(path.join(root, 'node_modules', pkg, 'package.json'), 'utf8')).version;
  const mediabunnyName = `mediabunny ${version('mediabunny')}`;
  const ffmpegName = `ffmpeg.wasm ${version('@ffmpeg/ffmpeg')} (core ${version('@ffmpeg/core')}, single thread)`;
  const reelcutAnalysisS = result.analysis.find((r) => r.input === file).analysis_s;
  const row = (peer, job, peerS, reelcutS, extra = {}) => {
    const r = { peer, job, peer_s: +peerS.toFixed(3), reelcut_s: +reelcutS.toFixed(3), ratio: +(peerS / reelcutS).toFixed(3), ...extra };
    result.peers.push(r);
    console.error(`[bench] ${peer}: ${job}: peer ${r.peer_s} s, reelcut ${r.reelcut_s} s, ratio ${r.ratio}`);
  };
  // ffmpeg.wasm's core is loaded from node_modules through the server's /files/ route.
  const coreDir = path.join(root, 'node_modules/@ffmpeg/core/dist/esm');
  const core = { coreURL: server.fileUrl(path.join(coreDir, 'ffmpeg-core.js')), wasmURL: server.fileUrl(path.join(coreDir, 'ffmpeg-core.wasm')) };
  const ffmpegNote = 'peer_s = write_s (fetch the input + writeFile into MEMFS) + run_s (ffmpeg exec) + read_s (readFile of the output); load_s (core fetch + compile) is not counted, as reelcut\'s engine start is not';

  console.error(`[bench] peers: ${mediabunnyName}: decode every video frame of ${file}`);
  const mbDecode = await page.evaluate((u) => window.reelcutBench.mediabunny({ kind: 'decode', url: u }), url);
  row(mediabunnyName, `analysis of ${file} (peer: demux + decode every video frame in a worker; reelcut: Retrieval, Mode Scene)`, mbDecode.seconds, reelcutAnalysisS, { frames: mbDecode.frames });
  if (!skipFfmpeg) {
    console.error(`[bench] peers: ${ffmpegName}: scene detection + ebur128 over ${file}`);
    const ff = await page.evaluate(([u, c]) => window.reelcutBench.ffmpegAnalysis(u, c), [url, core]);
    if (ff.exitCode !== 0) result.warnings.push({ peer: ffmpegName, job: 'analysis', problem: `ffmpeg exited with ${ff.exitCode}`, log: ff.log });
    row(ffmpegName, `analysis of ${file} (peer: select='gt(scene,0.3)',metadata=print + ebur128, one pass, null outputs; reelcut: Retrieval, Mode Scene)`, ff.seconds, reelcutAnalysisS, {
      load_s: +ff.load_s.toFixed(3), write_s: +ff.write_s.toFixed(3), run_s: +ff.run_s.toFixed(3), scenes: ff.scenes, integrated_lufs: ff.integratedLufs, note: ffmpegNote,
    });
  }

  // The reel: three 5 s ranges into a 15 s 1080x1920 letterboxed MP4, H.264 4 Mbit/s + audio.
  const RANGES = [{ start: 5, duration: 5 }, { start: 25, duration: 5 }, { start: 45, duration: 5 }];
  const REEL = { width: 1080, height: 1920, videoBitrate: 4_000_000, audioBitrate: 128_000 };
  const reelJob = `15 s ${REEL.width}x${REEL.height} letterboxed reel of ${RANGES.map((r) => `${r.start}-${r.start + r.duration} s`).join(', ')} of ${file}, H.264 4 Mbit/s`;
  const upload = (name) => reelUploads.expect(name);
  const checked = (who, name) => {
    const c = checkReel(path.join(reelDir, name), { width: REEL.width, height: REEL.height, duration: RANGES.reduce((s, r) => s + r.duration, 0) });
    result.peer_outputs.push({ peer: who, ...c });
    if (!c.ok) {
      result.warnings.push({ peer: who, job: 'reel', problem: c.problems.join('; ') });
      console.error(`[bench] WARNING: ${who}'s reel is not the same job: ${c.problems.join('; ')}`);
    }
    return c;
  };

  // reelcut makes the reel once per peer, with that peer's audio codec: Opus as mediabunny's by
  // hand, AAC as ffmpeg.wasm's (from the wasm AAC encoder where the browser has none).
  const reelcutReel = async (codec) => {
    console.error(`[bench] peers: reelcut: the reel (Concat, ${codec})`);
    const t0 = performance.now();
    const record = await runInPage(page, 'CreateHighlightTask', {
      Type: 'Concat',
      Sources: RANGES.map((r) => ({ URI: url, StartTime: r.start, Duration: r.duration })),
      Output: { URI: 'memory:', Container: 'mp4', Video: { TranscodeVideo: { Resolution: `${REEL.width}x${REEL.height}`, ScaleType: 'fill', Bitrate: REEL.videoBitrate } }, Audio: { TranscodeAudio: { Codec: codec } } },
    });
    const seconds = (performance.now() - t0) / 1000;
    if (record.Status !== 'Succeeded') throw new Error(`reel: ${record.Code}: ${record.Message}`);
    const out = record.Outputs[0];
    await page.evaluate(([id, u]) => window.reelcutBench.uploadOutput(id, u), [record.TaskId ?? record.JobId, upload(`reelcut-${codec}.mp4`)]);
    checked(`reelcut (${codec})`, `reelcut-${codec}.mp4`);
    return { seconds, renderS: out.RenderSeconds, audio: `${out.AudioCodec} from ${out.AudioEncoder}` };
  };
  const opusReel = await reelcutReel('opus');

  console.error(`[bench] peers: ${mediabunnyName}: the reel by hand (mediabunny + WebCodecs + 2D canvas)`);
  const mbReel = await page.evaluate((req) => window.reelcutBench.mediabunny(req), { kind: 'reel', url, ranges: RANGES, ...REEL, uploadUrl: upload('mediabunny.mp4') });
  const mbCheck = checked(mediabunnyName, 'mediabunny.mp4');
  row(mediabunnyName, `${reelJob}, Opus (peer: mediabunny demux/decode, OffscreenCanvas, VideoEncoder avc1.640028, AudioEncoder Opus, mediabunny MP4 output)`, mbReel.seconds, opusReel.seconds, {
    reelcut_render_s: opusReel.renderS, reelcut_audio: opusReel.audio, frames: mbReel.frames, output_ok: mbCheck.ok,
  });
  if (!skipFfmpeg) {
    const aacReel = await reelcutReel('aac');
    console.error(`[bench] peers: ${ffmpegName}: the reel (concat, scale+pad, libx264, aac)`);
    const ff = await page.evaluate(([u, c, o]) => window.reelcutBench.ffmpegReel(u, c, o), [url, core, { ranges: RANGES, ...REEL, uploadUrl: upload('ffmpeg.mp4') }]);
    if (ff.exitCode !== 0) result.warnings.push({ peer: ffmpegName, job: 'reel', problem: `ffmpeg exited with ${ff.exitCode}`, log: ff.log });
    const ffCheck = ff.exitCode === 0 ? checked(ffmpegName, 'ffmpeg.mp4') : { ok: false };
    row(ffmpegName, `${reelJob}, AAC (peer: -ss/-t inputs, concat, scale+pad, libx264 High preset veryfast, aac 128k)`, ff.seconds, aacReel.seconds, {
      reelcut_render_s: aacReel.renderS, reelcut_audio: aacReel.audio, load_s: +ff.load_s.toFixed(3), write_s: +ff.write_s.toFixed(3), run_s: +ff.run_s.toFixed(3), read_s: +ff.read_s.toFixed(3), output_ok: ffCheck.ok, note: ffmpegNote,
    });
  }
  result.reels_dir = reelDir;
}

// Memory: each input analysed in a fresh browser (and no other), so the baseline is the idle engine.
await host.close();
for (const file of skipMemory ? [] : skipLong ? ['bench-1080p.mp4'] : ['bench-1080p.mp4', 'long-10min.mp4']) {
  console.error(`[bench] memory: ${file}`);
  const fresh = await launchEngineHost(server.base, { log: (m) => console.error(m) });
  try {
    const url = server.fileUrl(path.join(fixtures, file));
    fs.readFileSync(path.join(fixtures, file));
    await fresh.page.evaluate(async () => (window.__engine ??= await window.reelcut.createEngine({ databaseName: 'reelcut-cli' })));
    await new Promise((r) => setTimeout(r, 500));
    const base = chromiumPss();
    const mem = sampler();
    const t0 = performance.now();
    const record = await runInPage(fresh.page, 'CreateHighlightTask', { Type: 'Retrieval', Mode: 'Scene', Sources: [{ URI: url }], Output: { URI: 'memory:' } });
    const seconds = (performance.now() - t0) / 1000;
    const peak = mem.stop();
    if (record.Status !== 'Succeeded') throw new Error(`${file}: ${record.Code}: ${record.Message}`);
    result.memory.push({ input: file, duration_s: record.Sources[0].Duration, frames: record.Sources[0].Frames, analysis_s: +seconds.toFixed(2), baseline_mb: mb(base), peak_mb: mb(peak), growth_mb: mb(peak - base) });
  } finally {
    await fresh.close();
  }
}
// Memory of rendering: a 60 s and a 10 min output, each a Concat of long-10min.mp4 at its own size
// (1920x1080: frames go straight to the encoder, so 10 minutes render in minutes), each in a fresh
// browser, written to OPFS (the body streams into a work file on disk; a `memory:` output would be
// a Blob of the output's size by definition).
if (!skipMemoryOutput) {
  result.memory_output = [];
  const file = skipLong ? 'bench-1080p.mp4' : 'long-10min.mp4';
  // Each length plain (the render streams) and with ducked music and loudness normalisation (the
  // sound is made first, in passes: README "Design").
  const music = server.fileUrl(path.join(fixtures, 'edge/music/tone-20s.flac'));
  const variants = [
    ['plain', { Audio: { LoudnessNormalization: false } }, undefined],
    ['music + normalisation', {}, { Mode: 'Sequential', BackgroundMusicMode: 'Sequential', BackgroundMusics: [{ URI: music, Volume: 0.2 }] }],
  ];
  for (const [variant, output, edit] of variants) for (const seconds of skipLong ? [60] : [60, 600]) {
    console.error(`[bench] memory: rendering a ${seconds} s output (Concat of ${file}, ${variant})`);
    const fresh = await launchEngineHost(server.base, { log: (m) => console.error(m) });
    try {
      const url = server.fileUrl(path.join(fixtures, file));
      fs.readFileSync(path.join(fixtures, file));
      await fresh.page.evaluate(async () => (window.__engine ??= await window.reelcut.createEngine({ databaseName: 'reelcut-cli' })));
      await new Promise((r) => setTimeout(r, 500));
      const base = chromiumPss();
      const mem = sampler();
      const t0 = performance.now();
      const record = await runInPage(fresh.page, 'CreateHighlightTask', { Type: 'Concat', Sources: [{ URI: url, StartTime: 0, Duration: seconds }], ...(edit ? { Edit: edit } : {}), Output: { URI: `opfs:/reelcut-bench/out-${seconds}.mp4`, Container: 'mp4', ...output } });
      const jobS = (performance.now() - t0) / 1000;
      const peak = mem.stop();
      if (record.Status !== 'Succeeded') throw new Error(`${seconds} s output (${variant}): ${record.Code}: ${record.Message}`);
      if (edit && !record.Outputs[0].BackgroundMusic) throw new Error(`${seconds} s output (${variant}): no BackgroundMusic in its record`);
      const out = record.Outputs[0];
      result.memory_output.push({
        variant, input: file, output: `${out.Width}x${out.Height} ${out.Duration} s ${out.VideoCodec}+${out.AudioCodec} to ${out.URI}`, duration_s: out.Duration, frames: out.Frames,
        job_s: +jobS.toFixed(2), render_s: out.RenderSeconds, output_mb: mb(out.Size), baseline_mb: mb(base), peak_mb: mb(peak), growth_mb: mb(peak - base),
      });
    } finally {
      await fresh.close();
    }
  }
}
const wasm = fs.readFileSync(path.join(root, 'dist', 'reelcut_bg.wasm'));
result.wasm = { raw_bytes: wasm.length, gzip_bytes: zlib.gzipSync(wasm, { level: 9 }).length };

await server.close();
result.bench_s = +((performance.now() - benchStart) / 1000).toFixed(1);
const json = JSON.stringify(result, null, 2);
if (outFile) fs.writeFileSync(outFile, json + '\n');
console.log(json);
