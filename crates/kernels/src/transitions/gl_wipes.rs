//! The gl-transitions that pick or mix A and B in place, by a mask that moves (see [`super::gl`]).

use std::f32::consts::PI;

use super::gl::{fract, mix, modulo, rand, smoothstep, step, Gl, TexRef};

/// Signed area test of gl-transitions' bow tie: is `pt` inside triangle `t`?
fn in_triangle(pt: (f32, f32), t: [(f32, f32); 3]) -> bool {
    let check = |p1: (f32, f32), p2: (f32, f32), p3: (f32, f32)| {
        (p1.0 - p3.0) * (p2.1 - p3.1) - (p2.0 - p3.0) * (p1.1 - p3.1)
    };
    let b1 = check(pt, t[0], t[1]) < 0.0;
    let b2 = check(pt, t[1], t[2]) < 0.0;
    let b3 = check(pt, t[2], t[0]) < 0.0;
    b1 == b2 && b2 == b3
}

/// `v / (|v.x| + |v.y|)` for the direction of the directional wipes.
fn l1(x: f32, y: f32) -> (f32, f32) {
    let n = x.abs() + y.abs();
    (x / n, y / n)
}

/// Where StarWipe's `inStar` puts `(u, v)`: its position in the star's arm sector.
fn star_sector(u: f32, v: f32) -> (f32, f32) {
    const STAR_ANGLE: f32 = 2.0 * PI / 5.0;
    let rot = |(x, y): (f32, f32), th: f32| {
        let (s, c) = th.sin_cos();
        (c * x - s * y, s * x + c * y)
    };
    let c = rot((u - 0.5, v - 0.5), 0.75 * STAR_ANGLE);
    let theta = c.1.atan2(c.0) + PI;
    rot(c, -STAR_ANGLE * ((theta / STAR_ANGLE).floor() + 0.5))
}

fn in_star((x, y): (f32, f32), radius: f32) -> bool {
    let slope = 0.3;
    if y > 0.0 {
        radius + x * slope > y
    } else {
        -radius - x * slope < y
    }
}

/// BowTieWithParameter's first half (adjust 0.5): B in two triangles pointing to the middle from
/// the bottom and top edges.
fn bow_tie_first(u: f32, v: f32, p: f32) -> bool {
    let (adjust, height) = (0.5, 0.5);
    if v < 0.5 {
        in_triangle((u, v), [(0.0, p - height), (1.0, p - height), (adjust, p)])
    } else {
        let top = 1.0 - p + height;
        in_triangle((u, v), [(0.0, top), (1.0, top), (adjust, 1.0 - p)])
    }
}

/// Its second half: A left in two triangles pointing to the middle from the left and right.
fn bow_tie_second(u: f32, v: f32, p: f32) -> bool {
    let (adjust, height) = (0.5, 0.5);
    if u > adjust {
        let x = p + height;
        let tip = (mix(adjust, 1.0, 2.0 * (p - 0.5)), 0.5);
        in_triangle((u, v), [(x, 1.0), (x, 0.0), tip])
    } else {
        let x = 1.0 - p - height;
        let tip = (mix(adjust, 0.0, 2.0 * (p - 0.5)), 0.5);
        in_triangle((u, v), [(x, 1.0), (x, 0.0), tip])
    }
}

/// The modulus of perlin's and TVStatic's `random` (the shaders write 3.14, not pi).
#[allow(clippy::approx_constant)]
const MOD_314: f32 = 3.14;

/// perlin's `random` (seed 12.9898): the dot product is reduced `mod 3.14` before the sine.
fn perlin_random(x: f32, y: f32) -> f32 {
    fract(modulo(x * 12.9898 + y * 78.233, MOD_314).sin() * 43_758.547)
}

/// perlin's value noise (Morgan McGuire's 2D noise) at `(x, y)`.
fn perlin_noise(x: f32, y: f32) -> f32 {
    let (ix, iy) = (x.floor(), y.floor());
    let (fx, fy) = (x - ix, y - iy);
    let a = perlin_random(ix, iy);
    let b = perlin_random(ix + 1.0, iy);
    let c = perlin_random(ix, iy + 1.0);
    let d = perlin_random(ix + 1.0, iy + 1.0);
    let (sx, sy) = (fx * fx * (3.0 - 2.0 * fx), fy * fy * (3.0 - 2.0 * fy));
    mix(a, b, sx) + (c - a) * sy * (1.0 - sx) + (d - b) * sx * sy
}

/// undulatingBurnOut's `quadraticInOut`.
fn quadratic_in_out(t: f32) -> f32 {
    let p = 2.0 * t * t;
    if t < 0.5 {
        p
    } else {
        -p + 4.0 * t - 1.0
    }
}

pub(super) fn value(kind: Gl, t: &TexRef<'_>, u: f32, v: f32, p: f32) -> f32 {
    let (a, b) = (t.from(u, v), t.to(u, v));
    // The share of B, for the shaders that only mix A and B at `uv`.
    let m = match kind {
        Gl::WindowSlice => {
            let (count, smoothness) = (10.0, 0.5);
            let pr = smoothstep(-smoothness, 0.0, u - p * (1.0 + smoothness));
            step(pr, fract(count * u))
        }
        Gl::WindowBlinds => {
            let mut s = p;
            if modulo((v * 100.0 * p).floor(), 2.0) == 0.0 {
                s *= 1.5;
            }
            mix(s, p, smoothstep(0.8, 1.0, p))
        }
        Gl::DirectionalWipe => {
            let smoothness = 0.5;
            let (dx, dy) = l1(1.0, -1.0);
            let d = dx * 0.5 + dy * 0.5;
            let started = if p > 0.0 { 1.0 } else { 0.0 };
            let edge = dx * u + dy * v - (d - 0.5 + p * (1.0 + smoothness));
            started * (1.0 - smoothstep(-smoothness, 0.0, edge))
        }
        Gl::BowTieVertical | Gl::BowTieHorizontal => {
            // Vertical: triangles with their bases on the bottom and top edges; horizontal: on
            // the left and right edges (coordinates swapped).
            let pt = if kind == Gl::BowTieVertical {
                (u, v)
            } else {
                (v, u)
            };
            let first = [(0.5, p), (0.5 - p, 0.0), (0.5 + p, 0.0)];
            let second = [(0.5, 1.0 - p), (0.5 - p, 1.0), (0.5 + p, 1.0)];
            let inside = in_triangle(pt, first) || in_triangle(pt, second);
            if (p >= 0.1 && inside) || p >= 1.0 {
                1.0
            } else {
                0.0
            }
        }
        Gl::Angular => {
            let angle = (v - 0.5).atan2(u - 0.5) + PI / 2.0;
            step(fract((angle + PI) / (2.0 * PI)), p)
        }
        Gl::Pinwheel => {
            // The shader's blade width is 3.1415 / 4, not quite pi / 4.
            #[allow(clippy::approx_constant)]
            let blade = 3.1415 / 4.0;
            let pos = modulo((v - 0.5).atan2(u - 0.5) + p * 2.0, blade);
            // mix(B, A, step(sign(p - pos), 0.5)): B where p > pos.
            if p > pos {
                1.0
            } else {
                0.0
            }
        }
        Gl::Circle => {
            let radius = 8.0_f32.sqrt() * (p - 0.5).abs();
            if (u - 0.5).hypot(v - 0.5) > radius {
                return t.grey(0.1);
            }
            step(0.5, p)
        }
        Gl::Heart => {
            if p == 0.0 {
                0.0
            } else {
                let (ox, oy) = ((u - 0.5) / (1.6 * p), (v - 0.4) / (1.6 * p));
                let q = ox * ox + oy * oy - 0.3;
                step(q * q * q, ox * ox * oy * oy * oy)
            }
        }
        Gl::StarWipe => {
            let border = 0.01;
            let r = (2.0 * border + 1.0) * p - border;
            let at = star_sector(u, v);
            if in_star(at, r) {
                1.0
            } else if in_star(at, r + border) {
                return t.grey(1.0);
            } else {
                0.0
            }
        }
        Gl::Rectangle => {
            let s = (2.0 * (p - 0.5).abs()).powi(3);
            let e = (1.0 - 2.0 * p).abs();
            let bl = step(e, u + 0.25) * step(e, v + 0.25);
            let tr = step(e, 1.25 - u) * step(e, 1.25 - v);
            let pic = if p < 0.5 { a } else { b };
            return mix(pic, t.grey(0.0), step(s, bl * tr));
        }
        Gl::PolkaDotsCurtain => {
            let dots = 20.0;
            let d = (fract(u * dots) - 0.5).hypot(fract(v * dots) - 0.5);
            if d < p / u.hypot(v) {
                1.0
            } else {
                0.0
            }
        }
        Gl::RandomSquares => {
            let r = rand((10.0 * u).floor(), (10.0 * v).floor());
            smoothstep(0.0, -0.5, r - p * 1.5)
        }
        Gl::SquaresWire => {
            let smoothness = 1.6;
            let (dx, dy) = l1(1.0, -0.5);
            let d = dx * 0.5 + dy * 0.5;
            let pr = smoothstep(
                -smoothness,
                0.0,
                dx * u + dy * v - (d - 0.5 + p * (1.0 + smoothness)),
            );
            let (sx, sy) = (fract(u * 10.0), fract(v * 10.0));
            let (lo, hi) = (pr / 2.0, 1.0 - pr / 2.0);
            let inside = sx >= lo && sy >= lo && sx <= hi && sy <= hi;
            if p > 0.0 && inside {
                1.0
            } else {
                0.0
            }
        }
        Gl::CrossHatch => {
            let (threshold, fade) = (3.0, 0.1);
            let dist = (u - 0.5).hypot(v - 0.5) / threshold;
            let r = p - rand(v, 0.0).min(rand(0.0, u));
            let hatch = mix(step(dist, r), 1.0, smoothstep(1.0 - fade, 1.0, p));
            mix(0.0, hatch, smoothstep(0.0, fade, p))
        }
        Gl::Wind => {
            let size = 0.2;
            let r = rand(0.0, v);
            smoothstep(0.0, -size, u * (1.0 - size) + size * r - p * (1.0 + size))
        }
        Gl::ZoomLeftWipe | Gl::ZoomRightWipe => {
            if p < 0.5 {
                let amount = smoothstep(0.0, 0.5, p);
                let k = if amount < 0.5 { 1.0 - amount } else { amount };
                return t.from(0.5 + (u - 0.5) * k, 0.5 + (v - 0.5) * k);
            }
            let edge = if kind == Gl::ZoomLeftWipe { 1.0 - u } else { u };
            step(edge, (p - 0.5) * 2.0)
        }
        Gl::XAxisTranslation => {
            if u >= p {
                return t.from(u - p, v);
            }
            p
        }
        Gl::FadeGrayscale => {
            let intensity = 0.3;
            let fa = mix(t.grayscale(a), a, smoothstep(1.0 - intensity, 0.0, p));
            let fb = mix(t.grayscale(b), b, smoothstep(intensity, 1.0, p));
            return mix(fa, fb, p);
        }
        Gl::BowTieWithParameter => {
            let b_here = if p < 0.5 {
                bow_tie_first(u, v, p)
            } else {
                !bow_tie_second(u, v, p)
            };
            if b_here {
                1.0
            } else {
                0.0
            }
        }
        Gl::PolarFunction => {
            let segments = 5.0;
            let angle = (v - 0.5).atan2(u - 0.5) - 0.5 * PI;
            let radius = ((segments * angle).cos() + 4.0) / 4.0;
            if (u - 0.5).hypot(v - 0.5) > radius * p {
                0.0
            } else {
                1.0
            }
        }
        Gl::RandomNoiseX => (rand(u, v) + p).floor(),
        Gl::Perlin => {
            let (scale, smoothness) = (4.0, 0.01);
            let n = perlin_noise(u * scale, v * scale);
            let q = mix(-smoothness, 1.0 + smoothness, p);
            1.0 - smoothstep(q - smoothness, q + smoothness, n)
        }
        Gl::TvStatic => {
            let offset = 0.05;
            if p < offset {
                0.0
            } else if p > 1.0 - offset {
                1.0
            } else {
                let dt = u * p * 12.9898 + v * p * 78.233;
                return t.grey(fract(modulo(dt, MOD_314).sin() * 43_758.547));
            }
        }
        Gl::StaticWipe => {
            let max_span = 0.5;
            // sqrt(sin(pi p)); sin(pi) comes out slightly below 0 in f32.
            let span = max_span * (PI * p).sin().max(0.0).sqrt();
            let edge = 1.0 - v; // from the top down
            let wiped = mix(a, b, 1.0 - step(p, edge));
            let envelope = smoothstep(p - span, p, edge) * (1.0 - smoothstep(p, p + span, edge));
            if envelope == 0.0 {
                return wiped;
            }
            let k = 1.0 + p;
            let noise = fract((u * k * 10.0 + v * k * 70.0).sin() * 12_345.545);
            return mix(wiped, t.grey(noise), envelope);
        }
        Gl::CannabisLeaf => {
            if p == 0.0 {
                0.0
            } else {
                let k = 10.0 * p.powf(3.5);
                let (x, y) = ((u - 0.5) / k, (v - 0.5) / k + 0.35);
                let (r, o) = (0.18, y.atan2(x));
                let leaf = r
                    * (1.0 + o.sin())
                    * (1.0 + 0.9 * (8.0 * o).cos())
                    * (1.0 + 0.1 * (24.0 * o).cos())
                    * (0.9 + 0.05 * (200.0 * o).cos());
                1.0 - step(1.0 - x.hypot(y) + leaf, 1.0)
            }
        }
        Gl::UndulatingBurnOut => {
            // smoothness 0.03, centre (0.5, 0.5), colour black.
            let smoothness = 0.03;
            let dist = (u - 0.5).hypot(v - 0.5);
            let degs = ((v - 0.5).atan2(u - 0.5).to_degrees() + 180.0) * (PI * 30.0 / 360.0);
            let eased = smoothstep(0.0, 1.0, p);
            let magnitude = mix(0.02, 0.09, eased);
            let offset = mix(40.0, 30.0, eased);
            let wave = p + quadratic_in_out(degs.sin()) * magnitude * (p * offset).sin();
            let d = wave - dist;
            let m = mix(
                smoothstep(-smoothness, 0.0, wave - dist * (1.0 + smoothness)),
                -1.0 - step(0.005, d),
                step(-0.005, d) * step(d, 0.01),
            );
            // m is -1 or -2 on the burning rim: mix extrapolates there, as in GLSL.
            return mix(mix(a, b, m), mix(a, t.grey(0.0), 0.75), step(m, -2.0));
        }
        _ => unreachable!("{kind:?} is not a wipe"),
    };
    mix(a, b, m)
}
