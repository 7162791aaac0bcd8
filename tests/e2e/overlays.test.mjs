// Titles and stickers over screen-highlights reels in the browser (issue 7 item 4): the sticker
// image is read through the job's readers and decoded in the worker, the title rasterised by the
// browser's canvas text, both composited in Rust; checked on frames ffmpeg extracts from the
// reel. An undecodable sticker is InvalidMedia.Unsupported naming it and the engine serves the
// next job; arrays not built yet are refused at submit.
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

test('arrays not built yet are refused at submit, naming the array', async () => {
  for (const key of ['OpeningArray', 'EndingArray', 'BackgroundImageArray']) {
    const record = await host.run('SubmitScreenMediaHighlightsJob', {
      InputConfig: { MediaArray: [episodeUrl], [key]: ['x.png'] },
      OutputConfig: { MediaURL: 'memory:', Count: 1 },
    });
    assert.equal(record.Code, `InvalidParameter.InputConfig.${key}`, JSON.stringify(record));
    assert.match(record.Message, /is not supported yet/);
  }
});
