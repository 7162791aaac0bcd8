//! A decoding cursor over one clip of a source: seeks to the clip's in point, decodes forward on
//! demand, and answers "which frame is on screen at source time t" while holding only a few
//! frames. The clip's audio (when the render mixes it along) is decoded on the way and handed to
//! the mixer ([`ClipAudio`]).

use wasm_bindgen::JsValue;

use super::clip_audio::ClipAudio;
use super::codec::{video_decoder_config, Frame, VideoDecoderBox};
use super::source::JsByteSource;
use crate::analysis::cuts::{exact_cut, CutWindow};
use crate::analysis::{FrameView, Thumbnail};
use crate::media::{self, Demuxer};
use crate::render::job_budget::{DECODE_QUEUE_FRAMES as MAX_DECODE_QUEUE, LOOKAHEAD_FRAMES};
use crate::render::AudioMixer;
use crate::ApiError;

/// Video is read this far past the out point: B-frame reordering never reaches further.
const VIDEO_TAIL_S: f64 = 1.0;
/// Half a millisecond of slack for rounded timestamps.
const SLACK_US: f64 = 500.0;
/// How far around an analysed cut window frames are compared to find the exact cut.
const FRAME_MARGIN_S: f64 = 0.05;

/// A decoded frame reduced to a thumbnail for cut finding; `None` without a CPU layout.
async fn thumbnail(f: &Frame, pixels: &mut Vec<u8>) -> Result<Option<Thumbnail>, ApiError> {
    let Some(format) = f.pixel_format() else {
        return Ok(None);
    };
    let format = format?;
    let planes = f.copy_into(pixels).await?;
    let (width, height) = f.visible_size();
    let view = FrameView {
        format,
        width,
        height,
        data: pixels,
        planes,
        full_range: f.full_range(),
    };
    Ok(Some(Thumbnail::from_frame(&view)?))
}

pub struct ClipCursor {
    clip: usize,
    out_s: f64,
    demuxer: Box<dyn Demuxer>,
    video: VideoDecoderBox,
    video_track: u32,
    audio: Option<ClipAudio>,
    /// The frame on screen (the last one at or before the time asked for).
    current: Option<Frame>,
    demux_ended: bool,
    video_done: bool,
    saw_key: bool,
    /// The cut the clip starts on, until its exact frame is found.
    in_cut: Option<CutWindow>,
    /// The cut the clip ends on, until its exact frame is found.
    out_cut: Option<CutWindow>,
    /// First frame of the shot after the clip's end (microseconds): it and later frames never show.
    end_us: Option<f64>,
    pixels: Vec<u8>,
}

/// Where the clip's edges lie on hard cuts (see [`crate::render::RenderClip::in_cut`]).
#[derive(Clone, Copy, Default)]
pub struct ClipCuts {
    pub in_cut: Option<CutWindow>,
    pub out_cut: Option<CutWindow>,
}

impl ClipCursor {
    /// Opens `reader` for clip `clip` showing `[in_s, out_s)`, trimmed to the exact frames of the
    /// cuts in `cuts`; with `mix_audio`, the source's audio (when this browser decodes it) goes
    /// into the mixer, else the clip is silent.
    pub async fn open(
        reader: JsValue,
        clip: usize,
        (in_s, out_s): (f64, f64),
        cuts: ClipCuts,
        mix_audio: bool,
    ) -> Result<Self, ApiError> {
        let mut demuxer = media::open(Box::new(JsByteSource::new(reader)?))?;
        let info = demuxer.info().clone();
        let vt = info
            .video_track()
            .ok_or_else(|| ApiError::unsupported("the input has no video track"))?;
        let video =
            VideoDecoderBox::open(&video_decoder_config(vt).await?, &vt.codec_name, |_| true)?;
        let audio = if mix_audio {
            ClipAudio::open(&info, clip, (in_s, out_s)).await?
        } else {
            None
        };
        if in_s > 0.0 {
            demuxer.seek(in_s)?;
        }
        Ok(Self {
            clip,
            out_s,
            demuxer,
            video,
            video_track: vt.id,
            audio,
            current: None,
            demux_ended: false,
            video_done: false,
            saw_key: false,
            in_cut: cuts.in_cut,
            out_cut: cuts.out_cut,
            end_us: None,
            pixels: Vec::new(),
        })
    }

    /// Whether this cursor feeds the clip's audio to the mixer.
    pub fn has_audio(&self) -> bool {
        self.audio.is_some()
    }

    /// No more audio is needed: none is mixed here, or the clip's range has been read past.
    fn audio_done(&self) -> bool {
        self.audio.as_ref().is_none_or(ClipAudio::is_done)
    }

    /// The frame on screen at source time `t` (the last one with timestamp <= t), or the first
    /// frame when `t` precedes it; older frames are closed.
    pub async fn frame_at(
        &mut self,
        t: f64,
        mixer: Option<&mut AudioMixer>,
    ) -> Result<Option<&Frame>, ApiError> {
        let t_us = t * 1e6 + SLACK_US;
        let mut mixer = mixer;
        if let Some(window) = self.in_cut.take() {
            // Start on the new shot's first frame: drop what precedes it.
            if let Some(cut) = self.find_cut(window, mixer.as_deref_mut()).await? {
                let frames = self.video.queue().take_all();
                let (before, after): (Vec<Frame>, Vec<Frame>) =
                    frames.into_iter().partition(|f| f.timestamp_us() < cut);
                if after.is_empty() {
                    self.video.queue().restore(before);
                } else {
                    self.video.queue().restore(after);
                }
            }
        }
        loop {
            self.video.queue().check()?;
            // The clip ends on a cut: find its exact frame before showing anything near it.
            if let Some(window) = self.out_cut {
                let near = self
                    .video
                    .queue()
                    .front_map(|f| f.timestamp_us() >= (window.start - FRAME_MARGIN_S) * 1e6);
                if near == Some(true) {
                    self.out_cut = None;
                    self.end_us = self.find_cut(window, mixer.as_deref_mut()).await?;
                }
            }
            // Take every decoded frame that is due; the newest due one is on screen.
            while let Some(next) = self.video.queue().pop() {
                let ts = next.timestamp_us();
                if self.current.is_some() && self.end_us.is_some_and(|end| ts >= end) {
                    // The next shot has begun: hold the old shot's last frame to the clip's end.
                    self.video_done = true;
                    self.video.queue().clear();
                    return Ok(self.current.as_ref());
                }
                if ts <= t_us || self.current.is_none() {
                    self.current = Some(next);
                } else {
                    self.video.queue().push_front(next);
                    break;
                }
            }
            let ahead = self.video.queue().len() > 0;
            let drained = self.video_done && self.video.pending() == 0;
            if ahead || drained {
                return Ok(self.current.as_ref());
            }
            if !self.demux_ended {
                self.feed(mixer.as_deref_mut()).await?;
            }
            if self.video.pending() > 0 || !self.video_done {
                self.video.wait().await;
            }
        }
    }

    /// The exact time (microseconds) of the first frame after the cut in `window`, from the
    /// frames decoded around it (decoding ahead to the window's end when needed); `None` when
    /// too few frames are there or they have no CPU layout. Queued frames stay queued.
    async fn find_cut(
        &mut self,
        window: CutWindow,
        mut mixer: Option<&mut AudioMixer>,
    ) -> Result<Option<f64>, ApiError> {
        let until_us = (window.end + FRAME_MARGIN_S) * 1e6;
        while self
            .video
            .queue()
            .back_map(|f| f.timestamp_us())
            .is_none_or(|t| t < until_us)
            && !(self.video_done && self.video.pending() == 0)
        {
            self.video.queue().check()?;
            if !self.demux_ended {
                self.feed(mixer.as_deref_mut()).await?;
            }
            if self.video.pending() > 0 || !self.video_done {
                self.video.wait().await;
            }
        }
        let frames = self.video.queue().take_all();
        let from_us = (window.start - FRAME_MARGIN_S) * 1e6;
        let mut probes = Vec::new();
        let mut result = Ok(());
        for f in self.current.iter().chain(&frames) {
            let ts = f.timestamp_us();
            if ts < from_us || ts > until_us {
                continue;
            }
            match thumbnail(f, &mut self.pixels).await {
                Ok(Some(th)) => probes.push((ts, th)),
                Ok(None) => {}
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
        }
        self.video.queue().restore(frames);
        result?;
        Ok(exact_cut(&probes))
    }
    /// Feeds packets until the decoder has enough queued or the needed data is read.
    async fn feed(&mut self, mut mixer: Option<&mut AudioMixer>) -> Result<(), ApiError> {
        while !self.demux_ended && (self.video.pending() < MAX_DECODE_QUEUE || self.video_done) {
            let Some(packet) = self.demuxer.next_packet()? else {
                self.demux_ended = true;
                break;
            };
            if packet.track_id == self.video_track && !self.video_done {
                if packet.pts_us as f64 / 1e6 > self.out_s + VIDEO_TAIL_S {
                    self.video_done = true;
                    self.video.flush().await?;
                } else if self.saw_key || packet.is_key {
                    self.saw_key = true;
                    self.video.decode(&packet)?;
                }
            } else if let Some(audio) = self.audio.as_mut().filter(|a| a.takes(&packet)) {
                audio.decode(&packet, mixer.as_deref_mut()).await?;
            }
            if self.video_done && self.audio_done() {
                self.demux_ended = true;
            }
            // Once video has enough lookahead, stop reading unless audio still lags behind it.
            if self.video.queue().len() > LOOKAHEAD_FRAMES && (self.audio_done() || self.video_done)
            {
                break;
            }
        }
        if self.demux_ended && !self.video_done {
            self.video_done = true;
            self.video.flush().await?;
        }
        match self.audio.as_mut() {
            Some(audio) => audio.drain(mixer),
            None => Ok(()),
        }
    }

    /// Reads the rest of the clip's audio into the mixer and tells it the clip is complete.
    pub async fn finish_audio(&mut self, mixer: &mut AudioMixer) -> Result<(), ApiError> {
        match self.audio.as_mut() {
            Some(audio) => {
                audio
                    .finish(self.demuxer.as_mut(), self.demux_ended, mixer, &mut |_| {
                        Ok(())
                    })
                    .await
            }
            None => mixer.finish_clip(self.clip),
        }
    }
}
