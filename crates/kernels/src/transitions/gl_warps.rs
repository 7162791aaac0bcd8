//! The gl-transitions that move, zoom or distort the pictures (see [`super::gl`]).

// Some shaders write their own truncations of pi (3.141592, 3.14159); they are kept as written.
#![allow(clippy::approx_constant)]

use std::f32::consts::PI;

use super::gl::{fract, in_bounds, mix, modulo, rand, smoothstep, step, Gl, TexRef};

/// The push of `directional` (direction (0, 1)) by `shift`.
fn push(t: &TexRef<'_>, u: f32, v: f32, shift: f32) -> f32 {
    let (x, y) = (u, v + shift);
    let inside = (0.0..=1.0).contains(&x) && (0.0..=1.0).contains(&y);
    let (fx, fy) = (fract(x), fract(y));
    if inside {
        t.from(fx, fy)
    } else {
        t.to(fx, fy)
    }
}

/// `bgColor` of doorway, swap and cube: black plus `reflection * (1 - y)` of each picture seen
/// at `project(pt)` (mirrored below the picture, `floating` apart).
fn reflections(t: &TexRef<'_>, fr: Option<(f32, f32)>, to: (f32, f32), floating: f32) -> f32 {
    let reflection = 0.4;
    let black = t.grey(0.0);
    let project = |(x, y): (f32, f32)| (x, -1.2 * y - floating);
    let mut c = black;
    if let Some(fr) = fr {
        let (x, y) = project(fr);
        if in_bounds(x, y) {
            c += (t.from(x, y) - black) * reflection * (1.0 - y);
        }
    }
    let (x, y) = project(to);
    if in_bounds(x, y) {
        c += (t.to(x, y) - black) * reflection * (1.0 - y);
    }
    c
}

/// Cube's `xskew` for `center` 0 (`false`) or 1 (`true`).
fn xskew((px, py): (f32, f32), persp: f32, right: bool) -> (f32, f32) {
    let x = if right { 1.0 - px } else { px };
    let y = (py - 0.5 * (1.0 - persp) * x) / (1.0 + (persp - 1.0) * x);
    (if right { 1.0 - x } else { x }, y)
}

/// GridFlip's distance from `(u, v)` to the nearest edge of its cell (4 × 4 grid).
fn grid_delta(u: f32, v: f32) -> f32 {
    let cell = 0.25;
    let (cx, cy) = ((4.0 * u).floor(), (4.0 * v).floor());
    let dx = (u - cell * cx).abs().min((u - cell * (cx + 1.0)).abs());
    let dy = (v - cell * (cy + 1.0)).abs().min((v - cell * cy).abs());
    dx.min(dy)
}

/// hexagonalize's hexagon centre for `(u, v)` with hexagons of `size` (pointy-top axial
/// coordinates, y divided by `ratio` on the way in and multiplied on the way out, as written).
fn hexagon_centre(u: f32, v: f32, size: f32, ratio: f32) -> (f32, f32) {
    let s3 = 3.0_f32.sqrt();
    let (x, y) = ((u - 0.5) / size, (v / ratio - 0.5) / size);
    let (q, r) = (s3 / 3.0 * x - y / 3.0, 2.0 / 3.0 * y);
    let s = -q - r;
    let (mut rq, mut rr, rs) = ((q + 0.5).floor(), (r + 0.5).floor(), (s + 0.5).floor());
    let (dq, dr, ds) = ((rq - q).abs(), (rr - r).abs(), (rs - s).abs());
    if dq > dr && dq > ds {
        rq = -rr - rs;
    } else if dr > ds {
        rr = -rq - rs;
    }
    let cx = (s3 * rq + s3 / 2.0 * rr) * size + 0.5;
    let cy = (1.5 * rr) * size + 0.5;
    (cx, cy * ratio)
}

/// DoomScreenTransition's speed of bar `n` (30 bars, amplitude 2, noise 0.1, frequency 0.5, drip
/// scale 0.5): `1 + pos(n) * amplitude`.
fn doom_speed(n: i32) -> f32 {
    let (bars, amplitude, noise, frequency, drip) = (30.0, 2.0, 0.1, 0.5, 0.5);
    let f = n as f32;
    let rand = fract(modulo(f * 67_123.31, 12.0) * (f * 10.3).sin() * f.cos());
    let x = f * frequency * 0.1 * bars;
    let wave = (x * 0.5).cos() * (x * 0.13).cos() * ((x + 10.0) * 0.3).sin() / 2.0 + 0.5;
    let drip = (f / (bars - 1.0) * 3.141_592).sin() * drip;
    1.0 + (mix(wave, rand, noise) + drip) * amplitude
}

/// tangentMotionBlur's `KeySpline(x, 0.68, 0.01, 0.17, 0.98)`: a cubic Bezier easing, x solved
/// for t by four Newton steps.
fn key_spline(x: f32) -> f32 {
    let (x1, y1, x2, y2) = (0.68, 0.01, 0.17, 0.98);
    let a = |a1: f32, a2: f32| 1.0 - 3.0 * a2 + 3.0 * a1;
    let b = |a1: f32, a2: f32| 3.0 * a2 - 6.0 * a1;
    let c = |a1: f32| 3.0 * a1;
    let bezier = |t: f32, a1: f32, a2: f32| ((a(a1, a2) * t + b(a1, a2)) * t + c(a1)) * t;
    let slope = |t: f32, a1: f32, a2: f32| 3.0 * a(a1, a2) * t * t + 2.0 * b(a1, a2) * t + c(a1);
    let mut t = x;
    for _ in 0..4 {
        let s = slope(t, x1, x2);
        if s == 0.0 {
            break;
        }
        t -= (bezier(t, x1, x2) - x) / s;
    }
    bezier(t, y1, y2)
}

/// tangentMotionBlur's rotation of `(u, v)` about `(1, 0)` by `r`, in a square frame.
fn tangent_rotate(u: f32, v: f32, r: f32, ratio: f32) -> (f32, f32) {
    let (s, c) = r.sin_cos();
    let (x, y) = (u - 1.0, v / ratio);
    // mat2(c, -s, s, c) * (x, y), column-major.
    (c * x + s * y + 1.0, (-s * x + c * y) * ratio)
}

pub(super) fn value(kind: Gl, t: &TexRef<'_>, u: f32, v: f32, p: f32) -> f32 {
    match kind {
        Gl::Directional => push(t, u, v, p),
        Gl::DirectionalEasing => push(t, u, v, ((2.0 - p) * p).sqrt()),
        Gl::DirectionalWarp => {
            let smoothness = 0.1;
            let n = 2.0; // |-1| + |1|
            let (dx, dy) = (-1.0 / n, 1.0 / n);
            let d = dx * 0.5 + dy * 0.5;
            let edge = dx * u + dy * v - (d - 0.5 + p * (1.0 + smoothness));
            let m = 1.0 - smoothstep(-smoothness, 0.0, edge);
            let a = t.from((u - 0.5) * (1.0 - m) + 0.5, (v - 0.5) * (1.0 - m) + 0.5);
            let b = t.to((u - 0.5) * m + 0.5, (v - 0.5) * m + 0.5);
            mix(a, b, m)
        }
        Gl::LeftRight | Gl::TopBottom => {
            let size = mix(1.0, 3.0, p * 0.2);
            let (tx, ty) = ((u - 0.5) * size + 0.5, (v - 0.5) * size + 0.5);
            let (fx, fy) = if kind == Gl::LeftRight {
                (u - (1.0 - p), v)
            } else {
                (u, v + 1.0 - p)
            };
            if in_bounds(fx, fy) {
                t.to(fx, fy)
            } else if in_bounds(tx, ty) {
                mix(t.grey(0.0), t.from(tx, ty), 1.0 - p)
            } else {
                t.grey(0.0)
            }
        }
        Gl::Bounce => {
            let (height, alpha, bounces) = (0.075, 0.6, 3.0);
            let stime = (p * PI / 2.0).sin();
            let y = (p * PI * bounces).cos().abs() * (1.0 - stime);
            let d = v - y;
            if d <= 0.0 {
                return t.from(u, v + (1.0 - y));
            }
            let fade = mix(
                (d / height) * alpha + (1.0 - alpha),
                1.0,
                smoothstep(0.95, 1.0, p),
            );
            let shadow = if d <= height { 1.0 - fade } else { 0.0 };
            mix(t.to(u, v), t.grey(0.0), shadow)
        }
        Gl::Doorway => {
            let (perspective, depth) = (0.4, 3.0);
            let slit = 2.0 * (u - 0.5).abs() - p;
            if slit > 0.0 {
                let x = u + if u > 0.5 { -0.5 * p } else { 0.5 * p };
                let d = 1.0 / (1.0 + perspective * p * (1.0 - slit));
                let y = (v - d / 2.0) * d + d / 2.0;
                if in_bounds(x, y) {
                    return t.from(x, y);
                }
            }
            let size = mix(1.0, depth, 1.0 - p);
            let to = ((u - 0.5) * size + 0.5, (v - 0.5) * size + 0.5);
            if in_bounds(to.0, to.1) {
                return t.to(to.0, to.1);
            }
            reflections(t, None, to, 0.02)
        }
        Gl::Swap => {
            let (perspective, depth) = (0.2, 3.0);
            let size = mix(1.0, depth, p);
            let persp = perspective * p;
            let fr = (
                u * size / (1.0 - perspective * p),
                (v - 0.5) * size / (1.0 - size * persp * u) + 0.5,
            );
            let size = mix(1.0, depth, 1.0 - p);
            let persp = perspective * (1.0 - p);
            let to = (
                (u - 1.0) * size / (1.0 - perspective * (1.0 - p)) + 1.0,
                (v - 0.5) * size / (1.0 - size * persp * (0.5 - u)) + 0.5,
            );
            let (in_fr, in_to) = (in_bounds(fr.0, fr.1), in_bounds(to.0, to.1));
            if in_fr && (p < 0.5 || !in_to) {
                t.from(fr.0, fr.1)
            } else if in_to {
                t.to(to.0, to.1)
            } else {
                reflections(t, Some(fr), to, 0.02)
            }
        }
        Gl::Cube => {
            let (persp, unzoom, floating) = (0.7, 0.3, 3.0);
            let uz = unzoom * 2.0 * (0.5 - (0.5 - p).abs());
            let (x, y) = (-uz * 0.5 + (1.0 + uz) * u, -uz * 0.5 + (1.0 + uz) * v);
            let fr = xskew(((x - p) / (1.0 - p), y), 1.0 - mix(p, 0.0, persp), false);
            let to = xskew((x / p, y), mix(p * p, 1.0, persp), true);
            if in_bounds(fr.0, fr.1) {
                t.from(fr.0, fr.1)
            } else if in_bounds(to.0, to.1) {
                t.to(to.0, to.1)
            } else {
                reflections(t, Some(fr), to, floating / 100.0)
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
        Gl::SimpleZoomOut => {
            let quick = 0.8;
            let s = smoothstep(1.0 - quick, 1.0, p);
            // zoom(uv, 1 - s) = 0.5 + (uv - 0.5) * s
            let b = t.to(0.5 + (u - 0.5) * s, 0.5 + (v - 0.5) * s);
            mix(t.from(u, v), b, s)
        }
        Gl::ZoomInCircles => {
            let (rx, ry) = (2.0 * (u - 0.5), 2.0 * (v - 0.5) / t.ratio);
            let pro = p / 0.8;
            let (mut z, mut s) = (pro * 0.2, 0.0);
            if pro > 1.0 {
                z = 0.2 + (pro - 1.0) * 5.0;
                s = ((p - 0.8) / 0.07).clamp(0.0, 1.0);
            }
            let len = rx.hypot(ry);
            let k = if len < 0.5 + z {
                1.0
            } else if len < 0.8 + z * 1.5 {
                s *= 0.5;
                1.0 - 0.15 * pro
            } else if len < 1.2 + z * 2.5 {
                s *= 0.2;
                1.0 - 0.2 * pro
            } else {
                1.0 - 0.25 * pro
            };
            let (x, y) = (0.5 + (u - 0.5) * k, 0.5 + (v - 0.5) * k);
            mix(t.from(x, y), t.to(x, y), s)
        }
        Gl::RotateScaleFade => {
            let scale = 8.0;
            let (s, c) = (2.0 * PI * p).sin_cos();
            let current = mix(scale, 1.0, 2.0 * (p - 0.5).abs());
            let (dx, dy) = (u - 0.5, v - 0.5);
            let x = 0.5 + (dx * c - dy * s) / current;
            let y = 0.5 + (dx * s + dy * c) / current;
            if !(0.0..=1.0).contains(&x) || !(0.0..=1.0).contains(&y) {
                return t.grey(0.15);
            }
            mix(t.from(x, y), t.to(x, y), p)
        }
        Gl::RotateScaleVanish => {
            let r = t.ratio;
            let (s, c) = (-2.0 * PI * p).sin_cos();
            let rad = (1.0 - p).max(0.00001);
            let (x1, y1) = ((u - 0.5) * r, v - 0.5);
            let x2 = (x1 * c - y1 * s) / rad + r / 2.0;
            let y2 = (x1 * s + y1 * c) / rad + 0.5;
            let a = if (0.0..=r).contains(&x2) && (0.0..=1.0).contains(&y2) {
                t.from(x2 / r, y2)
            } else {
                t.grey(0.0)
            };
            (1.0 - p) * a + p * t.to(u, v)
        }
        Gl::Ripple => {
            let (amplitude, speed) = (100.0, 50.0);
            let (dx, dy) = (u - 0.5, v - 0.5);
            let dist = dx.hypot(dy);
            let k = ((p * dist * amplitude - p * speed).sin() + 0.5) / 30.0 * p;
            mix(
                t.from(u + dx * k, v + dy * k),
                t.to(u, v),
                smoothstep(0.2, 1.0, p),
            )
        }
        Gl::WaterDrop => {
            let (amplitude, speed) = (30.0, 30.0);
            let (dx, dy) = (u - 0.5, v - 0.5);
            let dist = dx.hypot(dy);
            let a = if dist > p {
                t.from(u, v)
            } else {
                let k = (dist * amplitude - p * speed).sin();
                t.from(u + dx * k, v + dy * k)
            };
            mix(a, t.to(u, v), p)
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
        Gl::CrossZoom => {
            let strength = 0.4;
            let (cx, cy) = (0.25 + 0.5 * p, 0.5);
            let dissolve = if p <= 0.0 {
                0.0
            } else if p >= 1.0 {
                1.0
            } else if p < 0.5 {
                0.5 * 2.0_f32.powf(10.0 * (2.0 * p - 1.0))
            } else {
                0.5 * (2.0 - 2.0_f32.powf(-10.0 * (2.0 * p - 1.0)))
            };
            let str = -strength / 2.0 * ((PI * p / 0.5).cos() - 1.0);
            let (tx, ty) = (cx - u, cy - v);
            let offset = rand(u, v);
            let (mut sum, mut total) = (0.0, 0.0);
            for i in 0..=40 {
                let percent = (i as f32 + offset) / 40.0;
                let weight = 4.0 * (percent - percent * percent);
                let (x, y) = (u + tx * percent * str, v + ty * percent * str);
                sum += mix(t.from(x, y), t.to(x, y), dissolve) * weight;
                total += weight;
            }
            sum / total
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
                let theta = percent * percent * a * 8.0 * PI;
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
            let ci = -(p * PI).cos() / 2.0 + 0.5;
            let m = ci * ci;
            let rx = (u - 0.5) * z + mix(0.5, endx + 0.5, m);
            let ry = (v - 0.5) * z + mix(0.5, endy + 0.5, m);
            let (cx, cy) = (rx.floor(), ry.floor());
            let (mut mx, mut my) = (rx - cx, ry - cy);
            let on_end = cx == endx && cy == endy;
            if !on_end {
                let ang = ((rand(cx, cy) * 4.0) as i32) as f32 * 0.5 * PI;
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
        Gl::RotateTransition => {
            let (s, c) = (p * PI * 2.0).sin_cos();
            let (dx, dy) = (u - 0.5, v - 0.5);
            // uv * mat2(c, -s, s, c): the row vector times the matrix.
            let (x, y) = (fract(c * dx - s * dy + 0.5), fract(s * dx + c * dy + 0.5));
            mix(t.from(x, y), t.to(x, y), p)
        }
        Gl::Hexagonalize => {
            let (steps, across) = (50.0, 20.0);
            let dist = (2.0 * p.min(1.0 - p) * steps).ceil() / steps;
            let (x, y) = if dist > 0.0 {
                hexagon_centre(u, v, 3.0_f32.sqrt() / 3.0 * dist / across, t.ratio)
            } else {
                (u, v)
            };
            mix(t.from(x, y), t.to(x, y), p)
        }
        Gl::GridFlip => {
            let (pause, divider, randomness) = (0.1, 0.25 * 0.05, 0.1);
            let black = t.grey(0.0);
            let on_divider = grid_delta(u, v) < divider;
            if p < pause {
                let a = if on_divider { 1.0 - p / pause } else { 1.0 };
                mix(black, t.from(u, v), a)
            } else if p < 1.0 - pause {
                if on_divider {
                    return black;
                }
                let progress = (p - pause) / (1.0 - pause * 2.0);
                let (cx, cy) = ((4.0 * u).floor(), (4.0 * v).floor());
                let r = rand(cx, cy) - randomness;
                let cp = smoothstep(0.0, 1.0 - r, progress);
                let left = cx * 0.25;
                let mid = 0.125 + left;
                let half = (cp - 0.5).abs();
                let x = (u - mid) / half * 0.5 + mid;
                let face = if cp <= 0.5 { t.from(x, v) } else { t.to(x, v) };
                let shown = (4.0 * (u - left) - 0.5).abs() <= half;
                if shown {
                    face
                } else {
                    black
                }
            } else {
                let a = if on_divider {
                    (p - 1.0 + pause) / pause
                } else {
                    1.0
                };
                mix(black, t.to(u, v), a)
            }
        }
        Gl::BookFlip => {
            let shade = (2.0 * (p - 0.5).abs()).max(0.7);
            let black = t.grey(0.0);
            let turned = step(1.0 - p, u);
            if u < 0.5 {
                let x = (u - 0.5) / (p - 0.5) * 0.5 + 0.5;
                let y = (v - 0.5) / (0.5 + (1.0 - p) * (0.5 - u) / 0.5) * 0.5 + 0.5;
                mix(t.from(u, v), mix(black, t.to(x, y), shade), turned)
            } else {
                let x = (u - p) / (0.5 - p) * 0.5;
                let y = (v - 0.5) / (0.5 + p * (u - 0.5) / 0.5) * 0.5 + 0.5;
                mix(mix(black, t.from(x, y), shade), t.to(u, v), turned)
            }
        }
        Gl::Rolls => {
            // type 0 (from the bottom-right corner), rotating A up.
            let r = t.ratio;
            let (s, c) = (-PI / 2.0 * p).sin_cos();
            let (x, y) = ((1.0 - u) * r, v);
            let (x2, y2) = (x * c - y * s, x * s + y * c);
            if (0.0..=r).contains(&x2) && (0.0..=1.0).contains(&y2) {
                t.from(1.0 - x2 / r, y2)
            } else {
                t.to(u, v)
            }
        }
        Gl::Slides => {
            // type 0, In false: A shrinks towards the middle of the top edge.
            let rad = 1.0 - p;
            let (x0, y0) = (0.5 - rad / 2.0, 0.0);
            let yd = 1.0 - v; // measured from the top
            if u >= x0 && u <= x0 + rad && yd >= y0 && yd <= y0 + rad {
                t.from((u - x0) / rad, 1.0 - (yd - y0) / rad)
            } else {
                t.to(u, v)
            }
        }
        Gl::CrazyParametricFun => {
            let (a, b, amplitude, smoothness) = (4.0_f32, 1.0_f32, 120.0, 0.1);
            let (dx, dy) = (u - 0.5, v - 0.5);
            let dist = dx.hypot(dy);
            let x = (a - b) * p.cos() + b * (p * (a / b - 1.0)).cos();
            let y = (a - b) * p.sin() - b * (p * (a / b - 1.0)).sin();
            let ox = dx * (p * dist * amplitude * x).sin() / smoothness;
            let oy = dy * (p * dist * amplitude * y).sin() / smoothness;
            mix(t.from(u + ox, v + oy), t.to(u, v), smoothstep(0.2, 1.0, p))
        }
        Gl::DoomScreenTransition => {
            let bar = (u * 30.0) as i32;
            let phase = p * doom_speed(bar);
            if phase + v < 1.0 {
                t.from(u, v + phase)
            } else {
                t.to(u, v)
            }
        }
        Gl::TangentMotionBlur => {
            let rotation = 3.14159;
            let eased = key_spline(p);
            let blur = (-20.0 * (eased - 0.5) * (eased - 0.5)).exp();
            let angle = |e: f32| {
                if eased <= 0.5 {
                    rotation * e
                } else {
                    -rotation + rotation * e
                }
            };
            let interval = 0.0167 * 2.0;
            let now = tangent_rotate(u, v, angle(eased), t.ratio);
            let next = tangent_rotate(u, v, angle(eased + interval), t.ratio);
            let k = blur * 0.5 / interval;
            let speed = ((next.0 - now.0) * k, (next.1 - now.1) * k);
            let offset = rand(now.0, now.1);
            let (mut sum, mut total) = (0.0, 0.0);
            for i in 0..=20 {
                let percent = (i as f32 + offset) / 20.0;
                let weight = 4.0 * (percent - percent * percent);
                let x = fract(now.0 + speed.0 * percent);
                let y = fract(now.1 + speed.1 * percent);
                sum += weight
                    * if eased <= 0.5 {
                        t.from(x, y)
                    } else {
                        t.to(x, y)
                    };
                total += weight;
            }
            sum / total
        }
        Gl::PowerKaleido => {
            // Mirror lines at 0, 120 and 240 degrees (rad 120), scale 2 (dist 0.2), z 1.5,
            // speed 5; ten passes over the three lines.
            let (dist, z, speed) = (0.2_f32, 1.5, 5.0);
            let r = t.ratio;
            let rot = |(x, y): (f32, f32), a: f32| {
                let (s, c) = a.sin_cos();
                // mat2(c, -s, s, c) * v, column-major.
                (c * x + s * y, -s * x + c * y)
            };
            let (mut x, mut y) = rot(((u - 0.5) * r * z, (v - 0.5) * z), p * speed);
            const LINES: [(f32, f32, f32, bool); 3] = [
                // (sin i, cos i, tan i, sign(asin(cos i)) == 1)
                (0.0, 1.0, 0.0, true),
                (0.866_025_4, -0.5, -1.732_050_8, false),
                (-0.866_025_4, -0.5, 1.732_050_8, false),
            ];
            for _ in 0..10 {
                for &(si, ci, ti, above) in &LINES {
                    let lhs = y - dist * ci;
                    let rhs = ti * (x + dist * si);
                    if (above && lhs > rhs) || (!above && lhs < rhs) {
                        // refl(p, 0, n) = 2 n dot(p, n) - p, p shifted by 2 dist (sin, -cos).
                        let (px, py) = (x + si * dist * 2.0, y - ci * dist * 2.0);
                        let d = px * ci + py * si;
                        (x, y) = (2.0 * ci * d - px, 2.0 * si * d - py);
                    }
                }
            }
            let (x, y) = rot((x, y), -p * speed);
            let (x, y) = (x / r + 0.5, y + 0.5);
            let fold = |c: f32| 2.0 * (c / 2.0 - (c / 2.0 + 0.5).floor()).abs();
            let k = (p * PI * 2.0).cos() / 2.0 + 0.5;
            let (mx, my) = (mix(fold(x), u, k), mix(fold(y), v, k));
            mix(
                t.from(mx, my),
                t.to(mx, my),
                ((p - 1.0) * PI).cos() / 2.0 + 0.5,
            )
        }
        _ => unreachable!("{kind:?} is not a warp"),
    }
}
