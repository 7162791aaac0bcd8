// WebCodecs helpers for the benchmark's baselines (pure decode, pure encode, the mediabunny reel).
// The engine itself drives WebCodecs from Rust (src/web/codec); these exist only so the baselines
// use the same decoder settings, in plain TypeScript as a hand-written app would.

import type { TrackInfo } from '../src/media';

export async function videoDecoderConfig(track: TrackInfo): Promise<VideoDecoderConfig> {
  const v = track.video!;
  const config: VideoDecoderConfig = {
    codec: v.codec,
    codedWidth: v.coded_width,
    codedHeight: v.coded_height,
    ...(v.description ? { description: new Uint8Array(v.description) } : {}),
  };
  let supported = false;
  try {
    supported = !!(await VideoDecoder.isConfigSupported(config)).supported;
  } catch {
    supported = false;
  }
  if (!supported) {
    throw new Error(
      `video codec ${track.codec_name} (${v.codec}, ${v.coded_width}x${v.coded_height}) cannot be decoded by this browser's WebCodecs`,
    );
  }
  return config;
}

/** Returns a config, or null when this browser cannot decode the audio codec. */
export async function audioDecoderConfig(track: TrackInfo): Promise<AudioDecoderConfig | null> {
  const a = track.audio!;
  const config: AudioDecoderConfig = {
    codec: a.codec,
    sampleRate: a.sample_rate,
    numberOfChannels: a.channels,
    ...(a.description ? { description: new Uint8Array(a.description) } : {}),
  };
  try {
    return (await AudioDecoder.isConfigSupported(config)).supported ? config : null;
  } catch {
    return null;
  }
}

/** What the Rust demuxer hands out per packet (a `WasmPacket`). */
export interface DemuxedPacket {
  pts: number;
  duration: number;
  isKey: boolean;
  data: Uint8Array;
}

/** A demuxed video packet as WebCodecs wants it (timestamps in microseconds). */
export function videoChunk(p: DemuxedPacket): EncodedVideoChunk {
  return new EncodedVideoChunk({ type: p.isKey ? 'key' : 'delta', timestamp: p.pts, duration: p.duration, data: p.data });
}

/** A demuxed audio packet; every audio packet decodes on its own. */
export function audioChunk(p: DemuxedPacket): EncodedAudioChunk {
  return new EncodedAudioChunk({ type: 'key', timestamp: p.pts, duration: p.duration, data: p.data });
}

/** Resolves when the codec's queue has room again (the `dequeue` event), or on close. */
export function waitForDequeue(codec: VideoDecoder | AudioDecoder | VideoEncoder | AudioEncoder): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      codec.removeEventListener('dequeue', done);
      clearTimeout(timer);
      resolve();
    };
    // The timer guards against a codec that errored and will never dequeue again.
    const timer = setTimeout(done, 250);
    codec.addEventListener('dequeue', done);
  });
}

/** Copies an AudioData into one planar f32 buffer (channel planes end to end). */
export function audioToPlanarF32(data: AudioData, scratch: { buf: Float32Array }): Float32Array {
  const frames = data.numberOfFrames;
  const channels = data.numberOfChannels;
  const need = frames * channels;
  if (scratch.buf.length < need) scratch.buf = new Float32Array(need);
  const out = scratch.buf.subarray(0, need);
  for (let c = 0; c < channels; c++) {
    data.copyTo(out.subarray(c * frames, (c + 1) * frames), { planeIndex: c, format: 'f32-planar' });
  }
  return out;
}

