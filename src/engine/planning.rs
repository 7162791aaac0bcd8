//! How the planner is configured for a job, and the reels of the job kinds that need no planning.

use crate::job::spec::JobSpec;
use crate::plan::{self, Candidate, CutPoints, Plan, PlanConfig, PlannedClip, Reel, SourceMeta};
use crate::ApiError;

use super::highlights::MIN_CLIP_S;

/// The planner's configuration for a job: `Count` reels within `MaxDuration`, near
/// `TargetDuration`, with the hook of `IntroConfig.Mode: Auto`, the request's transitions and
/// visual effects, and randomness seeded by the request itself. Durations are output seconds and the planner works in
/// source (reel) seconds: at `Speed` 0.5 a 20 s output holds 10 s of material.
pub fn plan_config(spec: &JobSpec) -> PlanConfig {
    let reel_s = |out_s: f64| out_s * spec.speed;
    PlanConfig {
        count: spec.outputs.count as usize,
        max_duration_s: spec.max_duration_s.map(reel_s),
        target_duration_s: spec.target_duration_s.map(reel_s),
        intro_auto: spec.intro_auto,
        min_clip_s: MIN_CLIP_S,
        transition_mode: spec.transitions.mode,
        transitions: spec.transitions.list.clone(),
        vfx_mode: spec.vfx.mode,
        vfx: spec.vfx.list.clone(),
        pacing: spec.plot_pacing.unwrap_or_default(),
        seed: request_seed(spec),
    }
}

/// The seed of all of a job's randomness: 32-bit FNV-1a of the validated request's JSON, so the
/// same request always plans the same reels and any change to it may plan others.
pub fn request_seed(spec: &JobSpec) -> u64 {
    const OFFSET: u32 = 0x811c_9dc5;
    const PRIME: u32 = 0x0100_0193;
    // A JobSpec is plain data; serialising it cannot fail, and an empty text would still seed.
    let text = serde_json::to_string(spec).unwrap_or_default();
    let hash = text
        .bytes()
        .fold(OFFSET, |h, b| (h ^ u32::from(b)).wrapping_mul(PRIME));
    u64::from(hash)
}

/// Plans the reels of a Compose or screen-highlights job from the scorer's candidates and each
/// source's legal cut points.
pub fn plan_reels(
    spec: &JobSpec,
    sources: &[SourceMeta],
    candidates: &[Candidate],
    cuts: &[CutPoints],
) -> Plan {
    plan::plan_reels(sources, candidates, cuts, &plan_config(spec))
}

/// A Concat's ranges, `(source, start_s, duration_s)`, in request order (0 = to the end).
pub fn concat_ranges(spec: &JobSpec) -> Vec<(usize, f64, f64)> {
    spec.sources
        .iter()
        .enumerate()
        .map(|(i, s)| (i, s.start_s, s.duration_s))
        .collect()
}

/// Plans a Concat: the request's ranges in order, joined by hard cuts or, with
/// `Edit.TransitionMode`/`Transitions`, by those transitions (each overlap shortens the output),
/// each range with its visual effect from `Edit.VfxEffectMode`/`VfxEffects`.
pub fn plan_concat(spec: &JobSpec, sources: &[SourceMeta]) -> Result<Plan, ApiError> {
    let mut plan = plan::plan_concat(sources, &concat_ranges(spec))?;
    let cfg = plan_config(spec);
    plan::add_concat_transitions(&mut plan, &cfg);
    plan::add_vfx(&mut plan, &cfg);
    Ok(plan)
}

/// A Retrieval with `Output.Container` writes each highlight as its own file: one reel of one
/// clip per highlight, in the highlights' order, hard cuts only.
pub fn export_reels(highlights: &[Candidate]) -> Vec<Reel> {
    highlights
        .iter()
        .map(|h| Reel {
            clips: vec![PlannedClip {
                source: h.source,
                in_s: h.start,
                out_s: h.end,
                score: h.score,
                reasons: h.reasons.clone(),
                transition_in: None,
                hook: false,
                vfx: None,
            }],
            duration_s: (h.end - h.start).max(0.0),
            notes: Vec::new(),
        })
        .collect()
}
