// The requests of both APIs as the validator reads them (src/job/ice.rs, imm.rs, output.rs,
// overlays.rs): every field it accepts, with the names and value sets SPEC sections 3 and 4 give.
// A field the validator does not know is a compile error here and `InvalidParameter` at run
// time. The validator stays the authority on ranges (a `Count` of 0 compiles and is refused).

/** A ScreenMediaHighlights parameter may be given as an object or as its JSON text. */
type OrJson<T> = T | string;

/** An input reference (SPEC section 2): a `media` key, `blob:`, `http(s)://`, `opfs:/path`, or one `resolveUri` knows. */
export type MediaReference = string;

/** A media overlay entry: a plain reference, or an object naming it in `MediaURL`. */
export type MediaEntryRequest = MediaReference | { MediaURL: MediaReference; Duration?: number };

export interface StickerRequest {
  MediaURL: MediaReference;
  /** Output-relative position and size, 0..1. */
  X?: number;
  Y?: number;
  Width?: number;
  Height?: number;
  /** Seconds of the reel. */
  Start?: number;
  Duration?: number;
  Opacity?: number;
}

export interface TitleRequest {
  Text: string;
  /** Fraction of the output height. */
  FontSize?: number;
  /** `#RRGGBB`. */
  FontColor?: string;
  Y?: number;
  Duration?: number;
}

export interface MusicTrackRequest {
  URI: MediaReference;
  /** 0..10, default 0.2; 1 = the track's own level. */
  Volume?: number;
}

export type MusicMode = 'Closed' | 'Random' | 'Sequential';
export type EffectModeName = 'Closed' | 'Auto' | 'Random' | 'Sequential';

/** `SubmitScreenMediaHighlightsJob` (SPEC section 3). */
export interface ScreenMediaHighlightsRequest {
  InputConfig: OrJson<{
    /** At most 30 inputs. */
    MediaArray: MediaReference[];
    HighlightStrategy?: {
      IntroConfig?: { Mode?: 'Auto' | 'Disabled' };
      /** Seconds of highlight material, >= 5. */
      TargetDuration?: number;
      PlotPacingType?: 'Normal' | 'Fast' | 'Slow';
    };
    /**
     * Shown before the reel: an image (`Duration` s, default 3) or a video (whole, or its first
     * `Duration` s, with its sound); output i (0-based) takes entry i % n.
     */
    OpeningArray?: MediaEntryRequest[];
    /** Shown after the reel, as `OpeningArray`. */
    EndingArray?: MediaEntryRequest[];
    TitleArray?: (string | TitleRequest)[];
    SubHeadingArray?: (string | TitleRequest)[];
    StickerArray?: (MediaReference | StickerRequest)[];
    BackgroundMusicArray?: MediaReference[];
    /** Drawn (covering the frame) behind a fitted picture, instead of bars or the blurred copy; picked as `OpeningArray`. */
    BackgroundImageArray?: (MediaReference | { MediaURL: MediaReference })[];
  }>;
  EditingConfig?: OrJson<{
    /** Gain of the original audio: 0 mutes, 1 keeps it. */
    MediaConfig?: { Volume?: number };
    ProcessConfig?: { AllowTransition?: boolean; TransitionList?: string[] };
    BackgroundMusicMode?: MusicMode;
    BackgroundMusics?: MusicTrackRequest[];
  }>;
  OutputConfig?: OrJson<{
    /** Where each reel goes; `{index}` is replaced by 1, 2, ... */
    MediaURL?: string;
    Count?: number;
    Width?: number;
    Height?: number;
    MaxDuration?: number;
    /** Kbit/s. */
    Bitrate?: number;
    Video?: { Crf?: number };
    Audio?: { LoudnessNormalization?: boolean };
  }>;
  /** JSON text (or an object); `NotifyAddress` in it receives the completion message. */
  UserData?: string | { NotifyAddress?: string; [key: string]: unknown };
}

export interface SourceRequest {
  URI: MediaReference;
  /** Seconds. */
  StartTime?: number;
  /** Seconds; 0 = to the end. */
  Duration?: number;
}

export interface TranscodeVideoRequest {
  Codec?: 'h264' | 'h265' | 'vp9' | 'av1';
  /** bit/s. */
  Bitrate?: number;
  /** 0..51. */
  CRF?: number;
  FrameRate?: number;
  /** `"WxH"`. */
  Resolution?: string;
  ScaleType?: 'stretch' | 'crop' | 'fill' | 'fit';
  GOPSize?: number;
  PixelFormat?: 'yuv420p';
}

export interface TranscodeAudioRequest {
  Codec?: string;
  Bitrate?: number;
  SampleRate?: number;
  Channel?: number;
}

/** Where a highlight task's completion message goes (one destination). */
export type NotificationRequest =
  | string
  | { Address: string }
  | { Endpoint: string }
  | { Topic: string }
  | { MNS: { TopicName: string } }
  | { RocketMQ: { TopicName: string } };

/** `CreateHighlightTask` (SPEC section 4). */
export interface HighlightTaskRequest {
  Type: 'Retrieval' | 'Concat' | 'Compose';
  /** At most 10 inputs. */
  Sources: SourceRequest[];
  Mode?: 'Scene' | 'Average';
  ProjectName?: string;
  Highlight?: { Content: string };
  Edit?: {
    Mode: 'Sequential';
    BackgroundMusicMode?: MusicMode;
    BackgroundMusics?: MusicTrackRequest[];
    TransitionMode?: EffectModeName;
    Transitions?: { Transition: string; Duration?: number; Weight?: number }[];
    VfxEffectMode?: EffectModeName;
    VfxEffects?: { VfxEffect: string; Weight?: number }[];
  };
  Output: {
    URI: string;
    Container?: 'mp4' | 'mov' | 'webm' | 'mkv' | 'asf' | 'avi' | 'mxf' | 'ts' | 'flv';
    /** 0.5..1.0. */
    Speed?: number;
    MaxDuration?: number;
    TargetDuration?: number;
    Segment?: { Format: 'hls' | 'dash'; Duration?: number; StartNumber?: number };
    Video?: { DisableVideo?: boolean; TranscodeVideo?: TranscodeVideoRequest };
    Audio?: { DisableAudio?: boolean; TranscodeAudio?: TranscodeAudioRequest; LoudnessNormalization?: boolean };
  };
  UserData?: string;
  Tags?: Record<string, string>;
  Notification?: NotificationRequest;
}
