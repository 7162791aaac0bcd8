//! Visual effects (`VfxEffect`, SPEC section 6): the nine catalogue names, each defined here and
//! applied to one clip's picture for the whole clip.
//!
//! Two kinds:
//! - **layouts** (`twolayer`, `threelayer`) change how the decoded frame is drawn onto the canvas
//!   (which draws a clip's layer has, see [`super::layout::place_effect`]): drawing from the
//!   decoded frame resamples and blurs it once, where a post-process of the finished picture would
//!   blur what placement already letterboxed;
//! - **pixel effects** (the other seven) are pure functions of the clip's finished layer picture
//!   and, where they animate, of the clip's progress `p` (0 at its first frame, 1 at its end),
//!   computed on the I420 planes by [`apply`]. The compositor draws a layer with an effect on its
//!   own picture, applies the effect there (so it moves with the clip during a slide), then
//!   composites it as any other layer.
//!
//! The exact formulas are in each function's documentation ([`pixel`], [`vertigo`]) and in the
//! README's table, with the ffmpeg filter each one is tested against.

pub use reelcut_kernels::vfx::{pixel, vertigo};

use serde::{Deserialize, Serialize};

use super::compose::picture::Picture;
use crate::job::catalog;

/// A visual effect of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Vfx {
    Letterboxed,
    TwoLayer,
    Luminance,
    Invert,
    ThreeLayer,
    Vignette,
    SigmoidalTransfer,
    ColorShift,
    Vertigo,
}

impl Vfx {
    /// Every effect, in the catalogue's order.
    pub const ALL: [Vfx; 9] = [
        Vfx::Letterboxed,
        Vfx::TwoLayer,
        Vfx::Luminance,
        Vfx::Invert,
        Vfx::ThreeLayer,
        Vfx::Vignette,
        Vfx::SigmoidalTransfer,
        Vfx::ColorShift,
        Vfx::Vertigo,
    ];

    /// The catalogue spelling ([`catalog::VFX_EFFECTS`]).
    pub fn name(self) -> &'static str {
        match self {
            Vfx::Letterboxed => "letterboxed",
            Vfx::TwoLayer => "twolayer",
            Vfx::Luminance => "luminance",
            Vfx::Invert => "invert",
            Vfx::ThreeLayer => "threelayer",
            Vfx::Vignette => "vignette",
            Vfx::SigmoidalTransfer => "sigmoidaltransfer",
            Vfx::ColorShift => "colorshift",
            Vfx::Vertigo => "vertigo",
        }
    }

    /// The effect a catalogue name denotes (case-insensitive), `None` for a name not in
    /// [`catalog::VFX_EFFECTS`].
    pub fn from_name(name: &str) -> Option<Self> {
        let canonical = catalog::vfx(name.trim())?;
        Self::ALL.into_iter().find(|v| v.name() == canonical)
    }

    /// Whether the effect is a layout of the decoded frame rather than a pixel function.
    pub fn is_layout(self) -> bool {
        matches!(self, Vfx::TwoLayer | Vfx::ThreeLayer)
    }
}

/// The catalogue names the renderer draws: every [`Vfx`].
pub fn supported() -> impl Iterator<Item = &'static str> {
    Vfx::ALL.into_iter().map(Vfx::name)
}

/// A pixel effect on one layer at one frame.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VfxFrame {
    pub effect: Vfx,
    /// Progress through the clip: 0 at its first frame, 1 at its end.
    pub progress: f32,
}

/// Buffers the effects reuse from frame to frame.
#[derive(Debug, Default)]
pub struct VfxTools {
    /// The vignette's gain per luma pixel, for the size it was computed for.
    vignette: pixel::VignetteMap,
    /// A copy of the picture, for effects that move pixels (vertigo).
    source: Picture,
}

/// Applies a pixel effect to `pic` in place. Layout effects were applied by the draws already
/// and leave the pixels alone.
pub fn apply(frame: VfxFrame, pic: &mut Picture, tools: &mut VfxTools) {
    let p = if frame.progress.is_nan() {
        0.0
    } else {
        frame.progress.clamp(0.0, 1.0)
    };
    match frame.effect {
        Vfx::TwoLayer | Vfx::ThreeLayer => {}
        Vfx::Letterboxed => pixel::letterbox(pic),
        Vfx::Luminance => pixel::luminance(pic),
        Vfx::Invert => pixel::invert(pic),
        Vfx::Vignette => pixel::vignette(pic, &mut tools.vignette),
        Vfx::SigmoidalTransfer => pixel::sigmoidal_transfer(pic),
        Vfx::ColorShift => pixel::hue_rotate(pic, pixel::colorshift_degrees(p)),
        Vfx::Vertigo => {
            tools.source.copy_from(pic);
            vertigo::draw(&tools.source, vertigo::Pulse::at(p), pic);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_effect_per_catalogue_name() {
        let names: Vec<&str> = supported().collect();
        assert_eq!(names, catalog::VFX_EFFECTS);
        for v in Vfx::ALL {
            assert_eq!(Vfx::from_name(&v.name().to_uppercase()), Some(v));
        }
        assert_eq!(Vfx::from_name("blur"), None);
    }
}
