// What this browser can decode and encode, asked before a job is submitted (SPEC section 8).
// Answers come from WebCodecs' isConfigSupported and the storage API; nothing is decoded.

/** Codec names the engine can be asked for, and the WebCodecs strings it probes them with. */
const VIDEO_DECODERS: Record<string, string> = { h264: 'avc1.64001f', h265: 'hvc1.1.6.L93.B0', vp8: 'vp8', vp9: 'vp09.00.10.08', av1: 'av01.0.04M.08' };
const AUDIO_DECODERS: Record<string, string> = { aac: 'mp4a.40.2', opus: 'opus', mp3: 'mp3', flac: 'flac', vorbis: 'vorbis' };
const VIDEO_ENCODERS: Record<string, string> = { h264: 'avc1.42001f', h265: 'hvc1.1.6.L93.B0', vp9: 'vp09.00.10.08', av1: 'av01.0.04M.08' };
const AUDIO_ENCODERS: Record<string, string> = { aac: 'mp4a.40.2', opus: 'opus', mp3: 'mp3', flac: 'flac', vorbis: 'vorbis' };

export interface Capabilities {
  /** WebCodecs is present (a secure context in a browser that has it). */
  webCodecs: boolean;
  /** Video codecs this browser decodes: subset of h264, h265, vp8, vp9, av1. */
  decoders: { video: string[]; audio: string[] };
  /** Codecs this browser encodes (video at 1280x720 30 fps, audio at 48 kHz stereo). */
  encoders: { video: string[]; audio: string[] };
  /** An AAC encoder exists; without it, MP4 audio falls back to Opus (the record says so). */
  aac: boolean;
  /** The Origin Private File System is available (`opfs:` inputs and outputs). */
  opfs: boolean;
}

async function probe<T>(names: Record<string, string>, ask: (codec: string) => Promise<boolean>): Promise<string[]> {
  const out: string[] = [];
  for (const [name, codec] of Object.entries(names)) {
    try {
      if (await ask(codec)) out.push(name);
    } catch {
      /* unsupported or unknown codec string */
    }
  }
  return out;
}

/** Probes the browser; quick (no media is touched) and safe to call before any job. */
export async function capabilities(): Promise<Capabilities> {
  const g = globalThis as unknown as Record<string, unknown>;
  const hasVideo = typeof g.VideoDecoder === 'function' && typeof g.VideoEncoder === 'function';
  const hasAudio = typeof g.AudioDecoder === 'function' && typeof g.AudioEncoder === 'function';
  const vd = hasVideo ? await probe(VIDEO_DECODERS, async (codec) => !!(await VideoDecoder.isConfigSupported({ codec, codedWidth: 1280, codedHeight: 720 })).supported) : [];
  const ad = hasAudio
    ? await probe(AUDIO_DECODERS, async (codec) => !!(await AudioDecoder.isConfigSupported({ codec, sampleRate: 48000, numberOfChannels: 2, ...(codec === 'flac' || codec === 'vorbis' ? { description: new Uint8Array(codec === 'flac' ? flacHeader() : [2, 30, 0]) } : {}) })).supported)
    : [];
  const ve = hasVideo ? await probe(VIDEO_ENCODERS, async (codec) => !!(await VideoEncoder.isConfigSupported({ codec, width: 1280, height: 720, framerate: 30, bitrate: 2_000_000 })).supported) : [];
  const ae = hasAudio ? await probe(AUDIO_ENCODERS, async (codec) => !!(await AudioEncoder.isConfigSupported({ codec, sampleRate: 48000, numberOfChannels: 2, bitrate: 128_000 })).supported) : [];
  let opfs = false;
  try {
    opfs = typeof navigator !== 'undefined' && !!navigator.storage?.getDirectory && !!(await navigator.storage.getDirectory());
  } catch {
    opfs = false;
  }
  return { webCodecs: hasVideo && hasAudio, decoders: { video: vd, audio: ad }, encoders: { video: ve, audio: ae }, aac: ae.includes('aac'), opfs };
}

/** A minimal `fLaC` + STREAMINFO description (48 kHz stereo 16-bit), enough for isConfigSupported. */
function flacHeader(): number[] {
  const info = [0x10, 0x00, 0x10, 0x00, 0, 0, 0, 0, 0, 0, 0x0b, 0xb8, 0x02, 0xf0, 0, 0, 0, 0, ...new Array(16).fill(0)];
  return [0x66, 0x4c, 0x61, 0x43, 0x80, 0x00, 0x00, 0x22, ...info];
}
