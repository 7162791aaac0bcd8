//! Transitions between two clips, with ffmpeg `xfade` semantics.
//!
//! `p` runs from 0 (only the outgoing clip A shows) to 1 (only the incoming clip B) over the overlap.
//! ffmpeg's filter counts the other way (`progress = 1 - p`), and its formulas are reproduced here in
//! layer form (A below, B on top), with the same integer truncations, so that the compositor matches
//! `xfade` renderings to within rounding:
//!
//! | name | A layer | B layer |
//! |---|---|---|
//! | `fade` | as is | `opacity = p` |
//! | `fadeblack`, `fadewhite`, `fadecolor` | veil of colour C, `alpha = 1 - smoothstep(0.8, 1, 1-p)` | veil of C, `alpha = smoothstep(0.2, 1, 1-p)`; `opacity = p` |
//! | `wipeleft` | as is | `clip_rect` = columns `z+1 .. W`, `z = floor((1-p) W)`: B appears at the right edge, the boundary moves left |
//! | `wiperight` | as is | `clip_rect` = columns `0 ..= z`, `z = floor(p W)`: B appears at the left, the boundary moves right |
//! | `slideleft` | `offset_x = floor((1-p) W) - W` | `offset_x = floor((1-p) W)`: both move left, B enters from the right |
//! | `slideright` | `offset_x = W - floor((1-p) W)` | `offset_x = -floor((1-p) W)`: both move right, B enters from the left |
//! | `dissolve` | as is | `dissolve { progress: p }`: each pixel switches from A to B once its noise value is below `p` |
//!
//! (ffmpeg's fadeblack is `mix(mix(A, C, s1), mix(C, B, s2), progress)`: it passes closest to the
//! colour a little after the middle, and is not a plain "A to black, black to B".)

use super::{ClipTransition, ColorFill, Dissolve, Layer};
use crate::ApiError;
pub use reelcut_kernels::transitions::{
    dissolve_hash, dissolve_noise, gl, smoothstep, xfade, Gl, Pixel, Xfade,
};

/// Every name [`Transition::parse`] accepts: the layer transitions, then the pixel ones of
/// [`xfade::TABLE`].
pub fn supported() -> impl Iterator<Item = &'static str> {
    LAYER_TRANSITIONS
        .iter()
        .copied()
        .chain(xfade::TABLE.iter().map(|(name, _)| *name))
        .chain(gl::TABLE.iter().map(|(name, _)| *name))
}

/// Transitions drawn as layer settings (opacity, veil, clip rect, offset, dissolve mask).
pub const LAYER_TRANSITIONS: &[&str] = &[
    "fade",
    "fadeblack",
    "fadewhite",
    "fadecolor",
    "wipeleft",
    "wiperight",
    "slideleft",
    "slideright",
    "dissolve",
];

/// A supported transition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    Fade,
    /// fadeblack (black), fadewhite (white), fadecolor (given colour, default black).
    FadeColor([u8; 3]),
    WipeLeft,
    WipeRight,
    SlideLeft,
    SlideRight,
    Dissolve,
    /// Drawn by [`Pixel::draw`] from the two layers' pictures.
    Pixel(Pixel),
}

impl Transition {
    /// Parses a transition name (case-insensitive). Unknown names are an error value, never a panic:
    /// `InvalidParameter.Transitions` "transition X is not supported yet".
    pub fn parse(spec: &ClipTransition) -> Result<Self, ApiError> {
        let name = spec.name.trim().to_ascii_lowercase();
        Ok(match name.as_str() {
            "fade" => Self::Fade,
            "fadeblack" => Self::FadeColor([0, 0, 0]),
            "fadewhite" => Self::FadeColor([255, 255, 255]),
            "fadecolor" => Self::FadeColor(spec.color.unwrap_or([0, 0, 0])),
            "wipeleft" => Self::WipeLeft,
            "wiperight" => Self::WipeRight,
            "slideleft" => Self::SlideLeft,
            "slideright" => Self::SlideRight,
            "dissolve" => Self::Dissolve,
            other if Pixel::from_name(other).is_some() => {
                Self::Pixel(Pixel::from_name(other).expect("checked"))
            }
            _ => {
                return Err(ApiError::invalid_parameter(
                    "Transitions",
                    format!(
                        "transition {} is not supported yet (supported: {})",
                        spec.name,
                        supported().collect::<Vec<_>>().join(", ")
                    ),
                ))
            }
        })
    }

    /// Sets up the outgoing layer `a` and the incoming layer `b` (drawn in that order) for progress
    /// `p` in [0, 1] on a `width x height` canvas. `seed` feeds the dissolve noise.
    pub fn apply(&self, a: &mut Layer, b: &mut Layer, p: f64, width: u32, height: u32, seed: u32) {
        let p = if p.is_nan() { 0.0 } else { p.clamp(0.0, 1.0) };
        // ffmpeg computes in f32 and truncates to int; do the same so boundaries land on the same
        // pixel column.
        let progress = 1.0 - p as f32;
        let w = width as f32;
        match *self {
            Self::Fade => b.opacity = p as f32,
            Self::FadeColor(rgb) => {
                a.fill_after = Some(ColorFill {
                    rgb,
                    alpha: 1.0 - smoothstep(0.8, 1.0, progress),
                });
                b.fill_after = Some(ColorFill {
                    rgb,
                    alpha: smoothstep(0.2, 1.0, progress),
                });
                b.opacity = 1.0 - progress;
            }
            Self::WipeLeft => {
                let z = (w * progress) as i64; // B where x > z
                let x0 = (z + 1).clamp(0, width as i64) as f64;
                b.clip_rect = Some(super::Rect::new(x0, 0.0, width as f64 - x0, height as f64));
            }
            Self::WipeRight => {
                let z = (w * (1.0 - progress)) as i64; // A where x > z, B where x <= z
                let x1 = (z + 1).clamp(0, width as i64) as f64;
                b.clip_rect = Some(super::Rect::new(0.0, 0.0, x1, height as f64));
            }
            Self::SlideLeft => {
                let z = (w * progress) as i64;
                b.offset_x = z as f64;
                a.offset_x = (z - width as i64) as f64;
            }
            Self::SlideRight => {
                let z = (w * progress) as i64;
                b.offset_x = -(z as f64);
                a.offset_x = (width as i64 - z) as f64;
            }
            // The compositor draws both layers and mixes them (see `FrameOps::xfade`).
            Self::Pixel(_) => {}
            Self::Dissolve => {
                b.dissolve = Some(Dissolve {
                    progress: p as f32,
                    seed,
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_name_is_an_error_value() {
        let e = Transition::parse(&ClipTransition::new("luma", 1.0)).expect_err("unsupported");
        assert!(
            e.message.contains("transition luma is not supported yet"),
            "{}",
            e.message
        );
        assert_eq!(e.code, "InvalidParameter.Transitions");
    }
}
