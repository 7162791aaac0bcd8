//! The gl-transitions that treat R, G and B differently or clip them, on RGB in [0, 1] (see
//! [`super::gl`]; [`super::gl::draw`] clamps the result and converts it back).

use std::f32::consts::PI;

use super::gl::{fract, mix, smoothstep, Gl, RgbTex};

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

/// GlitchDisplace's `displace` (its three Voronoi values are computed and never used, so left
/// out): `texCoord` moved by the colour's red and green.
fn glitch_displace(
    c: [f32; 3],
    u: f32,
    v: f32,
    dot: f32,
    texture: f32,
    strength: f32,
) -> (f32, f32) {
    let d = |x: f32| (x * dot + 1.0 - x * texture - 1.0 + texture * dot) * strength;
    (u + d(c[0]), v + d(c[1]))
}

/// GlitchDisplace's `ease1`: exponential in-out.
fn glitch_ease1(t: f32) -> f32 {
    if t == 0.0 || t == 1.0 {
        t
    } else if t < 0.5 {
        0.5 * 2.0_f32.powf(20.0 * t - 10.0)
    } else {
        -0.5 * 2.0_f32.powf(10.0 - t * 20.0) + 1.0
    }
}

/// Ashima Arts' 2D simplex noise (`snoise` of luminance_melt), in [-1, 1].
fn simplex(x: f32, y: f32) -> f32 {
    const C: [f32; 4] = [0.211_324_87, 0.366_025_4, -0.577_350_3, 0.024_390_243];
    let mod289 = |x: f32| x - (x * (1.0 / 289.0)).floor() * 289.0;
    let permute = |x: f32| mod289((x * 34.0 + 1.0) * x);
    let s = (x + y) * C[1];
    let (mut ix, mut iy) = ((x + s).floor(), (y + s).floor());
    let t = (ix + iy) * C[0];
    let (x0, y0) = (x - ix + t, y - iy + t);
    let (i1x, i1y) = if x0 > y0 { (1.0, 0.0) } else { (0.0, 1.0) };
    let (x1, y1) = (x0 + C[0] - i1x, y0 + C[0] - i1y);
    let (x2, y2) = (x0 + C[2], y0 + C[2]);
    (ix, iy) = (mod289(ix), mod289(iy));
    let perm = [
        permute(permute(iy) + ix),
        permute(permute(iy + i1y) + ix + i1x),
        permute(permute(iy + 1.0) + ix + 1.0),
    ];
    let corners = [(x0, y0), (x1, y1), (x2, y2)];
    let mut sum = 0.0;
    for (k, &(cx, cy)) in corners.iter().enumerate() {
        let m = (0.5 - (cx * cx + cy * cy)).max(0.0);
        let m = m * m * m * m;
        let gx = 2.0 * fract(perm[k] * C[3]) - 1.0;
        let h = gx.abs() - 0.5;
        let a0 = gx - (gx + 0.5).floor();
        let m = m * (1.792_842_9 - 0.853_734_7 * (a0 * a0 + h * h));
        sum += m * (a0 * cx + h * cy);
    }
    130.0 * sum
}

/// StereoViewer's rounded-corner mask: is `(x, y)` inside the unit square with corners of radius
/// `(rx, ry)` cut round?
fn rounded_mask(x: f32, y: f32, rx: f32, ry: f32) -> bool {
    [(0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0)]
        .iter()
        .all(|&(cx, cy): &(f32, f32)| {
            let (ax, ay) = (1.0 - 2.0 * cx, 1.0 - 2.0 * cy);
            let px = (x - (cx + ax * rx)) * ax / rx;
            let py = (y - (cy + ay * ry)) * ay / ry;
            (px > 0.0 && py > -1.0) || (py > 0.0 && px > -1.0) || px * px + py * py < 1.0
        })
}

/// StereoViewer's two halves: `(x, y)` rotated by `angle` about the points 2 to the left
/// (`pivot` -2) or right (2) of the centre, in a square frame scaled by `1 / zoom`.
fn stereo_op(x: f32, y: f32, angle: f32, pivot: f32, zoom: f32, ratio: f32) -> (f32, f32) {
    let (s, c) = angle.sin_cos();
    let (qx, qy) = ((x - 0.5) / zoom - pivot, (y - 0.5) / (zoom * ratio));
    let (rx, ry) = (c * qx - s * qy, s * qx + c * qy);
    (rx + pivot + 0.5, ry * ratio + 0.5)
}

/// InvertedPageCurl's geometry for one progress: the cylinder the page rolls round.
struct Curl {
    amount: f32,
    angle: f32,
    /// `rotation` and `rrotation` as (cos, sin, offset x, offset y).
    rot: (f32, f32, f32, f32),
    rrot: (f32, f32, f32, f32),
}

const CURL_RADIUS: f32 = 1.0 / PI / 2.0;

impl Curl {
    fn new(p: f32) -> Self {
        let amount = p * (1.5 - -0.16) + -0.16;
        let a = 100.0 * PI / 180.0;
        let (s, c) = (-a).sin_cos();
        let (rs, rc) = a.sin_cos();
        Curl {
            amount,
            angle: 2.0 * PI * amount,
            rot: (c, s, -0.801, 0.89),
            rrot: (rc, rs, 0.985, 0.985),
        }
    }
    /// mat3(c, s, 0, -s, c, 0, ox, oy, 1) * (x, y, 1).
    fn apply((c, s, ox, oy): (f32, f32, f32, f32), x: f32, y: f32) -> (f32, f32) {
        (c * x - s * y + ox, s * x + c * y + oy)
    }
    /// `hitPoint`: the rotated point with y replaced by the hit angle's turn, rotated back.
    fn hit(&self, hit_angle: f32, (x, _): (f32, f32)) -> (f32, f32) {
        Self::apply(self.rrot, x, hit_angle / (2.0 * PI))
    }
}

fn outside((x, y): (f32, f32)) -> bool {
    x < 0.0 || y < 0.0 || x > 1.0 || y > 1.0
}

/// `antiAlias`: `c1` beyond 2/512 of `distance`, `c2` below 0, a cubic blend between.
fn anti_alias(c1: [f32; 3], c2: [f32; 3], distance: f32) -> [f32; 3] {
    let d = distance * 512.0;
    if d < 0.0 {
        return c2;
    }
    if d > 2.0 {
        return c1;
    }
    let k = (1.0 - d / 2.0).powi(3);
    [0, 1, 2].map(|i| (c2[i] - c1[i]) * k + c1[i])
}

fn distance_to_edge((x, y): (f32, f32)) -> f32 {
    let mut dx = if x > 0.5 { 1.0 - x } else { x }.abs();
    let mut dy = if y > 0.5 { 1.0 - y } else { y }.abs();
    if x < 0.0 {
        dx = -x;
    }
    if x > 1.0 {
        dx = x - 1.0;
    }
    if y < 0.0 {
        dy = -y;
    }
    if y > 1.0 {
        dy = y - 1.0;
    }
    if !(0.0..=1.0).contains(&x) && !(0.0..=1.0).contains(&y) {
        return dx.hypot(dy);
    }
    dx.min(dy)
}

/// InvertedPageCurl at `(u, v)` (output alpha ignored, as on an opaque canvas).
fn page_curl(t: &RgbTex<'_>, u: f32, v: f32, p: f32) -> [f32; 3] {
    let k = Curl::new(p);
    let acos = |yc: f32| (yc / CURL_RADIUS).clamp(-1.0, 1.0).acos();
    let see_through = |yc: f32| {
        let hit_angle = PI - (acos(yc) - k.angle);
        let point = k.hit(hit_angle, Curl::apply(k.rot, u, v));
        if yc <= 0.0 && outside(point) {
            return t.to(u, v);
        }
        if yc > 0.0 {
            return t.from(u, v);
        }
        anti_alias(t.from(point.0, point.1), [0.0; 3], distance_to_edge(point))
    };
    let with_shadow = |yc: f32, point: (f32, f32)| {
        let mut shadow = (1.0 - distance_to_edge(point) * 30.0) / 3.0;
        shadow = if shadow < 0.0 { 0.0 } else { shadow * k.amount };
        see_through(yc).map(|c| c - shadow)
    };
    // Shadow cast on the page below by the curl at `point`, `nyc` = depth under the cylinder.
    let cast = |point: (f32, f32), yc: f32| {
        let (dx, dy) = (point.0 - 0.5, point.1 - 0.5);
        let nyc = -yc / CURL_RADIUS;
        (1.0 - dx.hypot(dy) / 0.71) * nyc * nyc * nyc * 0.5
    };
    let point = Curl::apply(k.rot, u, v);
    let yc = point.1 - k.amount;
    if yc < -CURL_RADIUS {
        // Behind the surface: B, darkened under the curl.
        let yc = -CURL_RADIUS - CURL_RADIUS - yc;
        let hit_angle = acos(yc) + k.angle - PI;
        let hp = k.hit(hit_angle, point);
        let shado = if yc < 0.0 && !outside(hp) && (hit_angle < PI || k.amount > 0.5) {
            cast(hp, yc)
        } else {
            0.0
        };
        return t.to(u, v).map(|c| c - shado);
    }
    if yc > CURL_RADIUS {
        return t.from(u, v);
    }
    let hit_angle = acos(yc) + k.angle - PI;
    let turn = hit_angle - 2.0 * PI * (hit_angle / (2.0 * PI)).floor();
    if (turn > PI && k.amount < 0.5) || (turn > PI / 2.0 && k.amount < 0.0) {
        return see_through(yc);
    }
    let hp = k.hit(hit_angle, point);
    if outside(hp) {
        return with_shadow(yc, hp);
    }
    // The back of the page: a light grey.
    let back = t.from(hp.0, hp.1);
    let grey = (back[0] + back[2] + back[1]) / 15.0
        + 0.8 * ((1.0 - (yc / CURL_RADIUS).abs()).max(0.0).powf(0.2) / 2.0 + 0.5);
    let other = if yc < 0.0 { [0.0; 3] } else { t.from(u, v) };
    let colour = anti_alias([grey; 3], other, CURL_RADIUS - yc.abs());
    anti_alias(colour, with_shadow(yc, hp), distance_to_edge(hp))
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
        Gl::ButterflyWaveScrawler => {
            let (amplitude, waves, separation) = (1.0_f32, 30.0, 0.3);
            if p <= 0.0 {
                return t.from(u, v);
            }
            if p >= 1.0 {
                return t.to(u, v);
            }
            // dot(o, (1, 0)) = o.x: the displacement depends on the column only.
            let ox = u * (p * amplitude).sin() - 0.5;
            let theta = ox.acos() * waves;
            let s = ((2.0 * theta - PI) / 24.0).sin();
            let disp = (theta.cos().exp() - 2.0 * (4.0 * theta).cos() + s.powi(5)) / 10.0;
            let inv = 1.0 - p;
            let to = t.to(u + inv * disp, v + inv * disp);
            let at = |k: f32| t.from(u + p * disp * k, v + p * disp * k);
            let from = [at(1.0 - separation)[0], at(1.0)[1], at(1.0 + separation)[2]];
            each(to, from, &|_, b, a| b * p + a * inv)
        }
        Gl::GlitchMemories => {
            // floor(uv / 16) is 0 on the picture: one offset for the whole frame.
            let shift = |k: f32| fract((p * k).floor() / 64.0) - 0.5;
            let (dx, dy) = if p > 0.0 {
                (
                    shift(1200.0) * 0.3 * (1.0 - p),
                    shift(3500.0) * 0.3 * (1.0 - p),
                )
            } else {
                (0.0, 0.0)
            };
            let at = |i: usize, k: f32| {
                let (x, y) = (u + dx * k, v + dy * k);
                mix(t.from(x, y)[i], t.to(x, y)[i], p)
            };
            [at(0, 0.2), at(1, 0.3), at(2, 0.5)]
        }
        Gl::Morph => {
            let strength = 0.1;
            let (a, b) = (t.from(u, v), t.to(u, v));
            let off = |c: [f32; 3]| (c[0] + c[2] - 1.0, c[1] + c[2] - 1.0);
            let ((ax, ay), (bx, by)) = (off(a), off(b));
            let (ox, oy) = (mix(ax, bx, 0.5) * strength, mix(ay, by, 0.5) * strength);
            let from = t.from(u + ox * p, v + oy * p);
            let to = t.to(u - ox * (1.0 - p), v - oy * (1.0 - p));
            each(from, to, &|_, x, y| mix(x, y, p))
        }
        Gl::GlitchDisplace => {
            let (a, b) = (t.from(u, v), t.to(u, v));
            let ease2 = if p == 1.0 {
                1.0
            } else {
                1.0 - 2.0_f32.powf(-10.0 * p)
            };
            let val = glitch_ease1(p);
            let d1 = glitch_displace(a, u, v, 0.33, 0.7, 1.0 - val);
            let d2 = glitch_displace(b, u, v, 0.33, 0.5, ease2);
            let (c1, c2) = (t.to(d1.0, d1.1), t.from(d2.0, d2.1));
            let lo = |i: usize| c2[i].min(c1[i]);
            let grey = 2.0 * (lo(0) * 0.299 + lo(1) * 0.587 + lo(2) * 0.114);
            let (k1, k2) = (smoothstep(0.0, 0.5, p), smoothstep(1.0, 0.5, p));
            [0, 1, 2].map(|i| mix(mix(a[i], grey, k1), mix(b[i], c1[i], k2), val))
        }
        Gl::LuminanceMelt => {
            // direction 1 (centre (1, 1)), threshold 0.8, below.
            let threshold = 0.8;
            let (a, b) = (t.from(u, v), t.to(u, v));
            if p == 0.0 {
                return a;
            }
            if p == 1.0 {
                return b;
            }
            let dist = (1.0 - u).hypot(1.0 - v) - p * simplex(u, 0.0).exp();
            let r = p - super::gl::rand(u, 0.1);
            let luminance = a[0] * 0.299 + a[1] * 0.587 + a[2] * 0.114;
            let m = if dist <= r && luminance < threshold {
                1.0
            } else {
                p * p * p
            };
            each(a, b, &|_, x, y| mix(x, y, m))
        }
        Gl::StereoViewer => {
            let (zoom, radius) = (0.88, 0.22);
            let (cx, cy) = (radius / t.ratio, radius);
            let black = [0.0; 3];
            let screen =
                |a: [f32; 3], b: [f32; 3]| [0, 1, 2].map(|i| 1.0 - (1.0 - a[i]) * (1.0 - b[i]));
            let unscreen = |c: [f32; 3]| c.map(|x| 1.0 - (1.0 - x).sqrt());
            // The picture zoomed out by `z` (1 = none) with its corners rounded by `k`.
            let rounded = |read: &dyn Fn(f32, f32) -> [f32; 3], x: f32, y: f32, z: f32, k: f32| {
                let (x, y) = ((x - 0.5) / z + 0.5, (y - 0.5) / z + 0.5);
                if rounded_mask(x, y, cx * k, cy * k) {
                    Some(read(x, y))
                } else {
                    None
                }
            };
            let from = |x: f32, y: f32| t.from(x, y);
            let to = |x: f32, y: f32| t.to(x, y);
            if p <= 0.0 {
                t.from(u, v)
            } else if p < 0.1 {
                let a = p / 0.1;
                rounded(&from, u, v, 1.0 - a + zoom * a, a).unwrap_or(black)
            } else if p < 0.48 {
                // A split in two halves swinging apart about off-screen pivots.
                let a = (p - 0.1) / 0.38;
                let angle = a * a / 2.4;
                let half = |pivot: f32| {
                    let (x, y) = stereo_op(u, v, angle, pivot, 1.0, t.ratio);
                    rounded(&from, x, y, zoom, 1.0).map_or(black, unscreen)
                };
                screen(half(-2.0), half(2.0))
            } else if p < 0.9 {
                // B stays put; two masks swing back over it.
                let a = 1.0 - (p - 0.52) / 0.38;
                let angle = a * a / 2.4;
                let mask = |pivot: f32| {
                    let (x, y) = stereo_op(u, v, angle, pivot, zoom, t.ratio);
                    rounded_mask(x, y, cx, cy)
                };
                let (ma, mb) = (mask(-2.0), mask(2.0));
                if !(ma || mb) {
                    return black;
                }
                let img = rounded(&to, u, v, zoom, 1.0).map_or(black, unscreen);
                screen(if ma { img } else { black }, if mb { img } else { black })
            } else if p < 1.0 {
                let a = (1.0 - p) / 0.1;
                rounded(&to, u, v, 1.0 - a + zoom * a, a).unwrap_or(black)
            } else {
                t.to(u, v)
            }
        }
        Gl::InvertedPageCurl => page_curl(t, u, v, p),
        _ => unreachable!("{kind:?} is not an RGB transition"),
    }
}
