// A decoding cursor over one clip of a source: seeks to the clip's in point, decodes forward on
// demand, and answers "which frame is on screen at source time t" while holding only a couple of
// frames. The clip's audio is decoded on the way and handed to the mixer.

import type * as Core from '../pkg/reelcut.js';
import { audioChunk, audioDecoderConfig, audioToPlanarF32, openDemuxer, videoChunk, videoDecoderConfig, waitForDequeue, type DemuxedPacket, type MediaInfo } from './decode';
import type { SyncReader } from './io';
import { ReelcutError } from './types';

type CoreModule = typeof Core;

export interface ClipRange {
  /** Index of the clip in the reel (the mixer's clip index). */
  clip: number;
  inS: number;
  outS: number;
}

/** Frames past the one on screen that may be decoded ahead. */
const LOOKAHEAD_FRAMES = 3;
const MAX_DECODE_QUEUE = 8;
/** Video is read this far past the out point: B-frame reordering never reaches further. */
const VIDEO_TAIL_S = 1.0;

export class SourceCursor {
  private frames: VideoFrame[] = [];
  private video: VideoDecoder | null = null;
  private audio: AudioDecoder | null = null;
  private videoTrackId = -1;
  private audioTrackId = -1;
  private demuxEnded = false;
  private videoDone = false;
  private audioDone = true;
  private failure: unknown = null;
  private waiters: (() => void)[] = [];
  private scratch = { buf: new Float32Array(0) };
  private sawKey = false;

  private constructor(
    private demuxer: Core.WasmDemuxer,
    private reader: SyncReader,
    readonly info: MediaInfo,
    readonly range: ClipRange,
    private mixer: Core.WasmMixer | null,
  ) {}

  /** `withAudio`: decode the clip's audio into the mixer (else the caller marks it silent). */
  static async open(core: CoreModule, reader: SyncReader, range: ClipRange, mixer: Core.WasmMixer | null): Promise<SourceCursor> {
    const { demuxer, info } = openDemuxer(core, reader);
    const cursor = new SourceCursor(demuxer, reader, info, range, mixer);
    try {
      await cursor.start();
    } catch (e) {
      cursor.close();
      throw e;
    }
    return cursor;
  }

  /** Whether this cursor feeds audio to the mixer (the source has decodable audio). */
  get hasAudio(): boolean {
    return this.audio !== null;
  }

  private async start(): Promise<void> {
    const vt = this.info.tracks.find((t) => t.kind === 'Video');
    if (!vt) throw new ReelcutError('InvalidMedia.Unsupported', 'the input has no video track');
    this.videoTrackId = vt.id;
    this.video = new VideoDecoder({
      output: (f) => {
        this.frames.push(f);
        this.wake();
      },
      error: (e) => this.fail(new ReelcutError('InvalidMedia.Corrupt', `video decoding failed: ${e.message}`)),
    });
    this.video.configure(await videoDecoderConfig(vt));
    const at = this.info.tracks.find((t) => t.kind === 'Audio');
    const audioConfig = at && this.mixer ? await audioDecoderConfig(at) : null;
    if (at && audioConfig && this.mixer) {
      this.audioTrackId = at.id;
      this.audioDone = false;
      const mixer = this.mixer;
      this.audio = new AudioDecoder({
        output: (data) => {
          try {
            mixer.pushSource(this.range.clip, data.timestamp / 1e6, data.sampleRate, data.numberOfChannels, audioToPlanarF32(data, this.scratch));
          } catch (e) {
            this.fail(e);
          } finally {
            data.close();
          }
        },
        error: (e) => this.fail(new ReelcutError('InvalidMedia.Corrupt', `audio decoding failed: ${e.message}`)),
      });
      this.audio.configure(audioConfig);
    }
    if (this.range.inS > 0) this.demuxer.seek(this.range.inS);
  }

  private fail(e: unknown): void {
    this.failure ??= e;
    this.wake();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    w.forEach((f) => f());
  }

  private waitForOutput(): Promise<void> {
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      setTimeout(resolve, 50);
    });
  }

  /** Feeds packets until the decoders have enough queued or the needed data is read. */
  private async feed(): Promise<void> {
    while (!this.demuxEnded && (this.video!.decodeQueueSize < MAX_DECODE_QUEUE || this.videoDone)) {
      if (this.failure) throw this.failure;
      const packet = this.demuxer.nextPacket();
      if (!packet) {
        this.demuxEnded = true;
        break;
      }
      try {
        const t = packet.pts / 1e6;
        if (packet.trackId === this.videoTrackId && !this.videoDone) {
          if (t > this.range.outS + VIDEO_TAIL_S) {
            this.videoDone = true;
            await this.video!.flush().catch((e) => this.fail(e));
            continue;
          }
          if (!this.sawKey && !packet.isKey) continue;
          this.sawKey = true;
          this.video!.decode(videoChunk(packet));
        } else if (packet.trackId === this.audioTrackId && !this.audioDone) {
          await this.decodeAudio(packet);
        }
        if (this.videoDone && this.audioDone) this.demuxEnded = true;
      } finally {
        packet.free();
      }
      // Once video has enough lookahead, stop reading unless audio still lags behind it.
      if (this.frames.length > LOOKAHEAD_FRAMES && (this.audioDone || this.videoDone)) break;
    }
    if (this.demuxEnded && !this.videoDone) {
      this.videoDone = true;
      await this.video!.flush().catch((e) => this.fail(e));
    }
  }

  /** Decodes an audio packet inside the clip's range (with 0.1 s margins); past it, audio is done. */
  private async decodeAudio(packet: DemuxedPacket): Promise<void> {
    const t = packet.pts / 1e6;
    if (t > this.range.outS + 0.1) {
      this.audioDone = true;
    } else if (t + 0.1 >= this.range.inS) {
      while (this.audio!.decodeQueueSize > MAX_DECODE_QUEUE) await waitForDequeue(this.audio!);
      this.audio!.decode(audioChunk(packet));
    }
  }

  /**
   * The frame on screen at source time `t` (the last one with timestamp <= t), or the first frame
   * when t precedes it. Older frames are closed. The frame stays owned by the cursor.
   */
  async frameAt(t: number): Promise<VideoFrame | null> {
    const tUs = t * 1e6 + 500; // half a millisecond of slack for rounded timestamps
    for (;;) {
      if (this.failure) throw this.failure;
      // Drop frames superseded by a later one that is still <= t.
      while (this.frames.length > 1 && this.frames[1].timestamp <= tUs) this.frames.shift()!.close();
      const ahead = this.frames.length > 1 || (this.frames.length === 1 && this.frames[0].timestamp > tUs);
      if (ahead || (this.videoDone && this.video!.decodeQueueSize === 0)) return this.frames[0] ?? null;
      if (this.frames.length <= LOOKAHEAD_FRAMES && !this.demuxEnded) await this.feed();
      if (this.video!.decodeQueueSize > 0 || !this.videoDone) await this.waitForOutput();
    }
  }

  /** Reads the rest of the clip's audio into the mixer and tells it the clip is complete. */
  async finishAudio(): Promise<void> {
    while (this.audio && !this.audioDone && !this.demuxEnded) {
      if (this.failure) throw this.failure;
      const packet = this.demuxer.nextPacket();
      if (!packet) break;
      try {
        if (packet.trackId === this.audioTrackId) await this.decodeAudio(packet);
      } finally {
        packet.free();
      }
    }
    this.audioDone = true;
    if (this.audio && this.audio.state === 'configured') await this.audio.flush().catch((e) => this.fail(e));
    if (this.failure) throw this.failure;
    this.mixer?.finishClip(this.range.clip);
  }

  /** Releases every frame, decoder and the demuxer (safe to call twice). */
  close(): void {
    for (const f of this.frames) f.close();
    this.frames = [];
    for (const d of [this.video, this.audio]) if (d && d.state !== 'closed') d.close();
    this.video = null;
    this.audio = null;
    try {
      this.demuxer.free();
    } catch {
      /* already freed */
    }
    this.reader.close();
  }
}
