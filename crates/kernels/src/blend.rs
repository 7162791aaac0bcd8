//! Per-row mixing of samples: opacity, colour veils, per-pixel masks (dissolve, coverage).
//!
//! Mixing two pictures with weights that sum to one commutes with the affine RGB → YCbCr
//! conversion, so blending Y, Cb and Cr separately is the same as blending RGB values the way a
//! canvas does (source-over on the stored values). Weights are `0..=256`; every loop is a plain
//! zip over `u8`/`u16` slices so LLVM vectorises it.

use crate::transitions::dissolve_hash;

/// Full weight.
pub const OPAQUE: u16 = 256;

/// `0..=1` (NaN: 0) to a weight `0..=256`.
pub fn weight(alpha: f32) -> u16 {
    if alpha.is_nan() {
        0
    } else {
        (alpha.clamp(0.0, 1.0) * 256.0).round() as u16
    }
}

/// `dst = src * a + dst * (1 - a)`, `a` a weight.
pub fn mix_row(dst: &mut [u8], src: &[u8], a: u16) {
    if a >= OPAQUE {
        dst.copy_from_slice(&src[..dst.len()]);
        return;
    }
    let (a, b) = (a, OPAQUE - a);
    for (d, &s) in dst.iter_mut().zip(src) {
        *d = ((s as u16 * a + *d as u16 * b + 128) >> 8) as u8;
    }
}

/// `dst = colour * a + dst * (1 - a)`.
pub fn veil_row(dst: &mut [u8], colour: u8, a: u16) {
    let a = a.min(OPAQUE);
    let (c, b) = (colour as u16 * a + 128, OPAQUE - a);
    for d in dst.iter_mut() {
        *d = ((c + *d as u16 * b) >> 8) as u8;
    }
}

/// `dst = src * w + dst * (1 - w)` with a weight per sample.
pub fn mix_row_weighted(dst: &mut [u8], src: &[u8], w: &[u16]) {
    for ((d, &s), &a) in dst.iter_mut().zip(src).zip(w) {
        *d = ((s as u16 * a + *d as u16 * (OPAQUE - a) + 128) >> 8) as u8;
    }
}

/// The dissolve's keep test: pixel `(x, y)` of the layer is kept iff `dissolve_noise(x, y, seed)
/// < progress`, i.e. iff its 24-bit hash is below this threshold (exact: the noise is the hash
/// divided by 2^24, and that scaling is exact in `f32`).
pub fn dissolve_threshold(progress: f32) -> u32 {
    if progress.is_nan() || progress <= 0.0 {
        0
    } else {
        (f64::from(progress.min(1.0)) * 16_777_216.0).ceil() as u32
    }
}

/// Weights of the luma samples `x0..x0 + out.len()` of layer row `y` under the dissolve mask:
/// `a` where kept, 0 elsewhere.
pub fn dissolve_luma(out: &mut [u16], x0: usize, y: usize, seed: u32, threshold: u32, a: u16) {
    for (i, o) in out.iter_mut().enumerate() {
        let keep = dissolve_hash((x0 + i) as u32, y as u32, seed) < threshold;
        *o = if keep { a } else { 0 };
    }
}

/// Weights of the chroma samples `x0..` of layer chroma row `y`: `a` times the kept fraction of
/// the sample's 2x2 luma pixels (the mask, subsampled as the picture is).
pub fn dissolve_chroma(out: &mut [u16], x0: usize, y: usize, seed: u32, threshold: u32, a: u16) {
    for (i, o) in out.iter_mut().enumerate() {
        let (lx, ly) = (2 * (x0 + i) as u32, 2 * y as u32);
        let kept = [(0, 0), (1, 0), (0, 1), (1, 1)]
            .iter()
            .filter(|(dx, dy)| dissolve_hash(lx + dx, ly + dy, seed) < threshold)
            .count() as u16;
        *o = (a * kept + 2) / 4;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transitions::dissolve_noise;

    #[test]
    fn mixing_rounds_and_hits_the_ends() {
        let mut d = [0u8, 100, 255];
        mix_row(&mut d, &[255, 100, 0], 128);
        assert_eq!(d, [128, 100, 128]);
        let mut d = [10u8; 4];
        veil_row(&mut d, 200, OPAQUE);
        assert_eq!(d, [200; 4]);
        veil_row(&mut d, 0, 0);
        assert_eq!(d, [200; 4]);
        assert_eq!(weight(f32::NAN), 0);
        assert_eq!(weight(2.0), OPAQUE);
    }

    #[test]
    fn dissolve_threshold_is_the_noise_comparison() {
        for p in [0.0f32, 0.25, 0.5, 0.7331, 1.0] {
            let t = dissolve_threshold(p);
            for y in 0..40 {
                for x in 0..40 {
                    assert_eq!(
                        dissolve_hash(x, y, 9) < t,
                        dissolve_noise(x, y, 9) < p,
                        "{p} {x} {y}"
                    );
                }
            }
        }
    }
}
