//! Sums over every sample of a signal or every cell of an analysis thumbnail: the resamplers'
//! filter taps, the pitch search's lag differences, the pan search's shifted differences.
//!
//! Each sum runs in [`LANES`] independent partial sums. A single running `f32` sum is a chain
//! LLVM must keep in order (float addition is not associative), so it cannot vectorise it; eight
//! partial sums are eight independent chains, which become two wasm SIMD `f32x4` accumulators.
//! The result differs from the sequential sum only by rounding.

/// Independent partial sums per reduction.
pub const LANES: usize = 8;

/// `Σ a[i] · b[i]` over the shorter of the two.
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    lane_sum(a, b, |x, y| x * y)
}

/// `Σ (a[i] - b[i])²` over the shorter of the two.
pub fn squared_distance(a: &[f32], b: &[f32]) -> f32 {
    lane_sum(a, b, |x, y| (x - y) * (x - y))
}

/// `Σ |a[i] - b[i]|` over the shorter of the two.
pub fn l1_distance(a: &[f32], b: &[f32]) -> f32 {
    lane_sum(a, b, |x, y| (x - y).abs())
}

/// Two dot products of `x` with two coefficient rows in one pass over `x` (a polyphase filter
/// interpolating between neighbouring phases reads its input once).
pub fn dot2(x: &[f32], r0: &[f32], r1: &[f32]) -> (f32, f32) {
    let n = x.len().min(r0.len()).min(r1.len());
    let (x, r0, r1) = (&x[..n], &r0[..n], &r1[..n]);
    let (mut s0, mut s1) = ([0f32; LANES], [0f32; LANES]);
    let (xc, xt) = x.as_chunks::<LANES>();
    let (c0, t0) = r0.as_chunks::<LANES>();
    let (c1, t1) = r1.as_chunks::<LANES>();
    for ((xv, a), b) in xc.iter().zip(c0).zip(c1) {
        for l in 0..LANES {
            s0[l] += xv[l] * a[l];
            s1[l] += xv[l] * b[l];
        }
    }
    let (mut e0, mut e1) = (s0.iter().sum::<f32>(), s1.iter().sum::<f32>());
    for ((&xv, &a), &b) in xt.iter().zip(t0).zip(t1) {
        e0 += xv * a;
        e1 += xv * b;
    }
    (e0, e1)
}

/// Taps whose weights are computed together (on the stack) before they are summed.
const TAP_CHUNK: usize = 64;

/// One output of a windowed-sinc interpolator evaluated at an arbitrary position: tap `k`
/// (`0..taps`) lies `first + k` input samples from the evaluation point and weighs
/// `table[|first + k| / step]` (linear interpolation between entries, 0 past the table's end).
/// `frames` are the stereo inputs of taps `frames_from..frames_from + frames.len()`; the other taps
/// read silence but their weights still count. Returns the weighted sums of both channels and the
/// sum of all weights (for normalisation).
pub fn sinc_tap_sums(
    table: &[f32],
    step: f64,
    first: f64,
    taps: usize,
    frames: &[[f32; 2]],
    frames_from: usize,
) -> ([f32; 2], f32) {
    let weight = |k: usize| {
        let pos = (first + k as f64).abs() / step;
        let i = pos as usize;
        match (table.get(i), table.get(i + 1)) {
            (Some(&a), Some(&b)) => a + (b - a) * (pos - i as f64) as f32,
            _ => 0.0,
        }
    };
    let (mut left, mut right, mut wsum) = ([0f32; LANES], [0f32; LANES], 0f32);
    let mut w = [0f32; TAP_CHUNK];
    for start in (0..taps).step_by(TAP_CHUNK) {
        let n = TAP_CHUNK.min(taps - start);
        for (k, wk) in w[..n].iter_mut().enumerate() {
            *wk = weight(start + k);
        }
        wsum += w[..n].iter().sum::<f32>();
        // The chunk's taps that have input.
        let lo = start.max(frames_from);
        let hi = (start + n).min(frames_from + frames.len());
        if lo >= hi {
            continue;
        }
        let ws = &w[lo - start..hi - start];
        let fs = &frames[lo - frames_from..hi - frames_from];
        for (i, (&wk, f)) in ws.iter().zip(fs).enumerate() {
            left[i % LANES] += f[0] * wk;
            right[i % LANES] += f[1] * wk;
        }
    }
    ([left.iter().sum(), right.iter().sum()], wsum)
}

fn lane_sum(a: &[f32], b: &[f32], term: impl Fn(f32, f32) -> f32) -> f32 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut acc = [0f32; LANES];
    let (ac, at) = a.as_chunks::<LANES>();
    let (bc, bt) = b.as_chunks::<LANES>();
    for (x, y) in ac.iter().zip(bc) {
        for l in 0..LANES {
            acc[l] += term(x[l], y[l]);
        }
    }
    let tail: f32 = at.iter().zip(bt).map(|(&x, &y)| term(x, y)).sum();
    acc.iter().sum::<f32>() + tail
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Against the taps summed one by one in f64, with silence on both sides of the input.
    #[test]
    fn sinc_tap_sums_match_the_plain_sum() {
        let table: Vec<f32> = (0..300).map(|i| (1.0 - i as f32 / 299.0).powi(2)).collect();
        let frames: Vec<[f32; 2]> = (0..90)
            .map(|i| [(i as f32 * 0.3).sin(), (i as f32 * 0.7).cos()])
            .collect();
        let (step, first, taps) = (0.05, -7.3, 150);
        let (from, len) = (20, 90);
        let (mut l, mut r, mut ws) = (0f64, 0f64, 0f64);
        for k in 0..taps {
            let pos = (first + k as f64).abs() / step;
            let i = pos as usize;
            let w = if i + 1 < table.len() {
                table[i] as f64 + (table[i + 1] - table[i]) as f64 * (pos - i as f64)
            } else {
                0.0
            };
            ws += w;
            if (from..from + len).contains(&k) {
                l += w * frames[k - from][0] as f64;
                r += w * frames[k - from][1] as f64;
            }
        }
        let ([fl, fr], fw) = sinc_tap_sums(&table, step, first, taps, &frames, from);
        assert!(
            (fl as f64 - l).abs() < 1e-4 && (fr as f64 - r).abs() < 1e-4,
            "{fl} {fr} vs {l} {r}"
        );
        assert!((fw as f64 - ws).abs() < 1e-3, "{fw} vs {ws}");
    }

    fn signal(n: usize, k: f32) -> Vec<f32> {
        (0..n).map(|i| (i as f32 * k).sin() * 0.7).collect()
    }

    /// Every length around the lane width, against the sums written out in f64.
    #[test]
    fn lane_sums_match_the_plain_sums() {
        for n in 0..40 {
            let (a, b, c) = (signal(n, 0.37), signal(n + 3, 1.1), signal(n, 2.3));
            let exact_dot: f64 = a.iter().zip(&b).map(|(&x, &y)| x as f64 * y as f64).sum();
            let exact_dist: f64 = a
                .iter()
                .zip(&b)
                .map(|(&x, &y)| (x as f64 - y as f64).powi(2))
                .sum();
            let exact_c: f64 = a.iter().zip(&c).map(|(&x, &y)| x as f64 * y as f64).sum();
            assert!((dot(&a, &b) as f64 - exact_dot).abs() < 1e-5, "dot n={n}");
            assert!(
                (squared_distance(&a, &b) as f64 - exact_dist).abs() < 1e-5,
                "dist n={n}"
            );
            let (d0, d1) = dot2(&a, &b, &c);
            assert!((d0 as f64 - exact_dot).abs() < 1e-5, "dot2.0 n={n}");
            assert!((d1 as f64 - exact_c).abs() < 1e-5, "dot2.1 n={n}");
        }
    }
}
