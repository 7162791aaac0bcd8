// Encoder negotiation: ask WebCodecs what it can do before a job renders, fall back in a documented
// order, and report what was used. Video: H.264 High (level from size and rate) → VP9 → AV1 → VP8;
// audio: AAC-LC → Opus. WebM holds only VP8/VP9/AV1 + Opus; MP4/MOV/MKV hold all of them.

import { ReelcutError } from './types';

export type VideoFamily = 'avc' | 'vp9' | 'av1' | 'vp8';
export type AudioFamily = 'aac' | 'opus';
export type OutputContainer = 'mp4' | 'mov' | 'webm' | 'mkv';

export interface VideoChoice {
  family: VideoFamily;
  config: VideoEncoderConfig;
}

export interface AudioChoice {
  family: AudioFamily;
  config: AudioEncoderConfig;
}

/** H.264 levels: (level_idc, max frame size in macroblocks, max macroblocks per second). */
const AVC_LEVELS: [number, number, number][] = [
  [0x1e, 1620, 40500], [0x1f, 3600, 108000], [0x20, 5120, 216000], [0x28, 8192, 245760],
  [0x2a, 8704, 522240], [0x32, 22080, 589824], [0x33, 36864, 983040], [0x34, 36864, 2073600],
  [0x3c, 139264, 4177920], [0x3d, 139264, 8355840], [0x3e, 139264, 16711680],
];

/** `avc1.6400LL`: High profile at the smallest level that fits the frame size and rate. */
export function avcCodecString(width: number, height: number, fps: number): string {
  const mbs = Math.ceil(width / 16) * Math.ceil(height / 16);
  const level = AVC_LEVELS.find(([, fs, rate]) => mbs <= fs && mbs * fps <= rate)?.[0] ?? 0x3e;
  return `avc1.6400${level.toString(16).padStart(2, '0')}`;
}

function vp9CodecString(width: number, height: number): string {
  const px = width * height;
  const level = px <= 36864 ? 10 : px <= 122880 ? 20 : px <= 245760 ? 21 : px <= 552960 ? 30 : px <= 983040 ? 31 : px <= 2228224 ? 40 : px <= 8912896 ? 50 : 60;
  return `vp09.00.${level}.08`;
}

function av1CodecString(width: number, height: number): string {
  const px = width * height;
  const level = px <= 147456 ? 0 : px <= 278784 ? 1 : px <= 665856 ? 4 : px <= 1065024 ? 5 : px <= 2359296 ? 8 : px <= 8912896 ? 12 : 16;
  return `av01.0.${String(level).padStart(2, '0')}M.08`;
}

/**
 * Bit rate for a CRF value: WebCodecs has no CRF, so map it to bits per pixel per frame (about
 * 0.1 at CRF 23 for H.264, halving every 6 CRF steps, as x264's rate roughly does).
 */
export function bitrateForCrf(crf: number, width: number, height: number, fps: number, family: VideoFamily): number {
  const efficiency = family === 'avc' || family === 'vp8' ? 1 : 0.7;
  const bpp = 0.1 * Math.pow(2, (23 - crf) / 6) * efficiency;
  return Math.round(Math.max(200_000, Math.min(60_000_000, bpp * width * height * fps)));
}

export interface VideoRequest {
  width: number;
  height: number;
  fps: number;
  container: OutputContainer;
  /** Requested codec (TranscodeVideo.Codec), tried first. */
  codec?: 'h264' | 'h265' | 'vp9' | 'av1' | null;
  bitrateBps?: number | null;
  crf?: number | null;
}

export async function chooseVideoEncoder(req: VideoRequest, notes: string[]): Promise<VideoChoice> {
  const order: VideoFamily[] = req.container === 'webm' ? ['vp9', 'av1', 'vp8'] : ['avc', 'vp9', 'av1', 'vp8'];
  const wanted: VideoFamily | null = req.codec === 'h264' ? 'avc' : req.codec === 'vp9' || req.codec === 'av1' ? req.codec : null;
  if (req.codec === 'h265') notes.push('H.265 encoding is not available in WebCodecs here; used the first supported codec instead');
  if (wanted && !order.includes(wanted)) notes.push(`${req.codec} cannot go into ${req.container}; used the first supported codec instead`);
  const tryOrder: VideoFamily[] = wanted && order.includes(wanted) ? [wanted, ...order.filter((f) => f !== wanted)] : order;
  for (const family of tryOrder) {
    const codec = family === 'avc' ? avcCodecString(req.width, req.height, req.fps) : family === 'vp9' ? vp9CodecString(req.width, req.height) : family === 'av1' ? av1CodecString(req.width, req.height) : 'vp8';
    const config: VideoEncoderConfig = {
      codec,
      width: req.width,
      height: req.height,
      framerate: req.fps,
      bitrate: req.bitrateBps ?? bitrateForCrf(req.crf ?? 23, req.width, req.height, req.fps, family),
      bitrateMode: 'variable',
      latencyMode: 'quality',
      ...(family === 'avc' ? { avc: { format: 'avc' } } : {}),
    } as VideoEncoderConfig;
    try {
      const support = await VideoEncoder.isConfigSupported(config);
      if (support.supported) {
        if (wanted && family !== wanted) notes.push(`${req.codec} encoding is not supported by this browser; used ${family}`);
        return { family, config };
      }
    } catch {
      /* try the next one */
    }
  }
  throw new ReelcutError('InvalidParameter.Output.Video', `this browser cannot encode ${req.width}x${req.height} video with H.264, VP9, AV1 or VP8`);
}

export interface AudioRequest {
  container: OutputContainer;
  codec?: string | null;
  sampleRate?: number | null;
  channels?: number | null;
  bitrateBps?: number | null;
}

export async function chooseAudioEncoder(req: AudioRequest, notes: string[]): Promise<AudioChoice> {
  const sampleRate = req.sampleRate ?? 48000;
  const numberOfChannels = req.channels ?? 2;
  const order: AudioFamily[] = req.container === 'webm' ? ['opus'] : ['aac', 'opus'];
  for (const family of order) {
    // Opus runs at 48 kHz internally; other rates are resampled by the mixer before encoding.
    const config: AudioEncoderConfig = {
      codec: family === 'aac' ? 'mp4a.40.2' : 'opus',
      sampleRate: family === 'opus' ? 48000 : sampleRate,
      numberOfChannels,
      bitrate: req.bitrateBps ?? (numberOfChannels > 2 ? 256_000 : 128_000),
    };
    try {
      if ((await AudioEncoder.isConfigSupported(config)).supported) {
        if (req.codec && req.codec !== family) notes.push(`audio codec ${req.codec} is not available for ${req.container} in this browser; used ${family}`);
        else if (!req.codec && family !== order[0]) notes.push(`${order[0].toUpperCase()} encoding is not available in this browser; audio is ${family}`);
        return { family, config };
      }
    } catch {
      /* next */
    }
  }
  throw new ReelcutError('InvalidParameter.Output.Audio', 'this browser cannot encode audio as AAC or Opus');
}
