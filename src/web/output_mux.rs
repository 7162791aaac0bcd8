//! The output file, streamed: encoded chunks go into the container writer as they come out of
//! the encoders (interleaved by time, so a player reading front to back finds both tracks
//! together) and the bytes go to the sink as they are written. The writer is created once each
//! encoder has reported its decoder configuration (with its first chunk). MP4 keeps `moov`
//! first: the writer returns the header at the end and the sink puts it before the body. HLS/DASH
//! outputs stream the same body; their segments are ranges of it, headed by what the fragmented
//! writer returns at the end. An output whose sound is made first (the audio-first pass) pushes
//! all its audio before any video: the video chunks then go out as they come, interleaved with
//! the audio waiting here. The chunks waiting to be interleaved are counted against the
//! output's [`JobMemory`]: past its allowance the render fails instead of growing.

use std::collections::VecDeque;

use super::codec::EncodedChunk;
use super::encoders::Encoding;
use super::sink::OutputSink;
use crate::job::spec::{SegmentFormat, SegmentSpec};
use crate::media::encoding::{AudioCandidate, AudioFamily, VideoCandidate, VideoFamily};
use crate::media::mux::{
    AudioCodec, AudioTrack, OpusConfig, TrackConfig, VideoCodec, VideoTrack, VpxConfig,
};
use crate::media::mux_fmp4::{FragmentedMp4Writer, FragmentedStream, Layout};
use crate::media::mux_mp4::{Mp4Writer, Sample};
use crate::media::mux_webm::{DocType, WebmWriter};
use crate::render::job_budget::JobMemory;
use crate::ApiError;

/// MP4 timescale of the video track.
const VIDEO_TIMESCALE: u32 = 90_000;
/// Chromium's Opus encoder may omit the OpusHead; libopus' usual look-ahead is then assumed.
const OPUS_DEFAULT_PRE_SKIP: u16 = 312;

enum Writer {
    Mp4(Mp4Writer),
    Fragmented(FragmentedMp4Writer, Layout),
    Webm(WebmWriter),
}

pub struct OutputMux {
    container: String,
    segment: Option<SegmentSpec>,
    /// `None`: an audio-only file (`DisableVideo`).
    video: Option<VideoCandidate>,
    audio: Option<AudioCandidate>,
    writer: Option<Writer>,
    sink: OutputSink,
    pending: [VecDeque<EncodedChunk>; 2],
    /// Tracks whose every chunk has been pushed: their empty queue holds nothing back.
    ended: [bool; 2],
    descriptions: [Option<Vec<u8>>; 2],
    bytes: u64,
    /// Bytes of the chunks in `pending`.
    held: u64,
    memory: JobMemory,
}

/// What the container holds once written.
pub struct MuxedFile {
    /// Bytes to put before the body (MP4: ftyp+moov+mdat header; WebM: EBML head and Segment start).
    pub head: Vec<u8>,
    /// Bytes after the body (WebM: last cluster and Cues).
    pub tail: Vec<u8>,
    /// HLS/DASH: the streams whose segments are ranges of the body (no head or tail).
    pub streams: Option<Vec<FragmentedStream>>,
}

impl OutputMux {
    pub fn new(encoding: &Encoding, sink: OutputSink, memory: JobMemory) -> Result<Self, ApiError> {
        let container = encoding.container.as_str();
        if encoding.video.is_none() && encoding.audio.is_none() {
            return Err(ApiError::internal("an output with neither video nor audio"));
        }
        if !matches!(container, "mp4" | "mov" | "webm" | "mkv") {
            return Err(ApiError::invalid_parameter(
                "Output.Container",
                format!("{container} cannot be written in the browser; use mp4, mov, webm or mkv"),
            ));
        }
        if encoding.segment.is_some() && container != "mp4" {
            return Err(ApiError::internal(format!(
                "HLS/DASH segments are fragmented MP4, not {container}"
            )));
        }
        Ok(Self {
            container: container.to_string(),
            segment: encoding.segment.clone(),
            video: encoding.video.clone(),
            audio: encoding.audio.clone(),
            writer: None,
            sink,
            pending: [VecDeque::new(), VecDeque::new()],
            ended: [false; 2],
            descriptions: [None, None],
            bytes: 0,
            held: 0,
            memory,
        })
    }

    /// Takes new chunks of track 0 (video) or 1 (audio) and the encoder's description; fails
    /// once the chunks waiting for interleaving exceed the output's memory allowance.
    pub fn push(
        &mut self,
        track: usize,
        chunks: impl Iterator<Item = EncodedChunk>,
        description: Option<Vec<u8>>,
    ) -> Result<(), ApiError> {
        for c in chunks {
            self.held += c.data.len() as u64;
            self.pending[track].push_back(c);
        }
        if self.descriptions[track].is_none() {
            self.descriptions[track] = description;
        }
        self.memory.check_held(self.held)
    }

    /// Every chunk of track `track` has been pushed (the audio-first pass has encoded all of the
    /// sound): the other track's chunks past its end no longer wait for it.
    pub fn end_track(&mut self, track: usize) {
        self.ended[track] = true;
    }

    /// Writes the chunks that are safe to interleave now; with `done`, all of them.
    pub fn write_ready(&mut self, done: bool) -> Result<(), ApiError> {
        let present = [self.video.is_some(), self.audio.is_some()];
        if self.writer.is_none() {
            let waiting = |t: usize| present[t] && self.pending[t].is_empty();
            let lead = if present[0] { 0 } else { 1 };
            let ready = !waiting(0) && !waiting(1) || (done && !self.pending[lead].is_empty());
            if !ready {
                return Ok(());
            }
            self.writer = Some(self.open_writer()?);
        }
        loop {
            let front = |t: usize| self.pending[t].front().filter(|_| present[t]);
            let next = match (front(0), front(1)) {
                (Some(v), Some(a)) => usize::from(a.timestamp_us < v.timestamp_us),
                (Some(_), None) if done || !present[1] || self.ended[1] => 0,
                (None, Some(_)) if done || !present[0] || self.ended[0] => 1,
                _ => break,
            };
            let Some(chunk) = self.pending[next].pop_front() else {
                break;
            };
            self.held -= chunk.data.len() as u64;
            self.write_chunk(next, chunk)?;
        }
        Ok(())
    }

    fn write_chunk(&mut self, kind: usize, c: EncodedChunk) -> Result<(), ApiError> {
        let track = self.writer_track(kind);
        let bytes = match self.writer.as_mut() {
            Some(Writer::Mp4(w)) => {
                let sample = Sample {
                    pts_us: c.timestamp_us,
                    dts_us: c.timestamp_us,
                    duration_us: c.duration_us,
                    is_key: c.key,
                    size: c.data.len() as u32,
                };
                w.push(track, sample)?;
                c.data
            }
            Some(Writer::Fragmented(w, _)) => {
                w.push(
                    track,
                    Sample {
                        pts_us: c.timestamp_us,
                        dts_us: c.timestamp_us,
                        duration_us: c.duration_us,
                        is_key: c.key,
                        size: c.data.len() as u32,
                    },
                )?;
                c.data
            }
            Some(Writer::Webm(w)) => {
                w.push(track, c.timestamp_us, c.duration_us, c.key, &c.data)?
            }
            None => return Err(ApiError::internal("output chunk before the writer exists")),
        };
        self.bytes += bytes.len() as u64;
        self.sink.write(&bytes)
    }

    /// The writer's number of track `kind` (0 video, 1 audio): it numbers the tracks it has, so
    /// without video the audio is its first.
    fn writer_track(&self, kind: usize) -> usize {
        if self.video.is_some() {
            kind
        } else {
            0
        }
    }

    fn open_writer(&self) -> Result<Writer, ApiError> {
        let mut tracks = Vec::with_capacity(2);
        if let Some(v) = &self.video {
            tracks.push(self.video_track(v)?);
        }
        if let Some(a) = &self.audio {
            tracks.push(audio_track(a, self.descriptions[1].as_deref())?);
        }
        if let Some(s) = &self.segment {
            let layout = match s.format {
                SegmentFormat::Hls => Layout::Muxed,
                SegmentFormat::Dash => Layout::PerTrack,
            };
            return Ok(Writer::Fragmented(
                FragmentedMp4Writer::new(&tracks, s.duration_s)?,
                layout,
            ));
        }
        Ok(match self.container.as_str() {
            "webm" => Writer::Webm(WebmWriter::new(DocType::Webm, &tracks)?),
            "mkv" => Writer::Webm(WebmWriter::new(DocType::Matroska, &tracks)?),
            _ => Writer::Mp4(Mp4Writer::new(&tracks)?),
        })
    }

    fn video_track(&self, v: &VideoCandidate) -> Result<TrackConfig, ApiError> {
        let missing = |what: &str| {
            ApiError::internal(format!(
                "the encoder reported no {what} decoder configuration"
            ))
        };
        let codec = match v.family {
            VideoFamily::Avc => VideoCodec::Avc {
                avcc: self.descriptions[0]
                    .clone()
                    .ok_or_else(|| missing("H.264"))?,
            },
            VideoFamily::Vp9 => VideoCodec::Vp9(VpxConfig::from_codec_string(&v.codec)?),
            VideoFamily::Av1 => VideoCodec::Av1 {
                av1c: self.descriptions[0].clone().ok_or_else(|| missing("AV1"))?,
            },
            VideoFamily::Vp8 => VideoCodec::Vp8,
        };
        Ok(TrackConfig::Video(VideoTrack {
            codec,
            width: v.width,
            height: v.height,
            timescale: VIDEO_TIMESCALE,
        }))
    }

    /// Writes everything left and closes the file. `audio_end_us`: where the sound given to the
    /// audio encoder ends; the audio track is presented up to there, not the padding of the
    /// encoder's last frame (MP4: the edit list; WebM/MKV: `DiscardPadding` on the last block).
    pub fn finish(mut self, audio_end_us: Option<i64>) -> Result<MuxedFile, ApiError> {
        self.write_ready(true)?;
        let audio_track = self.writer_track(1);
        let audio_end = audio_end_us.filter(|_| self.audio.is_some());
        let (head, tail, streams) = match self.writer.take() {
            Some(Writer::Mp4(mut w)) => {
                if let Some(end) = audio_end {
                    w.end_at(audio_track, end)?;
                }
                (w.finish()?, Vec::new(), None)
            }
            Some(Writer::Fragmented(mut w, layout)) => {
                if let Some(end) = audio_end {
                    w.end_at(audio_track, end)?;
                }
                (Vec::new(), Vec::new(), Some(w.finish(layout)?))
            }
            Some(Writer::Webm(mut w)) => {
                if let Some(end) = audio_end {
                    w.end_at(audio_track, end)?;
                }
                let (head, tail) = w.finish()?;
                (head, tail, None)
            }
            None => return Err(ApiError::internal("the encoders produced no output")),
        };
        Ok(MuxedFile {
            head,
            tail,
            streams,
        })
    }
}

fn audio_track(a: &AudioCandidate, description: Option<&[u8]>) -> Result<TrackConfig, ApiError> {
    let codec = match a.family {
        AudioFamily::Aac => AudioCodec::Aac {
            audio_specific_config: description.map(<[u8]>::to_vec).ok_or_else(|| {
                ApiError::internal("the encoder reported no AAC decoder configuration")
            })?,
        },
        AudioFamily::Opus => AudioCodec::Opus(match description {
            Some(head) if !head.is_empty() => OpusConfig::from_opus_head(head)?,
            _ => OpusConfig::simple(OPUS_DEFAULT_PRE_SKIP, a.sample_rate),
        }),
    };
    Ok(TrackConfig::Audio(AudioTrack {
        codec,
        sample_rate: a.sample_rate,
        channels: a.number_of_channels as u16,
    }))
}
