//! Fragmented MP4 for HLS and DASH: an init segment (`ftyp` + `moov` with empty sample tables and
//! `mvex`) and media segments (`styp` + `moof` + `mdat`), Sans-I/O like [`super::mux_mp4`], whose
//! track, sample-entry and edit-list writers it shares (one `moov` writer for both layouts).
//!
//! The writer never sees sample bytes: the caller streams them, in push order, into one body, and
//! each media segment is its header followed by ranges of that body (one range when the segment
//! holds every track). Headers are written at [`FragmentedMp4Writer::finish`], when every sample's
//! duration is known, so the caller composes segment files from the body without copying it (in
//! the browser: `Blob.slice`). HLS gets one stream of muxed segments, DASH one stream per track.
//!
//! A new segment starts at the first video key frame of each `segment_s` interval
//! ([`SegmentClock`]); the encoder is asked for a key frame there by the same clock, so segments
//! are as long as asked (the last one shorter). Without video the audio track leads and every
//! audio frame is a sync sample, so an audio-only stream is cut at the first frame of each
//! interval. Within a segment each run of consecutive pushes to one track is one `trun`, so the
//! interleave in the body is the caller's push order.

use super::mux::TrackConfig;
use super::mux_mp4::{
    box_, end_presentation, full_box, mp4_box, new_tracks, plan_track, put_u32, put_u64,
    record_sample, write_ftyp, write_mvhd, write_trak, Sample, Tables, Track, TrackPlan,
    MOVIE_TIMESCALE,
};
use crate::num_text::Num;
use crate::ApiError;

/// A frame within this much before a segment boundary counts as on it (timestamps are rounded to
/// microseconds, boundaries are exact multiples of the segment length).
const BOUNDARY_TOLERANCE_US: i64 = 1_000;

/// Which segment a presentation time falls in: the one rule the encoder (where to force key
/// frames) and the writer (where to cut) share.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SegmentClock {
    segment_us: i64,
}

impl SegmentClock {
    /// Segments of `segment_s` seconds (at least one millisecond).
    pub fn new(segment_s: f64) -> Self {
        Self {
            segment_us: ((segment_s * 1e6).round() as i64).max(1_000),
        }
    }

    /// The 0-based interval `pts_us` lies in. Times before 0 (an audio encoder's priming, which
    /// the edit list hides) belong to the first, so they never make a segment of their own.
    pub fn index(&self, pts_us: i64) -> i64 {
        (pts_us + BOUNDARY_TOLERANCE_US)
            .div_euclid(self.segment_us)
            .max(0)
    }

    /// Whether a frame at `pts_us`, after one at `prev_us` (`None`: the first frame), is the
    /// first of a new segment, so must be a key frame.
    pub fn starts_segment(&self, prev_us: Option<i64>, pts_us: i64) -> bool {
        prev_us.is_none_or(|p| self.index(p) != self.index(pts_us))
    }
}

/// A run of consecutive samples of one track inside a segment's body.
#[derive(Debug, Clone, Copy)]
struct Run {
    track: usize,
    /// Index of the run's first sample in its track.
    first: usize,
    count: usize,
    /// Offset of the run's first byte within the whole body, and its byte length.
    start: u64,
    len: u64,
}

#[derive(Debug)]
struct Fragment {
    runs: Vec<Run>,
    /// The clock interval the segment began in.
    interval: i64,
}

/// How the tracks are split into streams at [`FragmentedMp4Writer::finish`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// One stream holding every track (HLS media playlists carry muxed audio and video).
    Muxed,
    /// One stream per track, each with its own init segment (a DASH representation per media
    /// type: ffmpeg's and most players' DASH readers take one track per representation).
    PerTrack,
}

/// One media segment of a finished stream.
#[derive(Debug, Clone, PartialEq)]
pub struct MediaSegment {
    /// `styp` + `moof` + `mdat` header: the segment file is this followed by its body pieces.
    pub header: Vec<u8>,
    /// The segment's bytes within the whole body, in order: `(start, len)` ranges.
    pub pieces: Vec<(u64, u64)>,
    /// Start on the stream's first track's time line (0 at its first sample) and the media it
    /// holds, in `timescale` ticks (DASH `S@t`, `S@d`).
    pub start_ticks: u64,
    pub duration_ticks: u64,
    /// Seconds of that media the edit list presents (HLS `#EXTINF`): the segments add up to the
    /// stream's `duration_s` (an audio lead's priming and tail padding are media, not presented).
    pub duration_s: f64,
}

impl MediaSegment {
    /// Bytes of the segment file.
    pub fn size(&self) -> u64 {
        self.header.len() as u64 + self.pieces.iter().map(|p| p.1).sum::<u64>()
    }
}

/// A finished stream: its init segment and media segments in order.
#[derive(Debug, Clone, PartialEq)]
pub struct FragmentedStream {
    /// Indices of the tracks it holds (as given to [`FragmentedMp4Writer::new`]).
    pub tracks: Vec<usize>,
    pub init: Vec<u8>,
    pub segments: Vec<MediaSegment>,
    /// Ticks per second of the segments' times (its first track's timescale).
    pub timescale: u32,
    /// Presented duration of its first track, seconds.
    pub duration_s: f64,
}

/// Writes a fragmented MP4 from sample metadata; see the module docs.
#[derive(Debug)]
pub struct FragmentedMp4Writer {
    tracks: Vec<Track>,
    clock: SegmentClock,
    fragments: Vec<Fragment>,
    payload_len: u64,
    sample_count: usize,
}

impl FragmentedMp4Writer {
    /// Track 0 sets the segment times (the video, or the audio of an audio-only output). Codecs
    /// are validated as for the progressive writer.
    pub fn new(tracks: &[TrackConfig], segment_s: f64) -> Result<Self, ApiError> {
        let tracks = new_tracks(tracks)?;
        if !(segment_s.is_finite() && segment_s > 0.0) {
            return Err(ApiError::internal(format!(
                "segment length {} s must be > 0",
                Num(segment_s)
            )));
        }
        Ok(Self {
            tracks,
            clock: SegmentClock::new(segment_s),
            fragments: Vec::new(),
            payload_len: 0,
            sample_count: 0,
        })
    }

    /// Records one sample (its bytes follow the previous sample's in the body). A sync sample of
    /// track 0 (a video key frame, or any frame of a leading audio track) in a later clock
    /// interval than the current segment's starts a new segment.
    pub fn push(&mut self, track_index: usize, sample: Sample) -> Result<(), ApiError> {
        let track = record_sample(&mut self.tracks, self.sample_count, track_index, sample)?;
        let index = track.samples.len() - 1;
        // Audio frames decode on their own (`write_trun` flags them all as sync samples).
        let sync = sample.is_key || !track.is_video();
        let interval = self.clock.index(sample.pts_us);
        // The first sample of any track opens the first segment.
        let cut = match self.fragments.last() {
            None => true,
            Some(f) => track_index == 0 && sync && interval > f.interval,
        };
        if cut {
            self.fragments.push(Fragment {
                runs: Vec::new(),
                interval,
            });
        }
        let Some(fragment) = self.fragments.last_mut() else {
            return Err(ApiError::internal("fragmented MP4: no open segment"));
        };
        let size = u64::from(sample.size);
        match fragment.runs.last_mut() {
            Some(run) if run.track == track_index => {
                run.count += 1;
                run.len += size;
            }
            _ => fragment.runs.push(Run {
                track: track_index,
                first: index,
                count: 1,
                start: self.payload_len,
                len: size,
            }),
        }
        self.payload_len += u64::from(sample.size);
        self.sample_count += 1;
        Ok(())
    }

    /// Total body bytes pushed so far.
    pub fn payload_len(&self) -> u64 {
        self.payload_len
    }

    /// Ends track `track_index`'s presentation at `end_us`, when its media runs longer (an audio
    /// encoder's padding of its last frame): the edit list and the segments' presented lengths
    /// stop there.
    pub fn end_at(&mut self, track_index: usize, end_us: i64) -> Result<(), ApiError> {
        end_presentation(&mut self.tracks, track_index, end_us)
    }

    /// The streams of `layout`: each one's init segment and every media segment's header and
    /// body pieces.
    pub fn finish(self, layout: Layout) -> Result<Vec<FragmentedStream>, ApiError> {
        let plans = self
            .tracks
            .iter()
            .enumerate()
            .map(|(i, t)| plan_track(i, t))
            .collect::<Result<Vec<_>, _>>()?;
        let groups: Vec<Vec<usize>> = match layout {
            Layout::Muxed => vec![(0..self.tracks.len()).collect()],
            Layout::PerTrack => (0..self.tracks.len()).map(|t| vec![t]).collect(),
        };
        groups.into_iter().map(|g| self.stream(g, &plans)).collect()
    }

    fn stream(
        &self,
        tracks: Vec<usize>,
        plans: &[TrackPlan],
    ) -> Result<FragmentedStream, ApiError> {
        let lead_index = tracks[0];
        let lead = &self.tracks[lead_index];
        let first_dts = lead.samples[0].dts;
        // The fragments holding samples of this stream, with where its lead track starts in each
        // (decode time from its first sample, as `tfdt` counts).
        let parts: Vec<(&Fragment, Option<u64>)> = self
            .fragments
            .iter()
            .filter(|f| f.runs.iter().any(|r| tracks.contains(&r.track)))
            .map(|f| {
                let start = f
                    .runs
                    .iter()
                    .find(|r| r.track == lead_index)
                    .map(|r| (lead.samples[r.first].dts - first_dts).max(0) as u64);
                (f, start)
            })
            .collect();
        let total = plans[lead_index].deltas.iter().sum::<i64>().max(0) as u64;
        let mut segments = Vec::with_capacity(parts.len());
        let mut next_start = 0;
        for (k, (f, start)) in parts.iter().enumerate() {
            let start = start.unwrap_or(next_start);
            let end = parts[k + 1..].iter().find_map(|(_, s)| *s).unwrap_or(total);
            let duration_ticks = end.saturating_sub(start);
            next_start = end;
            let runs: Vec<Run> = f
                .runs
                .iter()
                .filter(|r| tracks.contains(&r.track))
                .copied()
                .collect();
            let mut pieces: Vec<(u64, u64)> = Vec::new();
            for r in &runs {
                match pieces.last_mut() {
                    Some(p) if p.0 + p.1 == r.start => p.1 += r.len,
                    _ => pieces.push((r.start, r.len)),
                }
            }
            segments.push(MediaSegment {
                header: self.segment_header(k as u32 + 1, &runs, plans)?,
                pieces,
                start_ticks: start,
                duration_ticks,
                duration_s: plans[lead_index].presented_s(start, end, lead.timescale),
            });
        }
        Ok(FragmentedStream {
            init: self.write_init(&tracks, plans)?,
            timescale: lead.timescale,
            duration_s: plans[lead_index].movie_duration() as f64 / f64::from(MOVIE_TIMESCALE),
            tracks,
            segments,
        })
    }

    fn write_init(&self, tracks: &[usize], plans: &[TrackPlan]) -> Result<Vec<u8>, ApiError> {
        let mut out = Vec::new();
        let kept: Vec<&Track> = tracks.iter().map(|&t| &self.tracks[t]).collect();
        let kept_plans: Vec<&TrackPlan> = tracks.iter().map(|&t| &plans[t]).collect();
        write_ftyp(&mut out, &kept, &kept_plans, true);
        let movie_duration = kept_plans
            .iter()
            .map(|p| p.movie_duration())
            .max()
            .unwrap_or(0);
        let next_id = tracks.iter().max().map_or(1, |&t| t as u32 + 2);
        mp4_box(&mut out, b"moov", |o| {
            write_mvhd(o, movie_duration, next_id);
            for &t in tracks {
                write_trak(
                    o,
                    t as u32 + 1,
                    &self.tracks[t],
                    &plans[t],
                    Tables::Fragmented,
                );
            }
            box_(o, b"mvex", |o| {
                full_box(o, b"mehd", 1, 0, |o| put_u64(o, movie_duration));
                for &t in tracks {
                    full_box(o, b"trex", 0, 0, |o| {
                        put_u32(o, t as u32 + 1);
                        put_u32(o, 1); // sample description index
                        o.extend_from_slice(&[0; 12]); // default duration, size, flags
                    });
                }
            });
        })?;
        Ok(out)
    }

    /// `styp` + `moof` + `mdat` header of a segment holding `runs` (`sequence` from 1). `trun`
    /// data offsets count from the `moof` start, so the `moof` is measured once with zero offsets
    /// (field widths do not depend on values), then written.
    fn segment_header(
        &self,
        sequence: u32,
        runs: &[Run],
        plans: &[TrackPlan],
    ) -> Result<Vec<u8>, ApiError> {
        let mut out = Vec::new();
        put_u32(&mut out, 24);
        out.extend_from_slice(b"styp");
        out.extend_from_slice(b"msdh");
        put_u32(&mut out, 0);
        out.extend_from_slice(b"msdh");
        out.extend_from_slice(b"msix");
        let body_len: u64 = runs.iter().map(|r| r.len).sum();
        let moof_len = self.moof(sequence, runs, plans, 0).len() as u64;
        let mdat_header: u64 = if body_len + 8 > u64::from(u32::MAX) {
            16
        } else {
            8
        };
        let moof = self.moof(sequence, runs, plans, moof_len + mdat_header);
        if moof.len() as u64 != moof_len {
            return Err(ApiError::internal(
                "moof length changed between layout passes",
            ));
        }
        out.extend_from_slice(&moof);
        if mdat_header == 16 {
            put_u32(&mut out, 1);
            out.extend_from_slice(b"mdat");
            put_u64(&mut out, body_len + 16);
        } else {
            put_u32(&mut out, (body_len + 8) as u32);
            out.extend_from_slice(b"mdat");
        }
        Ok(out)
    }

    /// The `moof` of a segment of `runs`; `data_base`: bytes from the `moof` start to the first
    /// byte of the `mdat` payload, which holds the runs in order.
    fn moof(&self, sequence: u32, runs: &[Run], plans: &[TrackPlan], data_base: u64) -> Vec<u8> {
        let mut offsets = Vec::with_capacity(runs.len());
        let mut at = data_base;
        for r in runs {
            offsets.push(at);
            at += r.len;
        }
        let mut o = Vec::new();
        box_(&mut o, b"moof", |o| {
            full_box(o, b"mfhd", 0, 0, |o| put_u32(o, sequence));
            for (t, track) in self.tracks.iter().enumerate() {
                let mine: Vec<(&Run, u64)> = runs
                    .iter()
                    .zip(offsets.iter().copied())
                    .filter(|(r, _)| r.track == t)
                    .collect();
                let Some((first, _)) = mine.first() else {
                    continue;
                };
                let plan = &plans[t];
                box_(o, b"traf", |o| {
                    // default-base-is-moof: data offsets count from this fragment's moof.
                    full_box(o, b"tfhd", 0, 0x02_0000, |o| put_u32(o, t as u32 + 1));
                    let base = track.samples[first.first].dts - track.samples[0].dts;
                    full_box(o, b"tfdt", 1, 0, |o| put_u64(o, base.max(0) as u64));
                    for (run, offset) in mine {
                        write_trun(o, track, plan, run, offset);
                    }
                });
            }
        });
        o
    }
}

/// One `trun`: data offset, and per sample its duration, size, flags and (when any sample of the
/// track has one) composition offset.
fn write_trun(o: &mut Vec<u8>, track: &Track, plan: &TrackPlan, run: &Run, data_offset: u64) {
    let with_cts = plan.ctts.is_some();
    let flags = 0x01 | 0x100 | 0x200 | 0x400 | if with_cts { 0x800 } else { 0 };
    full_box(o, b"trun", u8::from(with_cts), flags, |o| {
        put_u32(o, run.count as u32);
        put_u32(o, data_offset as u32);
        for i in run.first..run.first + run.count {
            let s = &track.samples[i];
            put_u32(o, plan.deltas[i].clamp(0, i64::from(u32::MAX)) as u32);
            put_u32(o, s.size);
            // sample_depends_on 2 (independent) for sync samples, 1 plus is_non_sync otherwise.
            put_u32(
                o,
                if s.is_key || !track.is_video() {
                    0x0200_0000
                } else {
                    0x0101_0000
                },
            );
            if with_cts {
                let off = (s.pts - s.dts).clamp(i64::from(i32::MIN), i64::from(i32::MAX));
                o.extend_from_slice(&(off as i32).to_be_bytes());
            }
        }
    });
}
