//! The whole-reel stage of the audio mix: what needs all of the reel before any of it can be
//! delivered. Background music is ducked by the speech of the whole dialogue mix (with look-ahead)
//! and loudness is normalised on the integrated loudness of the finished output. With either, the
//! [`super::AudioMixer`] keeps its mixed blocks here and delivers them once everything is in.
//!
//! Cost: the reel's audio in memory (48 kHz stereo: 23 MB a minute, plus the decoded music up to
//! the reel's length), and the audio blocks reach the encoder only once it is all mixed. The
//! browser renders such outputs' sound first (the audio-first pass, see
//! [`super::RenderPlan::audio_first`]), so this is held before any frame is decoded and freed
//! once encoded.

use super::loudness::{normalise, LoudnessReport, LoudnessTarget};
use super::music::add_music;
use super::resample::StereoResampler;
use crate::ApiError;

/// The decoded music track, resampled to the output rate as it arrives.
#[derive(Debug)]
pub struct MusicInput {
    /// `Volume` 0..10.
    pub volume: f32,
    resampler: Option<StereoResampler>,
    pcm: Vec<[f32; 2]>,
    /// The reel's length: more music than this is never heard.
    needed: usize,
    finished: bool,
}

impl MusicInput {
    pub fn new(volume: f32, needed: usize) -> Self {
        Self {
            volume,
            resampler: None,
            pcm: Vec::new(),
            needed,
            finished: false,
        }
    }

    /// Decoded music, stereo frames at `rate`, in order from the track's start.
    pub fn push(&mut self, rate: u32, frames: &[[f32; 2]], out_rate: u32) {
        if self.finished || self.pcm.len() >= self.needed {
            return;
        }
        let rs = self
            .resampler
            .get_or_insert_with(|| StereoResampler::new(rate, out_rate, 0.0));
        rs.push(frames);
        self.produce(out_rate, false);
    }

    /// The track has ended.
    pub fn finish(&mut self, out_rate: u32) {
        self.produce(out_rate, true);
        self.finished = true;
        self.resampler = None;
    }

    fn produce(&mut self, out_rate: u32, finished: bool) {
        let Some(rs) = self.resampler.as_mut() else {
            return;
        };
        while self.pcm.len() < self.needed {
            let ts = self.pcm.len() as f64 / out_rate as f64;
            if finished && rs.past_end(ts) {
                break;
            }
            match rs.value_at(ts, finished) {
                Some(v) => self.pcm.push(v),
                None => break,
            }
        }
        rs.discard_before(self.pcm.len() as f64 / out_rate as f64);
    }

    pub fn is_complete(&self) -> bool {
        self.finished || self.pcm.len() >= self.needed
    }
}

/// The held reel: stereo while mixing, then the finished interleaved output.
#[derive(Debug, Default)]
pub struct HeldMix {
    pub music: Option<MusicInput>,
    pub loudness: Option<LoudnessTarget>,
    stereo: Vec<[f32; 2]>,
    out: Vec<f32>,
    finished: bool,
    report: Option<Result<LoudnessReport, ApiError>>,
}

impl HeldMix {
    /// Whether the mixer must hold the reel at all (still true once finished: the held output is
    /// what is delivered).
    pub fn holds(&self) -> bool {
        self.finished || self.music.is_some() || self.loudness.is_some()
    }

    /// Room for `frames` stereo frames of the mix, allocated once.
    pub fn reserve(&mut self, frames: usize) {
        self.stereo
            .reserve_exact(frames.saturating_sub(self.stereo.len()));
    }

    pub fn keep(&mut self, block: &[[f32; 2]]) {
        self.stereo.extend_from_slice(block);
    }

    /// Music still missing?
    pub fn waiting_for_music(&self) -> bool {
        self.music.as_ref().is_some_and(|m| !m.is_complete())
    }

    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// Everything is mixed: adds the music, maps to `channels` with `to_channels`, normalises.
    pub fn finish(
        &mut self,
        rate: u32,
        channels: u32,
        to_channels: impl Fn(&[[f32; 2]]) -> Vec<f32>,
    ) {
        let mut stereo = std::mem::take(&mut self.stereo);
        if let Some(m) = self.music.take() {
            add_music(&mut stereo, &m.pcm, m.volume, rate);
        }
        self.out = to_channels(&stereo);
        drop(stereo);
        if let Some(target) = self.loudness {
            self.report = Some(normalise(&mut self.out, channels, rate, target));
        }
        self.finished = true;
    }

    /// Frames `[from, from + n)` of the finished output, `channels` per frame.
    pub fn block(&self, from: usize, n: usize, channels: usize) -> Option<Vec<f32>> {
        self.out
            .get(from * channels..(from + n) * channels)
            .map(<[f32]>::to_vec)
    }

    /// Frees the output once delivered.
    pub fn release(&mut self) {
        self.out = Vec::new();
    }

    /// See [`super::AudioMixer::loudness_report`].
    pub fn report(&self) -> Result<Option<LoudnessReport>, ApiError> {
        self.report.clone().transpose()
    }
}
