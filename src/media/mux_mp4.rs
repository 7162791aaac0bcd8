//! Progressive MP4 writer (`ftyp`, `moov`, then `mdat`), Sans-I/O.
//!
//! The writer never sees sample bytes. The caller keeps every encoded chunk itself (in the
//! browser: as `Blob`s) and only tells the writer its timing and size; `finish` returns the file
//! header (`ftyp` + `moov` + the `mdat` box header) and the final file is that header followed by
//! all pushed samples' bytes concatenated in push order. So the reel is composed with
//! `new Blob([header, ...chunks])` without ever copying the media, and `moov` comes first, which
//! lets the file play while it downloads.
//!
//! Each run of consecutive pushes to the same track becomes one chunk (`stsc`/`stco`), so the
//! interleave in the file is exactly the caller's push order.

use super::mux::{us_to_ticks, validate_track, AudioCodec, TrackConfig, VideoCodec, OPUS_RATE};
use crate::num_text::clamp;
use crate::ApiError;

/// Ticks per second of the movie timeline (`mvhd`, `tkhd`, `elst` segment durations), as ffmpeg.
pub(super) const MOVIE_TIMESCALE: u32 = 1000;
/// Keeps `moov` far below 4 GiB (about 44 bytes of tables per sample at worst).
const MAX_SAMPLES: usize = 50_000_000;

/// Timing and size of one encoded sample; its bytes stay with the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sample {
    /// Presentation timestamp in microseconds (WebCodecs `timestamp`).
    pub pts_us: i64,
    /// Decode timestamp in microseconds; equal to `pts_us` when the encoder does not reorder.
    pub dts_us: i64,
    /// Duration in microseconds (>= 0); only the last sample's duration is stored as such, the
    /// others' durations follow from the next decode timestamp.
    pub duration_us: i64,
    pub is_key: bool,
    /// Size in bytes (> 0).
    pub size: u32,
}

/// A sample's timing in its track's timescale.
#[derive(Debug, Clone, Copy)]
pub(super) struct Timed {
    pub(super) pts: i64,
    pub(super) dts: i64,
    pub(super) duration: i64,
    pub(super) size: u32,
    pub(super) is_key: bool,
}

/// A run of consecutive samples of one track in the `mdat` payload.
#[derive(Debug, Clone, Copy)]
struct Chunk {
    /// Offset of the first sample within the `mdat` payload.
    offset: u64,
    samples: u32,
}

#[derive(Debug)]
pub(super) struct Track {
    pub(super) config: TrackConfig,
    pub(super) timescale: u32,
    pub(super) samples: Vec<Timed>,
    chunks: Vec<Chunk>,
    /// Where its presentation ends, in track ticks on the presentation time line, when the media
    /// runs past the real end (an audio encoder pads its last frame): the edit stops there.
    end: Option<i64>,
}

impl Track {
    /// Validates `config` and gives the track its timescale (Opus always counts at 48 kHz).
    pub(super) fn new(index: usize, config: &TrackConfig) -> Result<Self, ApiError> {
        validate_track(index, config)?;
        let timescale = match config {
            TrackConfig::Video(v) => v.timescale,
            TrackConfig::Audio(a) => match a.codec {
                AudioCodec::Opus(_) => OPUS_RATE,
                _ => a.sample_rate,
            },
        };
        Ok(Track {
            config: config.clone(),
            timescale,
            samples: Vec::new(),
            chunks: Vec::new(),
            end: None,
        })
    }

    pub(super) fn is_video(&self) -> bool {
        matches!(self.config, TrackConfig::Video(_))
    }

    /// Records one sample's timing. Refuses, with `Internal`, a first video sample that is not a
    /// key frame, decode timestamps that do not increase, empty samples and negative durations:
    /// these would produce files players reject or mis-time.
    pub(super) fn record(&mut self, index: usize, sample: Sample) -> Result<(), ApiError> {
        if sample.size == 0 {
            return Err(ApiError::internal(format!(
                "MP4 track {index}: empty sample (size 0)"
            )));
        }
        if sample.duration_us < 0 {
            return Err(ApiError::internal(format!(
                "MP4 track {index}: negative duration {} us",
                sample.duration_us
            )));
        }
        if self.samples.is_empty() && self.is_video() && !sample.is_key {
            return Err(ApiError::internal(format!(
                "MP4 track {index}: the first video sample must be a key frame"
            )));
        }
        let ts = self.timescale;
        let dts = us_to_ticks(sample.dts_us, ts);
        if let Some(prev) = self.samples.last() {
            if dts <= prev.dts {
                return Err(ApiError::internal(format!(
                    "MP4 track {index}: decode timestamp {} us does not increase (previous sample at {} ticks of 1/{ts} s, this one at {dts})",
                    sample.dts_us, prev.dts
                )));
            }
        }
        self.samples.push(Timed {
            pts: us_to_ticks(sample.pts_us, ts),
            dts,
            duration: us_to_ticks(sample.duration_us, ts),
            size: sample.size,
            is_key: sample.is_key,
        });
        Ok(())
    }
}

/// The tracks of a writer (both MP4 writers): at least one, each one MP4 can carry.
pub(super) fn new_tracks(configs: &[TrackConfig]) -> Result<Vec<Track>, ApiError> {
    if configs.is_empty() {
        return Err(ApiError::internal("MP4 writer needs at least one track"));
    }
    configs
        .iter()
        .enumerate()
        .map(|(i, t)| Track::new(i, t))
        .collect()
}

/// Ends the presentation of track `index` of a writer (both MP4 writers) at `end_us`, when its
/// media runs longer (an audio encoder's padding of its last frame).
pub(super) fn end_presentation(
    tracks: &mut [Track],
    index: usize,
    end_us: i64,
) -> Result<(), ApiError> {
    let track = tracks.get_mut(index).ok_or_else(|| {
        ApiError::internal(format!("MP4 end of track {index}, which does not exist"))
    })?;
    track.end = Some(us_to_ticks(end_us, track.timescale));
    Ok(())
}

/// Records `sample` on track `index` of a writer that holds `held` samples so far (both MP4
/// writers): refuses a writer past [`MAX_SAMPLES`], a track that does not exist and what
/// [`Track::record`] refuses.
pub(super) fn record_sample(
    tracks: &mut [Track],
    held: usize,
    index: usize,
    sample: Sample,
) -> Result<&mut Track, ApiError> {
    if held >= MAX_SAMPLES {
        return Err(ApiError::internal(format!(
            "MP4 writer holds at most {MAX_SAMPLES} samples"
        )));
    }
    let track = tracks.get_mut(index).ok_or_else(|| {
        ApiError::internal(format!("MP4 push to track {index}, which does not exist"))
    })?;
    track.record(index, sample)?;
    Ok(track)
}

/// Writes a progressive MP4 from sample metadata. See the module docs for the byte layout.
///
/// "No samples after finish" is enforced by ownership: `finish` consumes the writer.
#[derive(Debug)]
pub struct Mp4Writer {
    tracks: Vec<Track>,
    payload_len: u64,
    last_track: Option<usize>,
    sample_count: usize,
}

impl Mp4Writer {
    /// Validates the tracks; codecs MP4 cannot carry here (anything but H.264, VP8, VP9, AV1,
    /// AAC, Opus) are refused with `InvalidMedia.Unsupported`.
    pub fn new(tracks: &[TrackConfig]) -> Result<Self, ApiError> {
        Ok(Self {
            tracks: new_tracks(tracks)?,
            payload_len: 0,
            last_track: None,
            sample_count: 0,
        })
    }

    /// Records one sample and returns its byte offset within the `mdat` payload (the caller's
    /// bytes must be laid out in push order). Refuses, with `Internal`, a first video sample that
    /// is not a key frame, decode timestamps that do not increase within a track, empty samples
    /// and negative durations: these would produce files players reject or mis-time.
    pub fn push(&mut self, track_index: usize, sample: Sample) -> Result<u64, ApiError> {
        let track = record_sample(&mut self.tracks, self.sample_count, track_index, sample)?;
        let offset = self.payload_len;
        match (
            self.last_track == Some(track_index),
            track.chunks.last_mut(),
        ) {
            (true, Some(chunk)) => chunk.samples += 1,
            _ => track.chunks.push(Chunk { offset, samples: 1 }),
        }
        self.last_track = Some(track_index);
        self.payload_len += u64::from(sample.size);
        self.sample_count += 1;
        Ok(offset)
    }

    /// Total bytes pushed so far (the `mdat` payload length).
    pub fn payload_len(&self) -> u64 {
        self.payload_len
    }

    /// Ends track `track_index`'s presentation at `end_us` (see [`end_presentation`]).
    pub fn end_at(&mut self, track_index: usize, end_us: i64) -> Result<(), ApiError> {
        end_presentation(&mut self.tracks, track_index, end_us)
    }

    /// Returns `ftyp` + `moov` + `mdat` header. Chunk offsets are absolute file offsets, so the
    /// header length is needed to write them and the header length depends on whether 32-bit
    /// `stco` suffices: the layout is measured first (field widths do not depend on values), then
    /// written with the real base offset.
    pub fn finish(self) -> Result<Vec<u8>, ApiError> {
        let plans = self
            .tracks
            .iter()
            .enumerate()
            .map(|(i, t)| plan_track(i, t))
            .collect::<Result<Vec<_>, _>>()?;
        let max_chunk = self
            .tracks
            .iter()
            .flat_map(|t| t.chunks.iter().map(|c| c.offset))
            .max()
            .unwrap_or(0);
        let short_len = self.write_header(&plans, false, 0)?.len() as u64;
        let co64 = short_len + max_chunk > u64::from(u32::MAX);
        let len = if co64 {
            self.write_header(&plans, true, 0)?.len() as u64
        } else {
            short_len
        };
        let header = self.write_header(&plans, co64, len)?;
        if header.len() as u64 != len {
            return Err(ApiError::internal(
                "MP4 header length changed between layout passes",
            ));
        }
        Ok(header)
    }

    fn write_header(
        &self,
        plans: &[TrackPlan],
        co64: bool,
        base: u64,
    ) -> Result<Vec<u8>, ApiError> {
        let mut out = Vec::new();
        let tracks: Vec<&Track> = self.tracks.iter().collect();
        let plan_refs: Vec<&TrackPlan> = plans.iter().collect();
        write_ftyp(&mut out, &tracks, &plan_refs, false);
        let movie_duration = plans.iter().map(|p| p.movie_duration()).max().unwrap_or(0);
        mp4_box(&mut out, b"moov", |o| {
            write_mvhd(o, movie_duration, self.tracks.len() as u32 + 1);
            for (i, (track, plan)) in self.tracks.iter().zip(plans).enumerate() {
                write_trak(o, i as u32 + 1, track, plan, Tables::InMoov { co64, base });
            }
        })?;
        let mdat_size = self.payload_len + 8;
        if mdat_size > u64::from(u32::MAX) {
            put_u32(&mut out, 1);
            out.extend_from_slice(b"mdat");
            put_u64(&mut out, self.payload_len + 16);
        } else {
            put_u32(&mut out, mdat_size as u32);
            out.extend_from_slice(b"mdat");
        }
        Ok(out)
    }
}

/// `ftyp`: ISO brands, `iso6` for signed composition offsets, the video codec's brand. A
/// fragmented file (an HLS/DASH init segment) is `iso5`/`iso6` first: `tfdt` and default-base-is-moof
/// fragments.
pub(super) fn write_ftyp(
    out: &mut Vec<u8>,
    tracks: &[&Track],
    plans: &[&TrackPlan],
    fragmented: bool,
) {
    let mut brands: Vec<&[u8; 4]> = if fragmented {
        vec![b"iso5", b"iso6"]
    } else {
        vec![b"isom", b"iso2"]
    };
    if !fragmented && plans.iter().any(|p| p.ctts_v1) {
        brands.push(b"iso6");
    }
    let has = |f: fn(&VideoCodec) -> bool| {
        tracks
            .iter()
            .any(|t| matches!(&t.config, TrackConfig::Video(v) if f(&v.codec)))
    };
    if has(|c| matches!(c, VideoCodec::Avc { .. })) {
        brands.push(b"avc1");
    }
    if has(|c| matches!(c, VideoCodec::Av1 { .. })) {
        brands.push(b"av01");
    }
    brands.push(b"mp41");
    put_u32(out, 16 + 4 * brands.len() as u32);
    out.extend_from_slice(b"ftyp");
    out.extend_from_slice(brands[0]);
    put_u32(out, if fragmented { 0 } else { 0x200 });
    for b in brands {
        out.extend_from_slice(b);
    }
}

/// Derived tables and edit of one track, computed once for both layout passes.
#[derive(Debug)]
pub(super) struct TrackPlan {
    /// Decode-time deltas, one per sample (`stts`).
    pub(super) deltas: Vec<i64>,
    /// Media duration in track ticks (`mdhd`).
    media_duration: u64,
    /// Composition offsets (pts - dts) if any differ from 0 (`ctts`).
    pub(super) ctts: Option<Vec<i64>>,
    ctts_v1: bool,
    /// Empty edit before the media, in movie ticks (0 = none).
    empty_edit: u64,
    /// Media time the presentation starts at, in track ticks (`elst` media_time).
    media_time: i64,
    /// Presented duration in movie ticks (`elst` segment_duration, `tkhd`).
    segment: u64,
    needs_edit: bool,
    max_sample: u32,
    avg_bitrate: u32,
}

impl TrackPlan {
    pub(super) fn movie_duration(&self) -> u64 {
        self.empty_edit + self.segment
    }

    /// Seconds of the presentation (after the edit list) that the media ticks `from..to` show
    /// (decode time from the track's first sample, as `tfdt` counts): a fragment's share of the
    /// presented duration, so the fragments add up to it. The Opus pre-skip and an encoder's tail
    /// padding are media the edit does not present.
    pub(super) fn presented_s(&self, from: u64, to: u64, timescale: u32) -> f64 {
        let movie = f64::from(MOVIE_TIMESCALE);
        let shown = self.segment as f64 / movie * f64::from(timescale);
        let clip = |t: u64| clamp(t as f64 - self.media_time as f64, 0.0, shown);
        let empty = if from == 0 {
            self.empty_edit as f64 / movie
        } else {
            0.0
        };
        (clip(to) - clip(from)) / f64::from(timescale) + empty
    }
}

pub(super) fn plan_track(index: usize, t: &Track) -> Result<TrackPlan, ApiError> {
    let s = &t.samples;
    let (first, last) = match (s.first(), s.last()) {
        (Some(f), Some(l)) => (f, l),
        _ => {
            return Err(ApiError::internal(format!(
                "MP4 track {index} received no samples"
            )))
        }
    };
    let mut deltas: Vec<i64> = s.windows(2).map(|w| w[1].dts - w[0].dts).collect();
    let last_delta = if last.duration > 0 {
        last.duration
    } else {
        deltas.last().copied().unwrap_or(1)
    };
    deltas.push(last_delta);
    let media_duration: i64 = deltas.iter().sum();

    let ctts = s
        .iter()
        .any(|x| x.pts != x.dts)
        .then(|| s.iter().map(|x| x.pts - x.dts).collect::<Vec<_>>());
    let ctts_v1 = ctts.as_ref().is_some_and(|c| c.iter().any(|&o| o < 0));

    // Presentation time p shows media composition time p + shift - first.dts (sample decode
    // times start at 0 in MP4). Opus packets carry pre-skip priming, so presentation is shifted
    // by it, which makes the edit start at media time pre_skip as ffmpeg writes it.
    let shift = match &t.config {
        TrackConfig::Audio(a) => match &a.codec {
            AudioCodec::Opus(o) => i64::from(o.pre_skip),
            _ => 0,
        },
        TrackConfig::Video(_) => 0,
    };
    let pres_min = s.iter().map(|x| x.pts).min().unwrap_or(0) - shift;
    let pres_end = s
        .iter()
        .zip(&deltas)
        .map(|(x, &d)| x.pts + if x.duration > 0 { x.duration } else { d })
        .max()
        .unwrap_or(0)
        - shift;
    let pres_end = t.end.map_or(pres_end, |end| pres_end.min(end));
    let mut start = pres_min.max(0);
    let mut media_time = start + shift - first.dts;
    if media_time < 0 {
        start -= media_time;
        media_time = 0;
    }
    let to_movie = |ticks: i64| {
        let us = i128::from(ticks.max(0)) * 1_000_000 / i128::from(t.timescale);
        us_to_ticks(i64::try_from(us).unwrap_or(i64::MAX), MOVIE_TIMESCALE).max(0) as u64
    };
    let empty_edit = to_movie(start);
    let segment = to_movie(pres_end - start);

    let total: u64 = s.iter().map(|x| u64::from(x.size)).sum();
    let seconds = media_duration.max(1) as f64 / f64::from(t.timescale);
    Ok(TrackPlan {
        deltas,
        media_duration: media_duration.max(0) as u64,
        ctts,
        ctts_v1,
        empty_edit,
        media_time,
        segment,
        needs_edit: empty_edit > 0 || media_time != 0,
        max_sample: s.iter().map(|x| x.size).max().unwrap_or(0),
        avg_bitrate: (total as f64 * 8.0 / seconds).min(f64::from(u32::MAX)) as u32,
    })
}

const MATRIX: [u32; 9] = [0x0001_0000, 0, 0, 0, 0x0001_0000, 0, 0, 0, 0x4000_0000];

pub(super) fn write_mvhd(o: &mut Vec<u8>, duration: u64, next_track_id: u32) {
    let v1 = duration > u64::from(u32::MAX);
    full_box(o, b"mvhd", u8::from(v1), 0, |o| {
        put_times(o, v1);
        put_u32(o, MOVIE_TIMESCALE);
        put_duration(o, v1, duration);
        put_u32(o, 0x0001_0000); // rate 1.0
        put_u16(o, 0x0100); // volume 1.0
        o.extend_from_slice(&[0; 10]);
        MATRIX.iter().for_each(|&m| put_u32(o, m));
        o.extend_from_slice(&[0; 24]);
        put_u32(o, next_track_id);
    });
}

/// Where a track's samples are described: in `moov`'s sample tables (progressive, chunk offsets
/// from `base`, 64-bit with `co64`), or in movie fragments, which leaves the tables empty.
#[derive(Debug, Clone, Copy)]
pub(super) enum Tables {
    InMoov { co64: bool, base: u64 },
    Fragmented,
}

pub(super) fn write_trak(o: &mut Vec<u8>, id: u32, t: &Track, p: &TrackPlan, tables: Tables) {
    let is_video = matches!(t.config, TrackConfig::Video(_));
    box_(o, b"trak", |o| {
        let dur = p.movie_duration();
        let v1 = dur > u64::from(u32::MAX);
        full_box(o, b"tkhd", u8::from(v1), 3, |o| {
            put_times(o, v1);
            put_u32(o, id);
            put_u32(o, 0);
            put_duration(o, v1, dur);
            o.extend_from_slice(&[0; 8]);
            put_u16(o, 0); // layer
            put_u16(o, if is_video { 0 } else { 1 }); // alternate group
            put_u16(o, if is_video { 0 } else { 0x0100 });
            put_u16(o, 0);
            MATRIX.iter().for_each(|&m| put_u32(o, m));
            let (w, h) = match &t.config {
                TrackConfig::Video(v) => (v.width, v.height),
                TrackConfig::Audio(_) => (0, 0),
            };
            put_u32(o, w << 16);
            put_u32(o, h << 16);
        });
        if p.needs_edit {
            write_edts(o, p);
        }
        box_(o, b"mdia", |o| {
            let v1 = p.media_duration > u64::from(u32::MAX);
            full_box(o, b"mdhd", u8::from(v1), 0, |o| {
                put_times(o, v1);
                put_u32(o, t.timescale);
                put_duration(o, v1, p.media_duration);
                put_u16(o, 0x55C4); // "und"
                put_u16(o, 0);
            });
            full_box(o, b"hdlr", 0, 0, |o| {
                put_u32(o, 0);
                o.extend_from_slice(if is_video { b"vide" } else { b"soun" });
                o.extend_from_slice(&[0; 12]);
                o.extend_from_slice(if is_video {
                    b"VideoHandler\0"
                } else {
                    b"SoundHandler\0"
                });
            });
            box_(o, b"minf", |o| {
                if is_video {
                    full_box(o, b"vmhd", 0, 1, |o| o.extend_from_slice(&[0; 8]));
                } else {
                    full_box(o, b"smhd", 0, 0, |o| o.extend_from_slice(&[0; 4]));
                }
                box_(o, b"dinf", |o| {
                    full_box(o, b"dref", 0, 0, |o| {
                        put_u32(o, 1);
                        full_box(o, b"url ", 0, 1, |_| {});
                    });
                });
                match tables {
                    Tables::InMoov { co64, base } => write_stbl(o, id, t, p, co64, base),
                    Tables::Fragmented => write_empty_stbl(o, id, t, p),
                }
            });
        });
    });
}

fn write_edts(o: &mut Vec<u8>, p: &TrackPlan) {
    let v1 = p.movie_duration() > u64::from(u32::MAX) || i32::try_from(p.media_time).is_err();
    box_(o, b"edts", |o| {
        full_box(o, b"elst", u8::from(v1), 0, |o| {
            let entries: Vec<(u64, i64)> = [
                (p.empty_edit > 0).then_some((p.empty_edit, -1)),
                Some((p.segment, p.media_time)),
            ]
            .into_iter()
            .flatten()
            .collect();
            put_u32(o, entries.len() as u32);
            for (duration, media_time) in entries {
                if v1 {
                    put_u64(o, duration);
                    o.extend_from_slice(&media_time.to_be_bytes());
                } else {
                    put_u32(o, duration as u32);
                    o.extend_from_slice(&(media_time as i32).to_be_bytes());
                }
                put_u16(o, 1); // media rate 1.0
                put_u16(o, 0);
            }
        });
    });
}

/// The sample tables of a fragmented track: only the sample entry; every sample is in a `moof`.
fn write_empty_stbl(o: &mut Vec<u8>, id: u32, t: &Track, p: &TrackPlan) {
    box_(o, b"stbl", |o| {
        full_box(o, b"stsd", 0, 0, |o| {
            put_u32(o, 1);
            write_sample_entry(o, id, t, p);
        });
        for fourcc in [b"stts", b"stsc", b"stco"] {
            full_box(o, fourcc, 0, 0, |o| put_u32(o, 0));
        }
        full_box(o, b"stsz", 0, 0, |o| o.extend_from_slice(&[0; 8]));
    });
}

fn write_stbl(o: &mut Vec<u8>, id: u32, t: &Track, p: &TrackPlan, co64: bool, base: u64) {
    box_(o, b"stbl", |o| {
        full_box(o, b"stsd", 0, 0, |o| {
            put_u32(o, 1);
            write_sample_entry(o, id, t, p);
        });
        let stts = run_length(p.deltas.iter().copied());
        full_box(o, b"stts", 0, 0, |o| {
            put_u32(o, stts.len() as u32);
            for (count, delta) in stts {
                put_u32(o, count);
                put_u32(o, delta.clamp(0, i64::from(u32::MAX)) as u32);
            }
        });
        if let Some(ctts) = &p.ctts {
            let runs = run_length(ctts.iter().copied());
            full_box(o, b"ctts", u8::from(p.ctts_v1), 0, |o| {
                put_u32(o, runs.len() as u32);
                for (count, off) in runs {
                    put_u32(o, count);
                    o.extend_from_slice(
                        &(off.clamp(i64::from(i32::MIN), i64::from(u32::MAX)) as u32).to_be_bytes(),
                    );
                }
            });
        }
        if t.samples.iter().any(|s| !s.is_key) {
            let keys: Vec<u32> = t
                .samples
                .iter()
                .enumerate()
                .filter(|(_, s)| s.is_key)
                .map(|(i, _)| i as u32 + 1)
                .collect();
            full_box(o, b"stss", 0, 0, |o| {
                put_u32(o, keys.len() as u32);
                keys.iter().for_each(|&k| put_u32(o, k));
            });
        }
        let stsc = run_length(t.chunks.iter().map(|c| c.samples));
        full_box(o, b"stsc", 0, 0, |o| {
            put_u32(o, stsc.len() as u32);
            let mut first_chunk = 1;
            for (count, per_chunk) in stsc {
                put_u32(o, first_chunk);
                put_u32(o, per_chunk);
                put_u32(o, 1);
                first_chunk += count;
            }
        });
        full_box(o, b"stsz", 0, 0, |o| {
            let first = t.samples[0].size;
            if t.samples.iter().all(|s| s.size == first) {
                put_u32(o, first);
                put_u32(o, t.samples.len() as u32);
            } else {
                put_u32(o, 0);
                put_u32(o, t.samples.len() as u32);
                t.samples.iter().for_each(|s| put_u32(o, s.size));
            }
        });
        full_box(o, if co64 { b"co64" } else { b"stco" }, 0, 0, |o| {
            put_u32(o, t.chunks.len() as u32);
            for c in &t.chunks {
                if co64 {
                    put_u64(o, base + c.offset);
                } else {
                    put_u32(o, (base + c.offset) as u32);
                }
            }
        });
    });
}

fn write_sample_entry(o: &mut Vec<u8>, id: u32, t: &Track, p: &TrackPlan) {
    match &t.config {
        TrackConfig::Video(v) => {
            let fourcc = match v.codec {
                VideoCodec::Avc { .. } => b"avc1",
                VideoCodec::Vp9(_) => b"vp09",
                VideoCodec::Av1 { .. } => b"av01",
                VideoCodec::Vp8 => b"vp08",
            };
            box_(o, fourcc, |o| {
                o.extend_from_slice(&[0; 6]);
                put_u16(o, 1); // data reference index
                o.extend_from_slice(&[0; 16]);
                put_u16(o, v.width as u16);
                put_u16(o, v.height as u16);
                put_u32(o, 0x0048_0000);
                put_u32(o, 0x0048_0000);
                put_u32(o, 0);
                put_u16(o, 1); // frame count
                let mut name = [0u8; 32];
                let label = b"reelcut";
                name[0] = label.len() as u8;
                name[1..=label.len()].copy_from_slice(label);
                o.extend_from_slice(&name);
                put_u16(o, 0x18);
                put_u16(o, 0xFFFF);
                match &v.codec {
                    VideoCodec::Avc { avcc } => box_(o, b"avcC", |o| o.extend_from_slice(avcc)),
                    VideoCodec::Av1 { av1c } => box_(o, b"av1C", |o| o.extend_from_slice(av1c)),
                    VideoCodec::Vp9(c) => write_vpcc(o, c),
                    VideoCodec::Vp8 => write_vpcc(
                        o,
                        &super::mux::VpxConfig {
                            level: 10,
                            ..Default::default()
                        },
                    ),
                }
                write_btrt(o, p);
            });
        }
        TrackConfig::Audio(a) => {
            let (fourcc, rate) = match a.codec {
                AudioCodec::Opus(_) => (b"Opus", OPUS_RATE),
                _ => (b"mp4a", a.sample_rate),
            };
            box_(o, fourcc, |o| {
                o.extend_from_slice(&[0; 6]);
                put_u16(o, 1);
                o.extend_from_slice(&[0; 8]);
                put_u16(o, a.channels);
                put_u16(o, 16);
                put_u32(o, 0);
                // 16.16 fixed point; rates above 65535 are left to the decoder configuration.
                put_u32(o, if rate <= 0xFFFF { rate << 16 } else { 0 });
                match &a.codec {
                    AudioCodec::Aac {
                        audio_specific_config,
                    } => write_esds(o, id, audio_specific_config, p),
                    // dOps is a plain box: its body starts with its own version byte.
                    AudioCodec::Opus(c) => box_(o, b"dOps", |o| {
                        o.push(0);
                        o.push(a.channels as u8);
                        put_u16(o, c.pre_skip);
                        put_u32(o, c.input_sample_rate);
                        o.extend_from_slice(&c.output_gain.to_be_bytes());
                        o.push(c.mapping_family);
                        if c.mapping_family != 0 {
                            o.push(c.stream_count);
                            o.push(c.coupled_count);
                            o.extend_from_slice(&c.channel_mapping);
                        }
                    }),
                    // Refused in `validate_track`.
                    AudioCodec::Other(_) => {}
                }
                write_btrt(o, p);
            });
        }
    }
}

fn write_vpcc(o: &mut Vec<u8>, c: &super::mux::VpxConfig) {
    full_box(o, b"vpcC", 1, 0, |o| {
        o.push(c.profile);
        o.push(c.level);
        o.push((c.bit_depth << 4) | ((c.chroma_subsampling & 7) << 1) | u8::from(c.full_range));
        o.push(c.colour_primaries);
        o.push(c.transfer_characteristics);
        o.push(c.matrix_coefficients);
        put_u16(o, 0);
    });
}

fn write_btrt(o: &mut Vec<u8>, p: &TrackPlan) {
    box_(o, b"btrt", |o| {
        put_u32(o, p.max_sample);
        put_u32(o, p.avg_bitrate);
        put_u32(o, p.avg_bitrate);
    });
}

/// `esds` with the MPEG-4 descriptor lengths in the 4-byte form ffmpeg writes.
fn write_esds(o: &mut Vec<u8>, es_id: u32, asc: &[u8], p: &TrackPlan) {
    full_box(o, b"esds", 0, 0, |o| {
        let desc = |o: &mut Vec<u8>, tag: u8, len: usize| {
            o.push(tag);
            let len = len as u32;
            o.extend_from_slice(&[
                0x80 | (len >> 21) as u8 & 0x7F,
                0x80 | (len >> 14) as u8 & 0x7F,
                0x80 | (len >> 7) as u8 & 0x7F,
                len as u8 & 0x7F,
            ]);
        };
        let dsi_len = 5 + asc.len();
        let dcd_len = 13 + dsi_len;
        desc(o, 0x03, 3 + 5 + dcd_len + 5 + 1);
        put_u16(o, es_id as u16);
        o.push(0);
        desc(o, 0x04, dcd_len);
        o.push(0x40); // MPEG-4 audio
        o.push(0x15); // audio stream
        o.extend_from_slice(&p.max_sample.min(0xFF_FFFF).to_be_bytes()[1..]);
        put_u32(o, p.avg_bitrate);
        put_u32(o, p.avg_bitrate);
        desc(o, 0x05, asc.len());
        o.extend_from_slice(asc);
        desc(o, 0x06, 1);
        o.push(0x02);
    });
}

/// Collapses equal neighbours into `(count, value)` runs (`stts`, `ctts`, `stsc`).
fn run_length<T: PartialEq + Copy>(values: impl Iterator<Item = T>) -> Vec<(u32, T)> {
    let mut runs: Vec<(u32, T)> = Vec::new();
    for v in values {
        match runs.last_mut() {
            Some((n, last)) if *last == v => *n += 1,
            _ => runs.push((1, v)),
        }
    }
    runs
}

pub(super) fn put_u16(o: &mut Vec<u8>, v: u16) {
    o.extend_from_slice(&v.to_be_bytes());
}
pub(super) fn put_u32(o: &mut Vec<u8>, v: u32) {
    o.extend_from_slice(&v.to_be_bytes());
}
pub(super) fn put_u64(o: &mut Vec<u8>, v: u64) {
    o.extend_from_slice(&v.to_be_bytes());
}
/// Creation and modification times: 0 (unknown), so output is reproducible.
fn put_times(o: &mut Vec<u8>, v1: bool) {
    o.extend_from_slice(if v1 { &[0; 16] } else { &[0; 8] });
}
fn put_duration(o: &mut Vec<u8>, v1: bool, d: u64) {
    if v1 {
        put_u64(o, d);
    } else {
        put_u32(o, d as u32);
    }
}

/// Writes a box whose size is patched after its body; boxes other than `moov` are far below
/// 4 GiB given `MAX_SAMPLES`.
pub(super) fn box_(o: &mut Vec<u8>, fourcc: &[u8; 4], body: impl FnOnce(&mut Vec<u8>)) {
    let start = o.len();
    o.extend_from_slice(&[0; 4]);
    o.extend_from_slice(fourcc);
    body(o);
    let size = (o.len() - start) as u32;
    o[start..start + 4].copy_from_slice(&size.to_be_bytes());
}

/// Like [`box_`] but checked, for the top-level `moov`.
pub(super) fn mp4_box(
    o: &mut Vec<u8>,
    fourcc: &[u8; 4],
    body: impl FnOnce(&mut Vec<u8>),
) -> Result<(), ApiError> {
    let start = o.len();
    box_(o, fourcc, body);
    if o.len() - start > u32::MAX as usize {
        return Err(ApiError::internal("MP4 moov box exceeds 4 GiB"));
    }
    Ok(())
}

pub(super) fn full_box(
    o: &mut Vec<u8>,
    fourcc: &[u8; 4],
    version: u8,
    flags: u32,
    body: impl FnOnce(&mut Vec<u8>),
) {
    box_(o, fourcc, |o| {
        put_u32(o, (u32::from(version) << 24) | (flags & 0xFF_FFFF));
        body(o);
    });
}
