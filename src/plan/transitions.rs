//! Choosing the transition at each cut of a reel.

use super::intervals::{Span, EPS};
use super::{EffectMode, PlanConfig, TransitionItem};

/// Transition used by [`EffectMode::Auto`] when no list is given: a plain cross-fade is the
/// one transition that suits any content.
pub const AUTO_TRANSITION: &str = "fade";
/// Duration of [`AUTO_TRANSITION`]: long enough to read as a scene change, short enough not to
/// eat into short clips.
pub const AUTO_TRANSITION_S: f64 = 0.5;
/// [`EffectMode::Auto`] treats a jump of at least this many seconds within one source as a
/// change of scene (transition); shorter jumps stay in the scene (hard cut, as an editor would).
pub const SCENE_GAP_S: f64 = 10.0;
/// A transition must leave this much of each clip it joins on its own (SPEC: "a transition longer
/// than its clip's duration minus 1 s is skipped").
const TRANSITION_MARGIN_S: f64 = 1.0;

/// SplitMix64: tiny, fast, well-distributed, and (unlike a dependency) guaranteed to give the same
/// sequence forever, so a seed always reproduces the same reels.
#[derive(Debug, Clone)]
pub(super) struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0); the modulo bias is below 2^-40 for the weights used here.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
}

/// The one mapping of a list mode to a choice, for transitions (per cut) and background music
/// (per reel): the `n`-th choice (0-based) among items with `weights`. Sequential takes them in
/// order, round robin; Random draws one number per choice (whether or not the caller then uses
/// it, so a choice depends only on the seed and `n`) and picks by weight; Closed and Auto (whose
/// rule is the caller's) choose nothing. `None` also when there are no items or all weights are 0.
pub(super) fn pick_by_mode(
    mode: EffectMode,
    n: usize,
    weights: &[u32],
    rng: &mut SplitMix64,
) -> Option<usize> {
    if weights.is_empty() {
        return None;
    }
    match mode {
        EffectMode::Closed | EffectMode::Auto => None,
        EffectMode::Sequential => Some(n % weights.len()),
        EffectMode::Random => {
            let total: u64 = weights.iter().map(|&w| u64::from(w)).sum();
            let r = rng.below(total.max(1));
            let mut acc = 0u64;
            weights.iter().position(|&w| {
                acc += u64::from(w);
                r < acc
            })
        }
    }
}

/// The transitions a config can produce; indices returned by [`choose`] point into it.
pub(super) fn palette(cfg: &PlanConfig) -> Vec<TransitionItem> {
    match cfg.transition_mode {
        EffectMode::Auto if cfg.transitions.is_empty() => vec![TransitionItem {
            name: AUTO_TRANSITION.to_string(),
            duration_s: AUTO_TRANSITION_S,
            weight: 1,
        }],
        _ => cfg.transitions.clone(),
    }
}

/// Why a config yields hard cuts only although it asks for transitions (for the plan notes).
pub(super) fn config_note(cfg: &PlanConfig) -> Option<String> {
    match cfg.transition_mode {
        EffectMode::Sequential | EffectMode::Random if cfg.transitions.is_empty() => Some(format!(
            "EffectMode {:?} without transitions: hard cuts only",
            cfg.transition_mode
        )),
        EffectMode::Random if cfg.transitions.iter().all(|t| t.weight == 0) => {
            Some("EffectMode Random with all weights 0: hard cuts only".to_string())
        }
        _ => None,
    }
}

/// Chooses the transition into each clip of a reel in playing order (`clips[i].1` = is the hook).
///
/// Returns, per clip, an index into `palette` or `None` for a hard cut; clip 0 is always `None`.
/// The mode's pick is then checked against the clips: a transition of duration 0 (or not finite)
/// is a hard cut, and one longer than either joined clip minus 1 s is skipped. So that at most two
/// clips ever show at once, a transition is also skipped when it would overlap the previous
/// clip's incoming transition. Random draws one number per cut whether or not the pick is then
/// skipped, so a cut's choice depends only on the seed, the reel and the cut's position.
pub(super) fn choose(
    clips: &[(Span, bool)],
    cfg: &PlanConfig,
    palette: &[TransitionItem],
    reel_index: usize,
) -> Vec<Option<usize>> {
    let mut out: Vec<Option<usize>> = vec![None; clips.len()];
    if palette.is_empty() || cfg.transition_mode == EffectMode::Closed {
        return out;
    }
    let mut rng = SplitMix64::new(
        cfg.seed
            ^ (reel_index as u64)
                .wrapping_add(1)
                .wrapping_mul(0xA076_1D64_78BD_642F),
    );
    let weights: Vec<u32> = palette.iter().map(|t| t.weight).collect();
    let mut auto_cuts = 0usize;
    let mut prev_in = 0.0_f64;
    for i in 1..clips.len() {
        let (prev, prev_hook) = clips[i - 1];
        let (cur, _) = clips[i];
        let pick = match cfg.transition_mode {
            EffectMode::Closed | EffectMode::Sequential | EffectMode::Random => {
                pick_by_mode(cfg.transition_mode, i - 1, &weights, &mut rng)
            }
            EffectMode::Auto => {
                let scene_change = prev_hook
                    || prev.source != cur.source
                    || cur.a + EPS < prev.b
                    || cur.a - prev.b >= SCENE_GAP_S;
                if scene_change {
                    auto_cuts += 1;
                    Some((auto_cuts - 1) % palette.len())
                } else {
                    None
                }
            }
        };
        let accepted = pick.filter(|&p| {
            let d = palette[p].duration_s;
            d.is_finite()
                && d > 0.0
                && d <= prev.len() - TRANSITION_MARGIN_S + EPS
                && d <= cur.len() - TRANSITION_MARGIN_S + EPS
                && prev_in + d <= prev.len() + EPS
        });
        prev_in = accepted.map_or(0.0, |p| palette[p].duration_s);
        out[i] = accepted;
    }
    out
}
