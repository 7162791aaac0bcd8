// Analysis of one input: Rust demuxer → WebCodecs decoders → Rust analyzer, streaming, with
// backpressure so memory stays flat whatever the input length.

import type * as Core from '../pkg/reelcut.js';
import type { SyncReader } from './io';
import { audioChunk, audioDecoderConfig, audioToPlanarF32, videoChunk, videoDecoderConfig, waitForDequeue, type MediaInfo } from './decode';
import { ReelcutError } from './types';

type CoreModule = typeof Core;

export interface SourceRange {
  /** Seconds of the source. */
  start: number;
  /** Seconds of the source (exclusive), already clamped to the media duration. */
  end: number;
}

export interface AnalysedSource {
  analyzer: Core.WasmAnalyzer;
  info: MediaInfo;
  range: SourceRange;
  notes: string[];
  frames: number;
}

export interface AnalyseOptions {
  signal: AbortSignal;
  /** The wasm instance's memory, for copying frames straight into the analyzer's buffer. */
  memory?: WebAssembly.Memory;
  /** Fraction 0..1 of this source done. */
  onProgress(fraction: number): void;
}

/** Frames decoded but not yet handed to the analyzer; more would pin decoder buffers. */
const MAX_FRAMES_IN_FLIGHT = 8;
const MAX_DECODE_QUEUE = 16;

export function openDemuxer(core: CoreModule, reader: SyncReader): { demuxer: Core.WasmDemuxer; info: MediaInfo } {
  const demuxer = new core.WasmDemuxer(reader);
  const info = JSON.parse(demuxer.infoJson()) as MediaInfo;
  return { demuxer, info };
}

export async function analyseSource(
  core: CoreModule,
  reader: SyncReader,
  requested: { startS: number; durationS: number },
  opts: AnalyseOptions,
): Promise<AnalysedSource> {
  const { demuxer, info } = openDemuxer(core, reader);
  const notes: string[] = [];
  const decoders: { close(): void; state: string }[] = [];
  try {
    const videoTrack = info.tracks.find((t) => t.kind === 'Video');
    if (!videoTrack) {
      const audio = info.tracks.find((t) => t.kind === 'Audio');
      throw new ReelcutError(
        'InvalidMedia.Unsupported',
        audio ? `the input has no video track (audio only: ${audio.codec_name}); reelcut needs video` : 'the input has no video or audio track',
      );
    }
    const start = Math.max(0, requested.startS);
    const end = requested.durationS > 0 ? Math.min(info.duration_s, start + requested.durationS) : info.duration_s;
    if (start >= info.duration_s) {
      throw new ReelcutError('InvalidParameter.StartTime', `StartTime ${start} s is past the end of the media (${info.duration_s.toFixed(3)} s)`);
    }
    const range = { start, end };
    const analyzer = new core.WasmAnalyzer(end, videoTrack.video!.frame_rate || 30);

    let failure: unknown = null;
    const fail = (e: unknown) => {
      failure ??= e;
    };

    // Video: frames are copied into a reused buffer and reduced to features by the Rust analyzer.
    const videoConfig = await videoDecoderConfig(videoTrack);
    let inFlight = 0;
    let chain = Promise.resolve();
    let frameBuf = new Uint8Array(0);
    let frames = 0;
    const pushFrame = async (frame: VideoFrame, t: number) => {
      try {
        if (failure) return;
        if (frame.format) {
          const size = frame.allocationSize();
          const r = frame.visibleRect!;
          const args = [t, frame.format, r.width, r.height, frame.colorSpace?.fullRange ?? false] as const;
          if (opts.memory) {
            // Straight into wasm memory: Chromium copies CPU frames synchronously inside copyTo,
            // so the view cannot be detached by a memory growth before the copy happens.
            const ptr = analyzer.frameBuffer(size);
            const layout = await frame.copyTo(new Uint8Array(opts.memory.buffer, ptr, size));
            analyzer.pushFrameBuffer(...args, size, new Uint32Array(layout.map((p) => p.offset)), new Uint32Array(layout.map((p) => p.stride)));
          } else {
            if (frameBuf.length < size) frameBuf = new Uint8Array(size);
            const layout = await frame.copyTo(frameBuf);
            analyzer.pushFrame(...args, frameBuf.subarray(0, size), new Uint32Array(layout.map((p) => p.offset)), new Uint32Array(layout.map((p) => p.stride)));
          }
        } else {
          // Opaque (GPU) frames have no CPU layout: draw them small and read back RGBA.
          const w = 160, h = 90;
          const canvas = new OffscreenCanvas(w, h);
          const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
          ctx.drawImage(frame, 0, 0, w, h);
          const rgba = new Uint8Array(ctx.getImageData(0, 0, w, h).data.buffer);
          analyzer.pushFrame(t, 'RGBA', w, h, true, rgba, new Uint32Array([0]), new Uint32Array([w * 4]));
        }
        frames++;
      } catch (e) {
        fail(e);
      } finally {
        frame.close();
        inFlight--;
      }
    };
    const videoDecoder = new VideoDecoder({
      output: (frame) => {
        const t = frame.timestamp / 1e6;
        if (failure || t < start - 1e-3 || t >= end || !analyzer.wantsFrame(t)) {
          frame.close();
          return;
        }
        inFlight++;
        chain = chain.then(() => pushFrame(frame, t));
      },
      error: (e) => fail(new ReelcutError('InvalidMedia.Corrupt', `video decoding failed (${videoTrack.codec_name}): ${e.message}`)),
    });
    decoders.push(videoDecoder);
    videoDecoder.configure(videoConfig);

    // Audio: optional; an undecodable audio codec is noted and the video is still analysed.
    const audioTrack = info.tracks.find((t) => t.kind === 'Audio');
    let audioDecoder: AudioDecoder | null = null;
    if (audioTrack) {
      const audioConfig = await audioDecoderConfig(audioTrack);
      if (!audioConfig) {
        notes.push(`audio codec ${audioTrack.codec_name} (${audioTrack.audio!.codec}) cannot be decoded by this browser; analysed the picture only`);
      } else {
        const scratch = { buf: new Float32Array(0) };
        audioDecoder = new AudioDecoder({
          output: (data) => {
            try {
              const t = data.timestamp / 1e6;
              const dur = data.numberOfFrames / data.sampleRate;
              if (!failure && t + dur > start && t < end) {
                analyzer.pushAudio(t, data.sampleRate, data.numberOfChannels, audioToPlanarF32(data, scratch));
              }
            } catch (e) {
              fail(e);
            } finally {
              data.close();
            }
          },
          error: (e) => fail(new ReelcutError('InvalidMedia.Corrupt', `audio decoding failed (${audioTrack.codec_name}): ${e.message}`)),
        });
        decoders.push(audioDecoder);
        audioDecoder.configure(audioConfig);
      }
    }
    if (!audioTrack) notes.push('the input has no audio track; analysed the picture only');

    if (start > 0) demuxer.seek(start);
    let packets = 0;
    let sawVideoKey = false;
    for (;;) {
      if (opts.signal.aborted) throw new ReelcutError('Job.Canceled', 'the job was canceled');
      if (failure) throw failure;
      const packet = demuxer.nextPacket();
      if (!packet) break;
      const t = packet.pts / 1e6;
      try {
        if (packet.trackId === videoTrack.id) {
          // Past the range: every frame we need has been fed (B-frame reordering stays within a GOP).
          if (t > end + 2) break;
          if (!sawVideoKey && !packet.isKey) continue;
          sawVideoKey = true;
          while ((videoDecoder.decodeQueueSize > MAX_DECODE_QUEUE || inFlight > MAX_FRAMES_IN_FLIGHT) && !failure) {
            await (inFlight > MAX_FRAMES_IN_FLIGHT ? chain : waitForDequeue(videoDecoder));
          }
          videoDecoder.decode(videoChunk(packet));
          if (++packets % 30 === 0) opts.onProgress(Math.min(1, Math.max(0, (t - start) / Math.max(1e-6, end - start))));
        } else if (audioDecoder && audioTrack && packet.trackId === audioTrack.id) {
          if (t > end + 1 || t < start - 1) continue;
          while (audioDecoder.decodeQueueSize > MAX_DECODE_QUEUE && !failure) await waitForDequeue(audioDecoder);
          audioDecoder.decode(audioChunk(packet));
        }
      } finally {
        packet.free();
      }
    }
    if (!sawVideoKey) throw new ReelcutError('InvalidMedia.Corrupt', 'the video track has no decodable key frame');
    await Promise.all([
      videoDecoder.flush().catch((e) => fail(new ReelcutError('InvalidMedia.Corrupt', `video decoding failed: ${e.message ?? e}`))),
      audioDecoder?.flush().catch((e) => fail(new ReelcutError('InvalidMedia.Corrupt', `audio decoding failed: ${e.message ?? e}`))),
    ]);
    await chain;
    if (failure) throw failure;
    if (frames === 0) throw new ReelcutError('InvalidMedia.Corrupt', 'no video frame could be decoded in the requested range');
    opts.onProgress(1);
    return { analyzer, info, range, notes, frames };
  } finally {
    for (const d of decoders) if (d.state !== 'closed') d.close();
    demuxer.free();
  }
}
