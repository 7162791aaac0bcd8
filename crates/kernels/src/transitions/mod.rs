//! Transitions computed from the two clips' finished pictures ([`Pixel`]): ffmpeg's `xfade`
//! formulas ([`xfade`]) and the gl-transitions ([`gl`]), plus the noise and easing they share with
//! the layer transitions of `reelcut::render::transitions`.

pub mod gl;
mod gl_colour;
mod gl_filmburn;
mod gl_warps;
mod gl_wipes;
pub mod xfade;

use crate::picture::Picture;
pub use gl::Gl;
pub use xfade::Xfade;

/// A transition computed from the two layers' finished pictures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Pixel {
    Xfade(Xfade),
    Gl(Gl),
}

impl Pixel {
    pub fn from_name(name: &str) -> Option<Self> {
        Xfade::from_name(name)
            .map(Self::Xfade)
            .or_else(|| Gl::from_name(name).map(Self::Gl))
    }

    /// Draws the transition between `a` and `b` at ffmpeg progress `q` (1 = only A) into `out`.
    pub fn draw(self, a: &Picture, b: &Picture, q: f32, black: [u8; 3], out: &mut Picture) {
        match self {
            Self::Xfade(k) => xfade::draw(k, a, b, q, black, out),
            Self::Gl(k) => gl::draw(k, a, b, 1.0 - q, out),
        }
    }
}

/// GLSL-style smoothstep, as in ffmpeg's vf_xfade.
pub fn smoothstep(edge0: f32, edge1: f32, x: f32) -> f32 {
    let t = ((x - edge0) / (edge1 - edge0)).clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

/// Deterministic per-pixel noise in [0, 1) for the dissolve mask.
///
/// Integer-only so JavaScript reproduces it bit for bit (`Math.imul`, `>>>`):
/// ```text
/// h = (seed ^ Math.imul(x, 0x9E3779B1) ^ Math.imul(y, 0x85EBCA77)) >>> 0;
/// h ^= h >>> 16; h = Math.imul(h, 0x7FEB352D) >>> 0;
/// h ^= h >>> 15; h = Math.imul(h, 0x846CA68B) >>> 0;
/// h ^= h >>> 16;
/// noise = (h >>> 8) / 16777216;
/// ```
/// (ffmpeg's dissolve uses `fract(sin(...))`, which differs between libm implementations; the
/// pattern is different but the statistics, a uniform switch with fraction `p`, are the same.)
pub fn dissolve_noise(x: u32, y: u32, seed: u32) -> f32 {
    dissolve_hash(x, y, seed) as f32 / 16_777_216.0
}

/// The 24-bit integer behind [`dissolve_noise`] (`noise = hash / 2^24`), for comparing with a
/// threshold without floating point per pixel.
pub fn dissolve_hash(x: u32, y: u32, seed: u32) -> u32 {
    let mut h = seed ^ x.wrapping_mul(0x9E37_79B1) ^ y.wrapping_mul(0x85EB_CA77);
    h ^= h >> 16;
    h = h.wrapping_mul(0x7FEB_352D);
    h ^= h >> 15;
    h = h.wrapping_mul(0x846C_A68B);
    h ^= h >> 16;
    h >> 8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn noise_is_uniform_and_deterministic() {
        let mut below = 0;
        for y in 0..100 {
            for x in 0..100 {
                let n = dissolve_noise(x, y, 7);
                assert!((0.0..1.0).contains(&n));
                assert_eq!(n, dissolve_noise(x, y, 7));
                if n < 0.3 {
                    below += 1;
                }
            }
        }
        assert!((below as f64 / 10_000.0 - 0.3).abs() < 0.02, "{below}");
        assert_ne!(dissolve_noise(3, 4, 1), dissolve_noise(3, 4, 2));
    }

    #[test]
    fn smoothstep_edges() {
        assert_eq!(smoothstep(0.2, 1.0, 0.0), 0.0);
        assert_eq!(smoothstep(0.2, 1.0, 1.0), 1.0);
        assert!((smoothstep(0.0, 1.0, 0.5) - 0.5).abs() < 1e-6);
    }
}
