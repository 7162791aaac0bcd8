// What the Rust demuxer says about an input (`MediaInfo`), for the orchestration in jobs.ts.

import type * as Core from '../pkg/reelcut.js';
import type { SyncReader } from './io';

/** Track description as the Rust demuxer reports it (`MediaInfo.tracks[i]`). */
export interface TrackInfo {
  id: number;
  kind: 'Video' | 'Audio';
  codec_name: string;
  duration_s: number;
  video?: {
    codec: string;
    description: number[] | null;
    coded_width: number;
    coded_height: number;
    pixel_aspect: [number, number];
    rotation: number;
    display_width: number;
    display_height: number;
    frame_rate: number;
    frame_count: number;
  } | null;
  audio?: {
    codec: string;
    description: number[] | null;
    sample_rate: number;
    channels: number;
  } | null;
}

export interface MediaInfo {
  container: string;
  duration_s: number;
  tracks: TrackInfo[];
  /** Demuxer notes (a header the samples contradict, ...). */
  notes?: string[];
}

/** Opens the Rust demuxer over a reader and reads its `MediaInfo`. */
export function openDemuxer(core: typeof Core, reader: SyncReader): { demuxer: Core.WasmDemuxer; info: MediaInfo } {
  const demuxer = new core.WasmDemuxer(reader);
  const info = JSON.parse(demuxer.infoJson()) as MediaInfo;
  return { demuxer, info };
}
