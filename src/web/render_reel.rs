//! Renders one reel, driven from Rust: per output frame the draw list says what to show, clip
//! cursors supply decoded frames, the YUV compositor composes them (or a decoded frame goes to
//! the encoder as it is), WebCodecs encodes, and the container bytes stream to the sink.
//!
//! Audio: when the sound is made in passes over the reel (music, loudness normalisation) or there
//! is no video, it is made first ([`RenderPlan::audio_first`]): per pass, each clip's audio alone
//! (no video decoder) and the music as the mix wants it; the last pass's blocks are encoded as
//! they are made, and only the encoded audio waits in the muxer while the video pass streams its
//! chunks beside it. Otherwise
//! each clip's audio is decoded with its frames and the mixer's blocks are encoded as they
//! complete (one read of each source).

use std::rc::Rc;

use js_sys::Promise;
use wasm_bindgen::prelude::*;
use web_sys::{
    AudioData, AudioDataInit, AudioSampleFormat, VideoColorPrimaries, VideoColorSpaceInit,
    VideoFrame, VideoFrameBufferInit, VideoFrameInit, VideoMatrixCoefficients, VideoPixelFormat,
    VideoTransferCharacteristics,
};

use super::clip_audio::ClipAudioPass;
use super::codec::{js_message, AudioBlock, AudioEncoderBox, Frame, VideoEncoderBox};
use super::codec::{wasm_f32_view, wasm_view};
use super::cursor::{ClipCursor, ClipCuts};
use super::encoders::Encoding;
use super::job_signal::JobSignal;
use super::music::MusicFeed;
use super::output_mux::OutputMux;
use super::overlays::OverlayPictures;
use super::sink::OutputSink;
use super::source::settle;
use crate::media::mux_fmp4::{FragmentedStream, SegmentClock};
use crate::render::compose::image::{PlacedImage, RgbaImage};
use crate::render::compose::picture::Picture;
use crate::render::compose::store::FrameLayout;
use crate::render::compose::{Compositor, FrameStore};
use crate::render::job_budget::{JobMemory, ENCODE_QUEUE_FRAMES};
use crate::render::loudness::LoudnessReport;
use crate::render::overlay::OverlayContent;
use crate::render::passthrough::passthrough_source;
use crate::render::{self, AudioMixer, RenderPlan};
use crate::ApiError;

/// Audio frames per encoded block.
const AUDIO_BLOCK: usize = 1024;

/// A rendered reel: the container's head and tail around the body written to the sink.
pub(super) struct RenderedReel {
    pub head: Vec<u8>,
    pub tail: Vec<u8>,
    /// HLS/DASH: the fragmented streams whose segments are ranges of the body (head and tail
    /// are then empty).
    pub streams: Option<Vec<FragmentedStream>>,
    pub frames: u32,
    /// Decoded frames without a CPU layout that were read back through a canvas.
    pub readbacks: u32,
    /// The output's loudness before/after normalisation, when it was normalised.
    pub loudness: Option<LoudnessReport>,
}

/// Renders the reel `plan` encoded as `encoding`, writing the file body to `sink` in order
/// (`sink.write(bytes)`). `memory` is the output's checked budget: encoded bytes held beyond it
/// fail the render. `audio_share`: the audio-first pass's part of the progress (0..1).
pub(super) async fn render_reel(
    plan: &RenderPlan,
    encoding: &Encoding,
    sources: &Sources<'_>,
    sink: OutputSink,
    job: &JobSignal,
    audio_share: f64,
    memory: JobMemory,
) -> Result<RenderedReel, ApiError> {
    Renderer::new(plan, encoding, sink, sources, memory)?
        .run(job, audio_share)
        .await
}

/// The reel's inputs: `open(i)` resolves to a reader over source `i`; `has_audio[i]` says
/// whether it has an audio track; `open_uri` opens any other reference of the request (music).
pub(super) struct Sources<'a> {
    pub open: &'a dyn Fn(usize) -> Result<Promise, ApiError>,
    pub open_uri: &'a dyn Fn(&str) -> Result<Promise, ApiError>,
    pub has_audio: Vec<bool>,
    /// The job's overlay pictures, made once per job.
    pub pictures: &'a OverlayPictures,
}

impl Sources<'_> {
    /// A reader over plan source `index`: a request input, or an opening / ending video.
    async fn open(&self, plan: &RenderPlan, index: usize) -> Result<JsValue, ApiError> {
        match plan.bookend(index) {
            Some(b) => settle((self.open_uri)(&b.uri)).await.map_err(|e| {
                ApiError::new(e.code, format!("{} {}: {}", b.entry, b.uri, e.message))
            }),
            None => settle((self.open)(index)).await,
        }
    }

    /// Whether plan source `index` has sound.
    fn has_audio(&self, plan: &RenderPlan, index: usize) -> bool {
        match plan.bookend(index) {
            Some(b) => b.has_audio,
            None => self.has_audio.get(index).copied().unwrap_or(false),
        }
    }
}

struct Renderer<'a> {
    plan: &'a RenderPlan,
    encoding: &'a Encoding,
    sources: &'a Sources<'a>,
    /// `None` without audio, and once the audio-first pass has encoded all of it.
    mixer: Option<AudioMixer>,
    /// `None`: an audio-only output (`DisableVideo`).
    video: Option<VideoEncoderBox>,
    /// Closed once the audio-first pass has flushed it.
    audio: Option<AudioEncoderBox>,
    mux: OutputMux,
    /// By clip index: the open cursor of each clip on screen or about to be. Indexed vectors
    /// rather than ordered maps: clip indices are dense, and each `BTreeMap` type links its own
    /// copy of the tree code.
    cursors: Vec<Option<ClipCursor>>,
    /// By clip index: the clip's audio is mixed and its decoders are closed.
    finished: Vec<bool>,
    compositor: Compositor,
    store: FrameStore,
    audio_frames: u64,
    readbacks: u32,
    /// The plan's overlay layers, placed on the output (same order).
    overlays: Vec<PlacedImage>,
    /// The still-image openings and endings, by plan source.
    stills: Vec<(usize, Rc<RgbaImage>)>,
    /// The output's loudness, once normalised.
    loudness: Option<LoudnessReport>,
}

impl<'a> Renderer<'a> {
    fn new(
        plan: &'a RenderPlan,
        encoding: &'a Encoding,
        sink: OutputSink,
        sources: &'a Sources<'a>,
        memory: JobMemory,
    ) -> Result<Self, ApiError> {
        render::validate_plan(plan)?;
        let mut mixer = match &encoding.audio {
            Some(a) => Some(AudioMixer::for_plan(
                plan,
                a.sample_rate,
                a.number_of_channels,
            )?),
            None => None,
        };
        if let Some(m) = mixer.as_mut() {
            // Clips whose source has no audio contribute silence.
            for (i, c) in plan.clips.iter().enumerate() {
                if !sources.has_audio(plan, c.source) {
                    m.mark_silent(i)?;
                }
            }
        }
        Ok(Self {
            plan,
            encoding,
            sources,
            mixer,
            video: encoding
                .video
                .as_ref()
                .map(VideoEncoderBox::open)
                .transpose()?,
            audio: encoding.open_audio()?,
            mux: OutputMux::new(encoding, sink, memory)?,
            cursors: plan.clips.iter().map(|_| None).collect(),
            finished: vec![false; plan.clips.len()],
            compositor: Compositor::new(plan.width, plan.height),
            store: FrameStore::default(),
            audio_frames: 0,
            readbacks: 0,
            overlays: Vec::new(),
            stills: Vec::new(),
            loudness: None,
        })
    }

    async fn run(mut self, job: &JobSignal, audio_share: f64) -> Result<RenderedReel, ApiError> {
        let audio_first = self
            .plan
            .audio_first(self.video.is_some(), self.audio.is_some());
        // Without video the audio pass is the whole render.
        let share = match (audio_first, self.video.is_some()) {
            (false, _) => 0.0,
            (true, true) => audio_share.clamp(0.0, 1.0),
            (true, false) => 1.0,
        };
        if audio_first {
            self.audio_pass(job, share).await?;
        }
        let frames = if self.video.is_some() {
            self.place_overlays().await?;
            self.load_pictures().await?;
            self.video_frames(job, share).await?
        } else {
            0
        };
        self.pump_audio().await?;
        if let Some(v) = &self.video {
            v.flush().await?;
        }
        if let Some(a) = &self.audio {
            a.flush().await?;
        }
        self.collect(true)?;
        job.progress(1.0);
        let readbacks = self.readbacks;
        let loudness = self.loudness;
        // The sound ends with the last sample mixed, not with the encoder's padded last frame.
        let audio_end_us =
            self.encoding.audio.as_ref().map(|a| {
                (self.audio_frames as f64 * 1e6 / f64::from(a.sample_rate)).round() as i64
            });
        let file = self.mux.finish(audio_end_us)?;
        Ok(RenderedReel {
            head: file.head,
            tail: file.tail,
            streams: file.streams,
            frames,
            readbacks,
            loudness,
        })
    }

    /// Every overlay layer's picture (made once per job), placed for this output.
    async fn place_overlays(&mut self) -> Result<(), ApiError> {
        let (w, h) = (self.plan.width, self.plan.height);
        for layer in &self.plan.overlays {
            let image = self
                .sources
                .pictures
                .get(&layer.content, self.sources.open_uri)
                .await?;
            let rect = layer.rect(image.width(), image.height(), w, h);
            self.overlays
                .push(PlacedImage::new(&image, rect, w as usize, h as usize));
        }
        Ok(())
    }

    /// The still openings / endings and the backdrop, from the job's decoded pictures.
    async fn load_pictures(&mut self) -> Result<(), ApiError> {
        for b in self.plan.bookends.iter().filter(|b| b.still) {
            let image = OverlayContent::Image { uri: b.uri.clone() };
            let picture = self
                .sources
                .pictures
                .get(&image, self.sources.open_uri)
                .await
                .map_err(|e| ApiError::new(e.code, format!("{}: {}", b.entry, e.message)))?;
            self.stills.push((b.source, picture));
        }
        if let Some(uri) = &self.plan.backdrop {
            let image = OverlayContent::Image { uri: uri.clone() };
            let picture = self
                .sources
                .pictures
                .get(&image, self.sources.open_uri)
                .await?;
            self.compositor.set_backdrop(Some(&picture));
        }
        Ok(())
    }

    /// The audio-first pass, progress `0..share`: the sound passes the mixer asks for
    /// ([`crate::render::sound_passes`]), each reading every clip's audio in order (its source
    /// read for the audio alone) and the music as the mix wants it; the last pass's blocks are
    /// encoded as they are made. The muxer then holds all of the encoded audio, and the mixer and
    /// the audio encoder are gone before the first frame is decoded.
    async fn audio_pass(&mut self, job: &JobSignal, share: f64) -> Result<(), ApiError> {
        let plan: &'a RenderPlan = self.plan;
        let sources: &'a Sources<'a> = self.sources;
        let n = plan.clips.len();
        let (expected, _) = render::sound_passes::expected_passes(plan);
        let mut more = self.mixer.is_some();
        while more {
            let Some(pass) = self.mixer.as_ref().map(AudioMixer::pass) else {
                break;
            };
            let passes = expected.max(pass.index + 1) as f64;
            let done = |clip: f64| share * (pass.index as f64 + clip / n.max(1) as f64) / passes;
            let mut music = match (&plan.music, pass.music) {
                (Some(bed), true) => Some(MusicFeed::new(&bed.uri, sources.open_uri)),
                _ => None,
            };
            self.feed_music(&mut music, job).await?;
            for (clip, c) in plan.clips.iter().enumerate() {
                job.check()?;
                if sources.has_audio(plan, c.source) && self.mixer.is_some() {
                    let reader = sources.open(plan, c.source).await?;
                    match ClipAudioPass::open(reader, clip, (c.in_s, c.out_s)).await? {
                        Some(mut audio) => {
                            while let Some(mixer) = self.mixer.as_mut() {
                                let progress = |f: f64| job.progress(done(clip as f64 + f));
                                let more = audio.step(mixer, job, progress).await?;
                                self.feed_music(&mut music, job).await?;
                                self.pump_audio().await?;
                                if !more {
                                    break;
                                }
                            }
                        }
                        // An audio track this browser cannot decode plays as silence (noted by
                        // the caller).
                        None => {
                            if let Some(mixer) = self.mixer.as_mut() {
                                mixer.mark_silent(clip)?;
                            }
                        }
                    }
                }
                self.feed_music(&mut music, job).await?;
                self.pump_audio().await?;
                self.collect(false)?;
                job.progress(done((clip + 1) as f64));
            }
            self.feed_music(&mut music, job).await?;
            self.pump_audio().await?;
            more = match self.mixer.as_mut() {
                Some(m) => m.next_pass()?,
                None => false,
            };
        }
        if let Some(a) = &self.audio {
            a.flush().await?;
        }
        self.collect(false)?;
        if let Some(mixer) = self.mixer.take() {
            if !mixer.is_done() {
                return Err(ApiError::internal(format!(
                    "the sound ended after {} of {} frames",
                    mixer.position(),
                    mixer.total_frames()
                )));
            }
            self.loudness = mixer.loudness_report()?;
        }
        self.audio = None;
        self.mux.end_track(1);
        Ok(())
    }

    /// Music into the mix while it wants more, encoding what the mix makes after each packet.
    async fn feed_music(
        &mut self,
        music: &mut Option<MusicFeed<'_>>,
        job: &JobSignal,
    ) -> Result<(), ApiError> {
        let Some(feed) = music.as_mut() else {
            return Ok(());
        };
        loop {
            let Some(mixer) = self.mixer.as_mut() else {
                return Ok(());
            };
            if !feed.feed_one(mixer, job).await? {
                return Ok(());
            }
            self.pump_audio().await?;
        }
    }

    /// Every output frame composed and encoded (the clips' audio mixed on the way unless the
    /// audio-first pass made it), progress `from..1`; returns the number of frames.
    async fn video_frames(&mut self, job: &JobSignal, from: f64) -> Result<u32, ApiError> {
        let total = render::frame_count(self.plan);
        let frame_us = 1e6 / self.plan.fps;
        // Each HLS/DASH segment must start on a key frame: the writer cuts by the same clock.
        let clock = self
            .encoding
            .segment
            .as_ref()
            .map(|s| SegmentClock::new(s.duration_s));
        let mut previous = None;
        for i in 0..total {
            job.check()?;
            let ops = render::frame_ops(self.plan, i)?;
            let active = clips_on_screen(&ops);
            self.retire_before(
                active.first().copied().unwrap_or(self.plan.clips.len()),
                &active,
            )
            .await?;
            for &clip in &active {
                self.ensure_cursor(clip).await?;
            }
            let timestamp = (i as f64 * frame_us).round();
            let frame = match self.passthrough_frame(&ops, timestamp, frame_us).await? {
                Some(f) => f,
                None => self.composed_frame(&ops, timestamp, frame_us).await?,
            };
            let segment_start = clock.is_some_and(|c| c.starts_segment(previous, timestamp as i64));
            previous = Some(timestamp as i64);
            let key =
                segment_start || self.encoding.gop > 0 && i % u64::from(self.encoding.gop) == 0;
            let video = self
                .video
                .as_ref()
                .ok_or_else(|| ApiError::internal("composing frames without a video encoder"))?;
            let encoded = video.encode(frame.raw(), key, ENCODE_QUEUE_FRAMES).await;
            drop(frame);
            encoded?;
            self.pump_audio().await?;
            self.collect(false)?;
            if i % 15 == 0 {
                job.progress(from + (1.0 - from) * i as f64 / total.max(1) as f64);
            }
        }
        self.retire_before(self.plan.clips.len(), &[]).await?;
        Ok(total as u32)
    }

    /// Clips before `earliest` that are not on screen are over: their audio is finished and their
    /// decoders freed. A clip shorter than one output frame never shows; its audio is still mixed.
    async fn retire_before(&mut self, earliest: usize, active: &[usize]) -> Result<(), ApiError> {
        for clip in 0..earliest.min(self.plan.clips.len()) {
            if self.cursors[clip].is_some() && !active.contains(&clip) {
                self.finish_clip(clip).await?;
            }
        }
        for clip in 0..earliest.min(self.plan.clips.len()) {
            if !self.finished[clip] && self.cursors[clip].is_none() {
                self.ensure_cursor(clip).await?;
                self.finish_clip(clip).await?;
            }
        }
        Ok(())
    }

    async fn ensure_cursor(&mut self, clip: usize) -> Result<(), ApiError> {
        if self.cursors[clip].is_some() || self.finished[clip] {
            return Ok(());
        }
        let c = &self.plan.clips[clip];
        if self.plan.bookend(c.source).is_some_and(|b| b.still) {
            // A still has no decoder (its picture is the job's) and no sound.
            self.finished[clip] = true;
            return Ok(());
        }
        let reader = self.sources.open(self.plan, c.source).await?;
        let cuts = ClipCuts {
            in_cut: c.in_cut,
            out_cut: c.out_cut,
        };
        let cursor =
            ClipCursor::open(reader, clip, (c.in_s, c.out_s), cuts, self.mixer.is_some()).await?;
        self.cursors[clip] = Some(cursor);
        Ok(())
    }

    async fn finish_clip(&mut self, clip: usize) -> Result<(), ApiError> {
        let Some(mut cursor) = self.cursors[clip].take() else {
            return Ok(());
        };
        self.finished[clip] = true;
        if let Some(mixer) = self.mixer.as_mut() {
            let source_has_audio = self
                .sources
                .has_audio(self.plan, self.plan.clips[clip].source);
            if cursor.has_audio() {
                cursor.finish_audio(mixer).await?;
            } else if source_has_audio {
                // An audio track this browser cannot decode plays as silence (noted by the caller).
                mixer.mark_silent(clip)?;
            }
        }
        Ok(())
    }

    /// The decoded frame itself, retimed, when the output frame is exactly that frame.
    async fn passthrough_frame(
        &mut self,
        ops: &render::FrameOps,
        timestamp: f64,
        frame_us: f64,
    ) -> Result<Option<Frame>, ApiError> {
        let Some((clip, t)) = passthrough_source(ops, self.plan) else {
            return Ok(None);
        };
        let (w, h) = (self.plan.width, self.plan.height);
        let Some(cursor) = self.cursors[clip].as_mut() else {
            return Ok(None);
        };
        let Some(f) = cursor.frame_at(t, self.mixer.as_mut()).await? else {
            return Ok(None);
        };
        let raw = f.raw();
        if raw.display_width() != w || raw.display_height() != h || raw.coded_width() < w {
            return Ok(None);
        }
        let init = VideoFrameInit::new();
        init.set_timestamp_f64(timestamp);
        init.set_duration_f64(frame_us.round());
        let frame =
            VideoFrame::new_with_video_frame_and_video_frame_init(raw, &init).map_err(|e| {
                ApiError::internal(format!(
                    "retiming a decoded frame failed: {}",
                    js_message(&e)
                ))
            })?;
        self.store.clear();
        Ok(Some(Frame::new(frame)))
    }

    /// Composes the output frame from the decoded frames its layers show.
    async fn composed_frame(
        &mut self,
        ops: &render::FrameOps,
        timestamp: f64,
        frame_us: f64,
    ) -> Result<Frame, ApiError> {
        for layer in &ops.layers {
            let Some(clip) = layer.clip else { continue };
            let source = self.plan.clips[clip].source;
            if let Some((_, image)) = self.stills.iter().find(|(s, _)| *s == source) {
                // One frame at time 0 stands for every source time of the still.
                if !self.store.contains(clip, 0) {
                    let (w, h) = (image.width() as u32, image.height() as u32);
                    stage_rgba(&mut self.store, image.data(), (w, h), clip, 0, 0)?;
                }
                for op in &layer.draws {
                    self.store.show(clip, op.source_time_s, 0);
                }
                continue;
            }
            for op in &layer.draws {
                let Some(cursor) = self.cursors[clip].as_mut() else {
                    continue;
                };
                let Some(f) = cursor
                    .frame_at(op.source_time_s, self.mixer.as_mut())
                    .await?
                else {
                    continue;
                };
                let ts = f.timestamp_us() as i64;
                if !self.store.contains(clip, ts) {
                    self.readbacks += stage(&mut self.store, f, clip, ts, op.rotation).await?;
                }
                self.store.show(clip, op.source_time_s, ts);
            }
        }
        let store = &self.store;
        let lookup = |clip: usize, op: &render::DrawOp| store.lookup(clip, op);
        self.compositor.compose(ops, &self.plan.sources, &lookup);
        for on in &ops.overlays {
            let placed = self.overlays.get(on.layer).ok_or_else(|| {
                ApiError::internal(format!("no overlay layer {} placed", on.layer))
            })?;
            self.compositor.draw_over(placed, on.opacity);
        }
        let frame = i420_frame(self.compositor.picture(), timestamp, frame_us.round())?;
        self.store.next_frame();
        Ok(frame)
    }

    /// Encodes every mixed audio block that is complete.
    async fn pump_audio(&mut self) -> Result<(), ApiError> {
        let (Some(mixer), Some(encoder), Some(config)) =
            (self.mixer.as_mut(), &self.audio, &self.encoding.audio)
        else {
            return Ok(());
        };
        let channels = config.number_of_channels as usize;
        while let Some(block) = mixer.pull(AUDIO_BLOCK) {
            if block.is_empty() {
                break;
            }
            let frames = block.len() / channels.max(1);
            let timestamp =
                (self.audio_frames as f64 * 1e6 / f64::from(config.sample_rate)).round();
            let init = AudioDataInit::new(
                &wasm_f32_view(&block),
                AudioSampleFormat::F32,
                config.number_of_channels,
                frames as u32,
                config.sample_rate as f32,
                0,
            );
            init.set_timestamp_f64(timestamp);
            let data = AudioData::new(&init).map_err(|e| {
                ApiError::internal(format!("making an audio block failed: {}", js_message(&e)))
            })?;
            let data = AudioBlock::new(data);
            self.audio_frames += frames as u64;
            encoder.encode(data.raw(), ENCODE_QUEUE_FRAMES).await?;
        }
        Ok(())
    }

    /// Moves encoded chunks into the container; `done` once both encoders are flushed.
    fn collect(&mut self, done: bool) -> Result<(), ApiError> {
        if let Some(v) = &self.video {
            let video: Vec<_> = std::iter::from_fn(|| v.chunks().pop()).collect();
            self.mux.push(0, video.into_iter(), v.description())?;
        }
        if let Some(a) = &self.audio {
            let audio: Vec<_> = std::iter::from_fn(|| a.chunks().pop()).collect();
            self.mux.push(1, audio.into_iter(), a.description())?;
        }
        self.mux.write_ready(done)
    }
}

/// Copies decoded frame `f` into the store (returns 1 when it had to be read back through a canvas).
async fn stage(
    store: &mut FrameStore,
    f: &Frame,
    clip: usize,
    ts: i64,
    rotation: u32,
) -> Result<u32, ApiError> {
    let (width, height) = f.visible_size();
    match f.pixel_format() {
        Some(format) => {
            let format = format?;
            let size = f.allocation_size()?;
            let planes = f.copy_to(store.staging(size)).await?;
            let offsets: Vec<u32> = planes.iter().map(|p| p.offset as u32).collect();
            let strides: Vec<u32> = planes.iter().map(|p| p.stride as u32).collect();
            let layout = FrameLayout {
                format,
                width,
                height,
                full_range: f.full_range(),
                bt601: f.is_bt601(),
                offsets: &offsets,
                strides: &strides,
            };
            store.insert_staged(clip, ts, &layout, rotation)?;
            Ok(0)
        }
        None => {
            let rgba = f.read_back_rgba(width, height)?;
            stage_rgba(store, &rgba, (width, height), clip, ts, rotation)?;
            Ok(1)
        }
    }
}

/// Copies an RGBA picture (a read-back frame, a still image; alpha ignored) into the store.
fn stage_rgba(
    store: &mut FrameStore,
    rgba: &[u8],
    (width, height): (u32, u32),
    clip: usize,
    ts: i64,
    rotation: u32,
) -> Result<(), ApiError> {
    store.staging(rgba.len()).copy_from_slice(rgba);
    let layout = FrameLayout {
        format: crate::analysis::PixelFormat::RGBA,
        width,
        height,
        full_range: true,
        bt601: false,
        offsets: &[0],
        strides: &[width * 4],
    };
    store.insert_staged(clip, ts, &layout, rotation)
}

/// A `VideoFrame` holding a copy of the composed picture (BT.709, limited range).
fn i420_frame(picture: &Picture, timestamp: f64, duration: f64) -> Result<Frame, ApiError> {
    let data = picture.data();
    let init = VideoFrameBufferInit::new_with_f64(
        picture.height() as u32,
        picture.width() as u32,
        VideoPixelFormat::I420,
        timestamp,
    );
    init.set_duration_f64(duration);
    let colour = VideoColorSpaceInit::new();
    colour.set_primaries(Some(VideoColorPrimaries::Bt709));
    colour.set_transfer(Some(VideoTransferCharacteristics::Bt709));
    colour.set_matrix(Some(VideoMatrixCoefficients::Bt709));
    colour.set_full_range(Some(false));
    init.set_color_space(&colour);
    // The constructor copies the bytes out of wasm memory before returning.
    let view = wasm_view(data.as_ptr() as u32, data.len() as u32);
    VideoFrame::new_with_u8_array_and_video_frame_buffer_init(&view, &init)
        .map(Frame::new)
        .map_err(|e| {
            ApiError::internal(format!("making an output frame failed: {}", js_message(&e)))
        })
}

/// The clips a frame's layers show, ascending and once each (two or three at most: a transition,
/// an overlay of a clip). Kept sorted by insertion, which links no sort for so few.
fn clips_on_screen(ops: &render::FrameOps) -> Vec<usize> {
    let mut clips: Vec<usize> = Vec::with_capacity(ops.layers.len());
    for clip in ops.layers.iter().filter_map(|l| l.clip) {
        if let Err(at) = clips.binary_search(&clip) {
            clips.insert(at, clip);
        }
    }
    clips
}
