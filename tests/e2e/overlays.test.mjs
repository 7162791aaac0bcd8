// Titles and stickers over screen-highlights reels in the browser (issue 7 item 4): the sticker
// image is read through the job's readers and decoded in the worker, the title rasterised by the
// browser's canvas text, both composited in Rust; checked on frames ffmpeg extracts from the
// reel. An undecodable sticker is InvalidMedia.Unsupported naming it and the engine serves the
// next job. Openings, endings and background images (an image opening, a video ending, the
// background behind the letterboxed reel): duration, sound and pixels of the output; an
// undecodable or missing one fails the job naming its entry.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { checkMediaFile, openHost } from './lib.mjs';

const W = 320;
const H = 240;

let host;
let dir;
let episodeUrl; // grey picture, a moving test pattern in its bottom-left corner, two sentences
let stickerUrl; // 64x64 PNG: left half transparent, right half opaque red
before(async () => {
  host = await openHost();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reelcut-overlays-'));
  const a = path.join(dir, 'a.wav');
  const b = path.join(dir, 'b.wav');
  run('espeak-ng', ['-w', a, 'I know exactly what you did last night.']);
  run('espeak-ng', ['-w', b, 'You cannot prove anything at all.']);
  const episode = path.join(dir, 'episode.mp4');
  run('ffmpeg', [
    '-v', 'error', '-y',
    '-f', 'lavfi', '-i', `color=c=0x808080:size=${W}x${H}:rate=25:duration=14`,
    '-f', 'lavfi', '-i', 'testsrc2=size=160x80:rate=25:duration=14', '-i', a, '-i', b,
    '-filter_complex', `[0:v][1:v]overlay=0:${H - 80}[v];[2:a]adelay=1000:all=1[x];[3:a]adelay=6500:all=1[y];[x][y]amix=inputs=2:normalize=0,apad,atrim=0:14,aformat=sample_rates=48000:channel_layouts=stereo[a]`,
    '-map', '[v]', '-map', '[a]', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-g', '25', '-c:a', 'aac', episode,
  ]);
  episodeUrl = host.server.fileUrl(episode);
  const sticker = path.join(dir, 'sticker.png');
  run('ffmpeg', [
    '-v', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=red:size=64x64',
    '-vf', "format=rgba,geq=r=255:g=0:b=0:a='if(lt(X,32),0,255)'", '-frames:v', '1', sticker,
  ]);
  stickerUrl = host.server.fileUrl(sticker);
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

/** The RGB frame of `file` at `t` seconds. */
function frameAt(file, t) {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-ss', String(t), '-i', file, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, String(r.stderr));
  assert.equal(r.stdout.length, W * H * 3);
  return r.stdout;
}

/** Mean [r, g, b] of `frame` over x0..x1, y0..y1. */
function mean(frame, [x0, y0, x1, y1]) {
  const sum = [0, 0, 0];
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) for (let c = 0; c < 3; c++) sum[c] += frame[(y * W + x) * 3 + c];
  const n = (x1 - x0) * (y1 - y0);
  return sum.map((s) => s / n);
}

/** Share of the pixels of the box that are not the grey of the episode's background. */
function notGrey(frame, [x0, y0, x1, y1]) {
  let n = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const p = (y * W + x) * 3;
      if ([0, 1, 2].some((c) => Math.abs(frame[p + c] - 128) > 40)) n++;
    }
  }
  return n / ((x1 - x0) * (y1 - y0));
}

test('ICE job with a title and a sticker: the sticker at its place for the whole reel, the title for its seconds', async (t) => {
  const record = await host.run('SubmitScreenMediaHighlightsJob', {
    InputConfig: {
      MediaArray: [episodeUrl],
      TitleArray: [{ Text: 'Episode 第一集', FontSize: 0.1, FontColor: '#FFCC00', Y: 0.15, Duration: 2 }],
      // 25 % of 320 = 80 px wide, square like the image: x 208..288, y 60..140.
      StickerArray: [{ MediaURL: stickerUrl, X: 0.65, Y: 0.25, Width: 0.25 }],
    },
    OutputConfig: { MediaURL: host.uploadUrl('titled_{index}.mp4'), Count: 1, Width: W, Height: H, MaxDuration: 8 },
  });
  const sub = record.SubJobList?.[0];
  assert.equal(sub?.Status, 'Success', JSON.stringify(record).slice(0, 2000));
  assert.deepEqual(sub.Overlays, ['TitleArray[0]', 'StickerArray[0]']);
  const file = host.localPath(sub.MediaURL);
  const { duration } = checkMediaFile(file);
  assert.ok(duration >= 4, `reel of ${duration} s`);
  const titled = frameAt(file, 1);
  const untitled = frameAt(file, 3);
  for (const [t, frame] of [[1, titled], [3, untitled]]) {
    // The opaque half is red (YUV 4:2:0 round trip: within a few levels), the transparent half
    // shows the grey episode.
    const [r, g, b] = mean(frame, [252, 66, 284, 134]);
    assert.ok(r > 200 && g < 50 && b < 50, `t=${t}: sticker red at its place: ${[r, g, b].map(Math.round)}`);
    const grey = mean(frame, [212, 66, 236, 134]);
    assert.ok(grey.every((c) => Math.abs(c - 128) < 12), `t=${t}: transparent half shows the picture: ${grey.map(Math.round)}`);
    // Nothing else of the frame's top changed.
    assert.ok(notGrey(frame, [8, 66, 200, 134]) < 0.01, `t=${t}: left of the sticker untouched`);
  }
  // The title's line: 15 % down (36 px), 24 px glyphs, centred.
  const line = [40, 22, 280, 50];
  const drawn = notGrey(titled, line);
  assert.ok(drawn > 0.08, `title drawn at 1 s: ${(drawn * 100).toFixed(1)} % of its line not grey`);
  const [r, g, b] = mean(titled, line);
  assert.ok(r > g && g > b + 10, `title is yellow-ish: ${[r, g, b].map(Math.round)}`);
  const gone = notGrey(untitled, line);
  t.diagnostic(`title line not grey: ${(drawn * 100).toFixed(1)} % at 1 s, ${(gone * 100).toFixed(2)} % at 3 s; mean ${[r, g, b].map(Math.round)}`);
  assert.ok(gone < 0.005, `title gone after its 2 s: ${(gone * 100).toFixed(2)} %`);
});

test('an undecodable sticker is InvalidMedia.Unsupported naming it; the next job works', async (t) => {
  const bad = path.join(dir, 'broken.png');
  fs.writeFileSync(bad, 'not an image, only a few words of text\n'.repeat(20));
  const job = (sticker, name) =>
    host.run('SubmitScreenMediaHighlightsJob', {
      InputConfig: { MediaArray: [episodeUrl], StickerArray: [sticker] },
      OutputConfig: { MediaURL: host.uploadUrl(name), Count: 1, Width: W, Height: H, MaxDuration: 6 },
    });
  const record = await job(host.server.fileUrl(bad), 'bad_{index}.mp4');
  const text = JSON.stringify(record);
  t.diagnostic(text.match(/"Message":"[^"]*"/)?.[0] ?? text.slice(0, 300));
  assert.match(text, /InvalidMedia\.Unsupported/, text.slice(0, 2000));
  assert.match(text, /image [^"]*broken\.png[^"]*cannot decode it as an image/, text.slice(0, 2000));
  const ok = await job(stickerUrl, 'after_{index}.mp4');
  assert.equal(ok.SubJobList?.[0]?.Status, 'Success', JSON.stringify(ok).slice(0, 2000));
});

/** The RGB frame of `file` at `t` seconds, `w x h`. */
function frameOf(file, t, w, h) {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-ss', String(t), '-i', file, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, String(r.stderr));
  assert.equal(r.stdout.length, w * h * 3);
  return { data: r.stdout, w };
}

/** Mean [r, g, b] of a `frameOf` frame over x0..x1, y0..y1. */
function meanOf({ data, w }, [x0, y0, x1, y1]) {
  const sum = [0, 0, 0];
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) for (let c = 0; c < 3; c++) sum[c] += data[(y * w + x) * 3 + c];
  const n = (x1 - x0) * (y1 - y0);
  return sum.map((s) => Math.round(s / n));
}

const near = (got, want, tol = 30) => got.every((c, i) => Math.abs(c - want[i]) <= tol);

test('ICE job with an image opening, a video ending and a background image', async (t) => {
  // The episode is 4:3; the output is square, so the reel is letterboxed (fitted 320x240 at
  // y 40) and the background image fills the bands. The opening is a square blue still (it
  // covers the frame); the ending an orange 4:3 video with a tone, letterboxed like the reel.
  const S = 320;
  const opening = path.join(dir, 'opening.png');
  run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `color=c=0x0000FF:size=${S}x${S}`, '-frames:v', '1', opening]);
  const background = path.join(dir, 'background.png');
  run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=0x00C000:size=90x160', '-frames:v', '1', background]);
  const ending = path.join(dir, 'ending.mp4');
  run('ffmpeg', [
    '-v', 'error', '-y', '-f', 'lavfi', '-i', `color=c=0xFF8000:size=${W}x${H}:rate=25:duration=3`,
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=3',
    '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-g', '25', '-c:a', 'aac', '-shortest', ending,
  ]);
  const record = await host.run('SubmitScreenMediaHighlightsJob', {
    InputConfig: {
      MediaArray: [episodeUrl],
      OpeningArray: [{ MediaURL: host.server.fileUrl(opening), Duration: 2 }],
      // The video is 3 s; its first 2 s close the reel.
      EndingArray: [{ MediaURL: host.server.fileUrl(ending), Duration: 2 }],
      BackgroundImageArray: [host.server.fileUrl(background)],
    },
    OutputConfig: { MediaURL: host.uploadUrl('bookends_{index}.mp4'), Count: 1, Width: S, Height: S, MaxDuration: 6 },
  });
  const sub = record.SubJobList?.[0];
  assert.equal(sub?.Status, 'Success', JSON.stringify(record).slice(0, 2000));
  assert.deepEqual(sub.Overlays, ['OpeningArray[0]', 'EndingArray[0]']);
  const reel = sub.Clips.reduce((sum, c) => sum + (c.Out - c.In), 0);
  const expected = 2 + reel + 2;
  const file = host.localPath(sub.MediaURL);
  // Decodes without error; audio and video run to the same end.
  const { duration } = checkMediaFile(file);
  t.diagnostic(`reel ${reel.toFixed(3)} s, output ${duration.toFixed(3)} s, record ${sub.Duration} s`);
  assert.ok(Math.abs(duration - expected) <= 0.041, `output ${duration} s = 2 + ${reel} + 2`);
  assert.ok(Math.abs(sub.Duration - expected) <= 0.041, `record Duration ${sub.Duration}`);
  // The opening still: blue over the whole frame, bands included.
  const first = frameOf(file, 1, S, S);
  assert.ok(near(meanOf(first, [100, 100, 220, 220]), [0, 0, 255]), `opening centre ${meanOf(first, [100, 100, 220, 220])}`);
  assert.ok(near(meanOf(first, [20, 6, 300, 34]), [0, 0, 255]), `opening band ${meanOf(first, [20, 6, 300, 34])}`);
  // The reel: the grey episode fitted, the background image's green in the bands.
  const middle = frameOf(file, 2 + reel / 2, S, S);
  assert.ok(near(meanOf(middle, [100, 60, 220, 120]), [128, 128, 128], 12), `reel picture ${meanOf(middle, [100, 60, 220, 120])}`);
  for (const band of [[20, 6, 300, 34], [20, 286, 300, 314]]) {
    assert.ok(near(meanOf(middle, band), [0, 192, 0]), `reel band ${band}: ${meanOf(middle, band)}`);
  }
  // The ending video: orange fitted, green bands.
  const last = frameOf(file, expected - 0.5, S, S);
  assert.ok(near(meanOf(last, [100, 100, 220, 220]), [255, 128, 0]), `ending centre ${meanOf(last, [100, 100, 220, 220])}`);
  assert.ok(near(meanOf(last, [20, 6, 300, 34]), [0, 192, 0]), `ending band ${meanOf(last, [20, 6, 300, 34])}`);
  // The ending's tone is heard in the output's last second; the opening still is silent.
  const level = (args) => {
    const r = spawnSync('ffmpeg', ['-v', 'info', ...args, '-i', file, '-t', '1', '-vn', '-af', 'volumedetect', '-f', 'null', '-'], { encoding: 'utf8' });
    return Number(r.stderr.match(/mean_volume: (-?[\d.]+|-inf) dB/)?.[1] ?? -Infinity);
  };
  const [start, end] = [level(['-ss', '0.5']), level(['-sseof', '-1.2'])];
  t.diagnostic(`mean volume: ${start} dB in the opening, ${end} dB in the ending`);
  assert.ok(end > -35, `the ending's tone is in the output: ${end} dB`);
  assert.ok(!(start > -70), `the still opening is silent: ${start} dB`);
});

test('an undecodable ending fails the job naming the entry; the next job works', async () => {
  const bad = path.join(dir, 'broken-ending.mp4');
  fs.writeFileSync(bad, 'not a video either, a few words of text\n'.repeat(20));
  const record = await host.run('SubmitScreenMediaHighlightsJob', {
    InputConfig: { MediaArray: [episodeUrl], EndingArray: [host.server.fileUrl(bad)] },
    OutputConfig: { MediaURL: host.uploadUrl('bad_end_{index}.mp4'), Count: 1, Width: W, Height: H, MaxDuration: 6 },
  });
  const text = JSON.stringify(record);
  assert.match(text, /InvalidMedia\.(Unsupported|Corrupt)/, text.slice(0, 2000));
  assert.match(text, /EndingArray\[0\][^"]*broken-ending\.mp4/, text.slice(0, 2000));
  const missing = await host.run('SubmitScreenMediaHighlightsJob', {
    InputConfig: { MediaArray: [episodeUrl], OpeningArray: [host.server.fileUrl(path.join(dir, 'no-such.png'))] },
    OutputConfig: { MediaURL: host.uploadUrl('no_open_{index}.mp4'), Count: 1, Width: W, Height: H, MaxDuration: 6 },
  });
  const missingText = JSON.stringify(missing);
  assert.match(missingText, /InvalidMedia\.NotFound/, missingText.slice(0, 2000));
  assert.match(missingText, /OpeningArray\[0\][^"]*no-such\.png/, missingText.slice(0, 2000));
  const ok = await host.run('SubmitScreenMediaHighlightsJob', {
    InputConfig: { MediaArray: [episodeUrl], OpeningArray: [stickerUrl] },
    OutputConfig: { MediaURL: host.uploadUrl('after_end_{index}.mp4'), Count: 1, Width: W, Height: H, MaxDuration: 6 },
  });
  assert.equal(ok.SubJobList?.[0]?.Status, 'Success', JSON.stringify(ok).slice(0, 2000));
});
