//! The gl-transitions that treat R, G and B differently or clip them, on RGB in [0, 1] (see
//! [`super::gl`]; [`super::gl::draw`] clamps the result and converts it back).

use std::f32::consts::PI;

use super::gl::{mix, smoothstep, Gl, RgbTex};

/// EdgeTransition's `detectEdgeColor` of one picture at `(u, v)` (thickness 0.001, brightness 8):
/// the pixel scaled by its Sobel-like edge strength.
fn edge_colour(read: impl Fn(f32, f32) -> [f32; 3], u: f32, v: f32) -> [f32; 3] {
    let (thickness, brightness) = (0.001, 8.0);
    // c[3 i + j] at (i - 1, j - 1) steps.
    let c: [[f32; 3]; 9] = std::array::from_fn(|k| {
        let (i, j) = ((k / 3) as f32 - 1.0, (k % 3) as f32 - 1.0);
        read(u + thickness * i, v + thickness * j)
    });
    let len2: f32 = (0..3)
        .map(|ch| {
            let d = |m: usize, n: usize| (c[m][ch] - c[n][ch]).abs();
            let dx = 2.0 * d(7, 1) + d(2, 6) + d(8, 0);
            let dy = 2.0 * d(3, 5) + d(6, 8) + d(0, 2);
            let e = 0.25 * (dx + dy) * 0.5;
            e * e
        })
        .sum();
    let k = (brightness * len2.sqrt()).clamp(0.0, 1.0);
    c[4].map(|x| k * x)
}

pub(super) fn value(kind: Gl, t: &RgbTex<'_>, u: f32, v: f32, p: f32) -> [f32; 3] {
    let each = |a: [f32; 3], b: [f32; 3], f: &dyn Fn(usize, f32, f32) -> f32| {
        [0, 1, 2].map(|i| f(i, a[i], b[i]))
    };
    match kind {
        Gl::Squeeze => {
            let separation = 0.04;
            let y = 0.5 + (v - 0.5) / (1.0 - p);
            if !(0.0..=1.0).contains(&y) {
                return t.to(u, v);
            }
            let off = p * separation;
            [
                t.from(u, y - off)[0],
                t.from(u, y)[1],
                t.from(u, y + off)[2],
            ]
        }
        Gl::ColorPhase => {
            let (lo, hi) = ([0.0, 0.2, 0.4], [0.6, 0.8, 1.0]);
            each(t.from(u, v), t.to(u, v), &|i, a, b| {
                mix(a, b, smoothstep(lo[i], hi[i], p))
            })
        }
        Gl::Burn => {
            let colour = [0.9, 0.4, 0.2];
            each(t.from(u, v), t.to(u, v), &|i, a, b| {
                mix(a + p * colour[i], b + (1.0 - p) * colour[i], p)
            })
        }
        Gl::MultiplyBlend => each(t.from(u, v), t.to(u, v), &|_, a, b| {
            if p < 0.5 {
                mix(a, a * b, 2.0 * p)
            } else {
                mix(a * b, b, 2.0 * p - 1.0)
            }
        }),
        Gl::Overexposure => {
            let strength = 0.6;
            let glow = (PI * p).sin() * strength;
            let (fm, tm) = (1.0 - p + glow, p + glow);
            each(t.from(u, v), t.to(u, v), &|_, a, b| a * fm + b * tm)
        }
        Gl::FlyEye => {
            let (size, zoom, separation) = (0.04, 50.0, 0.3);
            let inv = 1.0 - p;
            let (dx, dy) = (size * (zoom * u).cos(), size * (zoom * v).sin());
            let to = t.to(u + inv * dx, v + inv * dy);
            let at = |k: f32| t.from(u + p * dx * k, v + p * dy * k);
            let from = [at(1.0 - separation)[0], at(1.0)[1], at(1.0 + separation)[2]];
            each(to, from, &|_, b, a| b * p + a * inv)
        }
        Gl::ColourDistance => {
            let power = 5.0;
            let (a, b) = (t.from(u, v), t.to(u, v));
            let dist =
                ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt();
            let m = if p >= dist { 1.0 } else { 0.0 };
            let fade = p.powf(power);
            each(a, b, &|_, a, b| mix(mix(a, b, m), b, fade))
        }
        Gl::DreamyZoom => {
            // DEG2RAD as the shader defines it (0.0392699, which is pi / 80).
            let (rotation, scale, deg2rad) = (6.0, 1.2, 0.039_269_91);
            let first = p < 0.5;
            let phase = if first { p * 2.0 } else { (p - 0.5) * 2.0 };
            let (angle, zoom) = if first {
                (mix(0.0, rotation * deg2rad, phase), mix(1.0, scale, phase))
            } else {
                (mix(-rotation * deg2rad, 0.0, phase), mix(scale, 1.0, phase))
            };
            // atan, add the angle, cos/sin back: a rotation of the aspect-corrected offset.
            let r = t.ratio;
            let (px, py) = ((u - 0.5) / zoom * r, (v - 0.5) / zoom);
            let (s, c) = angle.sin_cos();
            let (x, y) = ((px * c - py * s) / r + 0.5, px * s + py * c + 0.5);
            let pic = if first { t.from(x, y) } else { t.to(x, y) };
            let glow = if first { phase } else { 1.0 - phase };
            pic.map(|ch| ch + glow)
        }
        Gl::EdgeTransition => {
            let (a, b) = (t.from(u, v), t.to(u, v));
            let (ka, kb) = ((2.0 * p).clamp(0.0, 1.0), (2.0 * (p - 0.5)).clamp(0.0, 1.0));
            let ea = if ka > 0.0 {
                edge_colour(|x, y| t.from(x, y), u, v)
            } else {
                a
            };
            let eb = if kb < 1.0 {
                edge_colour(|x, y| t.to(x, y), u, v)
            } else {
                b
            };
            [0, 1, 2].map(|i| mix(mix(a[i], ea[i], ka), mix(eb[i], b[i], kb), p))
        }
        Gl::CoordFromIn => {
            let (a, b) = (t.from(u, v), t.to(u, v));
            let from = t.from(mix(u, b[0], p), mix(v, b[1], p));
            let to = t.to(mix(a[0], u, p), mix(a[1], v, p));
            each(from, to, &|_, x, y| mix(x, y, p))
        }
        _ => unreachable!("{kind:?} is not an RGB transition"),
    }
}
