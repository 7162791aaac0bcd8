//! Choosing the transition at each cut of a reel, and the one mapping of an [`EffectMode`] onto
//! per-cut / per-clip choices ([`Picker`]) that the visual effects share.

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

/// Whether the cut from `prev` (`prev_hook`: it is the opening hook) into `cur` changes scene, for
/// [`EffectMode::Auto`]: another input, the hook into the body, a jump back in time, or a jump of
/// at least [`SCENE_GAP_S`] forward within one input.
pub(super) fn scene_change((prev, prev_hook): (Span, bool), cur: Span) -> bool {
    prev_hook || prev.source != cur.source || cur.a + EPS < prev.b || cur.a - prev.b >= SCENE_GAP_S
}

/// The one mapping of an [`EffectMode`] onto successive choices from a palette (the transition
/// at each cut, the visual effect of each clip). Random draws one number per choice whether or
/// not the pick is then used, so a choice depends only on the seed, the reel, the stream and its
/// position.
pub(super) struct Picker {
    mode: EffectMode,
    weights: Vec<u64>,
    total_weight: u64,
    rng: SplitMix64,
    auto_picks: usize,
}

impl Picker {
    /// A picker over a palette with these weights, for reel `reel_index`; `stream` separates the
    /// random sequences of different kinds of choice made from one seed.
    pub fn new(
        mode: EffectMode,
        weights: &[u32],
        seed: u64,
        reel_index: usize,
        stream: u64,
    ) -> Self {
        let weights: Vec<u64> = weights.iter().map(|&w| u64::from(w)).collect();
        Self {
            mode,
            total_weight: weights.iter().sum(),
            weights,
            rng: SplitMix64::new(
                seed ^ stream
                    ^ (reel_index as u64)
                        .wrapping_add(1)
                        .wrapping_mul(0xA076_1D64_78BD_642F),
            ),
            auto_picks: 0,
        }
    }

    /// The palette index for choice number `n` (0-based), where `scene_change` says whether the
    /// content changes there:
    /// - Closed: none;
    /// - Sequential: the palette in order, cycling (`n % len`);
    /// - Random: drawn with probability proportional to the weights (none if they are all 0);
    /// - Auto: the palette in order, one entry per scene change; none elsewhere.
    pub fn pick(&mut self, n: usize, scene_change: bool) -> Option<usize> {
        let len = self.weights.len();
        if len == 0 {
            return None;
        }
        match self.mode {
            EffectMode::Closed => None,
            EffectMode::Sequential => Some(n % len),
            EffectMode::Random => {
                let r = self.rng.below(self.total_weight.max(1));
                if self.total_weight == 0 {
                    return None;
                }
                let mut acc = 0u64;
                self.weights.iter().position(|&w| {
                    acc += w;
                    r < acc
                })
            }
            EffectMode::Auto => scene_change.then(|| {
                self.auto_picks += 1;
                (self.auto_picks - 1) % len
            }),
        }
    }
}

/// Chooses the transition into each clip of a reel in playing order (`clips[i].1` = is the hook).
///
/// Returns, per clip, an index into `palette` or `None` for a hard cut; clip 0 is always `None`.
/// The mode's pick ([`Picker`], choice `i - 1` for the cut into clip `i`) is then checked against
/// the clips: a transition of duration 0 (or not finite) is a hard cut, and one longer than either
/// joined clip minus 1 s is skipped. So that at most two clips ever show at once, a transition is
/// also skipped when it would overlap the previous clip's incoming transition.
pub(super) fn choose(
    clips: &[(Span, bool)],
    cfg: &PlanConfig,
    palette: &[TransitionItem],
    reel_index: usize,
) -> Vec<Option<usize>> {
    let mut out: Vec<Option<usize>> = vec![None; clips.len()];
    let weights: Vec<u32> = palette.iter().map(|t| t.weight).collect();
    let mut picker = Picker::new(cfg.transition_mode, &weights, cfg.seed, reel_index, 0);
    let mut prev_in = 0.0_f64;
    for i in 1..clips.len() {
        let (prev, _) = clips[i - 1];
        let (cur, _) = clips[i];
        let pick = picker.pick(i - 1, scene_change(clips[i - 1], cur));
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
