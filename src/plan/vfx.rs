//! Choosing the visual effect of each clip of a reel (`VfxEffectMode` / `VfxEffects[]`), with the
//! same [`Picker`] as the transitions.

use super::intervals::Span;
use super::transitions::{scene_change, Picker};
use super::{EffectMode, Plan, PlanConfig};

/// Effect used by [`EffectMode::Auto`] when no list is given: a vignette draws the eye to the
/// centre without changing what the picture shows, so it suits any content.
pub const AUTO_VFX: &str = "vignette";

/// Separates the effects' random sequence from the transitions' (which use stream 0), so asking
/// for effects never changes which transitions a request gets.
const VFX_STREAM: u64 = 0x5646_5845_4646_4543;

/// The effect names a config can produce, with their weights.
fn palette(cfg: &PlanConfig) -> Vec<(String, u32)> {
    match cfg.vfx_mode {
        EffectMode::Auto if cfg.vfx.is_empty() => vec![(AUTO_VFX.to_string(), 1)],
        _ => cfg.vfx.iter().map(|v| (v.name.clone(), v.weight)).collect(),
    }
}

/// The effect of each clip (in playing order; `clips[i].1` = is the hook), as names:
/// - Sequential: the list in order, one per clip, cycling; each reel starts at the top;
/// - Random: one per clip, drawn by `Weight`;
/// - Auto: one effect per scene: a scene (the clips from one stretch of one input, see the
///   transitions' scene rule) keeps one effect, and each new scene takes the next of the list
///   (or [`AUTO_VFX`] without a list);
/// - Closed: none.
fn choose(clips: &[(Span, bool)], cfg: &PlanConfig, reel_index: usize) -> Vec<Option<String>> {
    let palette = palette(cfg);
    let weights: Vec<u32> = palette.iter().map(|(_, w)| *w).collect();
    let mut picker = Picker::new(cfg.vfx_mode, &weights, cfg.seed, reel_index, VFX_STREAM);
    let mut current: Option<usize> = None;
    (0..clips.len())
        .map(|i| {
            let new_scene = i == 0 || scene_change(clips[i - 1], clips[i].0);
            let pick = picker.pick(i, new_scene);
            let chosen = if cfg.vfx_mode == EffectMode::Auto {
                current = pick.or(current);
                current
            } else {
                pick
            };
            chosen.map(|k| palette[k].0.clone())
        })
        .collect()
}

/// Puts the config's visual effects on every reel's clips (Compose, screen-highlights and Concat
/// reels alike).
pub fn add_vfx(plan: &mut Plan, cfg: &PlanConfig) {
    if cfg.vfx_mode == EffectMode::Closed {
        return;
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
                (span, c.hook)
            })
            .collect();
        for (clip, vfx) in reel.clips.iter_mut().zip(choose(&spans, cfg, r)) {
            clip.vfx = vfx;
        }
    }
}
