//! The gl-transitions that treat R, G and B differently or clip them, on RGB in [0, 1] (see
//! [`super::gl`]; [`super::gl::draw`] clamps the result and converts it back).

use std::f32::consts::PI;

use super::gl::{mix, smoothstep, Gl, RgbTex};

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
        _ => unreachable!("{kind:?} is not an RGB transition"),
    }
}
