// Renders one reel: per output frame, the Rust renderer says what to draw; source cursors supply
// decoded frames; the canvas executor draws; WebCodecs encodes; the Rust muxer writes the container.
// Audio: each clip's decoded audio goes into the Rust mixer, whose blocks are encoded in order.

import type * as Core from '../pkg/reelcut.js';
import { SourceCursor } from './cursor';
import { waitForDequeue } from './decode';
import { FrameExecutor, type DrawOp, type FrameOps } from './draw';
import type { AudioChoice, OutputContainer, VideoChoice } from './encode';
import type { SyncReader } from './io';
import { ReelcutError } from './types';

type CoreModule = typeof Core;

export interface RenderClipPlan {
  source: number;
  inS: number;
  outS: number;
  outStartS: number;
  transitionIn: { name: string; durationS: number; color?: [number, number, number] | null } | null;
  volume: number;
}

export interface RenderPlanJson {
  width: number;
  height: number;
  fps: number;
  scale: string | null;
  clips: RenderClipPlan[];
  sources: { codedW: number; codedH: number; rotation: number; pixelAspect: [number, number]; displayW: number; displayH: number }[];
  durationS: number;
}

export interface RenderInputs {
  core: CoreModule;
  plan: RenderPlanJson;
  /** Opens a fresh reader for source i (each cursor reads independently). */
  openSource(i: number): Promise<SyncReader>;
  /** Which sources have decodable audio. */
  sourceHasAudio: boolean[];
  container: OutputContainer;
  video: VideoChoice;
  audio: AudioChoice | null;
  gop: number;
  signal: AbortSignal;
  onProgress(fraction: number): void;
}

export interface RenderedReel {
  blob: Blob;
  frames: number;
  durationS: number;
  videoCodec: string;
  audioCodec: string | null;
}

interface StoredChunk {
  track: number;
  timestamp: number;
  duration: number;
  key: boolean;
  data: Uint8Array;
}

const MAX_ENCODE_QUEUE = 6;
const AUDIO_BLOCK = 1024;

export async function renderReel(inp: RenderInputs): Promise<RenderedReel> {
  const { core, plan, signal } = inp;
  const renderer = new core.WasmRenderer(JSON.stringify(plan));
  const mixer = inp.audio ? renderer.mixer(inp.audio.config.sampleRate, inp.audio.config.numberOfChannels) : null;
  const cursors = new Map<number, SourceCursor>();
  const finished = new Set<number>();
  const chunks: StoredChunk[] = [];
  let videoDescription: Uint8Array | null = null;
  let audioDescription: Uint8Array | null = null;
  let failure: unknown = null;
  const fail = (e: unknown) => (failure ??= e);

  const videoEncoder = new VideoEncoder({
    output: (chunk, meta) => {
      if (meta?.decoderConfig?.description && !videoDescription) videoDescription = copyBytes(meta.decoderConfig.description);
      const data = new Uint8Array(chunk.byteLength);
      chunk.copyTo(data);
      chunks.push({ track: 0, timestamp: chunk.timestamp, duration: chunk.duration ?? 0, key: chunk.type === 'key', data });
    },
    error: (e) => fail(new ReelcutError('Internal', `video encoder failed: ${e.message}`)),
  });
  const audioEncoder = inp.audio
    ? new AudioEncoder({
        output: (chunk, meta) => {
          if (meta?.decoderConfig?.description && !audioDescription) audioDescription = copyBytes(meta.decoderConfig.description);
          const data = new Uint8Array(chunk.byteLength);
          chunk.copyTo(data);
          chunks.push({ track: 1, timestamp: chunk.timestamp, duration: chunk.duration ?? 0, key: true, data });
        },
        error: (e) => fail(new ReelcutError('Internal', `audio encoder failed: ${e.message}`)),
      })
    : null;

  const closeAll = () => {
    for (const c of cursors.values()) c.close();
    cursors.clear();
    for (const e of [videoEncoder, audioEncoder]) if (e && e.state !== 'closed') e.close();
    mixer?.free();
    renderer.free();
  };

  try {
    videoEncoder.configure(inp.video.config);
    audioEncoder?.configure(inp.audio!.config);
    const exec = new FrameExecutor(plan.width, plan.height, plan.sources.map((s) => ({ codedW: s.codedW, codedH: s.codedH })));
    const total = renderer.frameCount();
    const frameUs = 1e6 / plan.fps;
    // Clips whose source has no audio contribute silence.
    plan.clips.forEach((c, i) => {
      if (mixer && !inp.sourceHasAudio[c.source]) mixer.markSilent(i);
    });

    const finishClip = async (clip: number) => {
      const cursor = cursors.get(clip);
      if (!cursor) return;
      cursors.delete(clip);
      finished.add(clip);
      try {
        if (mixer && cursor.hasAudio) await cursor.finishAudio();
        // An audio track this browser cannot decode plays as silence (noted by the caller).
        else if (mixer && inp.sourceHasAudio[plan.clips[clip].source]) mixer.markSilent(clip);
      } finally {
        cursor.close();
      }
    };
    let audioFrames = 0;
    const pumpAudio = async () => {
      if (!mixer || !audioEncoder) return;
      for (;;) {
        const block = mixer.pull(AUDIO_BLOCK);
        if (!block || block.length === 0) return;
        const channels = inp.audio!.config.numberOfChannels;
        const frames = block.length / channels;
        const data = new AudioData({
          format: 'f32',
          sampleRate: inp.audio!.config.sampleRate,
          numberOfFrames: frames,
          numberOfChannels: channels,
          timestamp: Math.round((audioFrames * 1e6) / inp.audio!.config.sampleRate),
          data: block as Float32Array<ArrayBuffer>,
        });
        audioFrames += frames;
        while (audioEncoder.encodeQueueSize > MAX_ENCODE_QUEUE) await waitForDequeue(audioEncoder);
        audioEncoder.encode(data);
        data.close();
      }
    };

    for (let i = 0; i < total; i++) {
      if (signal.aborted) throw new ReelcutError('Job.Canceled', 'the job was canceled');
      if (failure) throw failure;
      const ops = JSON.parse(renderer.frameOps(i)) as FrameOps;
      const active = new Set(ops.layers.map((l) => l.clip).filter((c): c is number => c !== null));
      // Clips before the earliest active one are over: finish their audio and free their decoders.
      const earliest = Math.min(...active, Infinity);
      for (const clip of [...cursors.keys()]) if (clip < earliest && !active.has(clip)) await finishClip(clip);
      for (let c = 0; c < Math.min(earliest, plan.clips.length); c++) {
        if (!finished.has(c) && !cursors.has(c)) {
          // A clip shorter than one output frame never shows; its audio is still mixed.
          await openCursor(c);
          await finishClip(c);
        }
      }
      for (const clip of active) if (!cursors.has(clip) && !finished.has(clip)) await openCursor(clip);
      const frames = new Map<string, VideoFrame | null>();
      for (const layer of ops.layers) {
        if (layer.clip === null) continue;
        for (const op of layer.draws) {
          const key = `${layer.clip}:${op.sourceTimeS}`;
          if (!frames.has(key)) frames.set(key, (await cursors.get(layer.clip)?.frameAt(op.sourceTimeS)) ?? null);
        }
      }
      const timing = { timestamp: Math.round(i * frameUs), duration: Math.round(frameUs) };
      const passThrough = unchangedSourceFrame(ops, plan, frames);
      let frame: VideoFrame;
      if (passThrough) {
        // The output frame is exactly a decoded frame (same size, whole picture, no effect): hand
        // it to the encoder as is, skipping the draw and the canvas read-back.
        frame = new VideoFrame(passThrough, timing);
      } else {
        // Drawing a VideoFrame converts all of it from YUV each time; a frame drawn twice (the
        // blurred background and the picture over it) is converted once, to an ImageBitmap.
        // It is converted at the size of its sharp (unblurred) draw when that is smaller, so that
        // draw becomes a plain copy and the blurred one starts from fewer pixels.
        const uses = new Map<string, DrawOp[]>();
        for (const l of ops.layers) for (const op of l.draws) if (l.clip !== null) uses.set(`${l.clip}:${op.sourceTimeS}`, [...(uses.get(`${l.clip}:${op.sourceTimeS}`) ?? []), op]);
        const bitmaps = new Map<string, ImageBitmap>();
        for (const [key, list] of uses) {
          const f = frames.get(key);
          if (list.length < 2 || !f) continue;
          bitmaps.set(key, await createImageBitmap(f, bitmapSize(list, plan.sources[list[0].source], f)));
        }
        exec.draw(ops, (clip, op) => bitmaps.get(`${clip}:${op.sourceTimeS}`) ?? frames.get(`${clip}:${op.sourceTimeS}`) ?? null);
        for (const b of bitmaps.values()) b.close();
        frame = new VideoFrame(exec.canvas, timing);
      }
      while (videoEncoder.encodeQueueSize > MAX_ENCODE_QUEUE && !failure) await waitForDequeue(videoEncoder);
      videoEncoder.encode(frame, { keyFrame: i % inp.gop === 0 });
      frame.close();
      await pumpAudio();
      if (i % 15 === 0) inp.onProgress(i / total);
    }
    for (const clip of [...cursors.keys()]) await finishClip(clip);
    for (let c = 0; c < plan.clips.length; c++) {
      if (!finished.has(c)) {
        await openCursor(c);
        await finishClip(c);
      }
    }
    await pumpAudio();
    await videoEncoder.flush();
    await audioEncoder?.flush();
    if (failure) throw failure;

    const tracks: unknown[] = [
      { kind: 'video', family: inp.video.family, codec: inp.video.config.codec, description: videoDescription ? [...videoDescription] : null, width: plan.width, height: plan.height, timescale: 90000 },
    ];
    if (inp.audio) tracks.push({ kind: 'audio', family: inp.audio.family, description: audioDescription ? [...audioDescription] : null, sampleRate: inp.audio.config.sampleRate, channels: inp.audio.config.numberOfChannels });
    const muxer = new core.WasmMuxer(inp.container, JSON.stringify(tracks));
    try {
      // Interleave by time so a player reading the file front to back finds both tracks together.
      chunks.sort((a, b) => a.timestamp - b.timestamp || a.track - b.track);
      const body: BlobPart[] = [];
      for (const c of chunks) {
        const bytes = muxer.push(c.track, c.timestamp, c.timestamp, c.duration, c.key, c.data);
        if (bytes.length) body.push(bytes as Uint8Array<ArrayBuffer>);
      }
      const head = muxer.finish() as Uint8Array<ArrayBuffer>;
      const tail = muxer.tail() as Uint8Array<ArrayBuffer>;
      const type = inp.container === 'webm' ? 'video/webm' : inp.container === 'mkv' ? 'video/x-matroska' : inp.container === 'mov' ? 'video/quicktime' : 'video/mp4';
      inp.onProgress(1);
      return {
        blob: new Blob([head, ...body, tail], { type }),
        frames: total,
        durationS: plan.durationS,
        videoCodec: inp.video.config.codec,
        audioCodec: inp.audio ? inp.audio.config.codec : null,
      };
    } finally {
      muxer.free();
    }
  } finally {
    closeAll();
  }

  async function openCursor(clip: number): Promise<void> {
    const c = plan.clips[clip];
    const reader = await inp.openSource(c.source);
    cursors.set(clip, await SourceCursor.open(core, reader, { clip, inS: c.inS, outS: c.outS }, mixer));
  }
}

/**
 * Resize options for converting a frame drawn by several ops: the size of its sharp draw when every
 * op takes the whole picture and that size is smaller than the frame; else no resize. The
 * bitmap keeps the frame's aspect, so the ops' source rects are scaled by `drawOp` as usual.
 */
function bitmapSize(list: DrawOp[], geo: RenderPlanJson['sources'][number], frame: VideoFrame): ImageBitmapOptions {
  const whole = list.every((op) => op.srcRect.x === 0 && op.srcRect.y === 0 && op.srcRect.w === geo.codedW && op.srcRect.h === geo.codedH);
  const sharp = list.find((op) => op.blurPx === 0);
  if (!whole || !sharp) return {};
  const [w, h] = sharp.rotation % 180 === 0 ? [sharp.dstRect.w, sharp.dstRect.h] : [sharp.dstRect.h, sharp.dstRect.w];
  if (w >= frame.displayWidth || h >= frame.displayHeight) return {};
  return { resizeWidth: Math.max(1, Math.round(w)), resizeHeight: Math.max(1, Math.round(h)), resizeQuality: 'medium' };
}

/** The decoded frame an output frame is identical to, when it is one (the common same-size case). */
function unchangedSourceFrame(ops: FrameOps, plan: RenderPlanJson, frames: Map<string, VideoFrame | null>): VideoFrame | null {
  if (ops.layers.length !== 1) return null;
  const layer = ops.layers[0];
  if (layer.clip === null || layer.draws.length !== 1 || layer.opacity < 1 || layer.fillAfter || layer.dissolve || layer.clipRect) return null;
  if (layer.offsetX !== 0 || layer.offsetY !== 0) return null;
  const op = layer.draws[0];
  const geo = plan.sources[op.source];
  const frame = frames.get(`${layer.clip}:${op.sourceTimeS}`);
  if (!frame || op.rotation !== 0 || op.blurPx > 0) return null;
  const whole = (r: { x: number; y: number; w: number; h: number }, w: number, h: number) => r.x === 0 && r.y === 0 && r.w === w && r.h === h;
  if (!whole(op.srcRect, geo.codedW, geo.codedH) || !whole(op.dstRect, plan.width, plan.height)) return null;
  return frame.displayWidth === plan.width && frame.displayHeight === plan.height && frame.codedWidth >= plan.width ? frame : null;
}

function copyBytes(src: AllowSharedBufferSource): Uint8Array {
  if (src instanceof ArrayBuffer) return new Uint8Array(src.slice(0));
  const view = src as ArrayBufferView;
  return new Uint8Array(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength) as ArrayBuffer);
}
