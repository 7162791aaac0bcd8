// Audio-only and silent outputs (issue 8 item 6): `DisableVideo` writes the sound alone (MP4 with
// one AAC/Opus track, WebM with Opus), `DisableAudio` the picture alone, each checked with
// ffprobe (one stream, its codec, its duration) and decoded by ffmpeg without an error line;
// what cannot make a file is refused with a clear code.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fixture, openHost } from './lib.mjs';

let host;
let dir;
let toneUrl; // 8 s: picture + a 440 Hz tone
let silentUrl; // 4 s: picture only
before(async () => {
  host = await openHost();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reelcut-audio-only-'));
  const tone = path.join(dir, 'tone.mp4');
  ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25:duration=8', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=8',
    '-map', '0:v', '-map', '1:a', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-g', '25', '-c:a', 'aac', '-ac', '2', tone]);
  toneUrl = host.server.fileUrl(tone);
  const silent = path.join(dir, 'silent.mp4');
  ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25:duration=4', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', silent]);
  silentUrl = host.server.fileUrl(silent);
});
after(async () => {
  await host?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function ffmpeg(args) {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-y', ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

/** The file's streams and duration, after a clean decode. */
function probe(file) {
  const decode = spawnSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'null', '-'], { encoding: 'utf8' });
  assert.equal(decode.status, 0, decode.stderr);
  assert.equal(decode.stderr.trim(), '', `ffmpeg -v error printed for ${file}:\n${decode.stderr.slice(0, 1000)}`);
  const p = JSON.parse(spawnSync('ffprobe', ['-v', 'error', '-show_format', '-show_streams', '-of', 'json', file], { encoding: 'utf8' }).stdout);
  return { streams: p.streams, duration: Number(p.format.duration), format: p.format.format_name };
}

const concat = (source, output, extra = {}) =>
  host.run('CreateHighlightTask', { Type: 'Concat', Sources: [{ URI: source, StartTime: 1, Duration: 5 }], Output: output, ...extra });

// MP4 is always AAC: the browser's encoder or, where it has none, the wasm one.
for (const [container, codecs] of [['mp4', ['aac']], ['webm', ['opus']], ['mkv', ['aac', 'opus']]]) {
  test(`DisableVideo, ${container}: one audio stream (${codecs.join(' or ')}) of the right duration`, async () => {
    const record = await concat(toneUrl, { URI: host.uploadUrl(`sound.${container === 'mp4' ? 'm4a' : container === 'webm' ? 'webm' : 'mka'}`), Container: container, Video: { DisableVideo: true } });
    assert.equal(record.Status, 'Succeeded', `${record.Code}: ${record.Message}`);
    const out = record.Outputs[0];
    assert.equal(out.Width, undefined, 'no picture in the record');
    assert.equal(out.VideoCodec, undefined);
    assert.ok(out.AudioCodec, 'the record names the audio codec');
    const { streams, duration } = probe(host.localPath(out.URI));
    assert.equal(streams.length, 1, JSON.stringify(streams.map((s) => s.codec_type)));
    assert.equal(streams[0].codec_type, 'audio');
    assert.ok(codecs.includes(streams[0].codec_name), streams[0].codec_name);
    // Exact: the encoder's padding of its last frame is hidden (MP4: the edit list; WebM/MKV:
    // DiscardPadding on the last block).
    assert.ok(Math.abs(duration - 5) <= 0.005, `duration ${duration} of 5 s`);
    assert.ok(Math.abs(out.Duration - 5) < 0.05, `record Duration ${out.Duration}`);
    console.log(`DisableVideo ${container}: ${streams[0].codec_name}, ${duration.toFixed(3)} s, ${out.Size} bytes`);
  });
}

test('DisableVideo with music over a source without sound: the music alone', async () => {
  const record = await host.run('CreateHighlightTask', {
    Type: 'Concat',
    Sources: [{ URI: silentUrl }],
    Edit: { Mode: 'Sequential', BackgroundMusicMode: 'Sequential', BackgroundMusics: [{ URI: host.server.fileUrl(fixture('edge/music/tone.ogg')) }] },
    Output: { URI: host.uploadUrl('music-only.webm'), Container: 'webm', Video: { DisableVideo: true } },
  });
  assert.equal(record.Status, 'Succeeded', `${record.Code}: ${record.Message}`);
  const { streams, duration } = probe(host.localPath(record.Outputs[0].URI));
  assert.deepEqual(streams.map((s) => [s.codec_type, s.codec_name]), [['audio', 'opus']]);
  assert.ok(Math.abs(duration - 4) < 0.1, `duration ${duration}`);
});

test('DisableAudio: one video stream, no audio, the right duration', async () => {
  const record = await concat(toneUrl, { URI: host.uploadUrl('picture.mp4'), Container: 'mp4', Audio: { DisableAudio: true } });
  assert.equal(record.Status, 'Succeeded', `${record.Code}: ${record.Message}`);
  const out = record.Outputs[0];
  assert.equal(out.AudioCodec, null, 'the record says the output is silent');
  const { streams, duration } = probe(host.localPath(out.URI));
  assert.deepEqual(streams.map((s) => [s.codec_type, s.codec_name]), [['video', 'h264']]);
  assert.ok(Math.abs(duration - 5) < 0.1, `duration ${duration}`);
});

test('what cannot make a file is refused clearly', async () => {
  // No sound anywhere and no picture asked for.
  let r = await concat(silentUrl, { URI: 'memory:', Container: 'mp4', Video: { DisableVideo: true } });
  assert.equal(r.Code, 'InvalidMedia.Unsupported', JSON.stringify(r));
  assert.match(r.Message, /DisableVideo is true and no input has an audio track/);
  // Both tracks disabled, and effects drawn on a picture that is not there: refused at submit.
  r = await concat(toneUrl, { URI: 'memory:', Container: 'mp4', Video: { DisableVideo: true }, Audio: { DisableAudio: true } });
  assert.equal(r.Code, 'InvalidParameter.Output.Audio.DisableAudio', JSON.stringify(r));
  r = await concat(toneUrl, { URI: 'memory:', Container: 'mp4', Video: { DisableVideo: true } }, { Edit: { Mode: 'Sequential', TransitionMode: 'Auto' } });
  assert.equal(r.Code, 'InvalidParameter.Edit.TransitionMode', JSON.stringify(r));
  r = await concat(toneUrl, { URI: 'memory:', Container: 'avi', Video: { DisableVideo: true } });
  assert.match(r.Code, /^InvalidParameter\.Output\.Container/, JSON.stringify(r));
  // The engine goes on.
  const ok = await concat(toneUrl, { URI: host.uploadUrl('after.m4a'), Container: 'mp4', Video: { DisableVideo: true } });
  assert.equal(ok.Status, 'Succeeded', `${ok.Code}: ${ok.Message}`);
});
