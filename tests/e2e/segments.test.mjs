// HLS/DASH segmented outputs through both APIs (issue 8): ffmpeg reads the playlist/manifest with
// no error, the exact duration, audio and video present; segments land beside the playlist.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fixture, openHost, toneClip } from './lib.mjs';

let host;
let dir;
let srcUrl;
before(async () => {
  host = await openHost();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reelcut-seg-'));
  srcUrl = host.server.fileUrl(toneClip(path.join(dir, 'src.mp4'), { size: '640x360', duration: 7 }));
});
after(async () => {
  await host?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function probe(file) {
  const decode = spawnSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'null', '-'], { encoding: 'utf8' });
  assert.equal(decode.status, 0, decode.stderr);
  assert.equal(decode.stderr.trim(), '', `ffmpeg errors: ${decode.stderr.slice(0, 1000)}`);
  const p = JSON.parse(spawnSync('ffprobe', ['-v', 'error', '-show_format', '-show_streams', '-of', 'json', file], { encoding: 'utf8' }).stdout);
  return { duration: Number(p.format.duration), codecs: p.streams.map((s) => s.codec_type).sort() };
}

test('IMM Concat with Output.Segment hls: playlist, init and segments; ffmpeg reads the exact duration', async () => {
  const record = await host.run('CreateHighlightTask', {
    Type: 'Concat',
    Sources: [{ URI: srcUrl, StartTime: 1, Duration: 5 }],
    Output: { URI: host.uploadUrl('cut.m3u8'), Container: 'mp4', Segment: { Format: 'hls', Duration: 2, StartNumber: 3 } },
  });
  assert.equal(record.Status, 'Succeeded', `${record.Code}: ${record.Message}`);
  const out = record.Outputs[0];
  const names = out.Files.map((f) => f.Name);
  assert.deepEqual(names, ['cut_init.mp4', 'cut_3.m4s', 'cut_4.m4s', 'cut_5.m4s', 'cut.m3u8']);
  const playlist = host.localPath(out.URI);
  const text = fs.readFileSync(playlist, 'utf8');
  assert.match(text, /#EXT-X-MEDIA-SEQUENCE:3/);
  assert.match(text, /#EXT-X-MAP:URI="cut_init.mp4"/);
  assert.match(text, /#EXT-X-ENDLIST/);
  const p = probe(playlist);
  console.log(`hls: ${p.duration} s, record ${out.Duration} s, files ${names.join(' ')}`);
  assert.ok(Math.abs(p.duration - out.Duration) < 0.002, `ffprobe ${p.duration} vs record ${out.Duration}`);
  assert.ok(Math.abs(out.Duration - 5) < 0.05);
  assert.deepEqual(p.codecs, ['audio', 'video']);
});

test('ICE reels to a .mpd MediaURL: a DASH manifest with video and audio streams', async () => {
  const record = await host.run('SubmitScreenMediaHighlightsJob', {
    InputConfig: { MediaArray: [host.server.fileUrl(fixture('drama.mp4'))] },
    OutputConfig: { MediaURL: host.uploadUrl('reel.mpd'), MaxDuration: 8, Segment: { Format: 'dash', Duration: 2 } },
  });
  assert.equal(record.Status, 'Finished', `${record.Code}: ${record.Message}`);
  assert.ok(record.SubJobList, JSON.stringify(record).slice(0, 600));
  const out = record.SubJobList[0];
  assert.equal(out.Status, 'Success', `${out.ErrorCode}: ${out.ErrorMessage}`);
  const manifest = host.localPath(out.MediaURL);
  const p = probe(manifest);
  console.log(`dash: ${p.duration} s, record ${out.Duration} s, files ${out.Files.map((f) => f.Name).join(' ')}`);
  // ffmpeg's DASH reader keeps mediaPresentationDuration in whole seconds; the manifest has it
  // to the millisecond, and every video frame of the record is read back.
  assert.equal(p.duration, Math.floor(out.Duration), `ffprobe ${p.duration} vs record ${out.Duration}`);
  // The manifest gives the stream's length to the millisecond: its frames at the frame rate
  // (the record's Duration is the plan's, within one frame of it).
  const mpd = Number(/mediaPresentationDuration="PT([\d.]+)S"/.exec(fs.readFileSync(manifest, 'utf8'))[1]);
  assert.ok(Math.abs(mpd - out.Frames / out.FrameRate) < 0.0015, `manifest ${mpd} s vs ${out.Frames} frames at ${out.FrameRate}`);
  assert.ok(Math.abs(mpd - out.Duration) <= 1 / out.FrameRate + 0.001, `manifest ${mpd} s vs record ${out.Duration}`);
  const counted = spawnSync('ffprobe', ['-v', 'error', '-select_streams', 'v', '-count_packets', '-show_entries', 'stream=nb_read_packets', '-of', 'csv=p=0', manifest], { encoding: 'utf8' });
  assert.equal(Number(counted.stdout.trim().split(/\s+/)[0]), out.Frames, `video packets ${counted.stdout.trim()} vs record Frames ${out.Frames}`);
  assert.deepEqual(p.codecs, ['audio', 'video']);
  assert.equal(out.Files[out.Files.length - 1].Name, 'reel.mpd');
});

/** The streams ffprobe finds through a playlist or manifest, after a clean decode. */
function probeStreams(file) {
  probe(file);
  const p = JSON.parse(spawnSync('ffprobe', ['-v', 'error', '-show_streams', '-of', 'json', file], { encoding: 'utf8' }).stdout);
  return p.streams.map((s) => [s.codec_type, s.codec_name]);
}

test('audio-only HLS (DisableVideo): cut at audio frames, ffmpeg reads only an audio stream of the exact duration', async () => {
  const record = await host.run('CreateHighlightTask', {
    Type: 'Concat',
    Sources: [{ URI: srcUrl, StartTime: 1, Duration: 5 }],
    Output: { URI: host.uploadUrl('sound.m3u8'), Container: 'mp4', Video: { DisableVideo: true }, Segment: { Format: 'hls', Duration: 2 } },
  });
  assert.equal(record.Status, 'Succeeded', `${record.Code}: ${record.Message}`);
  const out = record.Outputs[0];
  assert.equal(out.VideoCodec, undefined);
  assert.deepEqual(out.Files.map((f) => f.Name), ['sound_init.mp4', 'sound_0.m4s', 'sound_1.m4s', 'sound_2.m4s', 'sound.m3u8']);
  // Each segment is as long as asked to within one audio frame (AAC 1024 or Opus 960 samples).
  const segments = out.Files.filter((f) => f.Name.endsWith('.m4s'));
  for (const s of segments.slice(0, -1)) assert.ok(Math.abs(s.Duration - 2) < 1024 / 48000, `segment ${s.Name} ${s.Duration} s`);
  const playlist = host.localPath(out.URI);
  const streams = probeStreams(playlist);
  const { duration } = probe(playlist);
  console.log(`audio-only hls: ${duration} s, record ${out.Duration} s, ${JSON.stringify(streams)}, segments ${segments.map((s) => s.Duration).join(' ')}`);
  assert.deepEqual(streams.map((s) => s[0]), ['audio']);
  assert.equal(streams[0][1], out.AudioCodec.startsWith('mp4a') ? 'aac' : 'opus');
  const extinf = segments.reduce((a, s) => a + s.Duration, 0);
  assert.ok(Math.abs(duration - extinf) < 0.001, `ffprobe ${duration} vs EXTINF total ${extinf}`);
  assert.ok(Math.abs(duration - out.Duration) < 0.002, `ffprobe ${duration} vs record ${out.Duration}`);
  assert.ok(Math.abs(out.Duration - 5) < 0.05);
});

test('audio-only DASH (DisableVideo): one audio adaptation set (audio/mp4, the codec string), ffmpeg reads only audio', async () => {
  const record = await host.run('CreateHighlightTask', {
    Type: 'Concat',
    Sources: [{ URI: srcUrl, StartTime: 1, Duration: 5 }],
    Output: { URI: host.uploadUrl('sound.mpd'), Container: 'mp4', Video: { DisableVideo: true }, Segment: { Format: 'dash', Duration: 2 } },
  });
  assert.equal(record.Status, 'Succeeded', `${record.Code}: ${record.Message}`);
  const out = record.Outputs[0];
  assert.deepEqual(out.Files.map((f) => f.Name), ['sound_audio_init.mp4', 'sound_audio_1.m4s', 'sound_audio_2.m4s', 'sound_audio_3.m4s', 'sound.mpd']);
  const manifest = host.localPath(out.URI);
  const text = fs.readFileSync(manifest, 'utf8');
  assert.equal((text.match(/<AdaptationSet /g) ?? []).length, 1, text);
  assert.match(text, /contentType="audio" mimeType="audio\/mp4"/);
  assert.ok(text.includes(`codecs="${out.AudioCodec}"`), `codecs of ${out.AudioCodec}: ${text}`);
  assert.doesNotMatch(text, /video/);
  const mpd = Number(/mediaPresentationDuration="PT([\d.]+)S"/.exec(text)[1]);
  const streams = probeStreams(manifest);
  const { duration } = probe(manifest);
  console.log(`audio-only dash: ${duration} s, manifest ${mpd} s, record ${out.Duration} s, ${JSON.stringify(streams)}`);
  assert.deepEqual(streams.map((s) => s[0]), ['audio']);
  assert.ok(Math.abs(mpd - out.Duration) < 0.002, `manifest ${mpd} vs record ${out.Duration}`);
  // ffmpeg's DASH reader keeps the manifest's duration in whole seconds.
  assert.equal(duration, Math.floor(mpd));
});
