// AAC-LC encoded in wasm (libavcodec's `aac` encoder, via @mediabunny/aac-encoder, MPL-2.0) behind
// the shape of WebCodecs' AudioEncoder, for browsers whose AudioEncoder has no AAC (Chromium on
// Linux encodes Opus only). The Rust engine constructs it where it would construct `AudioEncoder`
// and drives it through the same calls (src/web/codec/encoder.rs), so negotiation, backpressure,
// output chunks and the decoder description follow one code path. Loaded on demand
// (src/web/encoders.rs asks the worker through `JobIo.loadWasmAac`, ./load.ts) only when an
// MP4/MOV output needs AAC and the browser has none.
//
// The package runs the codec in a worker of its own (a classic worker from a blob: URL), nested
// in the engine's worker.

import { registerAacEncoder } from '@mediabunny/aac-encoder';
import { registeredEncoder, type AudioSampleLike, type CustomAudioEncoder, type EncodedPacket } from './mediabunny-host';

registerAacEncoder();
const AacCodec = registeredEncoder();

/**
 * libavcodec's AAC encoder delays its output by one frame of 1024 samples (`initial_padding`):
 * the first packet decodes to those priming samples. The package times packets from the first
 * input sample, so each chunk is moved back by them; the MP4 writer turns the negative start into
 * the edit list (media time 1024) that makes players drop the priming, as ffmpeg writes it.
 */
const PRIMING_SAMPLES = 1024;

type CodecStateName = 'unconfigured' | 'configured' | 'closed';

/** AudioEncoder-shaped: `configure`, `encode`, `flush`, `close`, `encodeQueueSize`, `ondequeue`. */
export class WasmAacEncoder {
  /** As `AudioEncoder.isConfigSupported`: AAC-LC at the rates, channels and bit rates libavcodec takes. */
  static async isConfigSupported(config: AudioEncoderConfig): Promise<AudioEncoderSupport> {
    const supported = !!AacCodec && config.codec === 'mp4a.40.2' && AacCodec.supports('aac', config);
    return { supported, config };
  }

  state: CodecStateName = 'unconfigured';
  encodeQueueSize = 0;
  ondequeue: (() => void) | null = null;

  private codec: CustomAudioEncoder | null = null;
  private sampleRate = 0;
  /** Calls into the codec run one after another, as mediabunny serialises them. */
  private chain: Promise<void> = Promise.resolve();
  private failure: unknown = null;

  constructor(private readonly init: AudioEncoderInit) {}

  configure(config: AudioEncoderConfig): void {
    if (this.state === 'closed') throw new DOMException('the AAC encoder is closed', 'InvalidStateError');
    if (!AacCodec || !AacCodec.supports('aac', config)) throw new DOMException(`AAC cannot encode ${JSON.stringify(config)}`, 'NotSupportedError');
    const codec = new AacCodec();
    // The host sets these before init(), as mediabunny does for a custom encoder.
    Object.assign(codec, {
      codec: 'aac',
      config,
      onPacket: (packet: EncodedPacket, meta?: EncodedAudioChunkMetadata) => this.output(packet, meta),
      onError: (error: unknown) => this.fail(error),
    });
    this.codec = codec;
    this.sampleRate = config.sampleRate;
    this.state = 'configured';
    this.enqueue(() => codec.init());
  }

  encode(data: AudioData): void {
    if (this.state !== 'configured' || !this.codec) throw new DOMException('the AAC encoder is not configured', 'InvalidStateError');
    // Copied now: the caller may close `data` as soon as this returns (as with AudioEncoder).
    const sample = interleaved(data);
    const codec = this.codec;
    this.encodeQueueSize++;
    this.enqueue(async () => {
      try {
        await codec.encode(sample);
      } finally {
        this.encodeQueueSize--;
        this.ondequeue?.();
      }
    });
  }

  /** Resolves when every sample given so far is out (the last frame is padded with silence). */
  async flush(): Promise<void> {
    if (this.state !== 'configured' || !this.codec) throw new DOMException('the AAC encoder is not configured', 'InvalidStateError');
    const codec = this.codec;
    this.enqueue(() => codec.flush());
    await this.chain;
    if (this.failure !== null) throw this.failure;
  }

  close(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    // Terminates the package's worker (and the wasm codec inside it).
    void this.codec?.close();
    this.codec = null;
  }

  private enqueue(step: () => Promise<void> | void): void {
    this.chain = this.chain.then(async () => {
      if (this.failure !== null || this.state === 'closed') return;
      try {
        await step();
      } catch (e) {
        this.fail(e);
      }
    });
  }

  private fail(error: unknown): undefined {
    if (this.failure !== null || this.state === 'closed') return undefined;
    this.failure = error instanceof Error ? new DOMException(error.message, 'EncodingError') : new DOMException(String(error), 'EncodingError');
    this.close();
    this.init.error(this.failure as DOMException);
    return undefined;
  }

  private output(packet: EncodedPacket, meta?: EncodedAudioChunkMetadata): void {
    if (this.state === 'closed') return;
    const primingS = PRIMING_SAMPLES / this.sampleRate;
    const chunk = new EncodedAudioChunk({
      type: 'key',
      timestamp: Math.round((packet.timestamp - primingS) * 1e6),
      duration: Math.round(packet.duration * 1e6),
      data: packet.data,
    });
    this.init.output(chunk, meta ?? {});
  }
}

/** The samples of `data` as interleaved f32 (what the package reads), in the shape it reads them. */
function interleaved(data: AudioData): AudioSampleLike {
  const frames = data.numberOfFrames;
  const channels = data.numberOfChannels;
  const out = new Float32Array(frames * channels);
  if (data.format === 'f32') {
    data.copyTo(out, { planeIndex: 0, format: 'f32' });
  } else {
    const plane = new Float32Array(frames);
    for (let c = 0; c < channels; c++) {
      data.copyTo(plane, { planeIndex: c, format: 'f32-planar' });
      for (let i = 0; i < frames; i++) out[i * channels + c] = plane[i];
    }
  }
  const bytes = new Uint8Array(out.buffer);
  return {
    timestamp: data.timestamp / 1e6,
    numberOfFrames: frames,
    allocationSize: () => bytes.byteLength,
    copyTo: (destination) => destination.set(bytes),
  };
}
