//! The `xfade` transitions that are not a plain layer change (wipes in two directions, shapes,
//! slices, blurs, squeezes, zooms): each is a pure function of the outgoing picture A, the incoming
//! picture B and ffmpeg's `progress` (1 at the start of the overlap, 0 at its end), computed per
//! I420 plane.
//!
//! ffmpeg runs `xfade` on 4:4:4 pictures; here the formulas are evaluated in luma coordinates for
//! every plane (a chroma sample at `(x, y)` stands at luma `(2x + 0.5, 2y + 0.5)`), so boundaries
//! land where ffmpeg puts them after its conversion back to 4:2:0.
//!
//! Every formula is written out in [`Xfade::weight_a`] (the weight of A at a pixel, `mix(A, B, w)
//! = A w + B (1 - w)`) or in the sampling functions below it.

use serde::{Deserialize, Serialize};

use crate::picture::{Picture, Plane, PlaneMut};

/// An `xfade` transition drawn by [`draw`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Xfade {
    WipeUp,
    WipeDown,
    WipeTl,
    WipeTr,
    WipeBl,
    WipeBr,
    SlideUp,
    SlideDown,
    SmoothLeft,
    SmoothRight,
    SmoothUp,
    SmoothDown,
    CircleCrop,
    RectCrop,
    Distance,
    FadeGrays,
    Radial,
    CircleOpen,
    CircleClose,
    VertOpen,
    VertClose,
    HorzOpen,
    HorzClose,
    Pixelize,
    DiagTl,
    DiagTr,
    DiagBl,
    DiagBr,
    HlSlice,
    HrSlice,
    VuSlice,
    VdSlice,
    HBlur,
    SqueezeH,
    SqueezeV,
    ZoomIn,
}

/// Catalogue name (SPEC section 6) -> transition. ffmpeg's own short names are in the comments.
pub const TABLE: &[(&str, Xfade)] = &[
    ("wipeup", Xfade::WipeUp),
    ("wipedown", Xfade::WipeDown),
    ("wipetopleft", Xfade::WipeTl),     // wipetl
    ("wipetopright", Xfade::WipeTr),    // wipetr
    ("wipebottomleft", Xfade::WipeBl),  // wipebl
    ("wipebottomright", Xfade::WipeBr), // wipebr
    ("slideup", Xfade::SlideUp),
    ("slidedown", Xfade::SlideDown),
    ("smoothleft", Xfade::SmoothLeft),
    ("smoothright", Xfade::SmoothRight),
    ("smoothup", Xfade::SmoothUp),
    ("smoothdown", Xfade::SmoothDown),
    ("circlecrop", Xfade::CircleCrop),
    ("rectanglecrop", Xfade::RectCrop), // rectcrop
    ("colordistance", Xfade::Distance), // distance
    ("fadegrays", Xfade::FadeGrays),
    ("radial", Xfade::Radial),
    ("circleopen", Xfade::CircleOpen),
    ("circleclose", Xfade::CircleClose),
    ("verticalopen", Xfade::VertOpen),     // vertopen
    ("verticalclose", Xfade::VertClose),   // vertclose
    ("horizontalopen", Xfade::HorzOpen),   // horzopen
    ("horizontalclose", Xfade::HorzClose), // horzclose
    ("pixelize", Xfade::Pixelize),
    ("diagonaltopleft", Xfade::DiagTl),       // diagtl
    ("diagonaltopright", Xfade::DiagTr),      // diagtr
    ("diagonalbottomleft", Xfade::DiagBl),    // diagbl
    ("diagonalbottomright", Xfade::DiagBr),   // diagbr
    ("horizontalsliceleft", Xfade::HlSlice),  // hlslice
    ("horizontalsliceright", Xfade::HrSlice), // hrslice
    ("verticalsliceup", Xfade::VuSlice),      // vuslice
    ("verticalslicedown", Xfade::VdSlice),    // vdslice
    ("horizontalblur", Xfade::HBlur),         // hblur
    ("squeezehorizontal", Xfade::SqueezeH),   // squeezeh
    ("squeezevertical", Xfade::SqueezeV),     // squeezev
    ("zoomin", Xfade::ZoomIn),
];

impl Xfade {
    /// The transition a catalogue name (or ffmpeg's short name) denotes, case-insensitively.
    pub fn from_name(name: &str) -> Option<Self> {
        let n = name.to_ascii_lowercase();
        let short = |s: &str| {
            TABLE
                .iter()
                .find(|(_, k)| k.ffmpeg_name() == s)
                .map(|(_, k)| *k)
        };
        TABLE
            .iter()
            .find(|(long, _)| *long == n)
            .map(|(_, k)| *k)
            .or_else(|| short(&n))
    }

    /// ffmpeg's `xfade` name.
    pub fn ffmpeg_name(self) -> &'static str {
        use Xfade::*;
        match self {
            WipeUp => "wipeup",
            WipeDown => "wipedown",
            WipeTl => "wipetl",
            WipeTr => "wipetr",
            WipeBl => "wipebl",
            WipeBr => "wipebr",
            SlideUp => "slideup",
            SlideDown => "slidedown",
            SmoothLeft => "smoothleft",
            SmoothRight => "smoothright",
            SmoothUp => "smoothup",
            SmoothDown => "smoothdown",
            CircleCrop => "circlecrop",
            RectCrop => "rectcrop",
            Distance => "distance",
            FadeGrays => "fadegrays",
            Radial => "radial",
            CircleOpen => "circleopen",
            CircleClose => "circleclose",
            VertOpen => "vertopen",
            VertClose => "vertclose",
            HorzOpen => "horzopen",
            HorzClose => "horzclose",
            Pixelize => "pixelize",
            DiagTl => "diagtl",
            DiagTr => "diagtr",
            DiagBl => "diagbl",
            DiagBr => "diagbr",
            HlSlice => "hlslice",
            HrSlice => "hrslice",
            VuSlice => "vuslice",
            VdSlice => "vdslice",
            HBlur => "hblur",
            SqueezeH => "squeezeh",
            SqueezeV => "squeezev",
            ZoomIn => "zoomin",
        }
    }

    /// Weight of A at luma position `(x, y)` for the transitions that are a per-pixel mix, or
    /// `None` for those that move pixels (slides, squeezes, zoom, pixelize, blur, distance, greys).
    /// `q` is ffmpeg's progress (1 -> 0).
    fn weight_a(self, x: f32, y: f32, w: f32, h: f32, q: f32) -> Option<f32> {
        use Xfade::*;
        let pick_b = |b: bool| if b { 0.0 } else { 1.0 };
        let ss = |s: f32| smoothstep(0.0, 1.0, s);
        // Integer thresholds of ffmpeg: `const int z = width * progress`.
        let (xi, yi) = (x.floor(), y.floor());
        Some(match self {
            WipeUp => pick_b(yi > (h * q).trunc()),
            WipeDown => pick_b(yi <= (h * (1.0 - q)).trunc()),
            WipeTl => pick_b(!(yi <= (h * q).trunc() && xi <= (w * q).trunc())),
            WipeTr => pick_b(!(yi <= (h * q).trunc() && xi > (w * (1.0 - q)).trunc())),
            WipeBl => pick_b(!(yi > (h * (1.0 - q)).trunc() && xi <= (w * q).trunc())),
            WipeBr => pick_b(!(yi > (h * (1.0 - q)).trunc() && xi > (w * (1.0 - q)).trunc())),
            // mix(B, A, s): weight of A is 1 - s.
            SmoothLeft => 1.0 - ss(1.0 + x / w - q * 2.0),
            SmoothRight => 1.0 - ss(1.0 + (w - 1.0 - x) / w - q * 2.0),
            SmoothUp => 1.0 - ss(1.0 + y / h - q * 2.0),
            SmoothDown => 1.0 - ss(1.0 + (h - 1.0 - y) / h - q * 2.0),
            Radial => {
                let a = (x - w / 2.0).atan2(y - h / 2.0) - (q - 0.5) * (std::f32::consts::PI * 2.5);
                1.0 - ss(a)
            }
            CircleOpen => {
                let z = (w / 2.0).hypot(h / 2.0);
                ss((x - w / 2.0).hypot(y - h / 2.0) / z + (q - 0.5) * 3.0)
            }
            CircleClose => {
                let z = (w / 2.0).hypot(h / 2.0);
                1.0 - ss((x - w / 2.0).hypot(y - h / 2.0) / z + (0.5 - q) * 3.0)
            }
            VertOpen => 1.0 - ss(2.0 - ((x - w / 2.0) / (w / 2.0)).abs() - q * 2.0),
            VertClose => 1.0 - ss(1.0 + ((x - w / 2.0) / (w / 2.0)).abs() - q * 2.0),
            HorzOpen => 1.0 - ss(2.0 - ((y - h / 2.0) / (h / 2.0)).abs() - q * 2.0),
            HorzClose => 1.0 - ss(1.0 + ((y - h / 2.0) / (h / 2.0)).abs() - q * 2.0),
            DiagTl => 1.0 - ss(1.0 + x / w * y / h - q * 2.0),
            DiagTr => 1.0 - ss(1.0 + (w - 1.0 - x) / w * y / h - q * 2.0),
            DiagBl => 1.0 - ss(1.0 + x / w * (h - 1.0 - y) / h - q * 2.0),
            DiagBr => 1.0 - ss(1.0 + (w - 1.0 - x) / w * (h - 1.0 - y) / h - q * 2.0),
            HlSlice => slice(x / w, q),
            HrSlice => slice((w - 1.0 - x) / w, q),
            VuSlice => slice(y / h, q),
            VdSlice => slice((h - 1.0 - y) / h, q),
            _ => return None,
        })
    }
}

/// The slices (weight of A): B where `smoothstep(-0.5, 0, t - 1.5 q) > fract(10 t)`.
fn slice(t: f32, q: f32) -> f32 {
    let s = smoothstep(-0.5, 0.0, t - q * 1.5);
    if s <= (10.0 * t).fract() {
        1.0
    } else {
        0.0
    }
}

fn smoothstep(e0: f32, e1: f32, x: f32) -> f32 {
    super::smoothstep(e0, e1, x)
}

/// Luma coordinate of sample `i` of a plane subsampled by `f` (1 or 2).
fn luma_at(i: usize, f: usize) -> f32 {
    (i * f) as f32 + (f as f32 - 1.0) * 0.5
}

fn to_u8(v: f32) -> u8 {
    v.clamp(0.0, 255.0) as u8
}

/// Draws transition `kind` between `a` and `b` (same size) at ffmpeg progress `q` into `out`;
/// `black` is the colour of uncovered pixels (circlecrop, rectcrop).
pub fn draw(kind: Xfade, a: &Picture, b: &Picture, q: f32, black: [u8; 3], out: &mut Picture) {
    let q = if q.is_nan() { 1.0 } else { q.clamp(0.0, 1.0) };
    let (lw, lh) = (a.width(), a.height());
    let (w, h) = (lw as f32, lh as f32);
    for (p, dst) in out.planes_mut().into_iter().enumerate() {
        let (pa, pb) = (a.plane(p), b.plane(p));
        let f = if p == 0 { 1 } else { 2 };
        draw_plane(kind, p, f, pa, pb, dst, q, w, h, black[p], a, b);
    }
}

#[allow(clippy::too_many_arguments)]
fn draw_plane(
    kind: Xfade,
    p: usize,
    f: usize,
    pa: Plane<'_>,
    pb: Plane<'_>,
    mut dst: PlaneMut<'_>,
    q: f32,
    w: f32,
    h: f32,
    black: u8,
    a: &Picture,
    b: &Picture,
) {
    use Xfade::*;
    let (pw, ph) = (dst.width, dst.height);
    let mix = |va: u8, vb: u8, wa: f32| to_u8(f32::from(va) * wa + f32::from(vb) * (1.0 - wa));
    match kind {
        SlideUp | SlideDown => {
            let z = ((h * q) as usize / f).min(ph);
            for y in 0..ph {
                let (src, sy) = if kind == SlideUp {
                    // B where y > z, showing B[y - z]; A above, showing A[y - z + H].
                    if y > z {
                        (pb, y - z)
                    } else {
                        (pa, (y + ph - z).min(ph - 1))
                    }
                } else if y + z < ph {
                    (pb, y + z)
                } else {
                    (pa, y + z - ph)
                };
                dst.row_mut(y).copy_from_slice(src.row(sy));
            }
        }
        CircleCrop | RectCrop => {
            let cx = w / 2.0;
            let cy = h / 2.0;
            let src = if q < 0.5 { pb } else { pa };
            for y in 0..ph {
                let ly = luma_at(y, f);
                let (srow, drow) = (src.row(y), dst.row_mut(y));
                for (x, (d, s)) in drow.iter_mut().zip(srow).enumerate() {
                    let lx = luma_at(x, f);
                    let inside = if kind == CircleCrop {
                        let z = (2.0 * (q - 0.5).abs()).powi(3) * cx.hypot(cy);
                        z >= (lx - cx).hypot(ly - cy)
                    } else {
                        let d = (q - 0.5).abs();
                        (lx - cx).abs() < d * w && (ly - cy).abs() < d * h
                    };
                    *d = if inside { *s } else { black };
                }
            }
        }
        Distance => {
            // All planes decide together: B shows where the colours of A and B at the pixel are
            // within `q` of each other (Euclidean, each plane scaled to 0..1), then a fade.
            let (ay, au, av) = (a.plane(0), a.plane(1), a.plane(2));
            let (by, bu, bv) = (b.plane(0), b.plane(1), b.plane(2));
            for y in 0..ph {
                for x in 0..pw {
                    let (lx, ly) = (x * f, y * f);
                    let (cx, cy) = (lx / 2, ly / 2);
                    let d = |pa: Plane, pb: Plane, x: usize, y: usize| {
                        (f32::from(pa.row(y)[x]) - f32::from(pb.row(y)[x])) / 255.0
                    };
                    let dist = (d(ay, by, lx, ly).powi(2)
                        + d(au, bu, cx, cy).powi(2)
                        + d(av, bv, cx, cy).powi(2))
                    .sqrt();
                    let (va, vb) = (pa.row(y)[x], pb.row(y)[x]);
                    let first = if dist <= q { va } else { vb };
                    dst.row_mut(y)[x] = mix(first, vb, q);
                }
            }
        }
        FadeGrays => {
            // Luma fades; chroma passes through grey (128) like fadeblack through its colour.
            let (s1, s2) = (smoothstep(0.8, 1.0, q), smoothstep(0.2, 1.0, q));
            for y in 0..ph {
                let (ra, rb, rd) = (pa.row(y), pb.row(y), dst.row_mut(y));
                for x in 0..pw {
                    let (va, vb) = (f32::from(ra[x]), f32::from(rb[x]));
                    rd[x] = if p == 0 {
                        to_u8(va * q + vb * (1.0 - q))
                    } else {
                        let g = 128.0;
                        let m0 = va * s1 + g * (1.0 - s1);
                        let m1 = g * s2 + vb * (1.0 - s2);
                        to_u8(m0 * q + m1 * (1.0 - q))
                    };
                }
            }
        }
        Pixelize => {
            let d = q.min(1.0 - q);
            let dist = (d * 50.0).ceil() / 50.0;
            let sq = 2.0 * dist * w.min(h) / 20.0;
            for y in 0..ph {
                let ly = luma_at(y, f);
                let sy = if dist > 0.0 {
                    ((((ly / sq).floor() + 0.5) * sq).min(h - 1.0) as usize / f).min(ph - 1)
                } else {
                    y
                };
                for x in 0..pw {
                    let lx = luma_at(x, f);
                    let sx = if dist > 0.0 {
                        ((((lx / sq).floor() + 0.5) * sq).min(w - 1.0) as usize / f).min(pw - 1)
                    } else {
                        x
                    };
                    dst.row_mut(y)[x] = mix(pa.row(sy)[sx], pb.row(sy)[sx], q);
                }
            }
        }
        HBlur => {
            let prog = if q <= 0.5 { q * 2.0 } else { (1.0 - q) * 2.0 };
            let size = ((1.0 + (w / 2.0) * prog) as usize / f).clamp(1, pw);
            for y in 0..ph {
                let (ra, rb, rd) = (pa.row(y), pb.row(y), dst.row_mut(y));
                let mut s0: f32 = ra[..size].iter().map(|&v| f32::from(v)).sum();
                let mut s1: f32 = rb[..size].iter().map(|&v| f32::from(v)).sum();
                let mut cnt = size as f32;
                for x in 0..pw {
                    rd[x] = to_u8(s0 / cnt * q + s1 / cnt * (1.0 - q));
                    if x + size < pw {
                        s0 += f32::from(ra[x + size]) - f32::from(ra[x]);
                        s1 += f32::from(rb[x + size]) - f32::from(rb[x]);
                    } else {
                        s0 -= f32::from(ra[x]);
                        s1 -= f32::from(rb[x]);
                        cnt -= 1.0;
                    }
                }
            }
        }
        SqueezeH | SqueezeV => {
            // A squeezed towards the centre line (vertically for squeezeh), B around it.
            for y in 0..ph {
                let ly = luma_at(y, f);
                for x in 0..pw {
                    let lx = luma_at(x, f);
                    let (t, n) = if kind == SqueezeH {
                        (ly / h, h)
                    } else {
                        (lx / w, w)
                    };
                    let z = 0.5 + (t - 0.5) / q;
                    dst.row_mut(y)[x] = if !(0.0..=1.0).contains(&z) || q <= 0.0 {
                        pb.row(y)[x]
                    } else {
                        let s = ((z * (n - 1.0)).round() as usize) / f;
                        if kind == SqueezeH {
                            pa.row(s.min(ph - 1))[x]
                        } else {
                            pa.row(y)[s.min(pw - 1)]
                        }
                    };
                }
            }
        }
        ZoomIn => {
            let zf = smoothstep(0.5, 1.0, q);
            let wb = smoothstep(0.0, 0.5, q);
            for y in 0..ph {
                let v = zf * (luma_at(y, f) / h - 0.5) + 0.5;
                let iv = (((v * (h - 1.0)).ceil()) as usize / f).min(ph - 1);
                for x in 0..pw {
                    let u = zf * (luma_at(x, f) / w - 0.5) + 0.5;
                    let iu = (((u * (w - 1.0)).ceil()) as usize / f).min(pw - 1);
                    dst.row_mut(y)[x] = mix(pa.row(iv)[iu], pb.row(y)[x], wb);
                }
            }
        }
        _ => {
            for y in 0..ph {
                let ly = luma_at(y, f);
                let (ra, rb, rd) = (pa.row(y), pb.row(y), dst.row_mut(y));
                for (x, d) in rd.iter_mut().enumerate() {
                    let wa = kind.weight_a(luma_at(x, f), ly, w, h, q).unwrap_or(0.0);
                    *d = mix(ra[x], rb[x], wa);
                }
            }
        }
    }
}
