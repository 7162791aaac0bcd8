//! WebM / Matroska writer, Sans-I/O.
//!
//! Layout: `head` (EBML header, Segment start, SeekHead, Info, Tracks) + body (completed
//! Clusters, handed out by `push` as they close) + `tail` (the last Cluster and Cues). Only the
//! open cluster is held in memory (blocks need their headers between the frames, so WebM cannot
//! avoid copying frame bytes, but it only ever holds about one GOP). The head is produced last, by
//! `finish`, so the Segment size and the Duration are exact. Positions that depend on the head's
//! length (SeekHead entries, CueClusterPosition) are written as fixed 8-byte integers, so the head
//! length does not depend on the values it contains and no iteration is needed.

use super::mux::{
    validate_track, AudioCodec, OpusConfig, TrackConfig, VideoCodec, VpxConfig, OPUS_RATE,
};
use crate::ApiError;

/// Which flavour of Matroska to write; WebM is restricted to VP8/VP9/AV1 and Opus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocType {
    Webm,
    Matroska,
}

impl DocType {
    fn name(self) -> &'static str {
        match self {
            DocType::Webm => "webm",
            DocType::Matroska => "matroska",
        }
    }
}

/// Opus decoders need 80 ms of preceding audio to converge after a seek (RFC 7845 section 4.6).
const OPUS_SEEK_PRE_ROLL_NS: u64 = 80_000_000;
/// Cluster timestamps are in TimestampScale units of 1 ms; block offsets are signed 16-bit.
const TIMESTAMP_SCALE_NS: u64 = 1_000_000;
/// A new cluster is forced before block offsets approach the signed 16-bit limit (32767 ms).
const MAX_CLUSTER_SPAN_MS: i64 = 30_000;
/// Without video, clusters are cut every 5 s so seeking and memory stay bounded.
const AUDIO_ONLY_CLUSTER_MS: i64 = 5_000;
/// Video key frames closer than this to the cluster start stay in the same cluster (all-intra
/// streams would otherwise get one cluster per frame).
const MIN_CLUSTER_MS: i64 = 500;

mod id {
    pub const EBML: u32 = 0x1A45_DFA3;
    pub const EBML_VERSION: u32 = 0x4286;
    pub const EBML_READ_VERSION: u32 = 0x42F7;
    pub const EBML_MAX_ID_LENGTH: u32 = 0x42F2;
    pub const EBML_MAX_SIZE_LENGTH: u32 = 0x42F3;
    pub const DOC_TYPE: u32 = 0x4282;
    pub const DOC_TYPE_VERSION: u32 = 0x4287;
    pub const DOC_TYPE_READ_VERSION: u32 = 0x4285;
    pub const SEGMENT: u32 = 0x1853_8067;
    pub const SEEK_HEAD: u32 = 0x114D_9B74;
    pub const SEEK: u32 = 0x4DBB;
    pub const SEEK_ID: u32 = 0x53AB;
    pub const SEEK_POSITION: u32 = 0x53AC;
    pub const INFO: u32 = 0x1549_A966;
    pub const TIMESTAMP_SCALE: u32 = 0x2A_D7B1;
    pub const MUXING_APP: u32 = 0x4D80;
    pub const WRITING_APP: u32 = 0x5741;
    pub const DURATION: u32 = 0x4489;
    pub const TRACKS: u32 = 0x1654_AE6B;
    pub const TRACK_ENTRY: u32 = 0xAE;
    pub const TRACK_NUMBER: u32 = 0xD7;
    pub const TRACK_UID: u32 = 0x73C5;
    pub const TRACK_TYPE: u32 = 0x83;
    pub const FLAG_LACING: u32 = 0x9C;
    pub const LANGUAGE: u32 = 0x22_B59C;
    pub const CODEC_ID: u32 = 0x86;
    pub const CODEC_PRIVATE: u32 = 0x63A2;
    pub const CODEC_DELAY: u32 = 0x56AA;
    pub const SEEK_PRE_ROLL: u32 = 0x56BB;
    pub const VIDEO: u32 = 0xE0;
    pub const PIXEL_WIDTH: u32 = 0xB0;
    pub const PIXEL_HEIGHT: u32 = 0xBA;
    pub const AUDIO: u32 = 0xE1;
    pub const SAMPLING_FREQUENCY: u32 = 0xB5;
    pub const CHANNELS: u32 = 0x9F;
    pub const CLUSTER: u32 = 0x1F43_B675;
    pub const TIMESTAMP: u32 = 0xE7;
    pub const SIMPLE_BLOCK: u32 = 0xA3;
    pub const BLOCK_GROUP: u32 = 0xA0;
    pub const BLOCK: u32 = 0xA1;
    pub const DISCARD_PADDING: u32 = 0x75A2;
    pub const CUES: u32 = 0x1C53_BB6B;
    pub const CUE_POINT: u32 = 0xBB;
    pub const CUE_TIME: u32 = 0xB3;
    pub const CUE_TRACK_POSITIONS: u32 = 0xB7;
    pub const CUE_TRACK: u32 = 0xF7;
    pub const CUE_CLUSTER_POSITION: u32 = 0xF1;
}

#[derive(Debug)]
struct Track {
    config: TrackConfig,
    last_ts_us: Option<i64>,
    /// Latest `ts + duration` seen, for the segment Duration.
    end_us: i64,
    /// Opus pre-skip as a duration; subtracted from block times by players (CodecDelay).
    codec_delay_ns: u64,
    /// Where the presentation ends (`end_at`), when the last block runs past it.
    end_at_us: Option<i64>,
}

/// The cluster being filled.
#[derive(Debug)]
struct OpenCluster {
    ts_ms: i64,
    starts_with_video_key: bool,
    blocks: Vec<u8>,
    /// Per track, the latest block in this cluster: `(offset in blocks, length, its end in us)`,
    /// so `finish` can turn a track's last block into a BlockGroup with DiscardPadding.
    last_block: Vec<Option<(usize, usize, i64)>>,
}

/// A Cues entry: a cluster that starts with a key frame (or any cluster without video).
#[derive(Debug, Clone, Copy)]
struct Cue {
    time_ms: u64,
    track: u64,
    /// Offset of the cluster from the start of the body.
    body_pos: u64,
}

/// Writes WebM or Matroska from encoded frames. See the module docs for the byte layout.
///
/// "No frames after finish" is enforced by ownership: `finish` consumes the writer.
#[derive(Debug)]
pub struct WebmWriter {
    doc_type: DocType,
    tracks: Vec<Track>,
    /// The first video track drives clustering and Cues.
    video_track: Option<usize>,
    cluster: Option<OpenCluster>,
    body_len: u64,
    cues: Vec<Cue>,
}

impl WebmWriter {
    /// Validates the tracks; in WebM, H.264 and AAC are refused (`InvalidMedia.Unsupported`):
    /// they need `DocType::Matroska` (.mkv).
    pub fn new(doc_type: DocType, tracks: &[TrackConfig]) -> Result<Self, ApiError> {
        if tracks.is_empty() {
            return Err(ApiError::internal("WebM writer needs at least one track"));
        }
        let mut out = Vec::with_capacity(tracks.len());
        for (i, t) in tracks.iter().enumerate() {
            validate_track(i, t)?;
            let matroska_only = match t {
                TrackConfig::Video(v) => {
                    matches!(v.codec, VideoCodec::Avc { .. }).then_some("H.264")
                }
                TrackConfig::Audio(a) => matches!(a.codec, AudioCodec::Aac { .. }).then_some("AAC"),
            };
            if let (DocType::Webm, Some(codec)) = (doc_type, matroska_only) {
                return Err(ApiError::unsupported(format!(
                    "output track {i}: {codec} cannot be stored in WebM (WebM allows VP8, VP9, AV1, Opus, Vorbis); use the mkv or mp4 container"
                )));
            }
            let codec_delay_ns = match t {
                TrackConfig::Audio(a) => match &a.codec {
                    AudioCodec::Opus(o) => {
                        u64::from(o.pre_skip) * 1_000_000_000 / u64::from(OPUS_RATE)
                    }
                    _ => 0,
                },
                TrackConfig::Video(_) => 0,
            };
            out.push(Track {
                config: t.clone(),
                last_ts_us: None,
                end_us: 0,
                codec_delay_ns,
                end_at_us: None,
            });
        }
        let video_track = tracks
            .iter()
            .position(|t| matches!(t, TrackConfig::Video(_)));
        Ok(Self {
            doc_type,
            tracks: out,
            video_track,
            cluster: None,
            body_len: 0,
            cues: Vec::new(),
        })
    }

    /// Adds one frame and returns bytes to append to the body: a completed cluster when this frame
    /// starts a new one, else nothing. Refuses, with `Internal`, a first video frame that is not a
    /// key frame, timestamps that go backwards within a track (so H.264 with B-frames is not
    /// accepted here), negative timestamps, empty frames, and tracks drifting more than 30 s
    /// apart (block offsets could not be represented).
    pub fn push(
        &mut self,
        track_index: usize,
        ts_us: i64,
        duration_us: i64,
        is_key: bool,
        data: &[u8],
    ) -> Result<Vec<u8>, ApiError> {
        let fail = |why: String| {
            Err(ApiError::internal(format!(
                "WebM track {track_index}: {why}"
            )))
        };
        let Some(track) = self.tracks.get_mut(track_index) else {
            return fail("no such track".into());
        };
        if data.is_empty() {
            return fail("empty frame".into());
        }
        if duration_us < 0 {
            return fail(format!("negative duration {duration_us} us"));
        }
        if ts_us < 0 {
            return fail(format!(
                "negative timestamp {ts_us} us; WebM timestamps start at 0"
            ));
        }
        let is_video = matches!(track.config, TrackConfig::Video(_));
        match track.last_ts_us {
            None if is_video && !is_key => {
                return fail("the first video frame must be a key frame".into())
            }
            Some(last) if ts_us < last => {
                return fail(format!("timestamp {ts_us} us goes back from {last} us"));
            }
            _ => {}
        }
        track.last_ts_us = Some(ts_us);
        track.end_us = track.end_us.max(ts_us + duration_us);

        let ts_ms = (ts_us + 500) / 1000;
        let drives_clusters = self.video_track == Some(track_index);
        let new_cluster = match &self.cluster {
            None => true,
            Some(c) => {
                let rel = ts_ms - c.ts_ms;
                if rel < -MAX_CLUSTER_SPAN_MS {
                    return fail(format!(
                        "frame at {ts_ms} ms is more than {MAX_CLUSTER_SPAN_MS} ms before the cluster at {} ms; interleave the tracks by time",
                        c.ts_ms
                    ));
                }
                rel > MAX_CLUSTER_SPAN_MS
                    || (drives_clusters
                        && is_key
                        && (rel >= MIN_CLUSTER_MS || !c.starts_with_video_key))
                    || (self.video_track.is_none() && rel >= AUDIO_ONLY_CLUSTER_MS)
            }
        };
        let mut completed = Vec::new();
        if new_cluster {
            if let Some(c) = self.cluster.take() {
                completed = serialize_cluster(&c);
                self.body_len += completed.len() as u64;
            }
            let starts_with_video_key = drives_clusters && is_key;
            if starts_with_video_key || self.video_track.is_none() {
                self.cues.push(Cue {
                    time_ms: ts_ms as u64,
                    track: track_index as u64 + 1,
                    body_pos: self.body_len,
                });
            }
            self.cluster = Some(OpenCluster {
                ts_ms,
                starts_with_video_key,
                blocks: Vec::new(),
                last_block: vec![None; self.tracks.len()],
            });
        }
        if let Some(c) = self.cluster.as_mut() {
            let rel = (ts_ms - c.ts_ms) as i16;
            let mut header = Vec::with_capacity(4);
            put_vint(&mut header, track_index as u64 + 1);
            header.extend_from_slice(&rel.to_be_bytes());
            header.push(if is_key { 0x80 } else { 0 });
            let start = c.blocks.len();
            put_id(&mut c.blocks, id::SIMPLE_BLOCK);
            put_vint(&mut c.blocks, (header.len() + data.len()) as u64);
            c.blocks.extend_from_slice(&header);
            c.blocks.extend_from_slice(data);
            c.last_block[track_index] = Some((start, c.blocks.len() - start, ts_us + duration_us));
        }
        Ok(completed)
    }

    /// Ends track `track_index`'s presentation at `end_us` when its last block runs longer (an
    /// audio encoder's padding of its last frame): `finish` writes that block as a BlockGroup
    /// with `DiscardPadding`, which players drop from the decoded end, and the segment Duration
    /// ends there. Takes effect when the last block is in the final cluster (the usual case: a
    /// cluster closes only at a video key frame, so only a key frame in the last audio frame's
    /// span could close it); otherwise the padding stays, as without this call.
    pub fn end_at(&mut self, track_index: usize, end_us: i64) -> Result<(), ApiError> {
        let track = self.tracks.get_mut(track_index).ok_or_else(|| {
            ApiError::internal(format!(
                "WebM end of track {track_index}, which does not exist"
            ))
        })?;
        track.end_at_us = Some(end_us);
        Ok(())
    }

    /// Total body bytes handed out by `push` so far.
    pub fn body_len(&self) -> u64 {
        self.body_len
    }

    /// Closes the last cluster and returns `(head, tail)`: the file is head, then every byte
    /// `push` returned in order, then tail.
    pub fn finish(mut self) -> Result<(Vec<u8>, Vec<u8>), ApiError> {
        if let Some(i) = self.tracks.iter().position(|t| t.last_ts_us.is_none()) {
            return Err(ApiError::internal(format!(
                "WebM track {i} received no frames"
            )));
        }
        let mut cluster = self.cluster.take();
        if let Some(c) = cluster.as_mut() {
            for (i, t) in self.tracks.iter_mut().enumerate() {
                // Block times include the Opus pre-skip (CodecDelay); the end is presentation time.
                let delay_us = i64::try_from(t.codec_delay_ns / 1000).unwrap_or(0);
                if let Some(end) = discard_padding(c, i, t.end_at_us.map(|e| e + delay_us)) {
                    t.end_us = end;
                }
            }
        }
        let last_cluster = cluster.as_ref().map(serialize_cluster).unwrap_or_default();

        let info = self.info();
        let tracks = self.tracks_element();
        // SeekHead has fixed-size positions: measure it with zeros, then fill in.
        let has_cues = !self.cues.is_empty();
        let seek_len = seek_head(&[0, 0, 0], has_cues).len() as u64;
        let head_seg_len = seek_len + info.len() as u64 + tracks.len() as u64;
        let cues_pos = head_seg_len + self.body_len + last_cluster.len() as u64;
        let seek = seek_head(
            &[seek_len, seek_len + info.len() as u64, cues_pos],
            has_cues,
        );

        let mut tail = last_cluster;
        if !self.cues.is_empty() {
            master(&mut tail, id::CUES, |o| {
                for cue in &self.cues {
                    master(o, id::CUE_POINT, |o| {
                        uint(o, id::CUE_TIME, cue.time_ms);
                        master(o, id::CUE_TRACK_POSITIONS, |o| {
                            uint(o, id::CUE_TRACK, cue.track);
                            uint_fixed8(o, id::CUE_CLUSTER_POSITION, head_seg_len + cue.body_pos);
                        });
                    });
                }
            });
        }

        let mut head = Vec::new();
        master(&mut head, id::EBML, |o| {
            uint(o, id::EBML_VERSION, 1);
            uint(o, id::EBML_READ_VERSION, 1);
            uint(o, id::EBML_MAX_ID_LENGTH, 4);
            uint(o, id::EBML_MAX_SIZE_LENGTH, 8);
            string(o, id::DOC_TYPE, self.doc_type.name());
            uint(o, id::DOC_TYPE_VERSION, 4);
            uint(o, id::DOC_TYPE_READ_VERSION, 2);
        });
        put_id(&mut head, id::SEGMENT);
        put_vint8(&mut head, head_seg_len + self.body_len + tail.len() as u64);
        head.extend_from_slice(&seek);
        head.extend_from_slice(&info);
        head.extend_from_slice(&tracks);
        Ok((head, tail))
    }

    fn info(&self) -> Vec<u8> {
        // Presentation end of the longest track; Opus ends earlier by its codec delay.
        let end_us = self
            .tracks
            .iter()
            .map(|t| t.end_us - i64::try_from(t.codec_delay_ns / 1000).unwrap_or(0))
            .max()
            .unwrap_or(0);
        let mut out = Vec::new();
        master(&mut out, id::INFO, |o| {
            uint(o, id::TIMESTAMP_SCALE, TIMESTAMP_SCALE_NS);
            string(o, id::MUXING_APP, "reelcut");
            string(o, id::WRITING_APP, "reelcut");
            float(o, id::DURATION, end_us.max(0) as f64 / 1000.0);
        });
        out
    }

    fn tracks_element(&self) -> Vec<u8> {
        let mut out = Vec::new();
        master(&mut out, id::TRACKS, |o| {
            for (i, t) in self.tracks.iter().enumerate() {
                master(o, id::TRACK_ENTRY, |o| {
                    uint(o, id::TRACK_NUMBER, i as u64 + 1);
                    uint(o, id::TRACK_UID, i as u64 + 1);
                    uint(
                        o,
                        id::TRACK_TYPE,
                        if matches!(t.config, TrackConfig::Video(_)) {
                            1
                        } else {
                            2
                        },
                    );
                    uint(o, id::FLAG_LACING, 0);
                    string(o, id::LANGUAGE, "und");
                    match &t.config {
                        TrackConfig::Video(v) => {
                            let (codec_id, private) = match &v.codec {
                                VideoCodec::Avc { avcc } => ("V_MPEG4/ISO/AVC", Some(avcc.clone())),
                                VideoCodec::Vp9(c) => ("V_VP9", Some(vp9_private(c))),
                                VideoCodec::Av1 { av1c } => ("V_AV1", Some(av1c.clone())),
                                VideoCodec::Vp8 => ("V_VP8", None),
                            };
                            string(o, id::CODEC_ID, codec_id);
                            if let Some(p) = private {
                                element(o, id::CODEC_PRIVATE, &p);
                            }
                            master(o, id::VIDEO, |o| {
                                uint(o, id::PIXEL_WIDTH, u64::from(v.width));
                                uint(o, id::PIXEL_HEIGHT, u64::from(v.height));
                            });
                        }
                        TrackConfig::Audio(a) => {
                            let rate = match &a.codec {
                                AudioCodec::Aac {
                                    audio_specific_config,
                                } => {
                                    string(o, id::CODEC_ID, "A_AAC");
                                    element(o, id::CODEC_PRIVATE, audio_specific_config);
                                    a.sample_rate
                                }
                                AudioCodec::Opus(c) => {
                                    write_opus_private(o, c, a.channels as u8, t.codec_delay_ns);
                                    OPUS_RATE
                                }
                                // Refused in `validate_track`.
                                AudioCodec::Other(_) => a.sample_rate,
                            };
                            master(o, id::AUDIO, |o| {
                                float(o, id::SAMPLING_FREQUENCY, f64::from(rate));
                                uint(o, id::CHANNELS, u64::from(a.channels));
                            });
                        }
                    }
                });
            }
        });
        out
    }
}

fn write_opus_private(o: &mut Vec<u8>, c: &OpusConfig, channels: u8, codec_delay_ns: u64) {
    string(o, id::CODEC_ID, "A_OPUS");
    element(o, id::CODEC_PRIVATE, &c.opus_head(channels));
    uint(o, id::CODEC_DELAY, codec_delay_ns);
    uint(o, id::SEEK_PRE_ROLL, OPUS_SEEK_PRE_ROLL_NS);
}

/// VP9 CodecPrivate: codec feature ID/length/value triplets (profile, level, bit depth, chroma).
fn vp9_private(c: &VpxConfig) -> Vec<u8> {
    vec![
        1,
        1,
        c.profile,
        2,
        1,
        c.level,
        3,
        1,
        c.bit_depth,
        4,
        1,
        c.chroma_subsampling,
    ]
}

/// SeekHead pointing at Info, Tracks and (if any) Cues; `positions` are in that order, relative
/// to the Segment data start.
fn seek_head(positions: &[u64; 3], with_cues: bool) -> Vec<u8> {
    let targets = [id::INFO, id::TRACKS, id::CUES];
    let count = if with_cues { 3 } else { 2 };
    let mut out = Vec::new();
    master(&mut out, id::SEEK_HEAD, |o| {
        for (&target, &pos) in targets.iter().zip(positions).take(count) {
            master(o, id::SEEK, |o| {
                let mut target_id = Vec::new();
                put_id(&mut target_id, target);
                element(o, id::SEEK_ID, &target_id);
                uint_fixed8(o, id::SEEK_POSITION, pos);
            });
        }
    });
    out
}

/// Rewrites track `index`'s last SimpleBlock in `c` as a BlockGroup whose `DiscardPadding` drops
/// what lies past `end_us` (block time); gives the new end when it did.
fn discard_padding(c: &mut OpenCluster, index: usize, end_us: Option<i64>) -> Option<i64> {
    let (start, len, block_end_us) = c.last_block.get(index).copied().flatten()?;
    let end_us = end_us.filter(|&e| e < block_end_us)?;
    let simple = c.blocks.get(start..start + len)?.to_vec();
    // SimpleBlock id (1 byte) and size vint, then track vint, i16 time, flags, frame.
    let size_len = usize::from(simple.get(1)?.leading_zeros() as u8) + 1;
    let mut body = simple.get(1 + size_len..)?.to_vec();
    let track_len = usize::from(body.first()?.leading_zeros() as u8) + 1;
    // A Block's flags have no key-frame bit (audio frames are all key frames anyway).
    *body.get_mut(track_len + 2)? &= !0x80;
    let mut group = Vec::with_capacity(body.len() + 16);
    master(&mut group, id::BLOCK_GROUP, |o| {
        element(o, id::BLOCK, &body);
        let padding_ns = (block_end_us - end_us) * 1000;
        // A signed integer: drop leading zero bytes while the next byte's top bit stays clear.
        let bytes = padding_ns.to_be_bytes();
        let skip = (0..7)
            .take_while(|&i| bytes[i] == 0 && bytes[i + 1] & 0x80 == 0)
            .count();
        element(o, id::DISCARD_PADDING, &bytes[skip..]);
    });
    c.blocks.splice(start..start + len, group);
    Some(end_us)
}

fn serialize_cluster(c: &OpenCluster) -> Vec<u8> {
    let mut out = Vec::with_capacity(c.blocks.len() + 24);
    master(&mut out, id::CLUSTER, |o| {
        uint(o, id::TIMESTAMP, c.ts_ms.max(0) as u64);
        o.extend_from_slice(&c.blocks);
    });
    out
}

/// Element IDs are written as their big-endian bytes without leading zeros (the marker bit is part
/// of the ID value).
fn put_id(o: &mut Vec<u8>, id: u32) {
    let bytes = id.to_be_bytes();
    let skip = bytes.iter().take_while(|&&b| b == 0).count().min(3);
    o.extend_from_slice(&bytes[skip..]);
}

/// Shortest EBML variable-size integer for `v` (the all-ones value of each length is reserved for
/// "unknown", hence the `- 1`).
fn put_vint(o: &mut Vec<u8>, v: u64) {
    let len = (1..=8u32).find(|&n| v < (1u64 << (7 * n)) - 1).unwrap_or(8);
    let marked = v | (1u64 << (7 * len));
    o.extend_from_slice(&marked.to_be_bytes()[8 - len as usize..]);
}

/// 8-byte EBML size, used for the Segment so its size field has a known length.
fn put_vint8(o: &mut Vec<u8>, v: u64) {
    o.push(0x01);
    o.extend_from_slice(&v.to_be_bytes()[1..]);
}

fn element(o: &mut Vec<u8>, id: u32, payload: &[u8]) {
    put_id(o, id);
    put_vint(o, payload.len() as u64);
    o.extend_from_slice(payload);
}

fn master(o: &mut Vec<u8>, id: u32, body: impl FnOnce(&mut Vec<u8>)) {
    let mut inner = Vec::new();
    body(&mut inner);
    element(o, id, &inner);
}

fn uint(o: &mut Vec<u8>, id: u32, v: u64) {
    let bytes = v.to_be_bytes();
    let skip = bytes.iter().take_while(|&&b| b == 0).count().min(7);
    element(o, id, &bytes[skip..]);
}

/// Unsigned integer always 8 bytes wide, for positions written before their value is final.
fn uint_fixed8(o: &mut Vec<u8>, id: u32, v: u64) {
    element(o, id, &v.to_be_bytes());
}

fn float(o: &mut Vec<u8>, id: u32, v: f64) {
    element(o, id, &v.to_be_bytes());
}

fn string(o: &mut Vec<u8>, id: u32, s: &str) {
    element(o, id, s.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vint_lengths() {
        let enc = |v| {
            let mut o = Vec::new();
            put_vint(&mut o, v);
            o
        };
        assert_eq!(enc(1), [0x81]);
        assert_eq!(enc(126), [0xFE]);
        assert_eq!(enc(127), [0x40, 0x7F]);
        assert_eq!(enc(300), [0x41, 0x2C]);
        let mut o = Vec::new();
        put_id(&mut o, id::CLUSTER);
        assert_eq!(o, [0x1F, 0x43, 0xB6, 0x75]);
    }
}
