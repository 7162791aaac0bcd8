// Peer benchmark: the same jobs done with mediabunny (its own demuxer and WebCodecs decoding) in a
// worker, as reelcut's engine runs in one.
//   decode: demux + decode every video frame of a file, each frame closed at once.
//   reel:   a 1080x1920 reel of given ranges made by hand: mediabunny demux/decode, each frame
//           fitted with black bars on an OffscreenCanvas, a WebCodecs VideoEncoder (H.264 High) and
//           AudioEncoder (Opus), muxed by mediabunny's MP4 output into memory.
import {
  ALL_FORMATS,
  AudioSampleSink,
  BufferTarget,
  EncodedAudioPacketSource,
  EncodedPacket,
  EncodedVideoPacketSource,
  Input,
  Mp4OutputFormat,
  Output,
  UrlSource,
  VideoSampleSink,
} from 'mediabunny';
import { waitForDequeue } from './webcodecs';

export type MediabunnyRequest =
  | { kind: 'decode'; url: string }
  | { kind: 'reel'; url: string; ranges: { start: number; duration: number }[]; width: number; height: number; videoBitrate: number; audioBitrate: number; uploadUrl: string };

const post = (m: unknown) => (self as unknown as Worker).postMessage(m);

self.onmessage = async (ev: MessageEvent<MediabunnyRequest>) => {
  try {
    post(ev.data.kind === 'decode' ? await decodeAll(ev.data.url) : await reel(ev.data));
  } catch (e) {
    post({ error: String((e as Error).message ?? e) });
  }
};

async function decodeAll(url: string): Promise<{ frames: number; seconds: number }> {
  const t0 = performance.now();
  const input = new Input({ source: new UrlSource(url), formats: ALL_FORMATS });
  const track = await input.getPrimaryVideoTrack();
  if (!track) throw new Error('no video track');
  let frames = 0;
  for await (const sample of new VideoSampleSink(track).samples()) {
    frames++;
    sample.close();
  }
  input.dispose();
  return { frames, seconds: (performance.now() - t0) / 1000 };
}

async function reel(req: Extract<MediabunnyRequest, { kind: 'reel' }>) {
  const t0 = performance.now();
  const input = new Input({ source: new UrlSource(req.url), formats: ALL_FORMATS });
  const videoTrack = await input.getPrimaryVideoTrack();
  const audioTrack = await input.getPrimaryAudioTrack();
  if (!videoTrack || !audioTrack) throw new Error('the reel needs a video and an audio track');
  // Output at the source's rate, as reelcut does by default (30 for the bench file).
  const fps = Math.round((await videoTrack.computePacketStats(120)).averagePacketRate);
  const { width: W, height: H } = req;

  const target = new BufferTarget();
  const output = new Output({ format: new Mp4OutputFormat({ fastStart: 'in-memory' }), target });
  const videoOut = new EncodedVideoPacketSource('avc');
  const audioOut = new EncodedAudioPacketSource('opus');
  output.addVideoTrack(videoOut, { frameRate: fps });
  output.addAudioTrack(audioOut);
  await output.start();

  // Encoder callbacks hand packets to the muxer in order; a promise chain keeps them in order and
  // lets the end wait for the last one.
  let failure: unknown = null;
  let muxed: Promise<void> = Promise.resolve();
  const toMuxer = (add: () => Promise<void>) => (muxed = muxed.then(add).catch((e) => void (failure ??= e)));
  const videoEncoder = new VideoEncoder({
    output: (chunk, meta) => toMuxer(() => videoOut.add(EncodedPacket.fromEncodedChunk(chunk), meta)),
    error: (e) => (failure ??= e),
  });
  // Same settings as reelcut's negotiated encoder for this size (www/src/encode.ts): H.264 High
  // level 4.0, variable bit rate, quality latency mode, a key frame every 150 frames.
  videoEncoder.configure({ codec: 'avc1.640028', width: W, height: H, bitrate: req.videoBitrate, framerate: fps, bitrateMode: 'variable', latencyMode: 'quality', avc: { format: 'avc' } });
  const audioEncoder = new AudioEncoder({
    output: (chunk, meta) => toMuxer(() => audioOut.add(EncodedPacket.fromEncodedChunk(chunk), meta)),
    error: (e) => (failure ??= e),
  });
  // Chromium's Opus encoder takes the source rate and resamples to 48 kHz itself.
  audioEncoder.configure({ codec: 'opus', sampleRate: audioTrack.sampleRate, numberOfChannels: audioTrack.numberOfChannels, bitrate: req.audioBitrate });

  const canvas = new OffscreenCanvas(W, H);
  const ctx = canvas.getContext('2d', { alpha: false })!;
  const videoSink = new VideoSampleSink(videoTrack);
  const audioSink = new AudioSampleSink(audioTrack);
  let frames = 0;
  let outStart = 0; // seconds: where the current range begins in the reel
  for (const { start, duration } of req.ranges) {
    const end = start + duration;
    // Video: every source frame in [start, end) becomes the next output frame (constant rate).
    for await (const sample of videoSink.samples(start, end)) {
      // Fit inside the frame (letterbox): black bars top and bottom for a landscape source.
      const scale = Math.min(W / sample.displayWidth, H / sample.displayHeight);
      const dw = Math.round(sample.displayWidth * scale);
      const dh = Math.round(sample.displayHeight * scale);
      ctx.fillStyle = '#000';
      ctx.fillRect(0, 0, W, H);
      sample.draw(ctx, (W - dw) / 2, (H - dh) / 2, dw, dh);
      sample.close();
      const frame = new VideoFrame(canvas, { timestamp: Math.round((frames * 1e6) / fps), duration: Math.round(1e6 / fps) });
      while (videoEncoder.encodeQueueSize > 6) await waitForDequeue(videoEncoder);
      videoEncoder.encode(frame, { keyFrame: frames % 150 === 0 });
      frame.close();
      frames++;
      if (failure) throw failure;
    }
    // Audio: the decoded samples cut to exactly [start, end), moved to the range's place in the reel.
    for await (const sample of audioSink.samples(start, end)) {
      const from = Math.max(0, Math.round((start - sample.timestamp) * sample.sampleRate));
      const to = Math.min(sample.numberOfFrames, Math.round((end - sample.timestamp) * sample.sampleRate));
      if (to > from) {
        const cut = from === 0 && to === sample.numberOfFrames ? sample : sample.trim(from, to);
        cut.setTimestamp(outStart + (cut.timestamp - start));
        const data = cut.toAudioData();
        audioEncoder.encode(data);
        data.close();
        if (cut !== sample) cut.close();
      }
      sample.close();
    }
    outStart += duration;
  }
  await videoEncoder.flush();
  await audioEncoder.flush();
  videoEncoder.close();
  audioEncoder.close();
  await muxed;
  if (failure) throw failure;
  await output.finalize();
  input.dispose();
  const seconds = (performance.now() - t0) / 1000;
  const bytes = target.buffer!;
  // Kept out of the timing: hand the file to the bench (it checks it with ffprobe).
  const res = await fetch(req.uploadUrl, { method: 'PUT', body: bytes });
  if (!res.ok) throw new Error(`upload: HTTP ${res.status}`);
  return { frames, seconds, size: bytes.byteLength, fps };
}
