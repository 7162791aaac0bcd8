// What `@mediabunny/aac-encoder` imports from 'mediabunny', and nothing more. webpack resolves the
// package's `mediabunny` import to this module (webpack.config.js, a rule scoped to that package),
// so the libavcodec AAC encoder runs without mediabunny's pipeline: reelcut feeds it from its own
// audio encoder path (./encoder.ts). The shapes follow mediabunny's documented custom-coder
// contract (CustomAudioEncoder, EncodedPacket, registerEncoder).

/** The base class a custom encoder extends; the host sets the fields before `init()`. */
export abstract class CustomAudioEncoder {
  /** Codec name in mediabunny's vocabulary ('aac'). */
  readonly codec!: string;
  readonly config!: AudioEncoderConfig;
  readonly onPacket!: (packet: EncodedPacket, meta?: EncodedAudioChunkMetadata) => unknown;
  readonly onError!: (error: unknown) => undefined;

  static supports(_codec: string, _config: AudioEncoderConfig): boolean {
    return false;
  }

  abstract init(): Promise<void> | void;
  abstract encode(sample: AudioSampleLike): Promise<void> | void;
  abstract flush(): Promise<void> | void;
  abstract close(): Promise<void> | void;
}

/** The slice of mediabunny's `AudioSample` the encoder reads: interleaved f32 samples. */
export interface AudioSampleLike {
  /** Presentation time in seconds. */
  readonly timestamp: number;
  readonly numberOfFrames: number;
  allocationSize(options: { format: 'f32'; planeIndex: 0 }): number;
  copyTo(destination: Uint8Array, options: { format: 'f32'; planeIndex: 0 }): void;
}

/** One encoded packet; times in seconds, as mediabunny counts them. */
export class EncodedPacket {
  constructor(
    readonly data: Uint8Array,
    readonly type: 'key' | 'delta',
    readonly timestamp: number,
    readonly duration: number,
  ) {}
}

/** A concrete encoder class (what `registerEncoder` receives). */
export type CustomAudioEncoderClass = (new () => CustomAudioEncoder) & { supports(codec: string, config: AudioEncoderConfig): boolean };

let registered: CustomAudioEncoderClass | null = null;

/** Keeps the class the package registers; reelcut wraps it instead of choosing among several. */
export function registerEncoder(encoder: CustomAudioEncoderClass): void {
  registered = encoder;
}

/** The registered encoder class, once `registerAacEncoder()` has run. */
export function registeredEncoder(): CustomAudioEncoderClass | null {
  return registered;
}

/** mediabunny's logger; the package uses it only to warn about being loaded twice. */
export const Logging = {
  _error: (...args: unknown[]) => console.error(...args),
};
