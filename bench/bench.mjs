#!/usr/bin/env node
// npm run bench -- --out FILE.json
// One headless Chromium run: for each benchmark input, time pure demux+decode of every video frame
// and the full analysis job (Retrieval), and report ratio = decode_s / analysis_s (higher is better),
// peak memory (PSS of all Chromium processes, sampled) for a 60 s and a 10 min input, and wasm size.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { ensureBuilt, ensureFixtures, launchEngineHost, root, runInPage, startServer } from '../cli/harness.mjs';

const args = process.argv.slice(2);
const outFile = args.includes('--out') ? args[args.indexOf('--out') + 1] : null;
const skipLong = args.includes('--no-long');
const skipRender = args.includes('--no-render');

ensureBuilt();
const fixtures = ensureFixtures(skipLong ? ['bench'] : ['bench', 'long']);

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

function sampler() {
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, chromiumPss())), 100);
  return { stop: () => (clearInterval(timer), Math.max(peak, chromiumPss())) };
}

const server = await startServer();
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

for (const file of ['bench-1080p.mp4', 'bench-1080x1920.mp4']) {
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
// Render: a 30 s 1080x1920 reel from the 60 s 1080p file (landscape into portrait: every frame is
// drawn) and, for comparison, from the 1080x1920 file (same size: frames pass straight through
// outside transitions), each against pure encoding of as many frames at that size.
if (!skipRender) {
  result.render = [];
  for (const file of ['bench-1080p.mp4', 'bench-1080x1920.mp4']) {
    console.error(`[bench] render: 30 s 1080x1920 reel from ${file}`);
    const url = server.fileUrl(path.join(fixtures, file));
    const record = await runInPage(page, 'CreateHighlightTask', {
      Type: 'Compose', Mode: 'Scene', Sources: [{ URI: url }],
      Output: { URI: 'memory:', Container: 'mp4', MaxDuration: 30, TargetDuration: 30, Video: { TranscodeVideo: { Resolution: '1080x1920' } } },
    });
    if (record.Status !== 'Succeeded') throw new Error(`render: ${record.Code}: ${record.Message}`);
    const out = record.Outputs[0];
    const enc = await page.evaluate(([w, h, fps, n]) => window.reelcutBench.measureEncode(w, h, fps, n), [out.Width, out.Height, out.FrameRate, out.Frames]);
    result.render.push({
      input: file,
      output: `${out.Width}x${out.Height} ${out.Duration} s ${out.VideoCodec}+${out.AudioCodec}`,
      frames: out.Frames,
      encode_s: +enc.seconds.toFixed(3),
      render_s: out.RenderSeconds,
      ratio: +(enc.seconds / out.RenderSeconds).toFixed(3),
      encode_fps: +(enc.frames / enc.seconds).toFixed(1),
      render_fps: +(out.Frames / out.RenderSeconds).toFixed(1),
    });
  }
}
// Memory: each input analysed in a fresh browser (and no other), so the baseline is the idle engine.
await host.close();
for (const file of skipLong ? ['bench-1080p.mp4'] : ['bench-1080p.mp4', 'long-10min.mp4']) {
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
const wasm = fs.readFileSync(path.join(root, 'dist', 'reelcut_bg.wasm'));
result.wasm = { raw_bytes: wasm.length, gzip_bytes: zlib.gzipSync(wasm, { level: 9 }).length };

await server.close();
const json = JSON.stringify(result, null, 2);
if (outFile) fs.writeFileSync(outFile, json + '\n');
console.log(json);
