// Generated edge cases (scripts/make_fixtures.sh edge): edit lists, VFR, pixel aspect, rotation,
// MOV, fragmented MP4, WebM/MKV with Opus/Vorbis/FLAC/AAC, MP3 in MP4, mono, 7.1, AV1.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { checkMediaFile, FIXTURES, openHost, retrieval } from './lib.mjs';

let host;
before(async () => (host = await openHost()));
after(async () => host?.close());

const EDGE = path.join(FIXTURES, 'edge');
const DISPLAY = { 'sar.mp4': [640, 360], 'rotated90.mp4': [240, 320] };

test('edge fixtures exist', () => {
  assert.ok(fs.existsSync(EDGE), 'fixtures/edge is missing: run bash scripts/make_fixtures.sh edge');
});

for (const name of fs.existsSync(EDGE) ? fs.readdirSync(EDGE).filter((f) => /\.(mp4|mov|mkv|webm)$/.test(f)).sort() : []) {
  test(`retrieval over edge/${name}`, async () => {
    const record = await host.run('CreateHighlightTask', retrieval([host.server.fileUrl(path.join(EDGE, name))]));
    assert.equal(record.Status, 'Succeeded', `${record.Code}: ${record.Message}`);
    const src = record.Sources[0];
    const [w, h] = DISPLAY[name] ?? [320, 240];
    assert.deepEqual([src.Width, src.Height], [w, h], 'display size (pixel aspect and rotation honoured)');
    assert.ok(src.Audio, 'audio track found');
    assert.ok(!record.Notes.some((n) => /cannot be decoded/.test(n)), `audio decoded: ${record.Notes}`);
    assert.ok(src.Frames >= 10);
  });
}

test('Concat across rotation, pixel aspect, VFR, edit list, mono and 7.1 sources renders one valid file', async () => {
  const names = ['rotated90.mp4', 'sar.mp4', 'vfr.mp4', 'editlist.mp4', 'mono.mp4', '8ch.mp4'];
  const record = await host.run('CreateHighlightTask', {
    Type: 'Concat',
    Sources: names.map((n) => ({ URI: host.server.fileUrl(path.join(EDGE, n)), StartTime: 0.2, Duration: 1 })),
    Output: { URI: host.uploadUrl('edge-concat.mp4'), Container: 'mp4' },
  });
  assert.equal(record.Status, 'Succeeded', `${record.Code}: ${record.Message}`);
  const out = record.Outputs[0];
  assert.deepEqual([out.Width, out.Height], [640, 360], 'the largest display size');
  const file = path.join(host.uploadDir, 'edge-concat.mp4');
  const { duration, audio } = checkMediaFile(file);
  assert.ok(Math.abs(duration - 6) < 0.1, `duration ${duration}`);
  assert.equal(audio.channels, 2, 'mixed down to stereo');
});
