//! The gl-transitions the screen-highlights editing engine names, as gl-transitions defines them
//! (default parameters), on I420 planes: `uv` in [0, 1] with y up as in GLSL, `p` (progress) from 0
//! (only A) to 1 (only B). Texture reads clamp to the edge and take the nearest sample. Each
//! shader mixes RGB linearly, which is the same mix on Y, U and V.
//!
//! | name | what it does |
//! |---|---|
//! | directional | B pushes A out upwards (direction (0, 1)) |
//! | windowslice | ten vertical blinds open from left to right (smoothness 0.5) |
//! | bowtievertical | two triangles from the top and bottom edges grow into B |
//! | bowtiehorizontal | the same from the left and right edges |
//! | simplezoom | A zooms into its centre, then B fades in (quickness 0.8) |
//! | linearblur | both pictures box-blurred most at the middle while they fade (intensity 0.1, 6 passes) |
//! | swirl | the picture twists around the centre, most at the middle, while A fades into B |
//! | dreamy | wavy vertical shifts of A and B while they fade |
//! | mosaic | the picture zooms out into a grid of rotated tiles and back in on B |
//! | kaleidoscope | a mirrored kaleidoscope of both pictures, strongest at the middle |
//! | crosswarp | A stretches away to the right while B unfolds from the left |

use serde::{Deserialize, Serialize};

use crate::render::compose::picture::{Picture, Plane};

/// A gl-transition drawn by [`draw`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Gl {
    Directional,
    WindowSlice,
    BowTieVertical,
    BowTieHorizontal,
    SimpleZoom,
    LinearBlur,
    Swirl,
    Dreamy,
    Mosaic,
    Kaleidoscope,
    CrossWarp,
}

/// Catalogue name (lowercase; requests may write `bowTieVertical`) -> transition.
pub const TABLE: &[(&str, Gl)] = &[
    ("directional", Gl::Directional),
    ("windowslice", Gl::WindowSlice),
    ("bowtievertical", Gl::BowTieVertical),
    ("bowtiehorizontal", Gl::BowTieHorizontal),
    ("simplezoom", Gl::SimpleZoom),
    ("linearblur", Gl::LinearBlur),
    ("swirl", Gl::Swirl),
    ("dreamy", Gl::Dreamy),
    ("mosaic", Gl::Mosaic),
    ("kaleidoscope", Gl::Kaleidoscope),
    ("crosswarp", Gl::CrossWarp),
];

impl Gl {
    pub fn from_name(name: &str) -> Option<Self> {
        TABLE
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, k)| *k)
    }
}

/// One plane of each picture, read at GL coordinates.
struct Tex<'a> {
    a: Plane<'a>,
    b: Plane<'a>,
}

impl Tex<'_> {
    fn read(plane: Plane<'_>, u: f32, v: f32) -> f32 {
        let (w, h) = (plane.width, plane.height);
        let x = ((u * w as f32).floor().max(0.0) as usize).min(w - 1);
        let y = (((1.0 - v) * h as f32).floor().max(0.0) as usize).min(h - 1);
        f32::from(plane.row(y)[x])
    }
    fn from(&self, u: f32, v: f32) -> f32 {
        Self::read(self.a, u, v)
    }
    fn to(&self, u: f32, v: f32) -> f32 {
        Self::read(self.b, u, v)
    }
}

fn mix(x: f32, y: f32, a: f32) -> f32 {
    x * (1.0 - a) + y * a
}

fn smoothstep(e0: f32, e1: f32, x: f32) -> f32 {
    super::smoothstep(e0, e1, x)
}

fn fract(x: f32) -> f32 {
    x - x.floor()
}

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

/// gl-transitions' `rand`: `fract(sin(dot(v, (12.9898, 78.233))) * 43758.5453)` (in f32).
fn rand(x: f32, y: f32) -> f32 {
    fract((x * 12.9898 + y * 78.233).sin() * 43_758.547)
}

/// The value of transition `kind` at GL coordinates `(u, v)` and progress `p`.
pub fn value(kind: Gl, t: &TexRef<'_>, u: f32, v: f32, p: f32) -> f32 {
    let t = &t.0;
    match kind {
        Gl::Directional => {
            // direction (0, 1): p = uv + progress * sign(direction)
            let (x, y) = (u, v + p);
            let inside = (0.0..=1.0).contains(&x) && (0.0..=1.0).contains(&y);
            let (fx, fy) = (fract(x), fract(y));
            if inside {
                t.from(fx, fy)
            } else {
                t.to(fx, fy)
            }
        }
        Gl::WindowSlice => {
            let (count, smoothness) = (10.0, 0.5);
            let pr = smoothstep(-smoothness, 0.0, u - p * (1.0 + smoothness));
            let s = if fract(count * u) >= pr { 1.0 } else { 0.0 };
            mix(t.from(u, v), t.to(u, v), s)
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
                t.to(u, v)
            } else {
                t.from(u, v)
            }
        }
        Gl::SimpleZoom => {
            let quick: f32 = 0.8;
            let amount = smoothstep(0.0, quick, p);
            let z = |c: f32| 0.5 + (c - 0.5) * (1.0 - amount);
            mix(
                t.from(z(u), z(v)),
                t.to(u, v),
                smoothstep(quick - 0.2, 1.0, p),
            )
        }
        Gl::LinearBlur => {
            let (intensity, passes) = (0.1, 6);
            let disp = intensity * (0.5 - (0.5 - p).abs());
            let (mut c1, mut c2) = (0.0, 0.0);
            for xi in 0..passes {
                let dx = disp * (xi as f32 / passes as f32 - 0.5);
                for yi in 0..passes {
                    let dy = disp * (yi as f32 / passes as f32 - 0.5);
                    c1 += t.from(u + dx, v + dy);
                    c2 += t.to(u + dx, v + dy);
                }
            }
            let n = (passes * passes) as f32;
            mix(c1 / n, c2 / n, p)
        }
        Gl::Swirl => {
            let (mut x, mut y) = (u - 0.5, v - 0.5);
            let dist = x.hypot(y);
            if dist < 1.0 {
                let percent = 1.0 - dist;
                let a = if p <= 0.5 {
                    p / 0.5
                } else {
                    1.0 - (p - 0.5) / 0.5
                };
                let theta = percent * percent * a * 8.0 * std::f32::consts::PI;
                let (s, c) = theta.sin_cos();
                (x, y) = (x * c - y * s, x * s + y * c);
            }
            let (x, y) = (x + 0.5, y + 0.5);
            mix(t.from(x, y), t.to(x, y), p)
        }
        Gl::Dreamy => {
            let shift = |q: f32| 0.03 * q * (10.0 * (q + u)).cos();
            mix(t.from(u, v + shift(p)), t.to(u, v + shift(1.0 - p)), p)
        }
        Gl::Mosaic => {
            let (endx, endy) = (2.0_f32, -1.0_f32);
            let rpr = p * 2.0 - 1.0;
            let z = (-(rpr * rpr * 2.0) + 3.0).abs();
            let ci = -(p * std::f32::consts::PI).cos() / 2.0 + 0.5;
            let m = ci * ci;
            let rx = (u - 0.5) * z + mix(0.5, endx + 0.5, m);
            let ry = (v - 0.5) * z + mix(0.5, endy + 0.5, m);
            let (cx, cy) = (rx.floor(), ry.floor());
            let (mut mx, mut my) = (rx - cx, ry - cy);
            let on_end = cx == endx && cy == endy;
            if !on_end {
                let ang = ((rand(cx, cy) * 4.0) as i32) as f32 * 0.5 * std::f32::consts::PI;
                let (s, c) = ang.sin_cos();
                let (dx, dy) = (mx - 0.5, my - 0.5);
                // GLSL mat2(c, -s, s, c) * v, column-major.
                (mx, my) = (0.5 + c * dx + s * dy, 0.5 - s * dx + c * dy);
            }
            if on_end || rand(cx, cy) > 0.5 {
                t.to(mx, my)
            } else {
                t.from(mx, my)
            }
        }
        Gl::Kaleidoscope => {
            let (speed, angle, power) = (1.0_f32, 1.0_f32, 1.5_f32);
            let mut tt = p.powf(power) * speed;
            let (mut x, mut y) = (u - 0.5, v - 0.5);
            for _ in 0..7 {
                let (s, c) = tt.sin_cos();
                (x, y) = (s * x + c * y, s * y - c * x);
                tt += angle;
                x = (x.rem_euclid(2.0) - 1.0).abs();
                y = (y.rem_euclid(2.0) - 1.0).abs();
            }
            let plain = mix(t.from(u, v), t.to(u, v), p);
            let kal = mix(t.from(x, y), t.to(x, y), p);
            mix(plain, kal, 1.0 - 2.0 * (p - 0.5).abs())
        }
        Gl::CrossWarp => {
            let x = smoothstep(0.0, 1.0, p * 2.0 + u - 1.0);
            let a = t.from((u - 0.5) * (1.0 - x) + 0.5, (v - 0.5) * (1.0 - x) + 0.5);
            let b = t.to((u - 0.5) * x + 0.5, (v - 0.5) * x + 0.5);
            mix(a, b, x)
        }
    }
}

/// Read access to one plane of A and of B (for [`value`]).
pub struct TexRef<'a>(Tex<'a>);

impl<'a> TexRef<'a> {
    pub fn new(a: Plane<'a>, b: Plane<'a>) -> Self {
        Self(Tex { a, b })
    }
}

/// Draws `kind` between `a` and `b` (same size) at progress `p` (0 = A, 1 = B) into `out`.
pub fn draw(kind: Gl, a: &Picture, b: &Picture, p: f32, out: &mut Picture) {
    let p = if p.is_nan() { 0.0 } else { p.clamp(0.0, 1.0) };
    for (i, mut dst) in out.planes_mut().into_iter().enumerate() {
        let tex = TexRef::new(a.plane(i), b.plane(i));
        let (w, h) = (dst.width as f32, dst.height as f32);
        for y in 0..dst.height {
            let v = 1.0 - (y as f32 + 0.5) / h;
            let row = dst.row_mut(y);
            for (x, d) in row.iter_mut().enumerate() {
                let u = (x as f32 + 0.5) / w;
                *d = value(kind, &tex, u, v, p).round().clamp(0.0, 255.0) as u8;
            }
        }
    }
}
