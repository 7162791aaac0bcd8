//! The passes a reel's sound is made in when some of it depends on all of the reel: background
//! music is ducked by the speech of the whole dialogue mix (with look-ahead) and loudness is
//! normalised on the integrated loudness of the finished output. Instead of holding the reel's
//! audio, the [`super::AudioMixer`] mixes it again in each pass (the glue decodes the clips' audio,
//! and the music, again each time: cheap next to video), and this module says which passes an
//! output needs and what each keeps:
//!
//! 1. **speech** (only with music): the dialogue mix into the speech detection
//!    ([`SpeechDetector`]); kept: the analysis' features, then the speech spans.
//! 2. **measure** (only with loudness normalisation): dialogue plus ducked music through the
//!    normalisation's stages so far into a loudness meter; kept: the measurement. The
//!    normalisation ([`super::loudness::plan`]) needs one such pass, one more per limiting.
//! 3. **deliver**: the same mix through all of the stages (gain, limiter with its 2 ms
//!    look-ahead), its blocks handed out ([`super::AudioMixer::pull`]) as they are made.
//!
//! What is held, whatever the output length: a mixing block, the limiters' look-ahead, the music
//! stream's window ([`super::music_stream`], about five seconds) and the delivered blocks the
//! glue has not taken yet; plus, in the speech pass, the detection's per-hop features
//! ([`SPEECH_BYTES_PER_S`]: about 0.6 MB a minute, against 23 MB a minute of the mix itself).
//! [`held_bytes`] is what the job's memory budget counts.

use std::collections::VecDeque;

use super::loudness::{plan, Chain, LoudnessReport, LoudnessTarget, Measurement, Meter, Plan};
use super::music::{edge_gain, Ducker, SpeechDetector};
use super::music_stream::MusicStream;
use super::RenderPlan;
use crate::ApiError;

/// Frames mixed at a time in the passes.
pub const MIX_BLOCK: usize = 4096;
/// The speech detection's features per second of the reel (100 hops of 10 ms, each about a dozen
/// `f32` features plus the whole-stream derivations' per-hop arrays).
pub const SPEECH_BYTES_PER_S: u64 = 100 * 96;
/// Seconds of music the stream holds at most (its look-ahead while the first decode runs, and
/// the seam's head).
const MUSIC_HELD_S: u64 = 6;

/// What a pass does with the mix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PassKind {
    Speech,
    Measure,
    Deliver,
}

/// The pass the mixer is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SoundPass {
    pub kind: PassKind,
    /// Whether the music is laid in this pass (the glue then decodes it).
    pub music: bool,
    /// Passes before this one.
    pub index: usize,
}

/// The volume music plays at (0..10; NaN is silence).
pub fn music_volume(volume: f32) -> f32 {
    if volume.is_nan() {
        0.0
    } else {
        volume.clamp(0.0, 10.0)
    }
}

/// Whether `plan`'s sound is made in passes (otherwise every block streams as soon as mixed).
pub fn needs_passes(plan: &RenderPlan) -> bool {
    plan.loudness.is_some()
        || plan
            .music
            .as_ref()
            .is_some_and(|m| music_volume(m.volume) > 0.0)
}

/// Passes expected for `plan`: how often the clips' audio is decoded, and the music (with one
/// measuring pass; an output the limiter must tame takes one or two more).
pub fn expected_passes(plan: &RenderPlan) -> (usize, usize) {
    if !needs_passes(plan) {
        return (1, 0); // music at volume 0 is not even decoded
    }
    let music = plan
        .music
        .as_ref()
        .is_some_and(|m| music_volume(m.volume) > 0.0);
    let measure = usize::from(plan.loudness.is_some());
    (
        1 + measure + usize::from(music),
        if music { 1 + measure } else { 0 },
    )
}

/// Bytes the passes hold for `plan` at `rate` Hz, `channels` out (see the module docs).
pub fn held_bytes(plan: &RenderPlan, rate: u32, channels: u32) -> u64 {
    if !needs_passes(plan) {
        return 0;
    }
    let per_frame = 8 + 4 * u64::from(channels);
    // The block as mixed, mapped to the channels, and through the stages; the blocks not yet taken.
    let blocks = 4 * MIX_BLOCK as u64 * per_frame;
    let (music, speech) = match &plan.music {
        Some(m) if music_volume(m.volume) > 0.0 => (
            MUSIC_HELD_S * u64::from(rate) * 8,
            (plan.duration_s.max(0.0) * SPEECH_BYTES_PER_S as f64).ceil() as u64,
        ),
        _ => (0, 0),
    };
    blocks + music + speech
}

/// The passes of one output and the state of the current one.
#[derive(Debug)]
pub struct SoundPasses {
    rate: u32,
    channels: u32,
    total: usize,
    /// Music volume (> 0), when music is laid.
    music: Option<f32>,
    loudness: Option<LoudnessTarget>,
    /// Speech of the dialogue, once the speech pass has run.
    spans: Option<Vec<(f64, f64)>>,
    measured: Vec<Measurement>,
    report: Option<LoudnessReport>,
    pass: SoundPass,
    run: Run,
}

/// One pass's working state.
#[derive(Default)]
struct Run {
    /// Frames taken so far.
    n: usize,
    complete: bool,
    speech: Option<SpeechDetector>,
    /// A measuring pass (its meter is made with the first block).
    measuring: bool,
    music: Option<MusicStream>,
    ducker: Option<Ducker>,
    chain: Option<Chain>,
    meter: Option<Meter>,
    out: VecDeque<f32>,
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Run")
            .field("n", &self.n)
            .field("complete", &self.complete)
            .field("out", &self.out.len())
            .finish()
    }
}

impl SoundPasses {
    /// The passes of an output of `total` frames at `rate`, `channels` out, with music at
    /// `music` volume and normalised to `loudness`; `None` when it needs none (the mix streams).
    pub fn new(
        rate: u32,
        channels: u32,
        total: usize,
        music: Option<f32>,
        loudness: Option<LoudnessTarget>,
    ) -> Option<Self> {
        let music = music.map(music_volume).filter(|&v| v > 0.0);
        if music.is_none() && loudness.is_none() {
            return None;
        }
        let mut this = Self {
            rate,
            channels,
            total,
            music,
            loudness,
            spans: None,
            measured: Vec::new(),
            report: None,
            pass: SoundPass {
                kind: PassKind::Deliver,
                music: false,
                index: 0,
            },
            run: Run::default(),
        };
        this.start(0);
        Some(this)
    }

    /// The current pass (the delivery pass is the last).
    pub fn pass(&self) -> SoundPass {
        self.pass
    }

    fn start(&mut self, index: usize) {
        let (rate, ch) = (self.rate, self.channels);
        let mut run = Run::default();
        let kind = if self.music.is_some() && self.spans.is_none() {
            run.speech = Some(SpeechDetector::new(rate));
            PassKind::Speech
        } else {
            let stages = match self.loudness {
                None => Vec::new(),
                Some(target) => match plan(target, &self.measured) {
                    Plan::Measure(stages) => {
                        run.measuring = true;
                        stages
                    }
                    Plan::Done(stages, report) => {
                        self.report = Some(report);
                        stages
                    }
                },
            };
            run.chain = Some(Chain::new(&stages, ch as usize, rate));
            if let Some(spans) = &self.spans {
                run.music = Some(MusicStream::new(rate));
                run.ducker = Some(Ducker::new(spans, self.total, rate));
            }
            if run.measuring {
                PassKind::Measure
            } else {
                PassKind::Deliver
            }
        };
        self.pass = SoundPass {
            kind,
            music: run.music.is_some(),
            index,
        };
        self.run = run;
    }

    /// Whether the current pass has taken the whole reel.
    pub fn is_complete(&self) -> bool {
        self.run.complete
    }

    /// Moves on to the next pass once this one has taken the whole reel; `false` after the
    /// delivery pass (there is none).
    pub fn next_pass(&mut self) -> Result<bool, ApiError> {
        let pass = self.pass;
        if pass.kind == PassKind::Deliver {
            return Ok(false);
        }
        if !self.run.complete {
            return Err(ApiError::internal(format!(
                "sound pass {} ended after {} of {} frames",
                pass.index, self.run.n, self.total
            )));
        }
        self.start(pass.index + 1);
        Ok(true)
    }

    /// The music stream of this pass, when it lays music.
    pub fn music_mut(&mut self) -> Option<&mut MusicStream> {
        self.run.music.as_mut()
    }

    /// Whether the music is ready for the mix up to frame `end` (or not laid in this pass).
    pub fn music_ready(&self, end: usize) -> bool {
        self.run.music.as_ref().is_none_or(|m| m.ready(end))
    }

    /// The next block of the dialogue mix (stereo, in order).
    pub fn take(&mut self, mut block: Vec<[f32; 2]>) -> Result<(), ApiError> {
        let (rate, total, n0) = (self.rate, self.total, self.run.n);
        let run = &mut self.run;
        run.n += block.len();
        let last = run.n >= total;
        if let Some(s) = run.speech.as_mut() {
            s.push(&block);
            if last {
                let speech = run.speech.take().map(SpeechDetector::finish);
                self.spans = speech.map(|s| s.spans());
            }
        } else if let Some(chain) = run.chain.as_mut() {
            if let (Some(volume), Some(music), Some(ducker)) =
                (self.music, run.music.as_mut(), run.ducker.as_mut())
            {
                let bed = music.take(block.len());
                for (i, (o, m)) in block.iter_mut().zip(bed).enumerate() {
                    let g = volume * ducker.next_gain() * edge_gain(n0 + i, total, rate);
                    o[0] += m[0] * g;
                    o[1] += m[1] * g;
                }
            }
            let mut out = chain.push(super::mix::to_channels(&block, self.channels));
            if last {
                out.extend(chain.finish());
            }
            if run.measuring {
                let meter = match run.meter.as_mut() {
                    Some(m) => m,
                    None => run.meter.insert(Meter::new(self.channels, rate)?),
                };
                meter.add(&out);
                if last {
                    self.measured.push(meter.result());
                }
            } else {
                run.out.extend(out);
            }
        }
        run.complete = last;
        Ok(())
    }

    /// Up to `frames` delivered frames (`channels` each), once that many are ready or the pass
    /// has ended.
    pub fn pull(&mut self, frames: usize) -> Option<Vec<f32>> {
        let want = frames * self.channels as usize;
        let out = &mut self.run.out;
        if out.is_empty() || out.len() < want && !self.run.complete {
            return None;
        }
        let n = want.min(out.len());
        Some(out.drain(..n).collect())
    }

    /// See [`super::AudioMixer::loudness_report`].
    pub fn report(&self) -> Option<LoudnessReport> {
        self.report
    }

    /// Frames of PCM held now (the delivered blocks not taken, the music stream).
    pub fn held_frames(&self) -> usize {
        self.run.out.len() / self.channels.max(1) as usize
            + self.run.music.as_ref().map_or(0, MusicStream::held_frames)
    }
}
