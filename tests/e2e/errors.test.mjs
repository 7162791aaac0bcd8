// Bad inputs and bad parameters end with a clear cloud-style code, and the engine keeps serving.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fixture, openHost, retrieval, SHARED_MEDIA } from './lib.mjs';

let host;
before(async () => (host = await openHost()));
after(async () => host?.close());

async function assertEngineStillWorks() {
  const record = await host.run('CreateHighlightTask', retrieval([host.server.fileUrl(path.join(SHARED_MEDIA, 'bbb-180p-vp9.webm'))]));
  assert.equal(record.Status, 'Succeeded', `the next job works: ${record.Code}: ${record.Message}`);
}

const BAD_MEDIA = [
  ['truncated.mp4 (moov first, data cut)', 'bad/truncated.mp4', /^InvalidMedia\.Corrupt$/, /truncat|past the end|end of/i],
  ['truncated-moov-end.mp4 (no moov)', 'bad/truncated-moov-end.mp4', /^InvalidMedia\.Corrupt$/, /moov|truncat/i],
  ['random bytes', 'bad/random.mp4', /^InvalidMedia\.(Corrupt|Unsupported)$/, /container|corrupt|unrecogn/i],
  ['zero bytes', 'bad/zero.mp4', /^InvalidMedia\.Corrupt$/, /empty|0 bytes/i],
  ['HEVC (no decoder here)', 'bad/hevc.mp4', /^InvalidMedia\.Unsupported$/, /hevc/i],
  ['audio only', 'bad/audio-only.m4a', /^InvalidMedia\.Unsupported$/, /no video/i],
  ['AVI container', 'bad/clip.avi', /^InvalidMedia\.Unsupported$/, /AVI/],
];

for (const [label, rel, code, message] of BAD_MEDIA) {
  test(`bad input: ${label}`, async () => {
    const record = await host.run('CreateHighlightTask', retrieval([host.server.fileUrl(fixture(rel))]));
    assert.equal(record.Status, 'Failed');
    assert.match(record.Code, code);
    assert.match(record.Message, message);
    await assertEngineStillWorks();
  });
}

test('missing file → InvalidMedia.NotFound', async () => {
  const record = await host.run('CreateHighlightTask', retrieval([host.server.fileUrl('/nonexistent/episode.mp4')]));
  assert.equal(record.Status, 'Failed');
  assert.equal(record.Code, 'InvalidMedia.NotFound');
  await assertEngineStillWorks();
});

test('unknown scheme without a resolveUri hook → InvalidMedia.NotFound naming the scheme', async () => {
  const record = await host.run('CreateHighlightTask', retrieval(['oss://bucket/ep1.mp4']));
  assert.equal(record.Code, 'InvalidMedia.NotFound');
  assert.match(record.Message, /oss/);
});

const BAD_PARAMS = [
  [{ Type: 'Retrieval', Output: { URI: 'memory:' } }, 'InvalidParameter.Sources'],
  [{ Type: 'Highlights', Sources: [{ URI: 'a.mp4' }], Output: { URI: 'memory:' } }, 'InvalidParameter.Type'],
  [{ Type: 'Retrieval', Mode: 'Fast', Sources: [{ URI: 'a.mp4' }], Output: { URI: 'memory:' } }, 'InvalidParameter.Mode'],
  [{ Type: 'Retrieval', Sources: [{ URI: 'a.mp4', StartTime: -1 }], Output: { URI: 'memory:' } }, 'InvalidParameter.Sources.StartTime'],
  [{ Type: 'Retrieval', Sources: Array.from({ length: 11 }, () => ({ URI: 'a.mp4' })), Output: { URI: 'memory:' } }, 'InvalidParameter.Sources'],
];
for (const [request, code] of BAD_PARAMS) {
  test(`wrong parameters → ${code}`, async () => {
    const record = await host.run('CreateHighlightTask', request);
    assert.equal(record.Code, code, record.Message);
    assert.ok(record.Message.length > 10);
  });
}

test('a parameter whose effect is not built yet is refused, not ignored', async () => {
  const record = await host.run('SubmitScreenMediaHighlightsJob', {
    // A gl-transitions name the renderer does not draw (luma needs a luminance map): refused, not ignored.
    InputConfig: { MediaArray: ['a.mp4'] },
    EditingConfig: { ProcessConfig: { TransitionList: ['luma'] } },
    OutputConfig: { MediaURL: 'reel_{index}.mp4' },
  });
  assert.equal(record.Code, 'InvalidParameter.EditingConfig.ProcessConfig.TransitionList', record.Message);
  assert.match(record.Message, /transition 'luma' is not supported yet/);
  await assertEngineStillWorks();
});
