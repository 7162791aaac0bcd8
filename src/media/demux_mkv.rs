//! Streaming Matroska / WebM demuxer.
//!
//! EBML elements are read one header at a time with `read_at`; only the small metadata elements
//! (EBML header, SeekHead, Info, Tracks, Cues) are read whole. Clusters are walked element by
//! element, so unknown-size Segments and Clusters (what `MediaRecorder` writes while it cannot seek
//! back) work the same as sized ones: an unknown-size Cluster ends where an element that can only
//! live at Segment level begins.
//!
//! Seeking uses Cues when the file has them and otherwise the clusters seen so far, then walks
//! block headers (not block payloads) forward to the last key frame at or before the target. A
//! missing Duration is recovered from the last cluster, found by searching the file's tail.
//!
//! What the demuxer keeps about the file (the metadata elements read whole, the cue index, the
//! clusters met while reading) is charged to the file's one [`TableBudget`] before it is allocated.

use crate::sort;
use std::collections::VecDeque;

use super::budget::TableBudget;
use super::byte_reader::ByteReader;
use super::codec_config::{
    av1_codec_string, avc_codec_string, build_aac_config, hevc_codec_string, parse_aac_config,
    parse_flac_streaminfo, parse_opus_head, vp9_codec_string,
};
use super::types::{
    duration_tolerance_s, round3, AudioInfo, ByteSource, Demuxer, MediaInfo, Packet, TrackInfo,
    TrackKind, VideoInfo,
};
use crate::num_text::Num;
use crate::ApiError;

// Element ids (with their length marker bits, as written in the file).
const EBML: u32 = 0x1A45_DFA3;
const DOC_TYPE: u32 = 0x4282;
const SEGMENT: u32 = 0x1853_8067;
const SEEK_HEAD: u32 = 0x114D_9B74;
const SEEK: u32 = 0x4DBB;
const SEEK_ID: u32 = 0x53AB;
const SEEK_POSITION: u32 = 0x53AC;
const INFO: u32 = 0x1549_A966;
const TIMECODE_SCALE: u32 = 0x2A_D7B1;
const DURATION: u32 = 0x4489;
const TRACKS: u32 = 0x1654_AE6B;
const TRACK_ENTRY: u32 = 0xAE;
const TRACK_NUMBER: u32 = 0xD7;
const TRACK_TYPE: u32 = 0x83;
const CODEC_ID: u32 = 0x86;
const CODEC_PRIVATE: u32 = 0x63A2;
const DEFAULT_DURATION: u32 = 0x23_E383;
const VIDEO: u32 = 0xE0;
const PIXEL_WIDTH: u32 = 0xB0;
const PIXEL_HEIGHT: u32 = 0xBA;
const DISPLAY_WIDTH: u32 = 0x54B0;
const DISPLAY_HEIGHT: u32 = 0x54BA;
const COLOUR: u32 = 0x55B0;
const BITS_PER_CHANNEL: u32 = 0x55B2;
const AUDIO: u32 = 0xE1;
const SAMPLING_FREQUENCY: u32 = 0xB5;
const OUTPUT_SAMPLING_FREQUENCY: u32 = 0x78B5;
const CHANNELS: u32 = 0x9F;
const CUES: u32 = 0x1C53_BB6B;
const CUE_POINT: u32 = 0xBB;
const CUE_TIME: u32 = 0xB3;
const CUE_TRACK_POSITIONS: u32 = 0xB7;
const CUE_TRACK: u32 = 0xF7;
const CUE_CLUSTER_POSITION: u32 = 0xF1;
const CLUSTER: u32 = 0x1F43_B675;
const TIMECODE: u32 = 0xE7;
const SIMPLE_BLOCK: u32 = 0xA3;
const BLOCK_GROUP: u32 = 0xA0;
const BLOCK: u32 = 0xA1;
const REFERENCE_BLOCK: u32 = 0xFB;
const BLOCK_DURATION: u32 = 0x9B;
const TAGS: u32 = 0x1254_C367;
const CHAPTERS: u32 = 0x1043_A770;
const ATTACHMENTS: u32 = 0x1941_A469;

/// Largest metadata element (Tracks, Cues, ...) we read whole.
const MAX_META_ELEMENT: u64 = 64 << 20;
/// Largest block we read (a 4K intra frame is a few MiB).
const MAX_BLOCK: u64 = 256 << 20;
/// How much of the file's end is searched for the last cluster when Duration is missing.
const TAIL_SEARCH: u64 = 4 << 20;

fn corrupt(msg: impl Into<String>) -> ApiError {
    ApiError::corrupt(msg)
}

fn truncated(what: impl std::fmt::Display) -> ApiError {
    ApiError::corrupt(format!("the WebM/Matroska file is truncated: {what}"))
}

fn short(what: &str) -> ApiError {
    corrupt(format!(
        "the Matroska {what} element is shorter than its contents"
    ))
}

/// Elements that only occur at Segment level: one of these ends an unknown-size Cluster.
fn is_segment_level(id: u32) -> bool {
    matches!(
        id,
        SEEK_HEAD | INFO | TRACKS | CUES | CLUSTER | TAGS | CHAPTERS | ATTACHMENTS | EBML | SEGMENT
    )
}

/// Reads an element id (1 to 4 bytes, marker bits kept).
fn read_id(r: &mut ByteReader) -> Option<u32> {
    let first = r.u8()?;
    let len = first.leading_zeros() + 1;
    if len > 4 {
        return None;
    }
    let mut id = u32::from(first);
    for _ in 1..len {
        id = (id << 8) | u32::from(r.u8()?);
    }
    Some(id)
}

/// Reads a variable-length integer: (value without marker, all value bits set = "unknown").
fn read_vint(r: &mut ByteReader) -> Option<(u64, bool)> {
    let first = r.u8()?;
    let len = first.leading_zeros() + 1;
    if len > 8 {
        return None;
    }
    let mut v = u64::from(first) & (0xFF >> len);
    let mut all_ones = v == 0xFF >> len;
    for _ in 1..len {
        let b = r.u8()?;
        all_ones &= b == 0xFF;
        v = (v << 8) | u64::from(b);
    }
    Some((v, all_ones))
}

/// Element size: `None` for "unknown" (streaming writers).
fn read_size(r: &mut ByteReader) -> Option<Option<u64>> {
    let (v, unknown) = read_vint(r)?;
    Some(if unknown { None } else { Some(v) })
}

fn read_uint(data: &[u8]) -> u64 {
    data.iter().take(8).fold(0, |a, &b| (a << 8) | u64::from(b))
}

fn read_float(data: &[u8]) -> Option<f64> {
    match data.len() {
        4 => Some(f64::from(f32::from_be_bytes(data.try_into().ok()?))),
        8 => Some(f64::from_be_bytes(data.try_into().ok()?)),
        _ => None,
    }
}

/// Iterates child elements of an in-memory payload: (id, payload).
fn children(data: &[u8]) -> impl Iterator<Item = (u32, &[u8])> {
    let mut r = ByteReader::new(data);
    std::iter::from_fn(move || {
        let id = read_id(&mut r)?;
        let size = read_size(&mut r)?;
        let len = size.map_or(r.remaining(), |s| {
            usize::try_from(s).unwrap_or(usize::MAX).min(r.remaining())
        });
        Some((id, r.bytes(len)?))
    })
}

/// A file-level element header.
#[derive(Debug, Clone, Copy)]
struct Header {
    id: u32,
    /// Payload size, `None` when unknown.
    size: Option<u64>,
    /// Offset of the payload.
    data: u64,
}

impl Header {
    fn end(&self) -> Option<u64> {
        self.size.and_then(|s| self.data.checked_add(s))
    }
}

/// The cluster being walked.
#[derive(Debug, Clone, Copy)]
struct ClusterState {
    /// Offset of the Cluster element.
    start: u64,
    /// End of the cluster, `None` for unknown size.
    end: Option<u64>,
    /// Cluster timestamp in TimecodeScale units.
    timecode: i64,
}

/// Where reading continues: the next element and the cluster it is in (if any).
#[derive(Debug, Clone, Copy)]
struct Cursor {
    pos: u64,
    cluster: Option<ClusterState>,
}

/// A block found while walking: its timing, and its bytes when asked for.
struct BlockRef {
    /// Offset of the SimpleBlock/BlockGroup element (a position to resume from).
    pos: u64,
    cluster: ClusterState,
    track: u64,
    /// Timestamp in TimecodeScale units.
    timecode: i64,
    is_key: bool,
    /// BlockDuration (TimecodeScale units) when stated.
    duration: Option<u64>,
    /// Block payload after the block header: frames, with lacing still in place.
    frames: Vec<u8>,
    /// Lacing bits from the block flags (0 none, 1 Xiph, 2 fixed, 3 EBML).
    lacing: u8,
}

/// An exposed track.
struct MkvTrack {
    number: u64,
    kind: TrackKind,
    /// Frame duration in nanoseconds, 0 if not stated.
    default_duration_ns: u64,
}

/// A TrackEntry as parsed.
#[derive(Default)]
struct TrackEntry {
    number: u64,
    kind: u64,
    codec_id: String,
    private: Option<Vec<u8>>,
    default_duration: u64,
    pixel_width: u32,
    pixel_height: u32,
    display_width: u32,
    display_height: u32,
    bits_per_channel: u8,
    sampling_frequency: f64,
    output_sampling_frequency: f64,
    channels: u32,
}

/// Streaming demuxer for WebM and Matroska files.
pub struct MkvDemuxer {
    src: Box<dyn ByteSource>,
    info: MediaInfo,
    tracks: Vec<MkvTrack>,
    /// Nanoseconds per timecode unit.
    timecode_scale: u64,
    segment_end: u64,
    first_cluster: Option<u64>,
    /// (time in TimecodeScale units, absolute cluster offset) from Cues, for the seek track.
    cues: Vec<(i64, u64)>,
    /// Clusters met while reading: (offset, timecode); grows with distinct clusters only.
    seen_clusters: Vec<(u64, i64)>,
    /// Track number whose key frames drive `seek`.
    seek_track: Option<u64>,
    cursor: Cursor,
    /// Frames of a laced block not yet returned.
    pending: VecDeque<Packet>,
    /// The file's table budget: metadata payloads, cues and seen clusters are charged to it.
    budget: TableBudget,
}

impl MkvDemuxer {
    /// Reads the EBML header, Segment metadata (Info, Tracks, Cues) up to the first Cluster.
    pub fn open(src: Box<dyn ByteSource>) -> Result<Self, ApiError> {
        let file_len = src.len();
        let mut d = Self {
            src,
            info: MediaInfo {
                container: String::new(),
                duration_s: 0.0,
                tracks: Vec::new(),
                notes: Vec::new(),
            },
            tracks: Vec::new(),
            timecode_scale: 1_000_000,
            segment_end: file_len,
            first_cluster: None,
            cues: Vec::new(),
            seen_clusters: Vec::new(),
            seek_track: None,
            cursor: Cursor {
                pos: 0,
                cluster: None,
            },
            pending: VecDeque::new(),
            budget: TableBudget::for_file(file_len),
        };
        let ebml = d
            .header(0)?
            .ok_or_else(|| truncated("the EBML header is missing"))?;
        if ebml.id != EBML {
            return Err(ApiError::unsupported(
                "not a Matroska/WebM file (no EBML header)",
            ));
        }
        let ebml_data = d.payload(&ebml, "EBML header")?;
        let doc_type = children(&ebml_data)
            .find(|(id, _)| *id == DOC_TYPE)
            .map(|(_, v)| {
                String::from_utf8_lossy(v)
                    .trim_end_matches('\0')
                    .to_string()
            })
            .unwrap_or_else(|| "matroska".into());
        let container = match doc_type.as_str() {
            "webm" => "webm",
            "matroska" => "matroska",
            other => {
                return Err(ApiError::unsupported(format!(
                    "unsupported EBML document type '{other}'"
                )))
            }
        };

        // Find the Segment (skipping Void and similar).
        let mut pos = ebml
            .end()
            .ok_or_else(|| corrupt("the EBML header has an unknown size"))?;
        let segment = loop {
            let h = d
                .header(pos)?
                .ok_or_else(|| truncated("no Segment follows the EBML header"))?;
            if h.id == SEGMENT {
                break h;
            }
            pos = h
                .end()
                .ok_or_else(|| corrupt("an element before the Segment has an unknown size"))?;
        };
        let segment_start = segment.data;
        if let Some(end) = segment.end() {
            if end > file_len {
                return Err(truncated(format_args!(
                    "the Segment declares {} bytes but the file ends after {}",
                    end, file_len
                )));
            }
            d.segment_end = end;
        }

        // Segment metadata up to the first Cluster.
        let (mut info, mut tracks, mut cues) = (None, None, None);
        let mut seek_positions: Vec<(u32, u64)> = Vec::new();
        let mut pos = segment_start;
        while pos < d.segment_end {
            let Some(h) = d.header(pos)? else { break };
            match h.id {
                CLUSTER => {
                    d.first_cluster = Some(pos);
                    break;
                }
                SEEK_HEAD => {
                    let data = d.payload(&h, "SeekHead")?;
                    for (id, seek) in children(&data) {
                        if id != SEEK {
                            continue;
                        }
                        let mut target = None;
                        let mut position = None;
                        for (cid, v) in children(seek) {
                            match cid {
                                SEEK_ID => target = Some(read_uint(v) as u32),
                                SEEK_POSITION => position = Some(read_uint(v)),
                                _ => {}
                            }
                        }
                        if let (Some(t), Some(p)) = (target, position) {
                            seek_positions.push((t, segment_start.saturating_add(p)));
                        }
                    }
                }
                INFO => info = Some(d.payload(&h, "Info")?),
                TRACKS => tracks = Some(d.payload(&h, "Tracks")?),
                CUES => cues = Some(d.payload(&h, "Cues")?),
                _ => {}
            }
            let Some(end) = h.end() else { break };
            pos = end;
        }
        // Metadata stored after the clusters, found through the SeekHead.
        for (id, at) in seek_positions {
            let slot = match id {
                INFO => &mut info,
                TRACKS => &mut tracks,
                CUES => &mut cues,
                _ => continue,
            };
            if slot.is_some() || at >= file_len {
                continue;
            }
            if let Ok(Some(h)) = d.header(at) {
                // A target too large to read whole is ignored as before; one that fits the size
                // limit but not the file's budget refuses the file (the budget's error).
                if h.id == id && h.size.is_some_and(|n| n <= MAX_META_ELEMENT) {
                    *slot = Some(d.payload(&h, "SeekHead target")?);
                }
            }
        }

        let mut duration_units = None;
        if let Some(info) = &info {
            for (id, v) in children(info) {
                match id {
                    TIMECODE_SCALE => d.timecode_scale = read_uint(v).max(1),
                    DURATION => {
                        duration_units = read_float(v).filter(|f| f.is_finite() && *f >= 0.0)
                    }
                    _ => {}
                }
            }
        }
        let tracks = tracks.ok_or_else(|| corrupt("the Matroska file has no Tracks element"))?;
        let entries = parse_tracks(&tracks);
        d.tracks = entries
            .iter()
            .filter_map(|e| {
                let kind = match e.kind {
                    1 => TrackKind::Video,
                    2 => TrackKind::Audio,
                    _ => return None,
                };
                Some(MkvTrack {
                    number: e.number,
                    kind,
                    default_duration_ns: e.default_duration,
                })
            })
            .collect();
        if d.tracks.is_empty() {
            return Err(ApiError::unsupported(
                "the Matroska file has no audio or video track",
            ));
        }
        d.seek_track = d
            .tracks
            .iter()
            .find(|t| t.kind == TrackKind::Video)
            .or_else(|| d.tracks.first())
            .map(|t| t.number);
        if let Some(cues) = &cues {
            d.cues = parse_cues(cues, d.seek_track, segment_start, &mut d.budget)?;
        }
        d.cursor = Cursor {
            pos: d.first_cluster.unwrap_or(d.segment_end),
            cluster: None,
        };

        // Duration: the end of the last block (the samples), cross-checked with Info's Duration,
        // which is used only where it agrees (or when no block end can be found cheaply).
        let mut notes = Vec::new();
        let scale_s = d.timecode_scale as f64 / 1e9;
        let duration_s = match duration_units {
            Some(u) => {
                let header_s = u * scale_s;
                match d.scan_tail_end_time()? {
                    Some(end) => {
                        let content_s = end.max(0) as f64 * scale_s;
                        if (header_s - content_s).abs() > duration_tolerance_s(content_s) {
                            notes.push(format!(
                                "the segment header (Info Duration) says {} s but the blocks end at {} s; the blocks are used",
                                Num(round3(header_s)),
                                Num(round3(content_s))
                            ));
                            content_s
                        } else {
                            header_s
                        }
                    }
                    None => header_s,
                }
            }
            None => d.scan_end_time()?.map_or(0.0, |t| t as f64 * scale_s),
        };
        let mut infos = Vec::new();
        let exposed: Vec<u64> = d.tracks.iter().map(|t| t.number).collect();
        for e in entries.iter().filter(|e| exposed.contains(&e.number)) {
            let frame_rate = if e.kind == 1 { d.frame_rate(e)? } else { 0.0 };
            infos.push(track_info(e, duration_s, frame_rate));
        }
        d.info = MediaInfo {
            container: container.into(),
            duration_s,
            tracks: infos,
            notes,
        };
        Ok(d)
    }

    /// Reads the element header at `pos`; `None` at the end of the file.
    fn header(&mut self, pos: u64) -> Result<Option<Header>, ApiError> {
        let buf = self.src.read_at(pos, 12)?;
        if buf.is_empty() {
            return Ok(None);
        }
        let mut r = ByteReader::new(&buf);
        let id = read_id(&mut r).ok_or_else(|| {
            if buf.len() < 4 {
                truncated(format_args!("an element header at byte {pos} is cut off"))
            } else {
                corrupt(format!("invalid Matroska element at byte {pos}"))
            }
        })?;
        let size = read_size(&mut r).ok_or_else(|| {
            if buf.len() < 12 {
                truncated(format_args!("an element header at byte {pos} is cut off"))
            } else {
                corrupt(format!("invalid Matroska element size at byte {pos}"))
            }
        })?;
        let data = pos + r.pos() as u64;
        let h = Header { id, size, data };
        if let Some(end) = h.end() {
            if end > self.src.len() {
                return Err(truncated(format_args!(
                    "the element at byte {pos} needs {} bytes but the file ends at {}",
                    size.unwrap_or(0),
                    self.src.len()
                )));
            }
        } else if h.size.is_some() {
            return Err(corrupt(format!(
                "invalid Matroska element size at byte {pos}"
            )));
        }
        Ok(Some(h))
    }

    /// Reads a whole (sized, bounded) element payload.
    fn payload(&mut self, h: &Header, what: &str) -> Result<Vec<u8>, ApiError> {
        let size = h
            .size
            .ok_or_else(|| corrupt(format!("the Matroska {what} element has an unknown size")))?;
        if size > MAX_META_ELEMENT {
            return Err(ApiError::unsupported(format!(
                "the Matroska {what} element is larger than 64 MiB"
            )));
        }
        self.budget
            .take(size, 1, &format!("the Matroska {what} element"))?;
        let data = self.src.read_at(h.data, size as usize)?;
        if (data.len() as u64) < size {
            return Err(truncated(format_args!("the {what} element is cut off")));
        }
        Ok(data)
    }

    /// Walks from `cur` to the next block of any track. With `with_data` the block's frames are
    /// read; without, only its header (for scans).
    fn next_block(
        &mut self,
        cur: &mut Cursor,
        with_data: bool,
    ) -> Result<Option<BlockRef>, ApiError> {
        loop {
            if cur.pos >= self.segment_end {
                return Ok(None);
            }
            let Some(h) = self.header(cur.pos)? else {
                return Ok(None);
            };
            let Some(mut cluster) = cur.cluster else {
                if h.id == CLUSTER {
                    cur.cluster = Some(ClusterState {
                        start: cur.pos,
                        end: h.end(),
                        timecode: 0,
                    });
                    cur.pos = h.data;
                } else {
                    cur.pos = h.end().ok_or_else(|| {
                        corrupt(format!(
                            "a Matroska element at byte {} has an unknown size",
                            cur.pos
                        ))
                    })?;
                }
                continue;
            };
            if cluster.end.is_some_and(|e| cur.pos >= e)
                || (cluster.end.is_none() && is_segment_level(h.id))
            {
                cur.cluster = None;
                continue;
            }
            let end = h.end().ok_or_else(|| {
                corrupt(format!(
                    "a Matroska element at byte {} has an unknown size inside a Cluster",
                    cur.pos
                ))
            })?;
            let pos = cur.pos;
            cur.pos = end;
            match h.id {
                TIMECODE => {
                    let v = self
                        .src
                        .read_at(h.data, h.size.unwrap_or(0).min(8) as usize)?;
                    cluster.timecode = i64::try_from(read_uint(&v)).unwrap_or(i64::MAX);
                    cur.cluster = Some(cluster);
                    if self
                        .seen_clusters
                        .last()
                        .is_none_or(|&(p, _)| cluster.start > p)
                    {
                        self.budget.take(
                            1,
                            std::mem::size_of::<(u64, i64)>(),
                            "the Matroska clusters read so far",
                        )?;
                        self.seen_clusters.push((cluster.start, cluster.timecode));
                    }
                }
                SIMPLE_BLOCK => {
                    let size = h.size.unwrap_or(0);
                    if size > MAX_BLOCK {
                        return Err(ApiError::unsupported(
                            "a Matroska block is larger than 256 MiB",
                        ));
                    }
                    let want = if with_data { size } else { size.min(12) };
                    let data = self.src.read_at(h.data, want as usize)?;
                    if (data.len() as u64) < want {
                        return Err(truncated(format_args!("a block at byte {pos} is cut off")));
                    }
                    let mut b = parse_block(data, pos, cluster, with_data)?;
                    b.is_key = b.lacing & 0x80 != 0;
                    b.lacing = (b.lacing >> 1) & 3;
                    return Ok(Some(b));
                }
                BLOCK_GROUP => {
                    return self.block_group(&h, pos, cluster, with_data).map(Some);
                }
                _ => {}
            }
        }
    }

    /// Reads a BlockGroup: its Block, whether it references other frames, and its duration.
    fn block_group(
        &mut self,
        h: &Header,
        pos: u64,
        cluster: ClusterState,
        with_data: bool,
    ) -> Result<BlockRef, ApiError> {
        let end = h.end().unwrap_or(h.data);
        let mut at = h.data;
        let mut block: Option<BlockRef> = None;
        let mut has_reference = false;
        let mut duration = None;
        while at < end {
            let Some(c) = self.header(at)? else { break };
            let c_end = c
                .end()
                .ok_or_else(|| corrupt("an element inside a BlockGroup has an unknown size"))?;
            let size = c.size.unwrap_or(0);
            match c.id {
                BLOCK => {
                    if size > MAX_BLOCK {
                        return Err(ApiError::unsupported(
                            "a Matroska block is larger than 256 MiB",
                        ));
                    }
                    let want = if with_data { size } else { size.min(12) };
                    let data = self.src.read_at(c.data, want as usize)?;
                    block = Some(parse_block(data, pos, cluster, with_data)?);
                }
                REFERENCE_BLOCK => has_reference = true,
                BLOCK_DURATION => {
                    let v = self.src.read_at(c.data, size.min(8) as usize)?;
                    duration = Some(read_uint(&v));
                }
                _ => {}
            }
            at = c_end;
        }
        let mut b = block
            .ok_or_else(|| corrupt(format!("a Matroska BlockGroup at byte {pos} has no Block")))?;
        b.is_key = !has_reference;
        b.lacing = (b.lacing >> 1) & 3;
        b.duration = duration;
        Ok(b)
    }

    /// End time (TimecodeScale units) of the last block, from the last cluster in the file's
    /// tail, or by walking all block headers when the tail has no recognisable cluster.
    fn scan_end_time(&mut self) -> Result<Option<i64>, ApiError> {
        let Some(first) = self.first_cluster else {
            return Ok(None);
        };
        if let Some(end) = self.scan_tail_end_time()? {
            return Ok(Some(end));
        }
        self.walk_end_time(Cursor {
            pos: first,
            cluster: None,
        })
    }

    /// The end time of the last block found from a Cluster in the file's tail, if any (a bounded
    /// read: at most the tail and the clusters that start in it).
    fn scan_tail_end_time(&mut self) -> Result<Option<i64>, ApiError> {
        let Some(first) = self.first_cluster else {
            return Ok(None);
        };
        let len = self.src.len();
        let tail_start = len.saturating_sub(TAIL_SEARCH).max(first);
        let tail = self.src.read_at(tail_start, (len - tail_start) as usize)?;
        let id = CLUSTER.to_be_bytes();
        let mut candidates: Vec<u64> = tail
            .windows(4)
            .enumerate()
            .filter(|(_, w)| *w == id)
            .map(|(i, _)| tail_start + i as u64)
            .collect();
        drop(tail);
        // Only the last few candidates: a real last cluster is among them, and random data
        // must not cause a walk per false match.
        let mut tries = 0;
        while let Some(at) = candidates.pop() {
            tries += 1;
            if tries > 16 {
                break;
            }
            // A real cluster starts with its Timecode.
            let Ok(Some(h)) = self.header(at) else {
                continue;
            };
            if !matches!(self.header(h.data), Ok(Some(t)) if t.id == TIMECODE) {
                continue;
            }
            if let Ok(Some(end)) = self.walk_end_time(Cursor {
                pos: at,
                cluster: None,
            }) {
                return Ok(Some(end));
            }
        }
        Ok(None)
    }

    /// Latest block end time from `cur` to the end of the segment.
    fn walk_end_time(&mut self, mut cur: Cursor) -> Result<Option<i64>, ApiError> {
        let mut end: Option<i64> = None;
        while let Some(b) = self.next_block(&mut cur, false)? {
            let dd = self
                .tracks
                .iter()
                .find(|t| t.number == b.track)
                .map_or(0, |t| t.default_duration_ns);
            let dur = match b.duration {
                Some(d) => i64::try_from(d).unwrap_or(0),
                None => i64::try_from(dd / self.timecode_scale).unwrap_or(0),
            };
            let e = b.timecode.saturating_add(dur);
            end = Some(end.map_or(e, |x| x.max(e)));
        }
        Ok(end)
    }

    /// Average frame rate of a video track: from DefaultDuration, else from the first frames.
    fn frame_rate(&mut self, e: &TrackEntry) -> Result<f64, ApiError> {
        if e.default_duration > 0 {
            return Ok(1e9 / e.default_duration as f64);
        }
        let Some(first) = self.first_cluster else {
            return Ok(0.0);
        };
        let mut cur = Cursor {
            pos: first,
            cluster: None,
        };
        let mut times = Vec::new();
        let mut blocks = 0;
        while times.len() < 120 && blocks < 5000 {
            blocks += 1;
            let Some(b) = self.next_block(&mut cur, false)? else {
                break;
            };
            if b.track == e.number {
                times.push(b.timecode);
            }
        }
        sort::sort_by(&mut times, Ord::cmp);
        match (times.first(), times.last()) {
            (Some(&a), Some(&z)) if z > a => {
                Ok((times.len() - 1) as f64 / ((z - a) as f64 * self.timecode_scale as f64 / 1e9))
            }
            _ => Ok(0.0),
        }
    }

    fn track(&self, number: u64) -> Option<&MkvTrack> {
        self.tracks.iter().find(|t| t.number == number)
    }

    /// Splits a block into packets (one per laced frame) and queues them.
    fn queue_frames(&mut self, b: BlockRef) -> Result<(), ApiError> {
        let Some(track) = self.track(b.track) else {
            return Ok(());
        };
        let scale = self.timecode_scale;
        let (kind, dd) = (track.kind, track.default_duration_ns);
        let ranges = lace_ranges(&b.frames, b.lacing).ok_or_else(|| {
            corrupt(format!(
                "the lacing of the Matroska block at byte {} is invalid",
                b.pos
            ))
        })?;
        let n = ranges.len().max(1) as u64;
        let frame_ns = match (dd, b.duration) {
            (d, _) if d > 0 => d,
            (_, Some(d)) => d.saturating_mul(scale) / n,
            _ => 0,
        };
        let start_ns = i128::from(b.timecode) * i128::from(scale);
        let is_key = b.is_key || kind == TrackKind::Audio;
        let mut frames = b.frames;
        if ranges.len() == 1 && ranges.first().is_some_and(|r| r.end == frames.len()) {
            // Unlaced: hand over the buffer without copying.
            let skip = ranges.first().map_or(0, |r| r.start);
            frames.drain(..skip);
            self.pending
                .push_back(packet(b.track, start_ns, frame_ns, is_key, frames));
            return Ok(());
        }
        for (i, r) in ranges.into_iter().enumerate() {
            let data = frames.get(r).map(<[u8]>::to_vec).unwrap_or_default();
            let ts = start_ns + i128::from(frame_ns) * i as i128;
            self.pending
                .push_back(packet(b.track, ts, frame_ns, is_key, data));
        }
        Ok(())
    }
}

fn packet(track: u64, ts_ns: i128, dur_ns: u64, is_key: bool, data: Vec<u8>) -> Packet {
    Packet {
        track_id: u32::try_from(track).unwrap_or(u32::MAX),
        pts_us: (ts_ns.div_euclid(1000)).clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64,
        duration_us: i64::try_from(dur_ns / 1000).unwrap_or(0),
        is_key,
        data,
    }
}

/// Parses a (Simple)Block's header; `frames` holds the rest when `with_data`.
/// The returned `lacing` is the raw flags byte; callers decode it.
fn parse_block(
    data: Vec<u8>,
    pos: u64,
    cluster: ClusterState,
    with_data: bool,
) -> Result<BlockRef, ApiError> {
    let mut r = ByteReader::new(&data);
    let (track, _) = read_vint(&mut r).ok_or_else(|| short("Block"))?;
    let rel = r.u16().ok_or_else(|| short("Block"))? as i16;
    let flags = r.u8().ok_or_else(|| short("Block"))?;
    let header_len = r.pos();
    let mut frames = if with_data { data } else { Vec::new() };
    if with_data {
        frames.drain(..header_len);
    }
    Ok(BlockRef {
        pos,
        cluster,
        track,
        timecode: cluster.timecode.saturating_add(i64::from(rel)),
        is_key: false,
        duration: None,
        frames,
        lacing: flags,
    })
}

/// Byte ranges of the frames in a block payload (after the block header), per the lacing mode.
fn lace_ranges(data: &[u8], lacing: u8) -> Option<Vec<std::ops::Range<usize>>> {
    if lacing == 0 {
        let whole = 0..data.len();
        return Some(vec![whole]);
    }
    let mut r = ByteReader::new(data);
    let count = usize::from(r.u8()?) + 1;
    let mut sizes: Vec<usize> = Vec::with_capacity(count);
    match lacing {
        1 => {
            for _ in 0..count - 1 {
                let mut size = 0usize;
                loop {
                    let b = r.u8()?;
                    size = size.checked_add(usize::from(b))?;
                    if b != 255 {
                        break;
                    }
                }
                sizes.push(size);
            }
        }
        3 => {
            let (first, _) = read_vint(&mut r)?;
            let mut size = usize::try_from(first).ok()?;
            sizes.push(size);
            for _ in 1..count - 1 {
                let before = r.pos();
                let (raw, _) = read_vint(&mut r)?;
                let len = r.pos() - before;
                let bias = (1i64 << (7 * len - 1)) - 1;
                let diff = i64::try_from(raw).ok()? - bias;
                size = usize::try_from(i64::try_from(size).ok()?.checked_add(diff)?).ok()?;
                sizes.push(size);
            }
        }
        2 => {
            let each = r.remaining() / count;
            if each * count != r.remaining() {
                return None;
            }
            sizes.resize(count - 1, each);
        }
        _ => return None,
    }
    let mut start = r.pos();
    let mut ranges = Vec::with_capacity(count);
    for size in sizes {
        let end = start.checked_add(size)?;
        if end > data.len() {
            return None;
        }
        ranges.push(start..end);
        start = end;
    }
    ranges.push(start..data.len());
    Some(ranges)
}

fn parse_tracks(tracks: &[u8]) -> Vec<TrackEntry> {
    let mut out = Vec::new();
    for (id, entry) in children(tracks) {
        if id != TRACK_ENTRY {
            continue;
        }
        let mut e = TrackEntry {
            channels: 1,
            ..Default::default()
        };
        for (id, v) in children(entry) {
            match id {
                TRACK_NUMBER => e.number = read_uint(v),
                TRACK_TYPE => e.kind = read_uint(v),
                CODEC_ID => {
                    e.codec_id = String::from_utf8_lossy(v)
                        .trim_end_matches('\0')
                        .to_string()
                }
                CODEC_PRIVATE => e.private = Some(v.to_vec()),
                DEFAULT_DURATION => e.default_duration = read_uint(v),
                VIDEO => {
                    for (id, v) in children(v) {
                        let n = u32::try_from(read_uint(v)).unwrap_or(0);
                        match id {
                            PIXEL_WIDTH => e.pixel_width = n,
                            PIXEL_HEIGHT => e.pixel_height = n,
                            DISPLAY_WIDTH => e.display_width = n,
                            DISPLAY_HEIGHT => e.display_height = n,
                            COLOUR => {
                                if let Some((_, b)) =
                                    children(v).find(|(id, _)| *id == BITS_PER_CHANNEL)
                                {
                                    e.bits_per_channel = u8::try_from(read_uint(b)).unwrap_or(0);
                                }
                            }
                            _ => {}
                        }
                    }
                }
                AUDIO => {
                    for (id, v) in children(v) {
                        match id {
                            SAMPLING_FREQUENCY => {
                                e.sampling_frequency = read_float(v).unwrap_or(0.0)
                            }
                            OUTPUT_SAMPLING_FREQUENCY => {
                                e.output_sampling_frequency = read_float(v).unwrap_or(0.0)
                            }
                            CHANNELS => e.channels = u32::try_from(read_uint(v)).unwrap_or(0),
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        if e.number > 0 {
            out.push(e);
        }
    }
    out
}

/// The cue index of the seek track (all tracks when there is none). Its size is charged to
/// `budget` before it is allocated: at most one entry per CueTrackPositions.
fn parse_cues(
    cues: &[u8],
    track: Option<u64>,
    segment_start: u64,
    budget: &mut TableBudget,
) -> Result<Vec<(i64, u64)>, ApiError> {
    let positions = children(cues)
        .filter(|(id, _)| *id == CUE_POINT)
        .flat_map(|(_, point)| children(point))
        .filter(|(id, _)| *id == CUE_TRACK_POSITIONS)
        .count();
    budget.take(
        positions as u64,
        std::mem::size_of::<(i64, u64)>(),
        "the Matroska Cues index",
    )?;
    let mut out = Vec::with_capacity(positions);
    for (id, point) in children(cues) {
        if id != CUE_POINT {
            continue;
        }
        let mut time = None;
        for (id, v) in children(point) {
            match id {
                CUE_TIME => time = i64::try_from(read_uint(v)).ok(),
                CUE_TRACK_POSITIONS => {
                    let mut t = None;
                    let mut cluster = None;
                    for (id, v) in children(v) {
                        match id {
                            CUE_TRACK => t = Some(read_uint(v)),
                            CUE_CLUSTER_POSITION => cluster = Some(read_uint(v)),
                            _ => {}
                        }
                    }
                    if let (Some(time), Some(c)) = (time, cluster) {
                        if track.is_none() || t == track {
                            out.push((time, segment_start.saturating_add(c)));
                        }
                    }
                }
                _ => {}
            }
        }
    }
    sort::sort_by(&mut out, Ord::cmp);
    Ok(out)
}

/// The WebCodecs view of a track entry.
fn track_info(e: &TrackEntry, duration_s: f64, frame_rate: f64) -> TrackInfo {
    let private = e.private.as_deref();
    let id = u32::try_from(e.number).unwrap_or(u32::MAX);
    if e.kind == 1 {
        let (name, codec, description) = match e.codec_id.as_str() {
            "V_VP8" => ("vp8", Some("vp8".to_string()), None),
            "V_VP9" => {
                // CodecPrivate: (id, length, value) features: 1 profile, 2 level, 3 bit depth.
                let (mut profile, mut level, mut depth) = (None, 10u8, e.bits_per_channel);
                let mut r = ByteReader::new(private.unwrap_or(&[]));
                while let (Some(id), Some(len)) = (r.u8(), r.u8()) {
                    let Some(v) = r.bytes(usize::from(len)) else {
                        break;
                    };
                    let v = v.first().copied().unwrap_or(0);
                    match id {
                        1 => profile = Some(v),
                        2 => level = v,
                        3 => depth = v,
                        _ => {}
                    }
                }
                let depth = if depth == 0 { 8 } else { depth };
                let profile = profile.unwrap_or(if depth > 8 { 2 } else { 0 });
                ("vp9", Some(vp9_codec_string(profile, level, depth)), None)
            }
            "V_AV1" => (
                "av1",
                private.and_then(av1_codec_string),
                private.map(<[u8]>::to_vec),
            ),
            "V_MPEG4/ISO/AVC" => (
                "h264",
                private.and_then(|p| avc_codec_string("avc1", p)),
                private.map(<[u8]>::to_vec),
            ),
            "V_MPEGH/ISO/HEVC" => (
                "hevc",
                private.and_then(|p| hevc_codec_string("hvc1", p)),
                private.map(<[u8]>::to_vec),
            ),
            other => (other, None, None),
        };
        let (w, h) = (e.pixel_width, e.pixel_height);
        let (dw, dh) = (e.display_width, e.display_height);
        let (pixel_aspect, display_width) = if dw > 0 && dh > 0 && w > 0 && h > 0 {
            let (num, den) = (u64::from(dw) * u64::from(h), u64::from(dh) * u64::from(w));
            let g = gcd(num, den).max(1);
            let pa = (
                u32::try_from(num / g).unwrap_or(1),
                u32::try_from(den / g).unwrap_or(1),
            );
            let disp = (u64::from(h) * u64::from(dw) + u64::from(dh) / 2) / u64::from(dh);
            (pa, u32::try_from(disp).unwrap_or(w))
        } else {
            ((1, 1), w)
        };
        let frame_count = (duration_s * frame_rate).round().max(0.0) as u64;
        return TrackInfo {
            id,
            kind: TrackKind::Video,
            codec_name: name.to_string(),
            duration_s,
            video: Some(VideoInfo {
                codec: codec.unwrap_or_else(|| e.codec_id.clone()),
                description,
                coded_width: w,
                coded_height: h,
                pixel_aspect,
                rotation: 0,
                display_width,
                display_height: h,
                frame_rate,
                frame_count,
            }),
            audio: None,
        };
    }
    let mut sample_rate = if e.output_sampling_frequency > 0.0 {
        e.output_sampling_frequency
    } else {
        e.sampling_frequency
    };
    if !(sample_rate.is_finite() && sample_rate > 0.0) {
        sample_rate = 0.0;
    }
    let mut sample_rate = sample_rate.round() as u32;
    let mut channels = e.channels;
    let (name, codec, description) = match e.codec_id.as_str() {
        "A_OPUS" => {
            if let Some((ch, _)) = private.and_then(parse_opus_head) {
                channels = ch;
            }
            sample_rate = 48000;
            ("opus", "opus".to_string(), private.map(<[u8]>::to_vec))
        }
        "A_VORBIS" => ("vorbis", "vorbis".to_string(), private.map(<[u8]>::to_vec)),
        "A_FLAC" => {
            if let Some((rate, ch)) = private.and_then(parse_flac_streaminfo) {
                sample_rate = rate;
                channels = ch;
            }
            ("flac", "flac".to_string(), private.map(<[u8]>::to_vec))
        }
        "A_MPEG/L3" => ("mp3", "mp3".to_string(), None),
        id if id.starts_with("A_AAC") => {
            let asc = match private {
                Some(p) if !p.is_empty() => p.to_vec(),
                _ => {
                    let object_type = match id.rsplit('/').next() {
                        Some("MAIN") => 1,
                        Some("SSR") => 3,
                        Some("LTP") => 4,
                        Some("SBR") => 5,
                        _ => 2,
                    };
                    build_aac_config(object_type, e.sampling_frequency.round() as u32, channels)
                }
            };
            let cfg = parse_aac_config(&asc);
            if let Some(c) = cfg {
                if c.sample_rate > 0 {
                    sample_rate = c.sample_rate;
                }
                if c.channels > 0 {
                    channels = c.channels;
                }
            }
            let codec = format!("mp4a.40.{}", cfg.map_or(2, |c| c.object_type));
            ("aac", codec, Some(asc))
        }
        other => (other, other.to_string(), None),
    };
    TrackInfo {
        id,
        kind: TrackKind::Audio,
        codec_name: name.to_string(),
        duration_s,
        video: None,
        audio: Some(AudioInfo {
            codec,
            description,
            sample_rate,
            channels,
        }),
    }
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

impl Demuxer for MkvDemuxer {
    fn info(&self) -> &MediaInfo {
        &self.info
    }

    fn next_packet(&mut self) -> Result<Option<Packet>, ApiError> {
        loop {
            if let Some(p) = self.pending.pop_front() {
                return Ok(Some(p));
            }
            let mut cur = self.cursor;
            let block = self.next_block(&mut cur, true);
            self.cursor = cur;
            let Some(b) = block? else { return Ok(None) };
            self.queue_frames(b)?;
        }
    }

    fn seek(&mut self, time_s: f64) -> Result<(), ApiError> {
        let Some(first) = self.first_cluster else {
            return Ok(());
        };
        let target_ns = if time_s.is_finite() {
            (time_s.max(0.0) * 1e9) as i128
        } else {
            0
        };
        let target = i64::try_from(target_ns / i128::from(self.timecode_scale)).unwrap_or(i64::MAX);
        // Start from the latest known cluster that begins at or before the target.
        let from_cues = self
            .cues
            .iter()
            .rev()
            .find(|(t, _)| *t <= target)
            .map(|&(t, p)| (t, p));
        let from_seen = self
            .seen_clusters
            .iter()
            .rev()
            .find(|(_, t)| *t <= target)
            .map(|&(p, t)| (t, p));
        let start = match (from_cues, from_seen) {
            (Some(a), Some(b)) => Some(if a.0 >= b.0 { a.1 } else { b.1 }),
            (a, b) => a.or(b).map(|x| x.1),
        };
        // A cluster index entry may precede the key frame we need only if the cluster does not
        // start with one; then the walk is repeated from the first cluster.
        let mut attempts = vec![first];
        if let Some(s) = start.filter(|&s| s > first) {
            attempts.insert(0, s);
        }
        for from in attempts {
            if let Some((found, first_key)) = self.find_key(from, target)? {
                // At or before the first key frame: start over, including audio that precedes it.
                self.cursor = if first_key && from == first {
                    Cursor {
                        pos: first,
                        cluster: None,
                    }
                } else {
                    found
                };
                self.pending.clear();
                return Ok(());
            }
        }
        self.cursor = Cursor {
            pos: first,
            cluster: None,
        };
        self.pending.clear();
        Ok(())
    }
}

impl MkvDemuxer {
    /// Walks block headers from `from` and returns the position of the last key frame of the seek
    /// track at or before `target` (TimecodeScale units), and whether it was the first key met.
    fn find_key(&mut self, from: u64, target: i64) -> Result<Option<(Cursor, bool)>, ApiError> {
        let mut cur = Cursor {
            pos: from,
            cluster: None,
        };
        let mut best = None;
        let mut keys = 0;
        while let Some(b) = self.next_block(&mut cur, false)? {
            if Some(b.track) != self.seek_track {
                continue;
            }
            let is_key = b.is_key
                || self
                    .track(b.track)
                    .is_some_and(|t| t.kind == TrackKind::Audio);
            if !is_key {
                continue;
            }
            if b.timecode > target {
                break;
            }
            keys += 1;
            best = Some((
                Cursor {
                    pos: b.pos,
                    cluster: Some(b.cluster),
                },
                keys == 1,
            ));
        }
        Ok(best)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vints() {
        let mut r = ByteReader::new(&[0x81, 0x40, 0x02]);
        assert_eq!(read_vint(&mut r), Some((1, false)));
        assert_eq!(read_vint(&mut r), Some((2, false)));
        assert_eq!(read_size(&mut ByteReader::new(&[0xFF])), Some(None));
        assert_eq!(
            read_size(&mut ByteReader::new(&[
                0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF
            ])),
            Some(None)
        );
        assert_eq!(
            read_id(&mut ByteReader::new(&[0x1A, 0x45, 0xDF, 0xA3])),
            Some(EBML)
        );
        assert_eq!(read_id(&mut ByteReader::new(&[0x00, 0x45])), None);
    }

    #[test]
    fn lacing() {
        // Xiph: 3 frames of sizes 2, 256, rest.
        let mut data = vec![2, 2, 255, 1];
        data.extend(std::iter::repeat_n(0u8, 2 + 256 + 5));
        let r = lace_ranges(&data, 1).unwrap_or_default();
        assert_eq!(
            r.iter().map(|r| r.len()).collect::<Vec<_>>(),
            vec![2, 256, 5]
        );
        // Fixed: 2 frames of 3.
        let r = lace_ranges(&[1, 0, 0, 0, 0, 0, 0], 2).unwrap_or_default();
        assert_eq!(r.iter().map(|r| r.len()).collect::<Vec<_>>(), vec![3, 3]);
        // EBML: 3 frames: 4, 4+1=5, rest 2.
        let mut data = vec![2, 0x84, 0xC0];
        data.extend([0u8; 11]);
        let r = lace_ranges(&data, 3).unwrap_or_default();
        assert_eq!(r.iter().map(|r| r.len()).collect::<Vec<_>>(), vec![4, 5, 2]);
    }
}
