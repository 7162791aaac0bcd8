//! Geometry: output size, display size of a source, and where a source's picture goes on the canvas
//! for each [`Placement`].
//!
//! The layout is computed in *display* coordinates (after pixel aspect and rotation, what a viewer
//! sees) and mapped back to decoded-frame pixels at the end, because the browser draws the decoded
//! `VideoFrame` and rotates it itself.

use super::vfx::Vfx;
use super::{DrawOp, Placement, Rect, SourceGeometry};
use crate::num_text::clamp;

/// Output size used when there is neither a request nor a usable source.
pub const FALLBACK_SIZE: (u32, u32) = (1280, 720);

/// Two aspect ratios closer than this factor count as "the same shape" for [`default_placement`].
const SAME_ASPECT: f64 = 1.05;

/// Rotation rounded to the nearest quarter turn, in 0/90/180/270.
pub fn norm_rotation(rotation: u32) -> u32 {
    ((rotation % 360 + 45) / 90 % 4) * 90
}

/// Display size of a source: the given `display_w/h`, or derived from the coded size, the pixel
/// aspect and the rotation when those are 0. `(0, 0)` for a degenerate source.
pub fn display_size(g: &SourceGeometry) -> (f64, f64) {
    if g.display_w > 0 && g.display_h > 0 {
        return (g.display_w as f64, g.display_h as f64);
    }
    let (pn, pd) = g.pixel_aspect;
    let par = if pn == 0 || pd == 0 {
        1.0
    } else {
        pn as f64 / pd as f64
    };
    let w0 = g.coded_w as f64 * par;
    let h0 = g.coded_h as f64;
    if norm_rotation(g.rotation) % 180 == 90 {
        (h0, w0)
    } else {
        (w0, h0)
    }
}

fn even(v: u32) -> u32 {
    (v & !1).max(2)
}

/// Output size of a reel.
///
/// `requested` is (`Width`, `Height`); a 0 in one of them derives it from the other with the aspect
/// of the largest source. Without a request: the display size of the largest source (by area).
/// Always even numbers (4:2:0 encoders need that), rounded down, at least 2.
pub fn output_size(sources: &[SourceGeometry], requested: Option<(u32, u32)>) -> (u32, u32) {
    let largest = sources
        .iter()
        .map(display_size)
        .filter(|(w, h)| *w >= 1.0 && *h >= 1.0)
        .fold(None::<(f64, f64)>, |best, s| match best {
            Some(b) if b.0 * b.1 >= s.0 * s.1 => Some(b),
            _ => Some(s),
        });
    let (aw, ah) = largest.unwrap_or((FALLBACK_SIZE.0 as f64, FALLBACK_SIZE.1 as f64));
    let (w, h) = match requested {
        Some((w, h)) if w > 0 && h > 0 => (w, h),
        Some((w, 0)) if w > 0 => (w, (w as f64 * ah / aw).round() as u32),
        Some((0, h)) if h > 0 => ((h as f64 * aw / ah).round() as u32, h),
        _ => (aw.round() as u32, ah.round() as u32),
    };
    (even(w), even(h))
}

/// The placement reelcut uses when the request names no scale type, per source:
/// - aspect ratios within 5% of each other: `Cover` (at most 5% is cut; thin bars would look like
///   a mistake);
/// - one landscape and the other portrait (each more than 5% away from square):
///   `LetterboxOverBlur`;
/// - otherwise (e.g. 4:3 into 16:9, square into portrait): `Letterbox`.
pub fn default_placement(g: &SourceGeometry, out_w: u32, out_h: u32) -> Placement {
    let (dw, dh) = display_size(g);
    if dw <= 0.0 || dh <= 0.0 || out_w == 0 || out_h == 0 {
        return Placement::Letterbox;
    }
    let a_src = dw / dh;
    let a_out = out_w as f64 / out_h as f64;
    let ratio = a_src / a_out;
    if (1.0 / SAME_ASPECT..=SAME_ASPECT).contains(&ratio) {
        return Placement::Cover;
    }
    let orient = |a: f64| {
        if a > SAME_ASPECT {
            1
        } else if a < 1.0 / SAME_ASPECT {
            -1
        } else {
            0
        }
    };
    if orient(a_src) * orient(a_out) < 0 {
        Placement::LetterboxOverBlur
    } else {
        Placement::Letterbox
    }
}

/// Blur strength of the `LetterboxOverBlur` background for a canvas: 3% of the short side (32 px for
/// 1080p), enough to turn the copy into a colour wash.
pub fn background_blur(out_w: u32, out_h: u32) -> f32 {
    (out_w.min(out_h) as f32 * 0.03).max(2.0)
}

/// Maps a rectangle in display coordinates of `g` to decoded-frame pixels (before rotation).
pub fn display_to_coded(g: &SourceGeometry, r: Rect) -> Rect {
    let (dw, dh) = display_size(g);
    let rot = norm_rotation(g.rotation);
    // Unrotated display space is (w0, h0).
    let (w0, h0) = if rot % 180 == 90 { (dh, dw) } else { (dw, dh) };
    // Inverse of the clockwise rotation: 90 maps (x0, y0) to (h0 - y0, x0), 180 to
    // (w0 - x0, h0 - y0), 270 to (y0, w0 - x0).
    let u = match rot {
        90 => Rect::new(r.y, h0 - r.x - r.w, r.h, r.w),
        180 => Rect::new(w0 - r.x - r.w, h0 - r.y - r.h, r.w, r.h),
        270 => Rect::new(w0 - r.y - r.h, r.x, r.h, r.w),
        _ => r,
    };
    let sx = if w0 > 0.0 { g.coded_w as f64 / w0 } else { 0.0 };
    let sy = if h0 > 0.0 { g.coded_h as f64 / h0 } else { 0.0 };
    Rect::new(u.x * sx, u.y * sy, u.w * sx, u.h * sy)
}

/// Maps a point of the decoded frame (before rotation), in 0..1 of its width and height, to the
/// display picture of `g`, in 0..1 of the display width and height (the inverse of the rotation
/// [`display_to_coded`] undoes; pixel aspect does not move a relative point).
pub fn coded_to_display_point(g: &SourceGeometry, (u, v): (f64, f64)) -> (f64, f64) {
    match norm_rotation(g.rotation) {
        90 => (1.0 - v, u),
        180 => (1.0 - u, 1.0 - v),
        270 => (v, 1.0 - u),
        _ => (u, v),
    }
}

/// Centred region of a `dw x dh` picture with the aspect of `w x h` (the part `Cover` keeps).
fn cover_region(dw: f64, dh: f64, w: f64, h: f64) -> Rect {
    cover_region_at(dw, dh, w, h, (0.5, 0.5))
}

/// The region `Cover` keeps with its centre as near `centre` (0..1 of the picture) as the
/// picture allows: the window slides, it never leaves the picture or changes size.
fn cover_region_at(dw: f64, dh: f64, w: f64, h: f64, (cx, cy): (f64, f64)) -> Rect {
    let s = (w / dw).max(h / dh);
    let (cw, ch) = ((w / s).min(dw), (h / s).min(dh));
    let at = |c: f64, size: f64, full: f64| {
        let c = if c.is_finite() { c } else { 0.5 };
        clamp(c * full - size / 2.0, 0.0, full - size)
    };
    Rect::new(at(cx, cw, dw), at(cy, ch, dh), cw, ch)
}

/// The share of the display picture's width and height that `Cover` keeps on a `out_w x out_h`
/// canvas (1 on the axis it does not cut). `None` for a degenerate source or canvas.
pub fn cover_share(g: &SourceGeometry, out_w: u32, out_h: u32) -> Option<(f64, f64)> {
    let (dw, dh) = display_size(g);
    if dw <= 0.0 || dh <= 0.0 || out_w == 0 || out_h == 0 {
        return None;
    }
    let r = cover_region(dw, dh, out_w as f64, out_h as f64);
    Some((r.w / dw, r.h / dh))
}

/// Where the whole picture goes for `Letterbox`: centred, whole output pixels.
fn fit_rect(dw: f64, dh: f64, w: f64, h: f64) -> Rect {
    let s = (w / dw).min(h / dh);
    let fw = clamp((dw * s).round(), 1.0, w);
    let fh = clamp((dh * s).round(), 1.0, h);
    Rect::new(((w - fw) / 2.0).round(), ((h - fh) / 2.0).round(), fw, fh)
}

/// `twolayer`: the sharp picture is fitted into this share of the frame (each side), so the
/// blurred copy shows around it whatever the two shapes.
pub const TWOLAYER_SCALE: f64 = 0.8;

/// Like [`place_source`], with a layout effect of the clip ([`Vfx::is_layout`]) in place of the
/// placement:
/// - `twolayer`: a blurred, zoomed copy covering the frame (as [`Placement::LetterboxOverBlur`])
///   under the whole picture fitted into the central [`TWOLAYER_SCALE`] of the frame;
/// - `threelayer`: the frame cut into three bands along its long side (rows for portrait and
///   square frames, columns for landscape ones; the outer two a third each, rounded to even
///   pixels, the middle one the rest); the middle band shows the picture sharp,
///   the outer two a blurred copy each, all three cropped from the centre of the picture to the
///   band's shape.
///
/// Other effects (and `None`) draw as `placement` does, `crop_centre` moving the `Cover` window
/// (the layout effects crop from the centre).
pub fn place_clip(
    source: usize,
    g: &SourceGeometry,
    placement: Placement,
    effect: Option<Vfx>,
    (out_w, out_h): (u32, u32),
    source_time_s: f64,
    crop_centre: Option<(f64, f64)>,
) -> Vec<DrawOp> {
    let (dw, dh) = display_size(g);
    let (w, h) = (out_w as f64, out_h as f64);
    let layout = effect.filter(|e| e.is_layout());
    if layout.is_none() || dw <= 0.0 || dh <= 0.0 || g.coded_w == 0 || g.coded_h == 0 {
        return place_source(
            source,
            g,
            placement,
            (out_w, out_h),
            source_time_s,
            crop_centre,
        );
    }
    if out_w == 0 || out_h == 0 {
        return Vec::new();
    }
    let op = |display: Rect, dst: Rect, blur_px: f32| DrawOp {
        source,
        source_time_s,
        src_rect: display_to_coded(g, display),
        dst_rect: dst,
        rotation: norm_rotation(g.rotation),
        blur_px,
    };
    let blur = background_blur(out_w, out_h);
    let m = 2.0 * blur as f64;
    // A blurred cover of `band`, overshooting it so the blur pulls in no transparency.
    let blurred = |band: Rect| {
        let over = Rect::new(band.x - m, band.y - m, band.w + 2.0 * m, band.h + 2.0 * m);
        op(cover_region(dw, dh, over.w, over.h), over, blur)
    };
    if layout == Some(Vfx::TwoLayer) {
        let fit = fit_rect(dw, dh, w * TWOLAYER_SCALE, h * TWOLAYER_SCALE);
        let inset_x = ((w - w * TWOLAYER_SCALE) / 2.0).round();
        let inset_y = ((h - h * TWOLAYER_SCALE) / 2.0).round();
        let fg = Rect::new(fit.x + inset_x, fit.y + inset_y, fit.w, fit.h);
        return vec![
            blurred(Rect::new(0.0, 0.0, w, h)),
            op(Rect::new(0.0, 0.0, dw, dh), fg, 0.0),
        ];
    }
    // Band edges on even pixels, so the chroma planes split at the same place.
    let even = |v: f64| (v / 2.0).round() * 2.0;
    let bands: [Rect; 3] = if out_w > out_h {
        let x = [0.0, even(w / 3.0), w - even(w / 3.0), w];
        [0, 1, 2].map(|k| Rect::new(x[k], 0.0, x[k + 1] - x[k], h))
    } else {
        let y = [0.0, even(h / 3.0), h - even(h / 3.0), h];
        [0, 1, 2].map(|k| Rect::new(0.0, y[k], w, y[k + 1] - y[k]))
    };
    vec![
        blurred(bands[0]),
        blurred(bands[2]),
        op(cover_region(dw, dh, bands[1].w, bands[1].h), bands[1], 0.0),
    ]
}

/// The draws that put source `source` (geometry `g`) on a `out_w x out_h` canvas with `placement`,
/// showing the frame at `source_time_s`. `crop_centre` (0..1 of the display picture; `None` = the
/// middle) is where the `Cover` window is centred, as near as the picture allows: the camera path
/// of a crop that follows the subject ([`super::camera`]). Empty for a degenerate source (zero
/// size).
pub fn place_source(
    source: usize,
    g: &SourceGeometry,
    placement: Placement,
    (out_w, out_h): (u32, u32),
    source_time_s: f64,
    crop_centre: Option<(f64, f64)>,
) -> Vec<DrawOp> {
    let (dw, dh) = display_size(g);
    let (w, h) = (out_w as f64, out_h as f64);
    if dw <= 0.0 || dh <= 0.0 || g.coded_w == 0 || g.coded_h == 0 || out_w == 0 || out_h == 0 {
        return Vec::new();
    }
    let rotation = norm_rotation(g.rotation);
    let op = |display: Rect, dst: Rect, blur_px: f32| DrawOp {
        source,
        source_time_s,
        src_rect: display_to_coded(g, display),
        dst_rect: dst,
        rotation,
        blur_px,
    };
    let full = Rect::new(0.0, 0.0, w, h);
    match placement {
        Placement::Stretch => vec![op(Rect::new(0.0, 0.0, dw, dh), full, 0.0)],
        Placement::Cover => {
            let centre = crop_centre.unwrap_or((0.5, 0.5));
            vec![op(cover_region_at(dw, dh, w, h, centre), full, 0.0)]
        }
        Placement::Letterbox => vec![op(Rect::new(0.0, 0.0, dw, dh), fit_rect(dw, dh, w, h), 0.0)],
        Placement::LetterboxOverBlur => {
            let blur = background_blur(out_w, out_h);
            // Overshoot the canvas by two standard deviations so the blur does not pull in
            // transparency at the edges (the copy is zoomed a little; it is a blurred wash anyway).
            let m = 2.0 * blur as f64;
            let bg = Rect::new(-m, -m, w + 2.0 * m, h + 2.0 * m);
            vec![
                op(cover_region(dw, dh, bg.w, bg.h), bg, blur),
                op(Rect::new(0.0, 0.0, dw, dh), fit_rect(dw, dh, w, h), 0.0),
            ]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotations_round_to_quarter_turns() {
        assert_eq!(norm_rotation(0), 0);
        assert_eq!(norm_rotation(89), 90);
        assert_eq!(norm_rotation(271), 270);
        assert_eq!(norm_rotation(360), 0);
        assert_eq!(norm_rotation(u32::MAX), norm_rotation(u32::MAX % 360));
    }

    #[test]
    fn degenerate_sources_draw_nothing() {
        let g = SourceGeometry {
            coded_w: 0,
            coded_h: 0,
            rotation: 0,
            pixel_aspect: (0, 0),
            display_w: 0,
            display_h: 0,
        };
        assert_eq!(display_size(&g), (0.0, 0.0));
        assert!(place_source(0, &g, Placement::Letterbox, (100, 100), 0.0, None).is_empty());
        assert!(place_source(
            0,
            &SourceGeometry::simple(10, 10),
            Placement::Letterbox,
            (0, 100),
            0.0,
            None
        )
        .is_empty());
        assert_eq!(default_placement(&g, 100, 100), Placement::Letterbox);
    }

    #[test]
    fn coded_points_map_to_display_points_as_display_to_coded_inverts() {
        // A tiny display rect at each mapped point lands on the coded point it came from.
        for rot in [0, 90, 180, 270] {
            let g = SourceGeometry {
                rotation: rot,
                display_w: 0,
                display_h: 0,
                ..SourceGeometry::simple(40, 20)
            };
            let (dw, dh) = display_size(&g);
            let (x, y) = coded_to_display_point(&g, (0.25, 0.1));
            let r = display_to_coded(&g, Rect::new(x * dw, y * dh, 0.0, 0.0));
            assert!(
                (r.x - 10.0).abs() < 1e-9 && (r.y - 2.0).abs() < 1e-9,
                "{rot}: {r:?}"
            );
        }
    }

    #[test]
    fn display_to_coded_inverts_each_rotation() {
        // A 40x20 coded frame; the display rect covering the whole picture maps to the whole frame.
        for rot in [0, 90, 180, 270] {
            let g = SourceGeometry {
                rotation: rot,
                ..SourceGeometry::simple(40, 20)
            };
            let g = SourceGeometry {
                display_w: 0,
                display_h: 0,
                ..g
            };
            let (dw, dh) = display_size(&g);
            assert_eq!(
                display_to_coded(&g, Rect::new(0.0, 0.0, dw, dh)),
                Rect::new(0.0, 0.0, 40.0, 20.0)
            );
        }
        // 90: the display's top band (rows 0..10 of 20x40) is the coded frame's left columns.
        let g = SourceGeometry {
            rotation: 90,
            display_w: 0,
            display_h: 0,
            ..SourceGeometry::simple(40, 20)
        };
        assert_eq!(
            display_to_coded(&g, Rect::new(0.0, 0.0, 20.0, 10.0)),
            Rect::new(0.0, 0.0, 10.0, 20.0)
        );
    }
}
