// Background music in the browser (issue 8 item 1), through both APIs: the track is read through
// the job's readers, decoded in the worker and mixed under the reel, present to the end at its
// Volume, ducked under speech by at least 6 dB; every music format decodes; an undecodable or a
// damaged file fails with a clear code naming it, and the engine serves the next job. With music
// and loudness normalisation the sound is made first (the audio-first pass) and the video streams
// beside it: both tracks interleaved through the file, the same length, the sound to the end.
//
// The music fixtures (scripts/make_fixtures.sh, edge set) are a 60 Hz tone at half scale: no
// voice here reaches 60 Hz, so the tone's level is measured (Goertzel over a window of decoded
// PCM) under speech as well as in pauses.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { checkMediaFile, ebur128, fixture, openHost } from './lib.mjs';

const TONE_HZ = 60;
const TONE_AMP = 0.5;
const db = (x) => 20 * Math.log10(x);

let host;
let dir;
let dialogueUrl; // 14 s: speech at about 1-3 s and 6.5-8.1 s, pauses elsewhere
let silentUrl; // 6 s of picture without an audio track
let speech; // [start, end] of each sentence in the dialogue source, from its own audio
before(async () => {
  host = await openHost();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reelcut-music-'));
  const say = (text, out) => {
    const r = spawnSync('espeak-ng', ['-w', out, text], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  };
  const a = path.join(dir, 'a.wav');
  const b = path.join(dir, 'b.wav');
  say('I know exactly what you did last night.', a);
  say('You cannot prove anything at all.', b);
  const dialogue = path.join(dir, 'dialogue.mp4');
  run('ffmpeg', [
    '-v', 'error', '-y',
    '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25:duration=14', '-i', a, '-i', b,
    '-filter_complex', '[1:a]adelay=1000:all=1[x];[2:a]adelay=6500:all=1[y];[x][y]amix=inputs=2:normalize=0,apad,atrim=0:14,aformat=sample_rates=48000:channel_layouts=stereo[a]',
    '-map', '0:v', '-map', '[a]', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-g', '25', '-c:a', 'aac', '-b:a', '128k', dialogue,
  ]);
  speech = [1, 6.5].map((start, i) => [start, start + wavSeconds([a, b][i])]);
  // (each file ends with 0.3 s of silence, counted as speech here: the duck's hold covers it)
  assert.ok(speech[0][1] < 3.6 && speech[1][1] < 9, `the sentences leave pauses: ${JSON.stringify(speech)}`);
  dialogueUrl = host.server.fileUrl(dialogue);
  const silent = path.join(dir, 'silent.mp4');
  run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25:duration=6', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-g', '25', silent]);
  silentUrl = host.server.fileUrl(silent);
});
after(async () => {
  await host?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  assert.equal(r.status, 0, `${cmd}: ${r.stderr}`);
  return r;
}

function wavSeconds(file) {
  return Number(run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file]).stdout);
}

/** Left-channel f32 samples of the whole audio of `file`, at 48 kHz. */
function pcm(file) {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-i', file, '-map', '0:a', '-af', 'pan=mono|c0=c0', '-ar', '48000', '-f', 'f32le', '-'], { maxBuffer: 256 << 20 });
  assert.equal(r.status, 0, String(r.stderr));
  return new Float32Array(r.stdout.buffer.slice(r.stdout.byteOffset, r.stdout.byteOffset + r.stdout.length));
}

/** Amplitude of the `hz` component of `x` over [a, b) seconds (Goertzel, whole cycles). */
function toneAmp(x, a, b, hz = TONE_HZ, rate = 48000) {
  const cycles = Math.floor((b - a) * hz);
  const n = Math.round((cycles / hz) * rate);
  const from = Math.round(a * rate);
  assert.ok(from + n <= x.length, `window ${a}-${b} s inside ${x.length / rate} s`);
  const w = (2 * Math.PI * hz) / rate;
  let re = 0;
  let im = 0;
  for (let i = 0; i < n; i++) {
    re += x[from + i] * Math.cos(w * i);
    im += x[from + i] * Math.sin(w * i);
  }
  return (2 * Math.hypot(re, im)) / n;
}

test('Concat with music (IMM): at its Volume in pauses, ducked >= 6 dB under speech, to the end', async () => {
  const volume = 0.5;
  const uri = host.server.fileUrl(fixture('edge/music/tone-20s.flac'));
  const record = await host.run('CreateHighlightTask', {
    Type: 'Concat',
    Sources: [{ URI: dialogueUrl }],
    Edit: { Mode: 'Sequential', BackgroundMusicMode: 'Sequential', BackgroundMusics: [{ URI: uri, Volume: volume }] },
    // Without normalisation, Volume is the music's absolute level (1 = the file's own).
    Output: { URI: host.uploadUrl('ducked.mp4'), Container: 'mp4', Audio: { LoudnessNormalization: false } },
  });
  assert.equal(record.Status, 'Succeeded', `${record.Code}: ${record.Message}`);
  const out = record.Outputs[0];
  assert.deepEqual(out.BackgroundMusic, { Index: 0, URI: uri, Volume: volume });
  const file = host.localPath(out.URI);
  const { duration } = checkMediaFile(file);
  assert.ok(Math.abs(duration - 14) < 0.1, `duration ${duration}`);
  const x = pcm(file);
  const expected = TONE_AMP * volume;
  // Pauses: after the duck's hold and release, before the next lead; the last one before the fade-out.
  const pauses = [[speech[0][1] + 1.2, 6.2], [speech[1][1] + 1.2, 11.9]];
  const under = speech.map(([s, e]) => [s + 0.3, e - 0.3]);
  const level = (w) => toneAmp(x, w[0], w[1]);
  const pauseDb = pauses.map((w) => db(level(w) / expected));
  const speechDb = under.map((w) => db(level(w) / expected));
  const depth = Math.min(...pauseDb) - Math.max(...speechDb);
  console.log(`music: pauses ${pauseDb.map((d) => d.toFixed(2))} dB re Volume, under speech ${speechDb.map((d) => d.toFixed(2))} dB, ducking depth ${depth.toFixed(2)} dB`);
  for (const d of pauseDb) assert.ok(Math.abs(d) <= 1, `the music at its Volume in a pause (${d.toFixed(2)} dB off)`);
  assert.ok(depth >= 6, `ducked by ${depth.toFixed(2)} dB under speech`);
  // To the end: still there while fading out, silent at the very end.
  const fading = db(level([12.4, 13.2]) / expected);
  assert.ok(fading > -12 && fading < 0, `fading out near the end: ${fading.toFixed(2)} dB`);
  assert.ok(level([13.9, 14.0 - 0.005]) < expected * 0.2, 'faded out at the end');
});

for (const container of ['mp4', 'webm']) {
  test(`audio-first (${container}): music + normalisation, two clips; both tracks interleaved, same length, sound to the end, loudness reported`, async () => {
    const uri = host.server.fileUrl(fixture('edge/music/tone-20s.flac'));
    const record = await host.run('CreateHighlightTask', {
      Type: 'Concat',
      Sources: [{ URI: dialogueUrl }, { URI: dialogueUrl, StartTime: 5 }],
      Edit: { Mode: 'Sequential', BackgroundMusicMode: 'Sequential', BackgroundMusics: [{ URI: uri, Volume: 0.5 }] },
      Output: { URI: host.uploadUrl(`first.${container}`), Container: container },
    });
    assert.equal(record.Status, 'Succeeded', `${record.Code}: ${record.Message}`);
    const out = record.Outputs[0];
    const file = host.localPath(out.URI);
    const { probe, video, audio } = checkMediaFile(file);
    const packets = (s) => probe.packets.filter((p) => p.stream_index === s.index);
    const end = (s) => Math.max(...packets(s).map((p) => Number(p.pts_time) + Number(p.duration_time ?? 0)));
    const [dv, da] = [end(video), end(audio)];
    console.log(`audio-first ${container}: video ${dv.toFixed(3)} s, audio ${da.toFixed(3)} s, record ${JSON.stringify(out.Loudness)}`);
    assert.ok(Math.abs(dv - 23) <= 0.1, `video lasts ${dv} s (14 s + 9 s)`);
    assert.ok(Math.abs(da - dv) <= 1 / 25 + 0.001, `audio ${da.toFixed(3)} s within a frame of video ${dv.toFixed(3)} s`);
    // Interleaved front to back: in file order, neither track runs more than 2 s ahead of the
    // other (the encoded audio waited for the video rather than being written at one end).
    let ahead = 0;
    const last = {};
    for (const p of [...probe.packets].sort((a, b) => Number(a.pos) - Number(b.pos))) {
      last[p.stream_index] = Number(p.pts_time);
      if (Object.keys(last).length === 2) ahead = Math.max(ahead, Math.abs(last[video.index] - last[audio.index]));
    }
    assert.ok(ahead <= 2, `one track ran ${ahead.toFixed(2)} s ahead of the other in the file`);
    // The sound to the end: the music under the second clip's last pause, and into the fade-out.
    const x = pcm(file);
    assert.ok(x.length / 48000 >= dv - 1 / 25, `decoded audio ${x.length / 48000} s`);
    const second = (t) => 14 + t - 5; // output time of the second clip's source time t
    const pause = toneAmp(x, second(speech[1][1]) + 1.2, second(11.9));
    const fading = db(toneAmp(x, dv - 1.6, dv - 0.8) / pause);
    assert.ok(pause > 0.005, `the music in the last pause: ${pause}`);
    assert.ok(fading > -12 && fading < 1, `the music fading out near the end: ${fading.toFixed(2)} dB`);
    // Loudness as before: the record says what was done and ffmpeg agrees after the encoder.
    const l = out.Loudness;
    assert.ok(l, 'the record reports loudness');
    assert.equal(l.Target, -14);
    assert.ok(Math.abs(l.IntegratedAfter - -14) <= 0.1, `record after ${l.IntegratedAfter}`);
    assert.ok(l.TruePeakAfter <= -1, `record true peak ${l.TruePeakAfter}`);
    const m = ebur128(file);
    assert.ok(Math.abs(m.integrated - l.IntegratedAfter) <= 0.7, `record ${l.IntegratedAfter} vs ffmpeg ${m.integrated}`);
  });
}

test('ScreenMediaHighlights (ICE) with BackgroundMusicArray: the reel carries the music and the record says which', async () => {
  const uri = host.server.fileUrl(fixture('edge/music/tone.m4a'));
  const record = await host.run('SubmitScreenMediaHighlightsJob', {
    InputConfig: { MediaArray: [dialogueUrl], BackgroundMusicArray: [uri] },
    OutputConfig: { MediaURL: host.uploadUrl('ice_{index}.mp4'), Count: 1, MaxDuration: 8 },
  });
  const sub = record.SubJobList?.[0];
  assert.equal(sub?.Status, 'Success', JSON.stringify(record).slice(0, 2000));
  assert.equal(sub.BackgroundMusic.URI, uri);
  assert.equal(sub.BackgroundMusic.Volume, 0.2);
  const file = host.localPath(sub.MediaURL);
  const { duration } = checkMediaFile(file);
  const x = pcm(file);
  // Normalised output: the tone is there (within its fades) at a level above the encoder's noise.
  const amp = toneAmp(x, 1.2, Math.min(duration - 2.2, 4));
  assert.ok(amp > 0.005, `music tone at ${amp}`);
});

test('Compose (IMM) with music: the record names the track', async () => {
  const uri = host.server.fileUrl(fixture('edge/music/tone.wav'));
  const record = await host.run('CreateHighlightTask', {
    Type: 'Compose',
    Mode: 'Scene',
    Sources: [{ URI: dialogueUrl }],
    Edit: { Mode: 'Sequential', BackgroundMusicMode: 'Random', BackgroundMusics: [{ URI: uri, Volume: 1 }] },
    Output: { URI: host.uploadUrl('compose.webm'), Container: 'webm', MaxDuration: 8 },
  });
  assert.equal(record.Status, 'Succeeded', `${record.Code}: ${record.Message}`);
  const out = record.Outputs[0];
  assert.deepEqual(out.BackgroundMusic, { Index: 0, URI: uri, Volume: 1 });
  const file = host.localPath(out.URI);
  checkMediaFile(file);
  assert.ok(toneAmp(pcm(file), 1.2, 3) > 0.01, 'the music tone is in the reel');
});

test('every music format decodes, loops under a reel longer than the track, without source audio', async () => {
  const names = ['tone.mp3', 'tone.flac', 'tone.wav', 'tone.ogg', 'tone.opus', 'tone.m4a', 'tone.webm'];
  const volume = 0.8;
  const expected = TONE_AMP * volume;
  for (const name of names) {
    const uri = host.server.fileUrl(fixture(`edge/music/${name}`));
    const record = await host.run('CreateHighlightTask', {
      Type: 'Concat',
      Sources: [{ URI: silentUrl }],
      Edit: { Mode: 'Sequential', BackgroundMusicMode: 'Sequential', BackgroundMusics: [{ URI: uri, Volume: volume }] },
      Output: { URI: host.uploadUrl(`fmt-${name}.mp4`), Container: 'mp4', Audio: { LoudnessNormalization: false } },
    });
    assert.equal(record.Status, 'Succeeded', `${name}: ${record.Code}: ${record.Message}`);
    const file = host.localPath(record.Outputs[0].URI);
    checkMediaFile(file);
    const x = pcm(file);
    // The 4 s track: its first pass, then (after the 3-4 s seam) its loop, inside the 2 s fade-out.
    const first = db(toneAmp(x, 1.2, 2.8) / expected);
    const looped = db(toneAmp(x, 4.1, 4.6) / expected);
    console.log(`music ${name}: ${first.toFixed(2)} dB re Volume, looped ${looped.toFixed(2)} dB`);
    assert.ok(Math.abs(first) <= 1.5, `${name}: the tone at its Volume (${first.toFixed(2)} dB off)`);
    assert.ok(looped > -4 && looped < 1, `${name}: the track loops (${looped.toFixed(2)} dB in the fade-out)`);
  }
});

test('an undecodable music file is InvalidMedia.Unsupported naming it, a damaged one Corrupt; the next job works', async () => {
  const text = path.join(dir, 'notes.mp3');
  fs.writeFileSync(text, 'this is not music at all, only a few words of text\n'.repeat(50));
  const mp2 = path.join(dir, 'layer2.mp2');
  run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=f=440:d=2', '-c:a', 'mp2', '-f', 'mp2', mp2]);
  // A container the engine reads holding a codec no browser decodes (Apple Lossless).
  const alac = path.join(dir, 'lossless.m4a');
  run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=f=440:d=2', '-c:a', 'alac', alac]);
  const damaged = path.join(dir, 'damaged.flac');
  const flac = fs.readFileSync(fixture('edge/music/tone.flac'));
  flac.fill(0, flac.length >> 1, (flac.length >> 1) + 4096);
  fs.writeFileSync(damaged, flac);
  const concat = (file, out) =>
    host.run('CreateHighlightTask', {
      Type: 'Concat',
      Sources: [{ URI: silentUrl }],
      Edit: { Mode: 'Sequential', BackgroundMusicMode: 'Sequential', BackgroundMusics: [{ URI: host.server.fileUrl(file) }] },
      Output: { URI: host.uploadUrl(out), Container: 'mp4' },
    });
  for (const [file, code, words] of [
    [text, 'InvalidMedia.Unsupported', /unrecognised audio format/],
    [mp2, 'InvalidMedia.Unsupported', /layer II/],
    [alac, 'InvalidMedia.Unsupported', /alac|codec/i],
    [damaged, 'InvalidMedia.Corrupt', /FLAC/],
  ]) {
    const record = await concat(file, `bad-${path.basename(file)}.mp4`);
    assert.equal(record.Status, 'Failed', path.basename(file));
    assert.equal(record.Code, code, `${path.basename(file)}: ${record.Message}`);
    assert.match(record.Message, new RegExp(`background music .*${path.basename(file).replace('.', '\\.')}`), record.Message);
    assert.match(record.Message, words, record.Message);
  }
  const ok = await concat(fixture('edge/music/tone.flac'), 'after.mp4');
  assert.equal(ok.Status, 'Succeeded', `${ok.Code}: ${ok.Message}`);
});

test('music with DisableAudio is refused at submit', async () => {
  const record = await host.run('CreateHighlightTask', {
    Type: 'Concat',
    Sources: [{ URI: silentUrl }],
    Edit: { Mode: 'Sequential', BackgroundMusicMode: 'Sequential', BackgroundMusics: [{ URI: 'm.mp3' }] },
    Output: { URI: 'memory:', Container: 'mp4', Audio: { DisableAudio: true } },
  });
  assert.equal(record.Code, 'InvalidParameter.Edit.BackgroundMusicMode', JSON.stringify(record));
});
