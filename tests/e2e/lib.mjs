// Helpers for the browser tests: one server + one headless Chromium per test file.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launchEngineHost, root, runInPage, startServer, uploadRoute } from '../../cli/harness.mjs';

export const SHARED_MEDIA = path.resolve(root, '..', 'shared', 'media');
export const FIXTURES = path.join(root, 'fixtures');

/** The shared media folder must exist: a missing folder fails loudly rather than passing silently. */
export function sharedMediaFiles() {
  assert.ok(fs.existsSync(SHARED_MEDIA), `../shared/media is missing (looked in ${SHARED_MEDIA}); the browser tests need it`);
  return fs.readdirSync(SHARED_MEDIA).filter((f) => /\.(mp4|webm|mkv|mov|m4v)$/i.test(f)).sort();
}

export function fixture(rel) {
  const p = path.join(FIXTURES, rel);
  assert.ok(fs.existsSync(p), `fixture ${rel} is missing: run bash scripts/make_fixtures.sh`);
  return p;
}

export async function openHost() {
  const server = await startServer();
  // Rendered files are PUT here, as to a pre-signed URL, and land in uploadDir.
  const uploadDir = fs.mkdtempSync(path.join(os.tmpdir(), 'reelcut-out-'));
  const uploads = uploadRoute(uploadDir, { base: server.base });
  server.addRoute(uploads);
  const host = await launchEngineHost(server.base, { log: (m) => process.env.REELCUT_DEBUG && console.error(m) });
  return {
    server,
    uploadDir,
    /** A one-time upload URL for an expected output (`{index}` allowed). */
    uploadUrl: (name) => uploads.expect(name),
    /** The file an upload URL wrote, inside uploadDir. */
    localPath: (url) => uploads.localPath(url),
    page: host.page,
    context: host.context,
    /** Runs a request (either API) and returns the final job record. */
    run: (action, request) => runInPage(host.page, action, request),
    close: async () => {
      await host.close();
      await server.close();
      fs.rmSync(uploadDir, { recursive: true, force: true });
    },
  };
}

/** A default Retrieval task over the given engine-readable URIs. */
export function retrieval(uris, extra = {}) {
  return { Type: 'Retrieval', Mode: 'Scene', Sources: uris.map((URI) => ({ URI })), Output: { URI: 'memory:' }, ...extra };
}

/**
 * Structural checks every successful Retrieval result must pass. `allowNone`: a source where no
 * clip between legal edges (pauses, cuts) fits may have none, if the record's Notes say so.
 */
export function assertValidHighlights(record, durations, { allowNone = false } = {}) {
  assert.equal(record.Status, 'Succeeded', `${record.Code}: ${record.Message}`);
  const hs = record.Highlights;
  assert.ok(Array.isArray(hs), 'a highlight list');
  if (allowNone && hs.length === 0) {
    assert.ok(record.Notes.some((n) => /found 0 highlight\(s\).*no more clips meet the rules/.test(n)), `no highlight, and the record says why: ${JSON.stringify(record.Notes)}`);
  } else {
    assert.ok(hs.length > 0, 'at least one highlight');
  }
  for (let i = 1; i < hs.length; i++) assert.ok(hs[i - 1].Score >= hs[i].Score, 'ordered by score');
  for (const h of hs) {
    assert.ok(h.End - h.Start >= 1 - 1e-6 && h.End - h.Start <= 15 + 1e-6, `clip length ${h.End - h.Start}`);
    assert.ok(h.Start >= 0 && h.End <= durations[h.Source] + 0.05, `clip inside source: ${h.Start}-${h.End} of ${durations[h.Source]}`);
    assert.ok(h.Score >= 0 && h.Score <= 1, 'score in 0..1');
    assert.ok(h.Reasons.length > 0, 'every clip explained');
  }
  // No two highlights of one source overlap.
  const bySource = new Map();
  for (const h of hs) bySource.set(h.Source, [...(bySource.get(h.Source) ?? []), h]);
  for (const list of bySource.values()) {
    const sorted = [...list].sort((a, b) => a.Start - b.Start);
    for (let i = 1; i < sorted.length; i++) assert.ok(sorted[i].Start >= sorted[i - 1].End - 1e-6, 'highlights do not overlap');
  }
}

/**
 * Checks a rendered file with ffprobe/ffmpeg the way a player would see it: decodes without a
 * single error line, first packet of each stream is a key frame, timestamps increase, audio and
 * video durations agree within 50 ms, and (MP4) `moov` comes before `mdat`. Returns the probe.
 */
export function checkMediaFile(file, { expectAudio = true } = {}) {
  const decode = spawnSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'null', '-'], { encoding: 'utf8' });
  assert.equal(decode.status, 0, `ffmpeg failed on ${file}`);
  assert.equal(decode.stderr.trim(), '', `ffmpeg -v error printed for ${file}:\n${decode.stderr.slice(0, 2000)}`);
  const probe = JSON.parse(
    spawnSync('ffprobe', ['-v', 'error', '-show_format', '-show_streams', '-show_packets', '-of', 'json', file], { encoding: 'utf8', maxBuffer: 256 << 20 }).stdout,
  );
  const video = probe.streams.find((s) => s.codec_type === 'video');
  const audio = probe.streams.find((s) => s.codec_type === 'audio');
  assert.ok(video, 'has a video stream');
  if (expectAudio) assert.ok(audio, 'has an audio stream');
  for (const stream of [video, audio].filter(Boolean)) {
    const packets = probe.packets.filter((p) => p.stream_index === stream.index);
    assert.ok(packets.length > 0);
    assert.ok(packets[0].flags.startsWith('K'), `first ${stream.codec_type} packet is a key frame`);
    const dts = packets.map((p) => Number(p.dts_time ?? p.pts_time));
    for (let i = 1; i < dts.length; i++) assert.ok(dts[i] > dts[i - 1], `${stream.codec_type} timestamps increase (${dts[i - 1]} then ${dts[i]})`);
  }
  const duration = (stream) => {
    const packets = probe.packets.filter((p) => p.stream_index === stream.index);
    const last = packets[packets.length - 1];
    return Number(last.pts_time) + Number(last.duration_time ?? 0) - Number(packets[0].pts_time);
  };
  if (video && audio) {
    const dv = duration(video);
    const da = duration(audio);
    assert.ok(Math.abs(dv - da) <= 0.05, `audio ${da.toFixed(3)} s and video ${dv.toFixed(3)} s durations agree within 50 ms`);
  }
  if (/\.(mp4|mov)$/i.test(file)) {
    const head = fs.readFileSync(file).subarray(0, 1 << 20);
    const moov = head.indexOf('moov');
    const mdat = head.indexOf('mdat');
    assert.ok(moov > 0 && (mdat < 0 || moov < mdat), 'moov before mdat (progressive)');
  }
  return { probe, video, audio, duration: Number(probe.format.duration) };
}

/** ffmpeg's `ebur128=peak=true` summary of `file`'s audio: integrated loudness (LUFS) and true peak (dBFS). */
export function ebur128(file) {
  const r = spawnSync('ffmpeg', ['-hide_banner', '-nostats', '-i', file, '-map', '0:a', '-af', 'ebur128=peak=true', '-f', 'null', '-'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const summary = r.stderr.slice(r.stderr.lastIndexOf('Summary:'));
  const value = (key) => Number(summary.match(new RegExp(`${key}\\s+(-?[\\d.]+|-inf)`))[1]);
  return { integrated: value('I:'), truePeak: value('Peak:') };
}

/** Writes `file`: `duration` s of ffmpeg's testsrc2 at `size`, 25 fps H.264, with a 440 Hz 48 kHz
 * stereo AAC tone. */
export function toneClip(file, { size, duration }) {
  const made = spawnSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=25:duration=${duration}`, '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${duration}`, '-ac', '2', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', file], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  return file;
}
