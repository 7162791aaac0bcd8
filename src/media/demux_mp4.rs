//! Streaming MP4 / MOV / M4V demuxer (ISO/IEC 14496-12 and QuickTime), plain and fragmented.
//!
//! Only metadata is read up front: the top-level box headers, the `moov` box (whose sample tables
//! are expanded into a compact per-sample list: sample tables are small next to the media) and, for
//! fragmented files, each `moof` box once to learn durations, packet counts and key-frame times for
//! seeking. Packet bytes are read lazily, one `read_at` per packet, in file-offset order across the
//! tracks, so a reader moves forward through the file. Fragmented files keep only the samples of the
//! fragment being read, so memory does not grow with the input length.
//!
//! Timestamps follow the edit list the way players apply it: `pts = (cts - media_time)` converted
//! to microseconds plus the length of leading empty edits. Samples before `media_time` are still
//! returned (with negative pts) because later frames need them to decode.

use super::budget::TableBudget;
use super::byte_reader::ByteReader;
use super::codec_config::{
    av1_codec_string, avc_codec_string, hevc_codec_string, opus_head_from_dops, parse_aac_config,
    parse_flac_streaminfo, vp9_codec_string_from_vpcc,
};
use super::types::{
    duration_tolerance_s, round3, AudioInfo, ByteSource, Demuxer, MediaInfo, Packet, TrackInfo,
    TrackKind, VideoInfo,
};
use crate::num_text::Num;
use crate::ApiError;

/// Largest `moov`/`moof` we agree to hold in memory; real ones are far smaller.
const MAX_HEADER_BOX: u64 = 256 << 20;
/// Upper bound on samples per track (a 10-hour 60 fps video has 2.2 M), so that a forged sample
/// count cannot make us allocate gigabytes.
const MAX_SAMPLES: u64 = 20_000_000;
/// Upper bound on samples in one `moof` (real fragments hold seconds of media).
const MAX_FRAGMENT_SAMPLES: u32 = 1_000_000;

fn corrupt(msg: impl Into<String>) -> ApiError {
    ApiError::corrupt(msg)
}

fn truncated(what: impl std::fmt::Display) -> ApiError {
    ApiError::corrupt(format!("the MP4 file is truncated: {what}"))
}

/// Turns a short read inside a box payload into an error naming the box.
trait OrShort<T> {
    fn or_short(self, name: &str) -> Result<T, ApiError>;
}

impl<T> OrShort<T> for Option<T> {
    fn or_short(self, name: &str) -> Result<T, ApiError> {
        self.ok_or_else(|| corrupt(format!("the MP4 '{name}' box is shorter than its contents")))
    }
}

/// A four-character code as text for messages and unknown codec names.
fn fourcc_str(f: [u8; 4]) -> String {
    let s: String = f
        .iter()
        .map(|&b| {
            if b.is_ascii_graphic() || b == b' ' {
                b as char
            } else {
                '?'
            }
        })
        .collect();
    s.trim_end().to_string()
}

/// Iterates the child boxes of an in-memory payload: (type, payload).
struct Boxes<'a> {
    data: &'a [u8],
    pos: usize,
}

fn boxes(data: &[u8]) -> Boxes<'_> {
    Boxes { data, pos: 0 }
}

impl<'a> Iterator for Boxes<'a> {
    type Item = Result<([u8; 4], &'a [u8]), ApiError>;

    fn next(&mut self) -> Option<Self::Item> {
        let rest = self.data.get(self.pos..)?;
        if rest.len() < 8 {
            // Some writers pad with a few zero bytes; anything shorter than a header is ignored.
            return None;
        }
        let mut r = ByteReader::new(rest);
        let item = (|| {
            let size32 = r.u32().or_short("box header")?;
            let kind = r.fourcc().or_short("box header")?;
            let size = match size32 {
                0 => rest.len() as u64,
                1 => r.u64().or_short("box header")?,
                n => u64::from(n),
            };
            let header = r.pos() as u64;
            if size < header || size > rest.len() as u64 {
                return Err(corrupt(format!(
                    "the MP4 '{}' box claims {size} bytes but its parent has {} left",
                    fourcc_str(kind),
                    rest.len()
                )));
            }
            let payload = rest.get(header as usize..size as usize).or_short("box")?;
            Ok((kind, payload, size as usize))
        })();
        match item {
            Ok((kind, payload, size)) => {
                self.pos += size;
                Some(Ok((kind, payload)))
            }
            Err(e) => {
                self.pos = self.data.len();
                Some(Err(e))
            }
        }
    }
}

/// The first child box of the given type.
fn find_box<'a>(data: &'a [u8], kind: &[u8; 4]) -> Result<Option<&'a [u8]>, ApiError> {
    for b in boxes(data) {
        let (k, payload) = b?;
        if &k == kind {
            return Ok(Some(payload));
        }
    }
    Ok(None)
}

/// One sample (packet) as the tables describe it; 32 bytes.
#[derive(Debug, Clone, Copy)]
struct Sample {
    offset: u64,
    /// Decode time in the track's timescale.
    dts: i64,
    size: u32,
    duration: u32,
    /// Composition offset (cts - dts).
    cts_offset: i32,
    is_key: bool,
}

/// Fragment defaults from `trex`.
#[derive(Debug, Clone, Copy, Default)]
struct Trex {
    duration: u32,
    size: u32,
    flags: u32,
}

/// The edit list reduced to what playback uses.
#[derive(Debug, Clone, Copy, Default)]
struct Edits {
    /// Media time shown at the start of the first non-empty edit (track timescale).
    media_time: i64,
    /// Length of leading empty edits, in microseconds.
    start_us: i64,
    /// Total presentation length (movie timescale), when the edits state it.
    duration: Option<u64>,
    /// Media time at which presentation ends, for a single non-empty edit.
    end_media: Option<i64>,
}

/// A demuxed track: its timing and the samples of the current segment.
struct Track {
    id: u32,
    kind: TrackKind,
    timescale: u32,
    edits: Edits,
    trex: Trex,
    /// Samples from the `moov` sample tables (empty for fragmented files).
    moov_samples: Vec<Sample>,
    /// Samples of the loaded fragment.
    frag_samples: Vec<Sample>,
    /// Index of the next sample to return within the current segment.
    next: usize,
}

impl Track {
    fn pts_us(&self, s: &Sample) -> i64 {
        let cts = s
            .dts
            .saturating_add(i64::from(s.cts_offset))
            .saturating_sub(self.edits.media_time);
        to_us(cts, self.timescale).saturating_add(self.edits.start_us)
    }

    /// Audio samples that start after the edit's end are encoder padding: players never present
    /// them, so they are dropped. Video samples are all kept, since they may be references.
    fn past_edit_end(&self, s: &Sample) -> bool {
        self.kind == TrackKind::Audio
            && self
                .edits
                .end_media
                .is_some_and(|end| s.dts.saturating_add(i64::from(s.cts_offset)) >= end)
    }
}

/// `v` units of `1/timescale` seconds in microseconds, rounded to nearest.
fn to_us(v: i64, timescale: u32) -> i64 {
    let ts = i128::from(timescale.max(1));
    let us = (i128::from(v) * 1_000_000 + ts / 2).div_euclid(ts);
    us.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
}

/// Where a fragment is and what reading it needs.
struct Fragment {
    moof_offset: u64,
    moof_size: u64,
    /// Decode time at the start of the fragment, per track (for fragments without `tfdt`).
    base_dts: Vec<i64>,
    /// Presentation time of the first key frame of the seek track in this fragment.
    key_pts_us: Option<i64>,
}

/// Which samples are loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Segment {
    /// The `moov` sample tables (empty for fragmented files, which then move on to fragment 0).
    Moov,
    /// Fragment `i`, whose samples are in `Track::frag_samples`.
    Fragment(usize),
}

/// Streaming demuxer for MP4, MOV and M4V files.
pub struct Mp4Demuxer {
    src: Box<dyn ByteSource>,
    info: MediaInfo,
    tracks: Vec<Track>,
    fragments: Vec<Fragment>,
    /// The segment whose samples are being read.
    segment: Segment,
    /// Track whose key frames drive `seek` (the first video track, else the first track).
    seek_track: usize,
}

impl Mp4Demuxer {
    /// Reads the box structure and the movie header; no packet data is read.
    pub fn open(mut src: Box<dyn ByteSource>) -> Result<Self, ApiError> {
        let file_len = src.len();
        let mut moov: Option<Vec<u8>> = None;
        let mut moofs: Vec<(u64, u64)> = Vec::new();
        let mut pos = 0u64;
        while file_len.saturating_sub(pos) >= 8 {
            let head = src.read_at(pos, 16)?;
            let mut r = ByteReader::new(&head);
            let size32 = r
                .u32()
                .ok_or_else(|| truncated("a box header is cut off"))?;
            let kind = r
                .fourcc()
                .ok_or_else(|| truncated("a box header is cut off"))?;
            let size = match size32 {
                0 => file_len - pos,
                1 => r
                    .u64()
                    .ok_or_else(|| truncated("a box header is cut off"))?,
                n => u64::from(n),
            };
            let header = r.pos() as u64;
            if size < header {
                return Err(corrupt(format!(
                    "invalid MP4 box '{}' of {size} bytes at byte {pos}",
                    fourcc_str(kind)
                )));
            }
            let end = pos
                .checked_add(size)
                .ok_or_else(|| corrupt("MP4 box size overflows"))?;
            if end > file_len {
                return Err(truncated(format_args!(
                    "the '{}' box at byte {pos} needs {size} bytes but only {} remain",
                    fourcc_str(kind),
                    file_len - pos
                )));
            }
            match &kind {
                b"moov" if moov.is_none() => {
                    if size > MAX_HEADER_BOX {
                        return Err(ApiError::unsupported(
                            "the MP4 'moov' box is larger than 256 MiB",
                        ));
                    }
                    let data = src.read_at(pos + header, (size - header) as usize)?;
                    if (data.len() as u64) < size - header {
                        return Err(truncated("the 'moov' box is cut off"));
                    }
                    moov = Some(data);
                }
                b"moof" => moofs.push((pos, size)),
                _ => {}
            }
            pos = end;
        }
        let moov = moov.ok_or_else(|| {
            truncated("no 'moov' box (the movie header) was found; the file may be incomplete or still being written")
        })?;
        let mut budget = TableBudget::for_file(file_len);
        let parsed = parse_moov(&moov, file_len, &mut budget)?;
        drop(moov);
        Self::build(src, parsed, moofs, file_len)
    }

    fn build(
        mut src: Box<dyn ByteSource>,
        parsed: ParsedMoov,
        moofs: Vec<(u64, u64)>,
        file_len: u64,
    ) -> Result<Self, ApiError> {
        let ParsedMoov {
            movie_timescale,
            movie_duration,
            traks,
            trex,
        } = parsed;
        let mut tracks = Vec::new();
        let mut infos = Vec::new();
        for t in traks {
            let trex = trex
                .iter()
                .find(|(id, _)| *id == t.id)
                .map(|(_, x)| *x)
                .unwrap_or_default();
            let edits = reduce_edits(&t.edits, movie_timescale, t.timescale);
            tracks.push(Track {
                id: t.id,
                kind: t.kind,
                timescale: t.timescale,
                edits,
                trex,
                moov_samples: t.samples,
                frag_samples: Vec::new(),
                next: 0,
            });
            infos.push(t.info);
        }
        if tracks.is_empty() {
            return Err(ApiError::unsupported(
                "the MP4 file has no audio or video track",
            ));
        }
        let seek_track = tracks
            .iter()
            .position(|t| t.kind == TrackKind::Video)
            .unwrap_or(0);

        // Per-track totals over moov samples and all fragments.
        let mut counts: Vec<u64> = tracks.iter().map(|t| t.moov_samples.len() as u64).collect();
        let mut media_dur: Vec<i64> = tracks
            .iter()
            .map(|t| t.moov_samples.iter().map(|s| i64::from(s.duration)).sum())
            .collect();
        let mut next_dts: Vec<i64> = tracks
            .iter()
            .map(|t| {
                t.moov_samples
                    .last()
                    .map_or(0, |s| s.dts + i64::from(s.duration))
            })
            .collect();
        let mut fragments = Vec::with_capacity(moofs.len());
        let mut scratch: Vec<Vec<Sample>> = vec![Vec::new(); tracks.len()];
        for (moof_offset, moof_size) in moofs {
            if moof_size > MAX_HEADER_BOX {
                return Err(ApiError::unsupported(
                    "an MP4 'moof' box is larger than 256 MiB",
                ));
            }
            let data = src.read_at(moof_offset, moof_size as usize)?;
            let base_dts = next_dts.clone();
            parse_moof(&data, moof_offset, &tracks, &mut next_dts, &mut scratch)?;
            let mut key_pts_us = None;
            for (i, samples) in scratch.iter().enumerate() {
                if let (Some(c), Some(d), Some(t)) =
                    (counts.get_mut(i), media_dur.get_mut(i), tracks.get(i))
                {
                    *c += samples.len() as u64;
                    *d += samples.iter().map(|s| i64::from(s.duration)).sum::<i64>();
                    if i == seek_track {
                        key_pts_us = samples
                            .iter()
                            .filter(|s| s.is_key)
                            .map(|s| t.pts_us(s))
                            .min();
                    }
                }
                check_in_file(samples, file_len)?;
            }
            fragments.push(Fragment {
                moof_offset,
                moof_size,
                base_dts,
                key_pts_us,
            });
        }

        // Durations come from the sample tables; headers (`elst`, `mvhd`) are cross-checked and
        // used only where they agree (a header claiming 10 h over 8 s of samples is a lie).
        let mut notes = Vec::new();
        let mut track_infos = Vec::new();
        for ((t, info), (count, dur)) in tracks.iter().zip(infos).zip(counts.iter().zip(&media_dur))
        {
            // Where the samples' presentation ends: the latest composition end in the moov
            // tables (B-frames shift it past the decode-time sum), else the summed durations.
            let pts_end = t
                .moov_samples
                .iter()
                .map(|s| s.dts + i64::from(s.cts_offset) + i64::from(s.duration))
                .max()
                .map_or(*dur, |e| e.max(*dur));
            let sample_s = (pts_end - t.edits.media_time.max(0)).max(0) as f64
                / f64::from(t.timescale)
                + t.edits.start_us.max(0) as f64 / 1e6;
            let duration_s = match t.edits.duration {
                Some(d) if d > 0 => {
                    let edit_s = d as f64 / f64::from(movie_timescale);
                    if edit_s > sample_s + duration_tolerance_s(sample_s) {
                        notes.push(format!(
                            "track {}: its edit list says {} s but its samples cover {} s; the samples are used",
                            t.id,
                            Num(round3(edit_s)),
                            Num(round3(sample_s))
                        ));
                        sample_s
                    } else {
                        edit_s
                    }
                }
                _ => sample_s,
            };
            let media_s = *dur as f64 / f64::from(t.timescale);
            track_infos.push(info.finish(t, duration_s, media_s, *count));
        }
        let content_s = track_infos.iter().map(|t| t.duration_s).fold(0.0, f64::max);
        // The movie header's duration is kept when it agrees with the samples (it may round
        // differently); fragmented files leave it at 0.
        let duration_s = if movie_duration > 0 && movie_duration != u64::from(u32::MAX) {
            let header_s = movie_duration as f64 / f64::from(movie_timescale);
            if (header_s - content_s).abs() > duration_tolerance_s(content_s) {
                notes.push(format!(
                    "the movie header ('mvhd') says {} s but the samples cover {} s; the samples are used",
                    Num(round3(header_s)),
                    Num(round3(content_s))
                ));
                content_s
            } else {
                header_s
            }
        } else {
            content_s
        };
        let info = MediaInfo {
            container: "mp4".into(),
            duration_s,
            tracks: track_infos,
            notes,
        };
        Ok(Self {
            src,
            info,
            tracks,
            fragments,
            segment: Segment::Moov,
            seek_track,
        })
    }

    fn samples(&self, i: usize) -> &[Sample] {
        match (self.segment, self.tracks.get(i)) {
            (Segment::Moov, Some(t)) => &t.moov_samples,
            (Segment::Fragment(_), Some(t)) => &t.frag_samples,
            _ => &[],
        }
    }

    /// Reads and expands fragment `index`, making it the current segment.
    fn load_fragment(&mut self, index: usize) -> Result<(), ApiError> {
        let Some(f) = self.fragments.get(index) else {
            return Ok(());
        };
        let data = self.src.read_at(f.moof_offset, f.moof_size as usize)?;
        let mut next_dts = f.base_dts.clone();
        let mut out: Vec<Vec<Sample>> = self
            .tracks
            .iter_mut()
            .map(|t| std::mem::take(&mut t.frag_samples))
            .collect();
        parse_moof(&data, f.moof_offset, &self.tracks, &mut next_dts, &mut out)?;
        for (t, s) in self.tracks.iter_mut().zip(out) {
            t.frag_samples = s;
            t.next = 0;
        }
        self.segment = Segment::Fragment(index);
        Ok(())
    }

    /// Positions every track of the current segment for a key frame of the seek track at
    /// `target_us` (or the first one).
    fn position_in_segment(&mut self, target_us: i64) {
        let vi = self.seek_track;
        let samples = self.samples(vi);
        let Some(track) = self.tracks.get(vi) else {
            return;
        };
        let mut key = None;
        let mut first_key = None;
        for (i, s) in samples.iter().enumerate() {
            if s.is_key {
                first_key.get_or_insert(i);
                if track.pts_us(s) <= target_us {
                    key = Some(i);
                }
            }
        }
        let key = key.or(first_key).unwrap_or(0);
        let first_segment = match self.segment {
            Segment::Moov => true,
            Segment::Fragment(i) => i == 0 && self.tracks.iter().all(|t| t.moov_samples.is_empty()),
        };
        if first_segment && Some(key) == first_key {
            // At or before the first key frame: start over, including audio that precedes it.
            self.tracks.iter_mut().for_each(|t| t.next = 0);
            return;
        }
        let key_pts = samples.get(key).map_or(target_us, |s| track.pts_us(s));
        let nexts: Vec<usize> = (0..self.tracks.len())
            .map(|i| {
                if i == vi {
                    return key;
                }
                let (samples, t) = (self.samples(i), &self.tracks[i]);
                samples
                    .iter()
                    .position(|s| {
                        t.pts_us(s)
                            .saturating_add(to_us(i64::from(s.duration), t.timescale))
                            > key_pts
                    })
                    .unwrap_or(samples.len())
            })
            .collect();
        for (t, n) in self.tracks.iter_mut().zip(nexts) {
            t.next = n;
        }
    }
}

impl Demuxer for Mp4Demuxer {
    fn info(&self) -> &MediaInfo {
        &self.info
    }

    fn next_packet(&mut self) -> Result<Option<Packet>, ApiError> {
        loop {
            // The track whose next sample comes first in the file.
            let mut best: Option<(usize, Sample)> = None;
            for (i, t) in self.tracks.iter().enumerate() {
                if let Some(s) = self.samples(i).get(t.next) {
                    if best.is_none_or(|(_, b)| s.offset < b.offset) {
                        best = Some((i, *s));
                    }
                }
            }
            let Some((i, s)) = best else {
                let next = match self.segment {
                    Segment::Moov => 0,
                    Segment::Fragment(i) => i + 1,
                };
                if next >= self.fragments.len() {
                    return Ok(None);
                }
                self.load_fragment(next)?;
                continue;
            };
            let Some(track) = self.tracks.get_mut(i) else {
                return Ok(None);
            };
            track.next += 1;
            if track.past_edit_end(&s) {
                continue;
            }
            let data = self.src.read_at(s.offset, s.size as usize)?;
            if data.len() < s.size as usize {
                return Err(truncated(format_args!(
                    "a packet at byte {} needs {} bytes but the file ends first",
                    s.offset, s.size
                )));
            }
            return Ok(Some(Packet {
                track_id: track.id,
                pts_us: track.pts_us(&s),
                duration_us: to_us(i64::from(s.duration), track.timescale),
                is_key: s.is_key,
                data,
            }));
        }
    }

    fn seek(&mut self, time_s: f64) -> Result<(), ApiError> {
        let target_us = if time_s.is_finite() {
            (time_s * 1e6) as i64
        } else {
            0
        };
        if !self.fragments.is_empty() {
            let moov_has_key = self.tracks.get(self.seek_track).and_then(|t| {
                t.moov_samples
                    .iter()
                    .find(|s| s.is_key)
                    .map(|s| t.pts_us(s))
            });
            // The last segment with a key frame at or before the target, else the first one.
            let mut seg = if moov_has_key.is_some() {
                Segment::Moov
            } else {
                Segment::Fragment(0)
            };
            for (i, f) in self.fragments.iter().enumerate() {
                if f.key_pts_us.is_some_and(|p| p <= target_us) {
                    seg = Segment::Fragment(i);
                }
            }
            match seg {
                Segment::Moov => self.segment = Segment::Moov,
                Segment::Fragment(i) if self.segment != seg => self.load_fragment(i)?,
                Segment::Fragment(_) => {}
            }
        }
        self.position_in_segment(target_us);
        Ok(())
    }
}

/// Errors unless every sample lies inside the file.
fn check_in_file(samples: &[Sample], file_len: u64) -> Result<(), ApiError> {
    let end = samples
        .iter()
        .map(|s| s.offset.saturating_add(u64::from(s.size)))
        .max()
        .unwrap_or(0);
    if end > file_len {
        return Err(truncated(format_args!(
            "packets reach byte {end} but the file has only {file_len} bytes"
        )));
    }
    Ok(())
}

fn reduce_edits(entries: &[(u64, i64)], movie_ts: u32, media_ts: u32) -> Edits {
    let mut e = Edits::default();
    if entries.is_empty() {
        return e;
    }
    let mut empty = 0u64;
    let mut first: Option<(u64, i64)> = None;
    let mut non_empty = 0;
    for &(dur, media_time) in entries {
        if media_time < 0 {
            if first.is_none() {
                empty = empty.saturating_add(dur);
            }
        } else {
            non_empty += 1;
            first.get_or_insert((dur, media_time));
        }
    }
    let total: u64 = entries.iter().fold(0u64, |a, (d, _)| a.saturating_add(*d));
    e.duration = (total > 0 && entries.iter().all(|(d, _)| *d > 0)).then_some(total);
    e.start_us = to_us(i64::try_from(empty).unwrap_or(i64::MAX), movie_ts);
    if let Some((dur, media_time)) = first {
        e.media_time = media_time;
        if non_empty == 1 && dur > 0 {
            let media_dur =
                (i128::from(dur) * i128::from(media_ts) / i128::from(movie_ts.max(1))) as i64;
            e.end_media = Some(media_time.saturating_add(media_dur));
        }
    }
    e
}

/// What `moov` yields.
struct ParsedMoov {
    movie_timescale: u32,
    /// Movie duration from `mvhd` (movie timescale), 0 when unknown (fragmented files).
    movie_duration: u64,
    traks: Vec<ParsedTrak>,
    trex: Vec<(u32, Trex)>,
}

struct ParsedTrak {
    id: u32,
    kind: TrackKind,
    timescale: u32,
    /// (segment duration in movie timescale, media time or -1).
    edits: Vec<(u64, i64)>,
    info: PendingInfo,
    samples: Vec<Sample>,
}

/// Track description waiting for totals (duration, frame count) known only after fragments.
struct PendingInfo {
    codec_name: String,
    video: Option<VideoInfo>,
    audio: Option<AudioInfo>,
}

impl PendingInfo {
    /// `duration_s` is the presentation duration (after edits); `media_s` the summed sample
    /// durations, which gives the average frame rate even when edits trim frames.
    fn finish(self, t: &Track, duration_s: f64, media_s: f64, count: u64) -> TrackInfo {
        let mut video = self.video;
        if let Some(v) = video.as_mut() {
            v.frame_count = count;
            let span = if media_s > 0.0 { media_s } else { duration_s };
            v.frame_rate = if span > 0.0 { count as f64 / span } else { 0.0 };
        }
        TrackInfo {
            id: t.id,
            kind: t.kind,
            codec_name: self.codec_name,
            duration_s,
            video,
            audio: self.audio,
        }
    }
}

fn parse_moov(
    moov: &[u8],
    file_len: u64,
    budget: &mut TableBudget,
) -> Result<ParsedMoov, ApiError> {
    let mut movie_timescale = 0;
    let mut movie_duration = 0;
    let mut traks = Vec::new();
    let mut trex = Vec::new();
    for b in boxes(moov) {
        let (kind, payload) = b?;
        match &kind {
            b"mvhd" => {
                let mut r = ByteReader::new(payload);
                let version = r.u8().or_short("mvhd")?;
                r.skip(if version == 1 { 3 + 16 } else { 3 + 8 })
                    .or_short("mvhd")?;
                movie_timescale = r.u32().or_short("mvhd")?;
                movie_duration = if version == 1 {
                    r.u64().or_short("mvhd")?
                } else {
                    u64::from(r.u32().or_short("mvhd")?)
                };
            }
            b"trak" => {
                if let Some(t) = parse_trak(payload, file_len, budget)? {
                    traks.push(t);
                }
            }
            b"mvex" => {
                for b in boxes(payload) {
                    let (kind, payload) = b?;
                    if &kind == b"trex" {
                        let mut r = ByteReader::new(payload);
                        r.skip(4).or_short("trex")?;
                        let id = r.u32().or_short("trex")?;
                        r.skip(4).or_short("trex")?; // default sample description index
                        let duration = r.u32().or_short("trex")?;
                        let size = r.u32().or_short("trex")?;
                        let flags = r.u32().or_short("trex")?;
                        trex.push((
                            id,
                            Trex {
                                duration,
                                size,
                                flags,
                            },
                        ));
                    }
                }
            }
            _ => {}
        }
    }
    if movie_timescale == 0 {
        return Err(corrupt(
            "the MP4 movie header ('mvhd') is missing or has a zero timescale",
        ));
    }
    Ok(ParsedMoov {
        movie_timescale,
        movie_duration,
        traks,
        trex,
    })
}

/// Parses one `trak`; `None` for tracks that are neither video nor audio (text, timecode, hint).
fn parse_trak(
    trak: &[u8],
    file_len: u64,
    budget: &mut TableBudget,
) -> Result<Option<ParsedTrak>, ApiError> {
    let tkhd =
        find_box(trak, b"tkhd")?.ok_or_else(|| corrupt("an MP4 track has no 'tkhd' header"))?;
    let mut r = ByteReader::new(tkhd);
    let version = r.u8().or_short("tkhd")?;
    r.skip(3).or_short("tkhd")?;
    r.skip(if version == 1 { 16 } else { 8 }).or_short("tkhd")?;
    let id = r.u32().or_short("tkhd")?;
    r.skip(4 + if version == 1 { 8 } else { 4 } + 8 + 8)
        .or_short("tkhd")?;
    let mut matrix = [0i32; 9];
    for m in matrix.iter_mut() {
        *m = r.i32().or_short("tkhd")?;
    }
    let tk_width = r.u32().or_short("tkhd")? >> 16;
    let tk_height = r.u32().or_short("tkhd")? >> 16;

    let mut edits = Vec::new();
    if let Some(edts) = find_box(trak, b"edts")? {
        if let Some(elst) = find_box(edts, b"elst")? {
            let mut r = ByteReader::new(elst);
            let version = r.u8().or_short("elst")?;
            r.skip(3).or_short("elst")?;
            let n = r.u32().or_short("elst")?;
            for _ in 0..n {
                let (dur, media_time) = if version == 1 {
                    (r.u64().or_short("elst")?, r.i64().or_short("elst")?)
                } else {
                    (
                        u64::from(r.u32().or_short("elst")?),
                        i64::from(r.i32().or_short("elst")?),
                    )
                };
                r.skip(4).or_short("elst")?; // rate
                edits.push((dur, media_time));
            }
        }
    }

    let mdia = find_box(trak, b"mdia")?.ok_or_else(|| corrupt("an MP4 track has no 'mdia' box"))?;
    let hdlr = find_box(mdia, b"hdlr")?.ok_or_else(|| corrupt("an MP4 track has no 'hdlr' box"))?;
    let handler = hdlr.get(8..12).or_short("hdlr")?;
    let kind = match handler {
        b"vide" => TrackKind::Video,
        b"soun" => TrackKind::Audio,
        _ => return Ok(None),
    };
    let mdhd = find_box(mdia, b"mdhd")?.ok_or_else(|| corrupt("an MP4 track has no 'mdhd' box"))?;
    let mut r = ByteReader::new(mdhd);
    let version = r.u8().or_short("mdhd")?;
    r.skip(if version == 1 { 3 + 16 } else { 3 + 8 })
        .or_short("mdhd")?;
    let timescale = r.u32().or_short("mdhd")?;
    if timescale == 0 {
        return Err(corrupt(format!("MP4 track {id} has a zero timescale")));
    }
    let stbl = find_box(mdia, b"minf")?
        .map(|minf| find_box(minf, b"stbl"))
        .transpose()?
        .flatten()
        .ok_or_else(|| corrupt(format!("MP4 track {id} has no sample table ('stbl')")))?;
    let stsd = find_box(stbl, b"stsd")?
        .ok_or_else(|| corrupt(format!("MP4 track {id} has no 'stsd' box")))?;
    let info = parse_stsd(stsd, kind, &matrix, (tk_width, tk_height))?;
    let samples = build_samples(stbl, kind, file_len, budget)?;
    Ok(Some(ParsedTrak {
        id,
        kind,
        timescale,
        edits,
        info,
        samples,
    }))
}

/// Clockwise display rotation from a `tkhd` matrix, snapped to a multiple of 90 degrees.
fn rotation_from_matrix(m: &[i32; 9]) -> u32 {
    let (a, b) = (f64::from(m[0]), f64::from(m[1]));
    if a == 0.0 && b == 0.0 {
        return 0;
    }
    let deg = b.atan2(a).to_degrees();
    let snapped = ((deg / 90.0).round() as i64 * 90).rem_euclid(360);
    snapped as u32
}

fn parse_stsd(
    stsd: &[u8],
    kind: TrackKind,
    matrix: &[i32; 9],
    tk_size: (u32, u32),
) -> Result<PendingInfo, ApiError> {
    let entries = stsd.get(8..).or_short("stsd")?;
    let (format, entry) = boxes(entries)
        .next()
        .transpose()?
        .ok_or_else(|| corrupt("an MP4 'stsd' box has no entry"))?;
    match kind {
        TrackKind::Video => parse_video_entry(format, entry, matrix, tk_size),
        TrackKind::Audio => parse_audio_entry(format, entry),
    }
}

fn parse_video_entry(
    format: [u8; 4],
    entry: &[u8],
    matrix: &[i32; 9],
    tk_size: (u32, u32),
) -> Result<PendingInfo, ApiError> {
    let mut r = ByteReader::new(entry);
    r.skip(8 + 16).or_short("video sample entry")?;
    let mut width = u32::from(r.u16().or_short("video sample entry")?);
    let mut height = u32::from(r.u16().or_short("video sample entry")?);
    if width == 0 || height == 0 {
        (width, height) = tk_size;
    }
    let children = entry.get(78..).unwrap_or(&[]);
    let fourcc = fourcc_str(format);
    let mut codec = None;
    let mut description = None;
    let mut pixel_aspect = (1, 1);
    let codec_name = match &format {
        b"avc1" | b"avc2" | b"avc3" | b"avc4" => "h264",
        b"hvc1" | b"hev1" => "hevc",
        b"vp08" => "vp8",
        b"vp09" => "vp9",
        b"av01" => "av1",
        _ => fourcc.as_str(),
    }
    .to_string();
    // Unknown or malformed children are tolerated: the codec is then reported by name.
    for b in boxes(children).map_while(Result::ok) {
        match (&b.0, b.1) {
            (b"avcC", p) => {
                codec = avc_codec_string(&fourcc, p);
                description = Some(p.to_vec());
            }
            (b"hvcC", p) => {
                codec = hevc_codec_string(&fourcc, p);
                description = Some(p.to_vec());
            }
            (b"vpcC", p) => codec = p.get(4..).and_then(vp9_codec_string_from_vpcc),
            (b"av1C", p) => {
                codec = av1_codec_string(p);
                description = Some(p.to_vec());
            }
            (b"pasp", p) => {
                let mut r = ByteReader::new(p);
                if let (Some(h), Some(v)) = (r.u32(), r.u32()) {
                    if h > 0 && v > 0 {
                        pixel_aspect = (h, v);
                    }
                }
            }
            _ => {}
        }
    }
    let codec = codec.unwrap_or_else(|| {
        if &format == b"vp08" {
            "vp8".into()
        } else {
            fourcc.clone()
        }
    });
    let rotation = rotation_from_matrix(matrix);
    let scaled = (u64::from(width) * u64::from(pixel_aspect.0) + u64::from(pixel_aspect.1) / 2)
        / u64::from(pixel_aspect.1);
    let scaled = u32::try_from(scaled).unwrap_or(u32::MAX);
    let (display_width, display_height) = if rotation % 180 == 90 {
        (height, scaled)
    } else {
        (scaled, height)
    };
    Ok(PendingInfo {
        codec_name,
        video: Some(VideoInfo {
            codec,
            description,
            coded_width: width,
            coded_height: height,
            pixel_aspect,
            rotation,
            display_width,
            display_height,
            frame_rate: 0.0,
            frame_count: 0,
        }),
        audio: None,
    })
}

fn parse_audio_entry(format: [u8; 4], entry: &[u8]) -> Result<PendingInfo, ApiError> {
    let mut r = ByteReader::new(entry);
    r.skip(8).or_short("audio sample entry")?;
    let version = r.u16().or_short("audio sample entry")?;
    r.skip(6).or_short("audio sample entry")?;
    let mut channels = u32::from(r.u16().or_short("audio sample entry")?);
    r.skip(6).or_short("audio sample entry")?;
    let mut sample_rate = r.u32().or_short("audio sample entry")? >> 16;
    match version {
        1 => r.skip(16).or_short("audio sample entry")?,
        2 => {
            r.skip(4).or_short("audio sample entry")?;
            sample_rate = f64::from_bits(r.u64().or_short("audio sample entry")?) as u32;
            channels = r.u32().or_short("audio sample entry")?;
            r.skip(20).or_short("audio sample entry")?;
        }
        _ => {}
    }
    let children = r.rest();
    let fourcc = fourcc_str(format);
    let mut codec_name = fourcc.clone();
    let mut codec = fourcc.clone();
    let mut description = None;
    // QuickTime nests the codec boxes inside a 'wave' box.
    let mut child_list: Vec<([u8; 4], &[u8])> = boxes(children).map_while(Result::ok).collect();
    if let Some(wave) = child_list
        .iter()
        .find(|(k, _)| k == b"wave")
        .map(|(_, p)| *p)
    {
        child_list.extend(boxes(wave).map_while(Result::ok));
    }
    match &format {
        b"mp4a" => {
            if let Some((_, esds)) = child_list.iter().find(|(k, _)| k == b"esds") {
                if let Some((oti, asc)) = parse_esds(esds) {
                    match oti {
                        0x40 | 0x66..=0x68 => {
                            codec_name = "aac".into();
                            let cfg = asc.and_then(parse_aac_config);
                            codec = match (oti, cfg) {
                                (0x40, Some(c)) => format!("mp4a.40.{}", c.object_type),
                                (0x40, None) => "mp4a.40.2".into(),
                                _ => format!("mp4a.{oti:02x}"),
                            };
                            if let Some(c) = cfg {
                                if c.sample_rate > 0 {
                                    sample_rate = c.sample_rate;
                                }
                                if c.channels > 0 {
                                    channels = c.channels;
                                }
                            }
                            description = asc.map(<[u8]>::to_vec);
                        }
                        0x69 | 0x6B => {
                            codec_name = "mp3".into();
                            codec = "mp3".into();
                        }
                        _ => codec = format!("mp4a.{oti:02x}"),
                    }
                }
            }
        }
        b"Opus" => {
            codec_name = "opus".into();
            codec = "opus".into();
            if let Some((_, dops)) = child_list.iter().find(|(k, _)| k == b"dOps") {
                if let Some((head, ch, _rate)) = opus_head_from_dops(dops) {
                    description = Some(head);
                    channels = ch;
                    // Opus always decodes at 48 kHz; the input rate is informational.
                    sample_rate = 48000;
                }
            }
        }
        b"fLaC" => {
            codec_name = "flac".into();
            codec = "flac".into();
            if let Some((_, dfla)) = child_list.iter().find(|(k, _)| k == b"dfLa") {
                if let Some(blocks) = dfla.get(4..) {
                    let mut d = b"fLaC".to_vec();
                    d.extend_from_slice(blocks);
                    if let Some((rate, ch)) = parse_flac_streaminfo(blocks) {
                        sample_rate = rate;
                        channels = ch;
                    }
                    description = Some(d);
                }
            }
        }
        b".mp3" | b"mp3 " => {
            codec_name = "mp3".into();
            codec = "mp3".into();
        }
        _ => {}
    }
    Ok(PendingInfo {
        codec_name,
        video: None,
        audio: Some(AudioInfo {
            codec,
            description,
            sample_rate,
            channels,
        }),
    })
}

/// Reads an MPEG-4 descriptor header: (tag, payload length).
fn descriptor(r: &mut ByteReader) -> Option<(u8, usize)> {
    let tag = r.u8()?;
    let mut len = 0usize;
    for _ in 0..4 {
        let b = r.u8()?;
        len = (len << 7) | usize::from(b & 0x7F);
        if b & 0x80 == 0 {
            break;
        }
    }
    Some((tag, len))
}

/// The object type indication and the decoder specific info (AudioSpecificConfig) of an `esds`.
fn parse_esds(esds: &[u8]) -> Option<(u8, Option<&[u8]>)> {
    let mut r = ByteReader::new(esds.get(4..)?);
    let (tag, _) = descriptor(&mut r)?;
    if tag != 0x03 {
        return None;
    }
    r.skip(2)?;
    let flags = r.u8()?;
    if flags & 0x80 != 0 {
        r.skip(2)?;
    }
    if flags & 0x40 != 0 {
        let n = r.u8()?;
        r.skip(usize::from(n))?;
    }
    if flags & 0x20 != 0 {
        r.skip(2)?;
    }
    let (tag, _) = descriptor(&mut r)?;
    if tag != 0x04 {
        return None;
    }
    let oti = r.u8()?;
    r.skip(12)?;
    let asc = match descriptor(&mut r) {
        Some((0x05, len)) => r.bytes(len),
        _ => None,
    };
    Some((oti, asc))
}

/// Sample sizes from `stsz` or `stz2`.
enum Sizes<'a> {
    Constant(u32),
    Table { data: &'a [u8], bits: u8 },
}

impl Sizes<'_> {
    fn get(&self, i: usize) -> u32 {
        match *self {
            Sizes::Constant(s) => s,
            Sizes::Table { data, bits } => {
                let at = |j: usize| data.get(j).copied().map_or(0, u32::from);
                match bits {
                    4 => {
                        let b = at(i / 2);
                        if i.is_multiple_of(2) {
                            b >> 4
                        } else {
                            b & 0xF
                        }
                    }
                    8 => at(i),
                    16 => (at(2 * i) << 8) | at(2 * i + 1),
                    _ => {
                        (at(4 * i) << 24)
                            | (at(4 * i + 1) << 16)
                            | (at(4 * i + 2) << 8)
                            | at(4 * i + 3)
                    }
                }
            }
        }
    }
}

/// Expands the sample tables of one track into a list of samples in decode order.
fn build_samples(
    stbl: &[u8],
    kind: TrackKind,
    file_len: u64,
    budget: &mut TableBudget,
) -> Result<Vec<Sample>, ApiError> {
    let (mut stsz, mut stz2, mut stco, mut co64, mut stsc, mut stts, mut ctts, mut stss) =
        (None, None, None, None, None, None, None, None);
    for b in boxes(stbl) {
        let (k, p) = b?;
        match &k {
            b"stsz" => stsz = Some(p),
            b"stz2" => stz2 = Some(p),
            b"stco" => stco = Some(p),
            b"co64" => co64 = Some(p),
            b"stsc" => stsc = Some(p),
            b"stts" => stts = Some(p),
            b"ctts" => ctts = Some(p),
            b"stss" => stss = Some(p),
            _ => {}
        }
    }
    // Sizes.
    let (sizes, count) = if let Some(p) = stsz {
        let mut r = ByteReader::new(p);
        r.skip(4).or_short("stsz")?;
        let size = r.u32().or_short("stsz")?;
        let count = r.u32().or_short("stsz")?;
        if size == 0 {
            let data = r.rest();
            if (data.len() as u64) < u64::from(count) * 4 {
                return Err(corrupt(
                    "the MP4 sample size table ('stsz') is shorter than its sample count",
                ));
            }
            (Sizes::Table { data, bits: 32 }, count)
        } else {
            (Sizes::Constant(size), count)
        }
    } else if let Some(p) = stz2 {
        let mut r = ByteReader::new(p);
        r.skip(7).or_short("stz2")?;
        let bits = r.u8().or_short("stz2")?;
        let count = r.u32().or_short("stz2")?;
        if !matches!(bits, 4 | 8 | 16) {
            return Err(corrupt(format!(
                "the MP4 'stz2' box has an invalid field size {bits}"
            )));
        }
        let data = r.rest();
        if (data.len() as u64) * 8 < u64::from(count) * u64::from(bits) {
            return Err(corrupt(
                "the MP4 sample size table ('stz2') is shorter than its sample count",
            ));
        }
        (Sizes::Table { data, bits }, count)
    } else {
        (Sizes::Constant(0), 0)
    };
    if count == 0 {
        return Ok(Vec::new());
    }
    if u64::from(count) > MAX_SAMPLES || u64::from(count) > file_len {
        return Err(corrupt(format!(
            "an MP4 track claims an implausible {count} samples"
        )));
    }
    // All tracks of the file share one budget, checked before the table is allocated.
    budget.take(
        u64::from(count),
        std::mem::size_of::<Sample>(),
        "an MP4 track's sample table",
    )?;
    // Chunk offsets.
    let chunk_offsets: Vec<u64> = if let Some(p) = stco {
        let mut r = ByteReader::new(p);
        r.skip(4).or_short("stco")?;
        let n = r.u32().or_short("stco")?;
        let n = (n as usize).min(r.remaining() / 4);
        (0..n).filter_map(|_| r.u32().map(u64::from)).collect()
    } else if let Some(p) = co64 {
        let mut r = ByteReader::new(p);
        r.skip(4).or_short("co64")?;
        let n = r.u32().or_short("co64")?;
        let n = (n as usize).min(r.remaining() / 8);
        (0..n).filter_map(|_| r.u64()).collect()
    } else {
        return Err(corrupt(
            "an MP4 track has samples but no chunk offsets ('stco')",
        ));
    };
    // Sample-to-chunk runs.
    let stsc = stsc.ok_or_else(|| corrupt("an MP4 track has samples but no 'stsc' box"))?;
    let mut r = ByteReader::new(stsc);
    r.skip(4).or_short("stsc")?;
    let n = r.u32().or_short("stsc")?;
    let n = (n as usize).min(r.remaining() / 12);
    let mut runs = Vec::with_capacity(n);
    for _ in 0..n {
        let first = r.u32().or_short("stsc")?;
        let per_chunk = r.u32().or_short("stsc")?;
        r.skip(4).or_short("stsc")?;
        runs.push((first, per_chunk));
    }

    let count = count as usize;
    let mut samples = Vec::with_capacity(count);
    'runs: for (j, &(first, per_chunk)) in runs.iter().enumerate() {
        let first = first.max(1) as usize;
        let end = runs.get(j + 1).map_or(chunk_offsets.len(), |&(f, _)| {
            (f as usize).saturating_sub(1)
        });
        for chunk in first..=end.min(chunk_offsets.len()) {
            let Some(&chunk_offset) = chunk_offsets.get(chunk - 1) else {
                break 'runs;
            };
            let mut offset = chunk_offset;
            for _ in 0..per_chunk {
                if samples.len() >= count {
                    break 'runs;
                }
                let size = sizes.get(samples.len());
                samples.push(Sample {
                    offset,
                    dts: 0,
                    size,
                    duration: 0,
                    cts_offset: 0,
                    is_key: true,
                });
                offset = offset.saturating_add(u64::from(size));
            }
        }
    }
    check_in_file(&samples, file_len)?;

    // Decode times.
    if let Some(p) = stts {
        let mut r = ByteReader::new(p);
        r.skip(4).or_short("stts")?;
        let n = r.u32().or_short("stts")?;
        let mut i = 0;
        let mut dts = 0i64;
        let mut last_delta = 0;
        'stts: for _ in 0..n {
            let (Some(c), Some(delta)) = (r.u32(), r.u32()) else {
                break;
            };
            last_delta = delta;
            for _ in 0..c {
                let Some(s) = samples.get_mut(i) else {
                    break 'stts;
                };
                s.dts = dts;
                s.duration = delta;
                dts = dts.saturating_add(i64::from(delta));
                i += 1;
            }
        }
        for s in samples.iter_mut().skip(i) {
            s.dts = dts;
            s.duration = last_delta;
            dts = dts.saturating_add(i64::from(last_delta));
        }
    }
    // Composition offsets: version 0 is unsigned by the letter of the spec, but writers put
    // negative values there too, so both versions are read as signed.
    if let Some(p) = ctts {
        let mut r = ByteReader::new(p);
        r.skip(4).or_short("ctts")?;
        let n = r.u32().or_short("ctts")?;
        let mut i = 0;
        'ctts: for _ in 0..n {
            let (Some(c), Some(off)) = (r.u32(), r.i32()) else {
                break;
            };
            for _ in 0..c {
                let Some(s) = samples.get_mut(i) else {
                    break 'ctts;
                };
                s.cts_offset = off;
                i += 1;
            }
        }
    }
    // Sync samples; absent means every sample is a key frame. Audio is always decodable alone.
    if let (Some(p), TrackKind::Video) = (stss, kind) {
        let mut r = ByteReader::new(p);
        r.skip(4).or_short("stss")?;
        let n = r.u32().or_short("stss")?;
        samples.iter_mut().for_each(|s| s.is_key = false);
        for _ in 0..n {
            let Some(k) = r.u32() else { break };
            if let Some(s) = (k as usize).checked_sub(1).and_then(|i| samples.get_mut(i)) {
                s.is_key = true;
            }
        }
    }
    Ok(samples)
}

/// Expands the track fragments of one `moof` into `out` (one list per track, cleared first).
fn parse_moof(
    moof: &[u8],
    moof_offset: u64,
    tracks: &[Track],
    next_dts: &mut [i64],
    out: &mut [Vec<Sample>],
) -> Result<(), ApiError> {
    out.iter_mut().for_each(Vec::clear);
    let mut prev_end = moof_offset;
    let mut total = 0u32;
    let mut first_traf = true;
    for b in boxes(moof.get(8..).unwrap_or(&[])) {
        let (kind, traf) = b?;
        if &kind != b"traf" {
            continue;
        }
        let tfhd = find_box(traf, b"tfhd")?
            .ok_or_else(|| corrupt("an MP4 track fragment has no 'tfhd'"))?;
        let mut r = ByteReader::new(tfhd);
        let flags = r.u32().or_short("tfhd")? & 0xFF_FFFF;
        let track_id = r.u32().or_short("tfhd")?;
        let ti = tracks.iter().position(|t| t.id == track_id);
        let trex = ti
            .and_then(|i| tracks.get(i))
            .map(|t| t.trex)
            .unwrap_or_default();
        let explicit_base = if flags & 0x1 != 0 {
            Some(r.u64().or_short("tfhd")?)
        } else {
            None
        };
        if flags & 0x2 != 0 {
            r.skip(4).or_short("tfhd")?;
        }
        let def_duration = if flags & 0x8 != 0 {
            r.u32().or_short("tfhd")?
        } else {
            trex.duration
        };
        let def_size = if flags & 0x10 != 0 {
            r.u32().or_short("tfhd")?
        } else {
            trex.size
        };
        let def_flags = if flags & 0x20 != 0 {
            r.u32().or_short("tfhd")?
        } else {
            trex.flags
        };
        let base = match explicit_base {
            Some(b) => b,
            None if flags & 0x20000 != 0 || first_traf => moof_offset,
            None => prev_end,
        };
        first_traf = false;
        let mut dts = ti.and_then(|i| next_dts.get(i).copied()).unwrap_or(0);
        if let Some(tfdt) = find_box(traf, b"tfdt")? {
            let mut r = ByteReader::new(tfdt);
            let version = r.u8().or_short("tfdt")?;
            r.skip(3).or_short("tfdt")?;
            let t = if version == 1 {
                r.u64().or_short("tfdt")?
            } else {
                u64::from(r.u32().or_short("tfdt")?)
            };
            dts = i64::try_from(t).unwrap_or(i64::MAX);
        }
        let is_audio = ti
            .and_then(|i| tracks.get(i))
            .is_some_and(|t| t.kind == TrackKind::Audio);
        let mut data_pos = base;
        for b in boxes(traf) {
            let (kind, trun) = b?;
            if &kind != b"trun" {
                continue;
            }
            let mut r = ByteReader::new(trun);
            let version = r.u8().or_short("trun")?;
            let flags = r.u24().or_short("trun")?;
            let n = r.u32().or_short("trun")?;
            total = total.saturating_add(n);
            if total > MAX_FRAGMENT_SAMPLES {
                return Err(corrupt(format!(
                    "an MP4 'trun' box claims an implausible {n} samples"
                )));
            }
            if flags & 0x1 != 0 {
                let off = r.i32().or_short("trun")?;
                data_pos = base
                    .checked_add_signed(i64::from(off))
                    .ok_or_else(|| corrupt("bad 'trun' data offset"))?;
            }
            let first_flags = if flags & 0x4 != 0 {
                Some(r.u32().or_short("trun")?)
            } else {
                None
            };
            for i in 0..n {
                let duration = if flags & 0x100 != 0 {
                    r.u32().or_short("trun")?
                } else {
                    def_duration
                };
                let size = if flags & 0x200 != 0 {
                    r.u32().or_short("trun")?
                } else {
                    def_size
                };
                let sflags = if flags & 0x400 != 0 {
                    r.u32().or_short("trun")?
                } else if let (0, Some(f)) = (i, first_flags) {
                    f
                } else {
                    def_flags
                };
                let cts_offset = if flags & 0x800 != 0 {
                    let v = r.u32().or_short("trun")?;
                    if version == 0 {
                        i32::try_from(v).unwrap_or(i32::MAX)
                    } else {
                        v as i32
                    }
                } else {
                    0
                };
                if let Some(list) = ti.and_then(|i| out.get_mut(i)) {
                    let is_key = is_audio || sflags & 0x1_0000 == 0;
                    list.push(Sample {
                        offset: data_pos,
                        dts,
                        size,
                        duration,
                        cts_offset,
                        is_key,
                    });
                }
                data_pos = data_pos.saturating_add(u64::from(size));
                dts = dts.saturating_add(i64::from(duration));
            }
        }
        prev_end = data_pos;
        if let Some(d) = ti.and_then(|i| next_dts.get_mut(i)) {
            *d = dts;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotation_snaps_to_quarter_turns() {
        let m = |a: i32, b: i32| [a, b, 0, -b, a, 0, 0, 0, 1 << 30];
        assert_eq!(rotation_from_matrix(&m(65536, 0)), 0);
        assert_eq!(rotation_from_matrix(&m(0, 65536)), 90);
        assert_eq!(rotation_from_matrix(&m(-65536, 0)), 180);
        assert_eq!(rotation_from_matrix(&m(0, -65536)), 270);
    }

    #[test]
    fn time_conversion_rounds() {
        assert_eq!(to_us(1, 30), 33333);
        assert_eq!(to_us(2, 30), 66667);
        assert_eq!(to_us(-1024, 44100), -23220);
    }
}
