//! The colour and mask effects: each a pure function of the I420 picture (BT.709, limited range),
//! written as straight loops over plane rows so they vectorise.

use crate::picture::Picture;

/// `letterboxed`: the visible picture's aspect ratio, the cinema "scope" format.
pub const CINEMA_ASPECT: f64 = 2.35;
/// `letterboxed` keeps at least this share of the frame's height visible, so a portrait frame
/// gets cinema bands rather than a thin strip of picture.
pub const LETTERBOX_MIN_VISIBLE: f64 = 0.75;

/// Height in rows of each `letterboxed` band for a `w x h` frame: the bands leave a `2.35:1`
/// picture (at least 75 % of the height), rounded to the nearest even number of rows so the chroma
/// planes have whole bands too. 0 when the frame is already that wide.
pub fn letterbox_band(w: usize, h: usize) -> usize {
    let visible = (w as f64 / CINEMA_ASPECT).max(h as f64 * LETTERBOX_MIN_VISIBLE);
    (((h as f64 - visible) / 4.0).round().max(0.0) as usize) * 2
}

/// `letterboxed`: black (Y 16, U = V = 128) bands of [`letterbox_band`] rows at the top and the
/// bottom, the picture between them unchanged (ffmpeg: two `drawbox=...:color=black:t=fill`).
pub fn letterbox(pic: &mut Picture) {
    let band = letterbox_band(pic.width(), pic.height());
    for (i, plane) in pic.planes_mut().into_iter().enumerate() {
        let (b, black) = if i == 0 { (band, 16) } else { (band / 2, 128) };
        let w = plane.width;
        let len = plane.data.len();
        plane.data[..b * w].fill(black);
        plane.data[len - b * w..].fill(black);
    }
}

/// `luminance`: a grey picture: luma unchanged, chroma neutral (ffmpeg `hue=s=0`).
pub fn luminance(pic: &mut Picture) {
    let [_, u, v] = pic.planes_mut();
    u.data.fill(128);
    v.data.fill(128);
}

/// `invert`: the negative, `255 - x` on every sample of every plane (exactly ffmpeg `negate` on
/// yuv420p).
pub fn invert(pic: &mut Picture) {
    for plane in pic.planes_mut() {
        for s in plane.data.iter_mut() {
            *s = 255 - *s;
        }
    }
}

/// `vignette`'s angle (ffmpeg `vignette`'s default `PI/5`): the corners keep `cos(PI/5)^4`, about
/// 43 %, of their level.
pub const VIGNETTE_ANGLE: f64 = std::f64::consts::PI / 5.0;

/// The vignette's gain per luma pixel for one frame size.
#[derive(Debug, Default, Clone)]
pub struct VignetteMap {
    w: usize,
    h: usize,
    gain: Vec<f32>,
}

impl VignetteMap {
    /// ffmpeg `vignette`'s gain (forward mode, centre `w/2, h/2`, square pixels): with
    /// `dx = trunc(x - w/2)`, `dy = trunc(y - h/2)` and `d = hypot(dx, dy) / hypot(w/2, h/2)`,
    /// the gain is `cos(PI/5 * d)^4`: 1 at the centre, falling smoothly to the corners.
    fn for_size(&mut self, w: usize, h: usize) -> &[f32] {
        if self.w != w || self.h != h || self.gain.len() != w * h {
            let (x0, y0) = (w as f64 / 2.0, h as f64 / 2.0);
            let dmax = x0.hypot(y0);
            self.gain.clear();
            self.gain.reserve(w * h);
            for y in 0..h {
                let dy = (y as f64 - y0).trunc();
                self.gain.extend((0..w).map(|x| {
                    let dx = (x as f64 - x0).trunc();
                    let c = (VIGNETTE_ANGLE * (dx.hypot(dy) / dmax).min(1.0)).cos();
                    (c * c * c * c) as f32
                }));
            }
            (self.w, self.h) = (w, h);
        }
        &self.gain
    }
}

/// `vignette`: darkened corners, the centre unchanged. As ffmpeg's `vignette`: luma is multiplied
/// by the gain of [`VignetteMap`] (`Y' = Y g`), chroma is pulled towards neutral by the gain of
/// the 2x2 block's top-left pixel (`C' = (C - 127) g + 127`); results are rounded (ffmpeg adds a
/// random dither in [0, 1) and truncates, the same on average).
pub fn vignette(pic: &mut Picture, map: &mut VignetteMap) {
    let (w, h) = (pic.width(), pic.height());
    if w == 0 || h == 0 {
        return;
    }
    let gain = map.for_size(w, h);
    let [luma, u, v] = pic.planes_mut();
    for (row, g) in luma.data.chunks_exact_mut(w).zip(gain.chunks_exact(w)) {
        for (s, g) in row.iter_mut().zip(g) {
            *s = (f32::from(*s) * g + 0.5) as u8;
        }
    }
    let cw = w / 2;
    let mut chroma_gain = vec![0f32; cw];
    for (cy, (urow, vrow)) in u
        .data
        .chunks_exact_mut(cw)
        .zip(v.data.chunks_exact_mut(cw))
        .enumerate()
    {
        let g = &gain[2 * cy * w..2 * cy * w + w];
        for (cg, pair) in chroma_gain.iter_mut().zip(g.chunks_exact(2)) {
            *cg = pair[0];
        }
        for row in [urow, vrow] {
            for (s, g) in row.iter_mut().zip(&chroma_gain) {
                *s = ((f32::from(*s) - 127.0) * g + 127.5).clamp(0.0, 255.0) as u8;
            }
        }
    }
}

/// `sigmoidaltransfer`'s steepness (the contrast of ImageMagick's `-sigmoidal-contrast`): 5 lifts
/// mid-tone contrast clearly without crushing shadows or highlights.
pub const SIGMOID_CONTRAST: f64 = 5.0;
/// `sigmoidaltransfer`'s mid-point, as a fraction of the luma range.
pub const SIGMOID_MIDPOINT: f64 = 0.5;

/// The contrast S-curve on normalised luma `u` in [0, 1] (ImageMagick's sigmoidal contrast):
/// `s(u) = (f(u) - f(0)) / (f(1) - f(0))` with `f(u) = 1 / (1 + exp(b (m - u)))`,
/// `b` = [`SIGMOID_CONTRAST`], `m` = [`SIGMOID_MIDPOINT`]. `s(0) = 0`, `s(1) = 1`, `s(m) = m`; the
/// slope is above 1 around `m` and below 1 near the ends.
pub fn sigmoid(u: f64) -> f64 {
    let f = |u: f64| 1.0 / (1.0 + (SIGMOID_CONTRAST * (SIGMOID_MIDPOINT - u)).exp());
    (f(u.clamp(0.0, 1.0)) - f(0.0)) / (f(1.0) - f(0.0))
}

/// `sigmoidaltransfer`: [`sigmoid`] applied to luma over the limited range
/// (`Y' = 16 + 219 s((Y - 16) / 219)`, rounded; below 16 / above 235 clamp to the ends); chroma is
/// unchanged. ffmpeg: `lutyuv=y=...` with the same formula.
pub fn sigmoidal_transfer(pic: &mut Picture) {
    let mut lut = [0u8; 256];
    for (y, out) in lut.iter_mut().enumerate() {
        let u = (y as f64 - 16.0) / 219.0;
        *out = (16.0 + 219.0 * sigmoid(u)).round() as u8;
    }
    let [luma, _, _] = pic.planes_mut();
    for s in luma.data.iter_mut() {
        *s = lut[usize::from(*s)];
    }
}

/// `colorshift`'s hue angle at clip progress `p`: one full turn of the colour wheel over the clip
/// (`360 p` degrees), so the clip starts and ends in its own colours.
pub fn colorshift_degrees(p: f32) -> f64 {
    360.0 * f64::from(p)
}

/// Rotates every pixel's chroma by `degrees` around neutral, luma unchanged, with ffmpeg `hue=h=`'s
/// integer arithmetic: `c = lrint(cos h * 2^16)`, `s = lrint(sin h * 2^16)`,
/// `U' = (c u - s v + 2^15) >> 16 + 128`, `V' = (s u + c v + 2^15) >> 16 + 128` with `u = U - 128`,
/// `v = V - 128`, clamped to 0..255.
pub fn hue_rotate(pic: &mut Picture, degrees: f64) {
    let h = degrees.to_radians();
    let c = (h.cos() * 65536.0).round() as i32;
    let s = (h.sin() * 65536.0).round() as i32;
    let [_, u, v] = pic.planes_mut();
    let rotate = |a: i32, b: i32, k1: i32, k2: i32| {
        ((k1 * a + k2 * b + (1 << 15) + (128 << 16)) >> 16).clamp(0, 255) as u8
    };
    for (us, vs) in u.data.iter_mut().zip(v.data.iter_mut()) {
        let (a, b) = (i32::from(*us) - 128, i32::from(*vs) - 128);
        *us = rotate(a, b, c, -s);
        *vs = rotate(a, b, s, c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_leave_a_scope_picture_or_three_quarters() {
        assert_eq!(letterbox_band(1920, 1080), 132);
        assert_eq!(letterbox_band(1080, 1920), 240);
        assert_eq!(letterbox_band(2400, 1000), 0);
    }

    #[test]
    fn sigmoid_is_an_s_curve() {
        assert_eq!(sigmoid(0.0), 0.0);
        assert!((sigmoid(1.0) - 1.0).abs() < 1e-12);
        assert!((sigmoid(0.5) - 0.5).abs() < 1e-12);
        assert!(sigmoid(0.25) < 0.25 && sigmoid(0.75) > 0.75);
    }

    #[test]
    fn hue_rotate_by_zero_and_a_full_turn_keeps_colours() {
        let mut p = Picture::filled(4, 4, [100, 60, 200]);
        let orig = p.clone();
        hue_rotate(&mut p, 0.0);
        assert_eq!(p, orig);
        hue_rotate(&mut p, 360.0);
        assert_eq!(p, orig);
        hue_rotate(&mut p, 180.0);
        assert_eq!(p.plane(1).data[0], 196);
        assert_eq!(p.plane(2).data[0], 56);
    }
}
