//! Analysis of one input, driven from Rust: the demuxer feeds WebCodecs decoders, decoded frames
//! are copied once into wasm memory and reduced to features, audio goes to the analyzer.
//! Streaming with backpressure, so memory stays flat whatever the input length.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::Float32Array;
use wasm_bindgen::prelude::*;

use super::codec::{
    audio_decoder_config, video_decoder_config, AudioDecoderBox, Frame, VideoDecoderBox,
};
use super::job_signal::JobSignal;
use super::source::JsByteSource;
use crate::analysis::sampling::DecodePlan;
use crate::analysis::{FrameView, PixelFormat, PlaneLayout, SourceAnalyzer, SourceFeatures};
use crate::media::bitstream::ReferenceClassifier;
use crate::media::{self, MediaInfo, TrackKind};
use crate::num_text::Num;
use crate::ApiError;

/// Chunks queued inside each decoder; more only adds latency and memory.
pub(super) const MAX_DECODE_QUEUE: u32 = 16;
/// Decoded frames waiting for the analyzer; more would pin decoder buffers.
const MAX_FRAMES_IN_FLIGHT: usize = 8;
/// Past the range's end, video packets are read this far (B-frame reordering stays within it).
const VIDEO_TAIL_S: f64 = 2.0;
/// Size of the read-back for frames without a CPU layout (GPU frames).
const READBACK_SIZE: (u32, u32) = (160, 90);
/// Decoded frames the sampling skipped, held (not copied) until the next analysed frame says
/// whether a cut may lie among them: one for 30 fps input, three for 60 fps; more are let go
/// oldest first, so a faster source refines its cuts to the frames held.
const MAX_HELD_FRAMES: usize = 3;

/// One analysed input: its features, container facts and notes.
pub(super) struct AnalysedSource {
    pub features: SourceFeatures,
    pub info: MediaInfo,
    /// The analysed range in source seconds (end clamped to the media).
    pub range: (f64, f64),
    pub notes: Vec<String>,
    /// Video frames analysed.
    pub frames: u32,
    /// Video frames decoded (analysed ones and the references they need).
    pub decoded: u32,
}

/// Analyses `[start_s, start_s + duration_s)` of the input behind `reader` (`duration_s` 0: to
/// the end); `job` carries the cancel signal and the stage's progress.
pub(super) async fn analyse(
    reader: JsValue,
    start_s: f64,
    duration_s: f64,
    job: &JobSignal,
) -> Result<AnalysedSource, ApiError> {
    let mut demuxer = media::open(Box::new(JsByteSource::new(reader)?))?;
    let info = demuxer.info().clone();
    let mut notes = Vec::new();
    let video_track = info
        .video_track()
        .cloned()
        .ok_or_else(|| match info.audio_track() {
            Some(a) => ApiError::unsupported(format!(
                "the input has no video track (audio only: {}); reelcut needs video",
                a.codec_name
            )),
            None => ApiError::unsupported("the input has no video or audio track"),
        })?;
    let start = start_s.max(0.0);
    let end = if duration_s > 0.0 {
        info.duration_s.min(start + duration_s)
    } else {
        info.duration_s
    };
    if start >= info.duration_s {
        return Err(ApiError::invalid_parameter(
            "StartTime",
            format!(
                "StartTime {} s is past the end of the media ({:.3} s)",
                Num(start),
                Num(info.duration_s)
            ),
        ));
    }
    let frame_rate = video_track.video.as_ref().map_or(30.0, |v| {
        if v.frame_rate > 0.0 {
            v.frame_rate
        } else {
            30.0
        }
    });
    let analyzer = Rc::new(RefCell::new(SourceAnalyzer::new(end, frame_rate)));

    let config = video_decoder_config(&video_track).await?;
    // Every decoded frame in the range is queued: those the sampling skips may still be needed
    // to place a cut on its frame (see `FrameSink::drain`).
    let keep = move |t_us: f64| {
        let t = t_us / 1e6;
        t >= start - 1e-3 && t < end
    };
    let video = VideoDecoderBox::open(&config, &video_track.codec_name, keep)?;

    let audio_track = info
        .tracks
        .iter()
        .find(|t| t.kind == TrackKind::Audio)
        .cloned();
    let audio = match &audio_track {
        None => {
            notes.push("the input has no audio track; analysed the picture only".to_string());
            None
        }
        Some(track) => match audio_decoder_config(track).await {
            Some(config) => Some(AudioDecoderBox::open(&config, &track.codec_name)?),
            None => {
                let codec = track.audio.as_ref().map_or("", |a| a.codec.as_str());
                notes.push(format!(
                    "audio codec {} ({codec}) cannot be decoded by this browser; analysed the picture only",
                    track.codec_name
                ));
                None
            }
        },
    };

    let mut sink = FrameSink::default();
    if start > 0.0 {
        demuxer.seek(start)?;
    }
    let mut packets = 0u32;
    let mut decoded = 0u32;
    let mut saw_key = false;
    // Frames no sample needs and no other frame refers to are not decoded at all.
    let mut classifier = ReferenceClassifier::new(&video_track);
    let mut plan = DecodePlan::for_analysis(frame_rate, start, end);
    while let Some(packet) = demuxer.next_packet()? {
        job.check()?;
        let t = packet.pts_us as f64 / 1e6;
        if packet.track_id == video_track.id {
            if t > end + VIDEO_TAIL_S {
                break;
            }
            if !saw_key && !packet.is_key {
                continue;
            }
            saw_key = true;
            if !plan.should_decode(packet.pts_us, classifier.classify(&packet.data)) {
                continue;
            }
            // Analyse what is decoded while the decoder works on what is queued.
            loop {
                sink.drain(&video, &analyzer).await?;
                if let Some(a) = &audio {
                    drain_audio(a, &analyzer, &mut sink, start, end)?;
                }
                if video.pending() <= MAX_DECODE_QUEUE
                    && video.queue().len() <= MAX_FRAMES_IN_FLIGHT
                {
                    break;
                }
                video.wait().await;
            }
            video.decode(&packet)?;
            packets += 1;
            decoded += 1;
            if packets.is_multiple_of(30) {
                job.progress(((t - start) / (end - start).max(1e-6)).clamp(0.0, 1.0));
            }
        } else if let (Some(a), Some(track)) = (&audio, &audio_track) {
            if packet.track_id != track.id || t > end + 1.0 || t < start - 1.0 {
                continue;
            }
            a.room(MAX_DECODE_QUEUE).await?;
            drain_audio(a, &analyzer, &mut sink, start, end)?;
            a.decode(&packet)?;
        }
    }
    if !saw_key {
        return Err(ApiError::corrupt(
            "the video track has no decodable key frame",
        ));
    }
    video.flush().await?;
    if let Some(a) = &audio {
        a.flush().await?;
        drain_audio(a, &analyzer, &mut sink, start, end)?;
    }
    sink.drain(&video, &analyzer).await?;
    if sink.frames == 0 {
        return Err(ApiError::corrupt(
            "no video frame could be decoded in the requested range",
        ));
    }
    if sink.readbacks > 0 {
        notes.push(format!(
            "{} decoded frames had no CPU pixel layout and were read back through a canvas",
            sink.readbacks
        ));
    }
    job.progress(1.0);
    drop(video);
    drop(audio);
    let analyzer = Rc::try_unwrap(analyzer)
        .map_err(|_| ApiError::internal("analyzer still shared after decoding"))?
        .into_inner();
    Ok(AnalysedSource {
        features: analyzer.finish(),
        info,
        range: (start, end),
        notes,
        frames: sink.frames,
        decoded,
    })
}

/// Reused buffers for moving decoded media into the analyzer.
#[derive(Default)]
struct FrameSink {
    pixels: Vec<u8>,
    samples: Vec<f32>,
    audio_scratch: Option<Float32Array>,
    /// Decoded frames since the last analysed one that the sampling skipped (display order).
    held: Vec<Frame>,
    frames: u32,
    readbacks: u32,
}

impl FrameSink {
    /// Analyses every frame the decoder has output so far. Frames the sampling skips are held;
    /// when the next analysed frame may be a cut, they are copied too, so the analyzer can put
    /// the cut on its exact frame, and then let go (closed) either way.
    async fn drain(
        &mut self,
        video: &VideoDecoderBox,
        analyzer: &RefCell<SourceAnalyzer>,
    ) -> Result<(), ApiError> {
        while let Some(frame) = video.queue().pop() {
            let t = frame.timestamp_us() / 1e6;
            if !analyzer.borrow().wants_frame(t) {
                if self.held.len() == MAX_HELD_FRAMES {
                    self.held.remove(0);
                }
                self.held.push(frame);
                continue;
            }
            self.analyse_frame(&frame, t, analyzer, false).await?;
            self.frames += 1;
            let held = std::mem::take(&mut self.held);
            if analyzer.borrow().wants_between_frames() {
                for h in &held {
                    self.analyse_frame(h, h.timestamp_us() / 1e6, analyzer, true)
                        .await?;
                }
            }
        }
        video.queue().check()
    }

    /// Copies `frame` into the analyzer: as an analysed frame, or (`between`) as one of the
    /// frames between the last two analysed ones.
    async fn analyse_frame(
        &mut self,
        frame: &Frame,
        t: f64,
        analyzer: &RefCell<SourceAnalyzer>,
        between: bool,
    ) -> Result<(), ApiError> {
        let push = |view: &FrameView| {
            let mut a = analyzer.borrow_mut();
            if between {
                a.push_between_frame(t, view)
            } else {
                a.push_frame(t, view)
            }
        };
        match frame.pixel_format() {
            Some(format) => {
                let format = format?;
                let planes = frame.copy_into(&mut self.pixels).await?;
                let (width, height) = frame.visible_size();
                let view = FrameView {
                    format,
                    width,
                    height,
                    data: &self.pixels,
                    planes,
                    full_range: frame.full_range(),
                };
                push(&view)
            }
            None => {
                let (width, height) = READBACK_SIZE;
                let rgba = frame.read_back_rgba(width, height)?;
                let planes = vec![PlaneLayout {
                    offset: 0,
                    stride: width as usize * 4,
                }];
                let view = FrameView {
                    format: PixelFormat::RGBA,
                    width,
                    height,
                    data: &rgba,
                    planes,
                    full_range: true,
                };
                self.readbacks += 1;
                push(&view)
            }
        }
    }
}

/// Hands every decoded audio block inside the range to the analyzer.
fn drain_audio(
    audio: &AudioDecoderBox,
    analyzer: &RefCell<SourceAnalyzer>,
    sink: &mut FrameSink,
    start: f64,
    end: f64,
) -> Result<(), ApiError> {
    while let Some(block) = audio.queue().pop() {
        let t = block.timestamp_s();
        if t + block.duration_s() <= start || t >= end {
            continue;
        }
        let planes = block.copy_planes(&mut sink.audio_scratch, &mut sink.samples)?;
        analyzer
            .borrow_mut()
            .push_audio(t, block.sample_rate(), &planes);
    }
    audio.queue().check()
}
