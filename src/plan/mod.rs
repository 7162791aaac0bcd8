//! The reel planner: from ranked highlight candidates to `count` different highlight reels.
//!
//! This is the "Plan" stage of the flow in DESIGN.md. It is pure Rust (no browser types): the glue
//! maps the analysis output (highlight candidates, shot cuts, speech pauses) onto the small input
//! types below, and the renderer reads the resulting [`Plan`] (plus [`reel_timeline`] to map output
//! time back to clips).
//!
//! What a good reel is (SPEC sections 3, 4 and 7), and so what the planner enforces:
//! - **Different reels.** Reel `k` prefers material not used by reels `< k` (a greedy choice with a
//!   used-time penalty), so reel 1 gets the best material, reel 2 the next best, and so on. Any two
//!   reels share less than half of the shorter reel's source time where the material allows; when
//!   it does not, [`Plan::notes`] says so and material is reused as little as possible.
//! - **Length.** Each reel stays within `max_duration_s` (transition overlaps included) and close to
//!   `target_duration_s` (within about 10 %) or as close as the material allows; without either,
//!   about [`DEFAULT_TARGET_S`] seconds.
//! - **Editing sense.** No clip shorter than `min_clip_s`; clips start and end only on the
//!   candidate's own edges or on cut points (shot cuts, speech pauses), never mid-word: a candidate
//!   that cannot be trimmed at a cut point to fit is dropped. Clips run in source order, inputs as
//!   episodes in order; with `intro_auto` a short hook from the strongest moment opens the reel, and
//!   later material gets a slight bonus so reels tend to build towards a strong ending.
//! - **Transitions** per [`EffectMode`]; a transition longer than either clip it joins minus 1 s
//!   is skipped (hard cut).
//! - **Visual effects** per [`EffectMode`], one per clip ([`add_vfx`]).
//! - **Pacing** (`PlotPacingType`): how long the kept pieces of each moment are ([`pacing`]).

mod intervals;
mod music;
mod pacing;
mod select;
mod timeline;
mod transitions;
mod vfx;

use serde::{Deserialize, Serialize};

use self::intervals::Span;
use crate::num_text::Num;
use crate::ApiError;

pub use crate::job::spec::{EffectMode, TransitionItem, VfxItem};
pub use music::music_for_reel;
pub use pacing::{PlotPacing, FAST_CLIP_S, SLOW_SHORT_S};
pub use timeline::{reel_timeline, TimelineEntry};
pub use transitions::{AUTO_TRANSITION, AUTO_TRANSITION_S, SCENE_GAP_S};
pub use vfx::{add_vfx, AUTO_VFX};

/// Reel length used when neither a target nor a maximum duration is given: long enough for a few
/// highlights, short enough for a social-media reel.
pub const DEFAULT_TARGET_S: f64 = 30.0;

/// What the planner needs to know about one input video.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceMeta {
    /// Length of the input in seconds. Used to clamp ranges; a value that is not finite or not
    /// positive means "unknown" for [`plan_reels`] (no clamping), and is an error for [`plan_concat`].
    pub duration_s: f64,
    /// Whether the input has an audio track (the renderer needs it; the planner only carries it).
    pub has_audio: bool,
}

/// One ranked highlight found by the analysis.
///
/// Candidates are expected to be cut on shot cuts / speech pauses already and not to overlap
/// within a source; the planner copes when they do (it never puts overlapping time in one reel).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Candidate {
    /// Index into the `sources` slice (the input, i.e. the episode).
    pub source: usize,
    /// Start in source seconds.
    pub start: f64,
    /// End in source seconds (exclusive).
    pub end: f64,
    /// Highlight strength, 0..1 (clamped). A NaN score makes the candidate ignored.
    pub score: f64,
    /// The signals behind the score, carried into the result so every clip is explained.
    pub reasons: Vec<String>,
}

impl From<&crate::analysis::score::Highlight> for Candidate {
    fn from(h: &crate::analysis::score::Highlight) -> Self {
        Candidate {
            source: h.source,
            start: h.start,
            end: h.end,
            score: h.score,
            reasons: h.reasons.clone(),
        }
    }
}

/// Legal edit points of one source: every shot cut and speech-pause time, in seconds.
///
/// A clip may only be trimmed at one of these (or at its candidate's own edges), so a trim never
/// lands mid-shot or mid-word. Unsorted or duplicated times are tolerated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CutPoints {
    /// Index into the `sources` slice.
    pub source: usize,
    /// Cut times in source seconds.
    pub times: Vec<f64>,
}

/// Everything that shapes the reels of one job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PlanConfig {
    /// How many different reels to build (`OutputConfig.Count`); 0 is treated as 1.
    pub count: usize,
    /// Hard upper bound on each reel's output duration, transition overlaps included.
    pub max_duration_s: Option<f64>,
    /// Desired reel duration; reels land within about 10 % of it when the material allows.
    pub target_duration_s: Option<f64>,
    /// `IntroConfig.Mode = Auto`: open each reel with a short hook from its strongest moment.
    pub intro_auto: bool,
    /// Shortest clip allowed, in seconds (1.0 by default; not finite or <= 0 means 1.0).
    pub min_clip_s: f64,
    /// How transitions are chosen.
    pub transition_mode: EffectMode,
    /// The transitions to choose from (Sequential, Random; optional for Auto).
    pub transitions: Vec<TransitionItem>,
    /// How visual effects are chosen, one per clip.
    pub vfx_mode: EffectMode,
    /// The visual effects to choose from (Sequential, Random; optional for Auto).
    pub vfx: Vec<VfxItem>,
    /// How long the kept pieces of each moment are ([`pacing`]).
    pub pacing: PlotPacing,
    /// Seed of all randomness, so the same request always gives the same reels.
    pub seed: u64,
}

impl Default for PlanConfig {
    fn default() -> Self {
        Self {
            count: 1,
            max_duration_s: None,
            target_duration_s: None,
            intro_auto: false,
            min_clip_s: 1.0,
            transition_mode: EffectMode::Closed,
            transitions: Vec::new(),
            vfx_mode: EffectMode::Closed,
            vfx: Vec::new(),
            pacing: PlotPacing::Normal,
            seed: 0,
        }
    }
}

/// One clip of a reel: a range of one source, with why it was chosen and how it is entered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlannedClip {
    /// Index into the `sources` slice.
    pub source: usize,
    /// In point in source seconds (a candidate edge or a cut point).
    pub in_s: f64,
    /// Out point in source seconds (a candidate edge or a cut point).
    pub out_s: f64,
    /// Score of the candidate the clip was taken from.
    pub score: f64,
    /// Signals behind the score (from the candidate).
    pub reasons: Vec<String>,
    /// Transition from the previous clip into this one; `None` = hard cut (always for clip 0).
    pub transition_in: Option<TransitionItem>,
    /// This clip is the opening hook (`intro_auto`): taken from the strongest moment and placed
    /// first, out of source order. Its time never appears again in the same reel.
    pub hook: bool,
    /// The visual effect on the whole clip (catalogue name), chosen by [`add_vfx`].
    #[serde(default)]
    pub vfx: Option<String>,
}

impl PlannedClip {
    /// Clip length in seconds.
    pub fn len_s(&self) -> f64 {
        self.out_s - self.in_s
    }
}

/// One highlight reel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Reel {
    /// Clips in playing order.
    pub clips: Vec<PlannedClip>,
    /// Output duration: sum of clip lengths minus transition overlaps.
    pub duration_s: f64,
    /// What the planner could not do as asked for this reel (short material, long hook, ...).
    pub notes: Vec<String>,
}

/// The reels of one job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    /// Exactly `count` reels (possibly empty when there is no usable material).
    pub reels: Vec<Reel>,
    /// Job-level remarks: ignored candidates, too little distinct material, ...
    pub notes: Vec<String>,
}

/// Plans `cfg.count` different highlight reels from ranked candidates.
///
/// Never panics on odd input: candidates with NaN scores, unknown sources or empty ranges are
/// ignored (and counted in the notes); no usable candidate gives empty reels with a note.
pub fn plan_reels(
    sources: &[SourceMeta],
    candidates: &[Candidate],
    cuts: &[CutPoints],
    cfg: &PlanConfig,
) -> Plan {
    let mut plan = select::plan_reels(sources, candidates, cuts, cfg);
    add_vfx(&mut plan, cfg);
    plan
}

/// Plans the `Concat` task type: one reel joining `ranges` in order, exactly.
///
/// Each range is `(source, start_s, duration_s)`; a duration of 0 means "to the end of the
/// source", and a range reaching past the end is clamped to the media (noted). No cut-point
/// snapping, minimum clip length or transitions apply: the user asked for exactly these ranges.
///
/// Errors: an unknown source (`InvalidParameter.Sources`), a source without a known duration
/// (`InvalidParameter.Sources.URI`), a negative or non-finite start or a start at or past the end
/// of its source (`InvalidParameter.Sources.StartTime`), a negative or non-finite duration
/// (`InvalidParameter.Sources.Duration`), no ranges at all (`InvalidParameter.Sources`).
/// Joins a Concat's ranges with the config's transitions, by the rules of highlight reels
/// (Closed / Sequential / Random by weight / Auto; a transition longer than either joined clip
/// minus 1 s is skipped). Each transition overlaps the two ranges it joins, so the reel is shorter
/// than the sum of its ranges by the transitions' durations; the reel's notes say so.
pub fn add_concat_transitions(plan: &mut Plan, cfg: &PlanConfig) {
    if cfg.transition_mode == EffectMode::Closed {
        return;
    }
    let palette = transitions::palette(cfg);
    if let Some(note) = transitions::config_note(cfg) {
        plan.notes.push(note);
    }
    for (r, reel) in plan.reels.iter_mut().enumerate() {
        let spans: Vec<(Span, bool)> = reel
            .clips
            .iter()
            .map(|c| {
                let span = Span {
                    source: c.source,
                    a: c.in_s,
                    b: c.out_s,
                };
                (span, false)
            })
            .collect();
        let picks = transitions::choose(&spans, cfg, &palette, r);
        let (mut joined, mut overlap) = (0usize, 0.0);
        for (clip, pick) in reel.clips.iter_mut().zip(&picks) {
            clip.transition_in = pick.map(|i| palette[i].clone());
            if let Some(t) = &clip.transition_in {
                joined += 1;
                overlap += t.duration_s;
            }
        }
        reel.duration_s = (reel.duration_s - overlap).max(0.0);
        let cuts = reel.clips.len().saturating_sub(1);
        let skipped = cuts - joined;
        if joined > 0 {
            reel.notes.push(format!(
                "{joined} transition(s) join the Concat ranges; each overlaps the two ranges it joins, \
                 so the output is {overlap:.3} s shorter than the ranges' total",
                overlap = Num(overlap)
            ));
        }
        if skipped > 0
            && matches!(
                cfg.transition_mode,
                EffectMode::Sequential | EffectMode::Random
            )
        {
            reel.notes.push(format!(
                "{skipped} cut(s) between Concat ranges are hard cuts: the transition was longer \
                 than a joined range minus 1 s, overlapped the previous transition, or had weight 0"
            ));
        }
    }
}

pub fn plan_concat(sources: &[SourceMeta], ranges: &[(usize, f64, f64)]) -> Result<Plan, ApiError> {
    if ranges.is_empty() {
        return Err(ApiError::invalid_parameter(
            "Sources",
            "Concat needs at least one source range",
        ));
    }
    let mut clips = Vec::with_capacity(ranges.len());
    let mut notes = Vec::new();
    for (i, &(source, start, duration)) in ranges.iter().enumerate() {
        let meta = sources.get(source).ok_or_else(|| {
            ApiError::invalid_parameter(
                "Sources",
                format!(
                    "Sources[{i}] refers to input {source}, but there are {} inputs",
                    sources.len()
                ),
            )
        })?;
        let media_end = meta.duration_s;
        if !(media_end.is_finite() && media_end > 0.0) {
            return Err(ApiError::invalid_parameter(
                "Sources.URI",
                format!(
                    "Sources[{i}]: the media has no known duration ({})",
                    Num(media_end)
                ),
            ));
        }
        if !(start.is_finite() && start >= 0.0) {
            return Err(ApiError::invalid_parameter(
                "Sources.StartTime",
                format!(
                    "Sources[{i}].StartTime {} must be a number >= 0",
                    Num(start)
                ),
            ));
        }
        if start >= media_end {
            return Err(ApiError::invalid_parameter(
                "Sources.StartTime",
                format!(
                    "Sources[{i}].StartTime {} s is at or past the end of the media ({} s)",
                    Num(start),
                    Num(media_end)
                ),
            ));
        }
        if !(duration.is_finite() && duration >= 0.0) {
            return Err(ApiError::invalid_parameter(
                "Sources.Duration",
                format!(
                    "Sources[{i}].Duration {} must be a number >= 0 (0 = to the end)",
                    Num(duration)
                ),
            ));
        }
        let end = if duration == 0.0 {
            media_end
        } else if start + duration > media_end {
            notes.push(format!(
                "Sources[{i}]: {} s + {} s runs past the end of the media; clamped to {} s",
                Num(start),
                Num(duration),
                Num(media_end)
            ));
            media_end
        } else {
            start + duration
        };
        clips.push(PlannedClip {
            source,
            in_s: start,
            out_s: end,
            score: 0.0,
            reasons: vec![format!("Concat range {}", i + 1)],
            transition_in: None,
            hook: false,
            vfx: None,
        });
    }
    let duration_s = clips.iter().map(PlannedClip::len_s).sum();
    Ok(Plan {
        reels: vec![Reel {
            clips,
            duration_s,
            notes: Vec::new(),
        }],
        notes,
    })
}
