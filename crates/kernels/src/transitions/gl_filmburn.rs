//! gl-transitions' FilmBurn (Anastasia Dunbar, seed 2.31): A and B cross-fade behind a 50-tap
//! blur of random radius (widest at the middle, the picture slightly zoomed), with an orange light
//! leak added on top: 13 moving sine stripes and 13 drifting round spots, clipped like a
//! framebuffer write. It runs in RGB (the leak is a colour added and clipped per channel).
//!
//! Per pixel the shader costs 50 texture reads, each at a radius drawn from a per-tap hash, plus the
//! leak's 26 sines and 13 distances. What does not depend on the pixel is computed once a frame
//! (the [`Frame`] constants); the cross-fade is taken out of the taps (the shader mixes A and B
//! with one weight for the whole frame, so each tap reads one pre-mixed RGB buffer); the stripes are
//! separable, `sin(x a + b) sin(y c + d)`, so their sines are tabled per column and per row; a spot
//! is looked at only on the rows it reaches.
//!
//! The tap hash `fract(sin(i 12.9898 + s 78.233) 43758.5453)`, `s = x + y` of the zoomed point,
//! has an argument up to ~800, where one f32 rounding of `s` already changes the hash completely:
//! it is evaluated in f64, from f64 pixel coordinates, so it is the formula's value rather than an
//! accident of rounding. `sin(i a + s b)` is expanded as `sin(i a) cos(s b) + cos(i a) sin(s b)`:
//! one `sin_cos` per pixel instead of one `sin` per tap.

use std::f64::consts::PI;

use crate::picture::{rgb_to_yuv_f32, yuv_to_rgb_f32, Picture, Plane};

const SEED: f64 = 2.31;
const LEAKS: usize = 13;
const TAPS: usize = 50;

fn fract(x: f64) -> f64 {
    x - x.floor()
}

fn mix(a: f64, b: f64, t: f64) -> f64 {
    a * (1.0 - t) + b * t
}

/// The shader's `sigmoid(x, a)`: an S-curve from 0 to 1 on [0, 1], steepness `a`.
fn sigmoid(x: f64, a: f64) -> f64 {
    if x > 0.5 {
        1.0 - (2.0 - 2.0 * x).powf(a) / 2.0
    } else {
        (2.0 * x).powf(a) / 2.0
    }
}

fn smooth_mix(a: f64, b: f64, t: f64) -> f64 {
    mix(a, b, sigmoid(t, 2.0))
}

/// The shader's one-argument `rand`.
fn rand1(co: f64) -> f64 {
    fract((co * 24.9898 + SEED).sin() * 43_758.545_3)
}

/// The shader's `random(co, shft)` (which adds 10 to `co` first): the hash of `co` blended between
/// two seeds `floor(shft)` and `floor(shft) + 1`.
fn random(cx: f64, cy: f64, shft: f64) -> f64 {
    let (cx, cy) = (cx + 10.0, cy + 10.0);
    let at = |k: f64| fract((cx * (12.9898 + k * 0.5) + cy * (78.233 + SEED)).sin() * 43_758.545_3);
    smooth_mix(at(shft.floor()), at((shft + 1.0).floor()), fract(shft))
}

/// The shader's `smooth_random(vec2(t), shft)`: value noise at `(t, t)`, the lattice hash being
/// [`random`].
fn smooth_random(t: f64, shft: f64) -> f64 {
    let (i, f) = (t.floor(), fract(t));
    let lo = smooth_mix(random(i, i, shft), random(i + 1.0, i, shft), f);
    let hi = smooth_mix(random(i, i + 1.0, shft), random(i + 1.0, i + 1.0, shft), f);
    smooth_mix(lo, hi, f)
}

/// `x - floor(x)` without a `floor` call (a library call on baseline x86-64), for the tap hash:
/// adding and removing 1.5 * 2^52 rounds to the nearest integer, exactly, for |x| < 2^51.
fn fract_fast(x: f64) -> f64 {
    const ROUND: f64 = 6_755_399_441_055_744.0;
    let r = x - ((x + ROUND) - ROUND);
    if r < 0.0 {
        r + 1.0
    } else {
        r
    }
}

/// One light-leak term: the stripe `sin(x ax + bx) sin(y ay + by)` and the spot around `centre`,
/// `1 - clamp(|p - centre| k, 0, 1)`.
#[derive(Clone, Copy, Default)]
struct Leak {
    ax: f64,
    bx: f64,
    ay: f64,
    by: f64,
    centre: (f32, f32),
    k: f32,
}

/// Everything in the shader that depends on the progress only.
struct Frame {
    leaks: [Leak; LEAKS],
    /// `sin(pi p)`: the strength of the leak and of the blur.
    strength: f32,
    /// The exponent of the leak's green.
    green_power: f32,
    /// The zoom about the centre applied to the blurred point.
    zoom: f64,
    /// `bluramount`: the tap radius is `(hash + blur) blur`.
    blur: f64,
    /// `sin(i 12.9898)`, `cos(i 12.9898)` of each tap, for the expanded hash.
    tap_sin: [f64; TAPS],
    tap_cos: [f64; TAPS],
    /// Each tap's direction `(cos, sin)` of `degrees(i / 50 * 360)` (radians read as degrees, as
    /// the shader writes it), times `blur` and the picture's width and height in pixels.
    tap_dx: [f32; TAPS],
    tap_dy: [f32; TAPS],
}

impl Frame {
    fn new(p: f64, width: usize, height: usize) -> Self {
        let strength = (p * PI).sin();
        let blur = strength * 0.03;
        let leaks = std::array::from_fn(|i| {
            let i = i as f64;
            Leak {
                ax: rand1(i) * 6.0,
                bx: p * 8.0 + rand1(i + 1.43),
                ay: rand1(i + 4.4) * 6.0,
                by: p * 6.0 + rand1(i + 2.4),
                centre: (
                    smooth_random(p * 1.3, i + 1.0) as f32,
                    smooth_random(p * 0.5, i + 6.25) as f32,
                ),
                k: mix(20.0, 70.0, rand1(i)) as f32,
            }
        });
        let direction = |i: usize| (i as f64 / TAPS as f64 * 360.0).to_degrees().sin_cos();
        let scale = |d: f64, size: usize| (d * blur * size as f64) as f32;
        Self {
            leaks,
            strength: strength as f32,
            green_power: (2.0 - strength) as f32,
            zoom: 1.0 + smooth_random(p * 5.0, 6.3) * strength * 0.05,
            blur,
            tap_sin: std::array::from_fn(|i| (i as f64 * 12.9898).sin()),
            tap_cos: std::array::from_fn(|i| (i as f64 * 12.9898).cos()),
            tap_dx: std::array::from_fn(|i| scale(direction(i).1, width)),
            tap_dy: std::array::from_fn(|i| scale(direction(i).0, height)),
        }
    }
}

/// 1.0 in the pre-mixed buffer's fixed point.
const MIXED_ONE: f32 = 65_535.0;

/// A and B as clamped RGB in [0, 1] at luma resolution (nearest chroma sample, as
/// [`super::gl::RgbTex`] reads them), mixed with the shader's weight `sigmoid(p, 10)`, in 16-bit
/// fixed point ([`MIXED_ONE`]), packed R, G, B, 0 from the low bits of a u64: 8 bytes a pixel
/// against 12 for f32, so the taps read less memory, one load each, summed two lanes at a time.
fn premix(a: &Picture, b: &Picture, t: f32) -> Vec<u64> {
    let rgb = |planes: &[Plane<'_>; 3], x: usize, y: usize, cx: usize, cy: usize| {
        let yuv = [
            planes[0].data[y * planes[0].width + x],
            planes[1].data[cy * planes[1].width + cx],
            planes[2].data[cy * planes[2].width + cx],
        ];
        yuv_to_rgb_f32(yuv.map(f32::from)).map(|c| (c / 255.0).clamp(0.0, 1.0))
    };
    let pa = [a.plane(0), a.plane(1), a.plane(2)];
    let pb = [b.plane(0), b.plane(1), b.plane(2)];
    let (w, h) = (a.width(), a.height());
    let (cw, ch) = (pa[1].width, pa[1].height);
    // The chroma sample a luma pixel's texel reads (`floor(u cw)` at the luma texel centre).
    let cxs: Vec<usize> = (0..w)
        .map(|x| (((x as f32 + 0.5) / w as f32 * cw as f32) as usize).min(cw - 1))
        .collect();
    let mut out = Vec::with_capacity(w * h);
    for y in 0..h {
        let cy = (((y as f32 + 0.5) / h as f32 * ch as f32) as usize).min(ch - 1);
        for (x, &cx) in cxs.iter().enumerate() {
            let (ca, cb) = (rgb(&pa, x, y, cx, cy), rgb(&pb, x, y, cx, cy));
            let c: [f32; 3] = std::array::from_fn(|i| ca[i] * (1.0 - t) + cb[i] * t);
            let [r, g, b] = c.map(|c| u64::from((c * MIXED_ONE + 0.5) as u16));
            out.push(r | g << 16 | b << 32);
        }
    }
    out
}

/// The mixed picture and the frame constants, evaluated at any GL point.
struct Shader {
    frame: Frame,
    mixed: Vec<u64>,
    width: usize,
    height: usize,
}

impl Shader {
    /// Evaluates every sample of a `pw x ph` grid (the luma or the chroma sample centres), calling
    /// `put(x, y, rgb)` with the unclamped shader colour.
    fn run(&self, pw: usize, ph: usize, mut put: impl FnMut(usize, usize, [f32; 3])) {
        let fr = &self.frame;
        let (w, h) = (self.width as f32, self.height as f32);
        let us: Vec<f64> = (0..pw).map(|x| (x as f64 + 0.5) / pw as f64).collect();
        // Per column: the stripes' x sines, and the zoomed point's x in pixels.
        let stripes_x: Vec<[f32; LEAKS]> = us
            .iter()
            .map(|&u| std::array::from_fn(|i| (u * fr.leaks[i].ax + fr.leaks[i].bx).sin() as f32))
            .collect();
        let zoomed = |c: f64| (c - 0.5) * fr.zoom + 0.5;
        let mut spots = [(0.0f32, 0.0f32, 0.0f32); LEAKS];
        for y in 0..ph {
            let v = 1.0 - (y as f64 + 0.5) / ph as f64;
            let stripes_y: [f32; LEAKS] =
                std::array::from_fn(|i| (v * fr.leaks[i].ay + fr.leaks[i].by).sin() as f32);
            // The spots reaching this row (|dy| k < 1), with their dy^2.
            let mut n_spots = 0;
            for leak in &fr.leaks {
                let dy = v as f32 - leak.centre.1;
                if (dy * leak.k).abs() < 1.0 {
                    spots[n_spots] = (leak.centre.0, dy * dy, leak.k);
                    n_spots += 1;
                }
            }
            let spots = &spots[..n_spots];
            let zy = zoomed(v);
            // Texel row of the zoomed point, before the tap offsets (GL y is up).
            let row0 = (1.0 - zy) as f32 * h;
            // The hash angle `(zx + zy) 78.233` grows by the same step from pixel to pixel: its
            // sine and cosine by rotation (drift ~1e-13 over a row, 5e-9 after the hash's
            // 43758 factor), one `sin_cos` a row.
            let (step_sin, step_cos) = (78.233 * fr.zoom / pw as f64).sin_cos();
            let (mut sin_b, mut cos_b) = ((zoomed(us[0]) + zy) * 78.233).sin_cos();
            for (x, (&u, sx)) in us.iter().zip(&stripes_x).enumerate() {
                let mut f: f32 = sx.iter().zip(&stripes_y).map(|(a, b)| a * b).sum();
                for &(cx, dy2, k) in spots {
                    let dx = u as f32 - cx;
                    f += 1.0 - ((dx * dx + dy2).sqrt() * k).min(1.0);
                }
                // The 13 spots' `1 -` terms of the rows they miss are 1 - 1 = 0: nothing to add.
                let f = (f + 4.0) / 11.0;
                let leak = [
                    f.abs(),
                    (f * 0.7).abs().powf(fr.green_power),
                    (f * 0.6).abs().powf(1.3),
                ]
                .map(|c| c * fr.strength);
                let blurred = self.blurred(zoomed(u), (sin_b, cos_b), row0, w);
                put(x, y, std::array::from_fn(|i| blurred[i] + leak[i]));
                (sin_b, cos_b) = (
                    sin_b * step_cos + cos_b * step_sin,
                    cos_b * step_cos - sin_b * step_sin,
                );
            }
        }
    }

    /// The mean of the 50 taps around the zoomed point (x `zx`, texel row `row0`), the sine and
    /// cosine of whose hash angle `(zx + zy) 78.233` are `sin_cos_b`.
    fn blurred(&self, zx: f64, (sin_b, cos_b): (f64, f64), row0: f32, w: f32) -> [f32; 3] {
        let fr = &self.frame;
        // In three passes over the taps, so the first two (arithmetic only) run in SIMD lanes.
        let mut radius = [0.0f32; TAPS];
        for (r, (&sa, &ca)) in radius.iter_mut().zip(fr.tap_sin.iter().zip(&fr.tap_cos)) {
            *r = (fract_fast((sa * cos_b + ca * sin_b) * 43_758.545_3) + fr.blur) as f32;
        }
        let col0 = zx as f32 * w;
        let (wm, hm) = ((self.width - 1) as f32, (self.height - 1) as f32);
        let mut index = [0u32; TAPS];
        for i in 0..TAPS {
            // Clamped, then truncated (= floored, being non-negative): the nearest texel, clamped
            // to the edge.
            // to the edge. (`as i32`: a packed conversion in SIMD, where `as u32` is not).
            let x = (col0 + fr.tap_dx[i] * radius[i]).clamp(0.0, wm) as i32;
            let y = (row0 - fr.tap_dy[i] * radius[i]).clamp(0.0, hm) as i32;
            index[i] = (y * self.width as i32 + x) as u32;
        }
        // Two 32-bit lanes in each u64: R and B in `even`, G (and the zero padding) in `odd`.
        // 50 taps of at most 65535 stay far below 2^32.
        const LANES: u64 = 0x0000_ffff_0000_ffff;
        let (mut even, mut odd) = (0u64, 0u64);
        for &i in &index {
            let c = self.mixed[i as usize];
            even += c & LANES;
            odd += (c >> 16) & LANES;
        }
        let scale = 1.0 / (TAPS as f32 * MIXED_ONE);
        [even as u32, odd as u32, (even >> 32) as u32].map(|s| s as f32 * scale)
    }
}

/// Draws FilmBurn between `a` and `b` (same size) at progress `p` (0 = A, 1 = B) into `out`.
pub(super) fn draw(a: &Picture, b: &Picture, p: f32, out: &mut Picture) {
    let p = f64::from(p);
    let (width, height) = (a.width(), a.height());
    let shader = Shader {
        frame: Frame::new(p, width, height),
        mixed: premix(a, b, sigmoid(p, 10.0) as f32),
        width,
        height,
    };
    let to_yuv = |rgb: [f32; 3]| {
        rgb_to_yuv_f32(rgb.map(|c| c.clamp(0.0, 1.0) * 255.0))
            // Non-negative: adding 0.5 and truncating rounds (without a `round` call).
            .map(|c| (c.clamp(0.0, 255.0) + 0.5) as u8)
    };
    let [py, pu, pv] = out.planes_mut();
    let (w, h) = (py.width, py.height);
    shader.run(w, h, |x, y, rgb| py.data[y * w + x] = to_yuv(rgb)[0]);
    let (cw, ch) = (pu.width, pu.height);
    shader.run(cw, ch, |x, y, rgb| {
        let c = to_yuv(rgb);
        (pu.data[y * cw + x], pv.data[y * cw + x]) = (c[1], c[2]);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_fract_is_fract() {
        for x in [
            -43_758.5, -3.25, -1.0, -0.0, 0.0, 0.5, 1.0, 2.75, 12_345.678, 43_758.4,
        ] {
            assert_eq!(fract_fast(x), fract(x), "{x}");
        }
    }

    #[test]
    fn sigmoid_runs_from_0_to_1() {
        assert_eq!(sigmoid(0.0, 10.0), 0.0);
        assert_eq!(sigmoid(0.5, 10.0), 0.5);
        assert_eq!(sigmoid(1.0, 10.0), 1.0);
        assert!(sigmoid(0.3, 10.0) < 0.01 && sigmoid(0.7, 10.0) > 0.99);
    }
}
