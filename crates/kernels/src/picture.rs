//! The compositor's picture type: 8-bit I420 (BT.709, limited range) with owned, tightly packed
//! planes, and the one conversion of a decoded frame (any layout `VideoFrame.copyTo` produces) into
//! it.
//!
//! The planes are laid out exactly as `new VideoFrame(data, {format: 'I420'})` expects with default
//! layout (Y, then U, then V, strides = plane widths), so an output picture goes to the encoder
//! without a repack, and a decoded I420 frame copied with a tight layout *is* a picture already.

use crate::video::{FrameView, PixelFormat, PlaneLayout};
use crate::KernelError;

/// A colour as BT.709 limited-range Y, Cb, Cr.
pub type Yuv = [u8; 3];

/// BT.709 luma weights of R and B (G is the rest).
const KR: f32 = 0.2126;
const KB: f32 = 0.0722;

/// RGB (full range, 0..255) to BT.709 limited-range YCbCr: the one definition of the colour
/// conversion, used for fills, veils and RGB frames alike.
pub fn rgb_to_yuv(rgb: [u8; 3]) -> Yuv {
    let [y, u, v] = rgb_to_yuv_f32(rgb.map(f32::from));
    [round_u8(y), round_u8(u), round_u8(v)]
}

/// [`rgb_to_yuv`] before rounding, for conversions that keep computing (premultiplied images).
pub fn rgb_to_yuv_f32([r, g, b]: [f32; 3]) -> [f32; 3] {
    let y = KR * r + (1.0 - KR - KB) * g + KB * b;
    let cb = (b - y) / (2.0 * (1.0 - KB));
    let cr = (r - y) / (2.0 * (1.0 - KR));
    [
        16.0 + y * 219.0 / 255.0,
        128.0 + cb * 224.0 / 255.0,
        128.0 + cr * 224.0 / 255.0,
    ]
}

/// The inverse of [`rgb_to_yuv_f32`]: BT.709 limited-range Y, Cb, Cr to RGB (0..255, not clamped).
pub fn yuv_to_rgb_f32([y, u, v]: [f32; 3]) -> [f32; 3] {
    let y = (y - 16.0) * 255.0 / 219.0;
    let cb = (u - 128.0) * 255.0 / 224.0;
    let cr = (v - 128.0) * 255.0 / 224.0;
    let r = y + 2.0 * (1.0 - KR) * cr;
    let b = y + 2.0 * (1.0 - KB) * cb;
    let g = (y - KR * r - KB * b) / (1.0 - KR - KB);
    [r, g, b]
}

/// Whether a `VideoColorSpace.matrix` name is BT.601 (SD video); everything else is taken as
/// BT.709, the matrix the output is written and tagged in.
pub fn is_bt601(matrix: &str) -> bool {
    matches!(matrix, "smpte170m" | "bt470bg")
}

/// The limited-range `Cb, Cr` (centred on 0) contributions of a BT.601 sample to BT.709: rows
/// `Y`, `Cb`, `Cr`, columns `Cb`, `Cr`, 16 fractional bits. Luma maps to itself (greys are grey in
/// both), so only the chroma terms are needed.
fn bt601_to_bt709() -> [[i32; 2]; 3] {
    // Normalised (y, pb, pr) of BT.601 → RGB → (y, pb, pr) of BT.709, one unit vector at a time.
    let to_rgb = |y: f32, pb: f32, pr: f32| {
        let (kr, kb) = (0.299f32, 0.114f32);
        let r = y + 2.0 * (1.0 - kr) * pr;
        let b = y + 2.0 * (1.0 - kb) * pb;
        let g = (y - kr * r - kb * b) / (1.0 - kr - kb);
        [r, g, b]
    };
    let from_rgb = |[r, g, b]: [f32; 3]| {
        let y = KR * r + (1.0 - KR - KB) * g + KB * b;
        [
            y,
            (b - y) / (2.0 * (1.0 - KB)),
            (r - y) / (2.0 * (1.0 - KR)),
        ]
    };
    let pb = from_rgb(to_rgb(0.0, 1.0, 0.0));
    let pr = from_rgb(to_rgb(0.0, 0.0, 1.0));
    // Code values: luma spans 219 levels, chroma 224.
    let scale = [219.0 / 224.0, 1.0, 1.0];
    let fix = |v: f32| (v * 65536.0).round() as i32;
    [0, 1, 2].map(|row| [fix(pb[row] * scale[row]), fix(pr[row] * scale[row])])
}

fn round_u8(v: f32) -> u8 {
    v.round().clamp(0.0, 255.0) as u8
}

/// Fixed-point (16 fractional bits) version of [`rgb_to_yuv`] for whole frames: rows of `[Y, Cb,
/// Cr]` coefficient triples for R, G, B and the offset, derived from the same constants.
struct RgbMatrix {
    rows: [[i32; 3]; 3],
}

impl RgbMatrix {
    fn bt709() -> Self {
        // The conversion is linear plus an offset: read the coefficients off unit inputs.
        let zero = rgb_to_yuv_f32([0.0; 3]);
        let col = |i: usize| {
            let mut unit = [0.0; 3];
            unit[i] = 1.0;
            let v = rgb_to_yuv_f32(unit);
            [v[0] - zero[0], v[1] - zero[1], v[2] - zero[2]]
        };
        let (r, g, b) = (col(0), col(1), col(2));
        let fix = |v: f32| (v * 65536.0).round() as i32;
        Self {
            rows: [0, 1, 2].map(|c| [fix(r[c]), fix(g[c]), fix(b[c])]),
        }
    }

    fn apply(&self, row: usize, rgb: [i32; 3], offset: i32) -> u8 {
        let m = self.rows[row];
        let v = m[0] * rgb[0] + m[1] * rgb[1] + m[2] * rgb[2];
        ((v + (offset << 16) + (1 << 15)) >> 16).clamp(0, 255) as u8
    }
}

/// An I420 picture of even size; `data` is Y (`width * height`), then U, then V (each
/// `width / 2 * height / 2`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Picture {
    width: usize,
    height: usize,
    data: Vec<u8>,
}

/// Read access to one plane.
#[derive(Clone, Copy)]
pub struct Plane<'a> {
    pub data: &'a [u8],
    pub width: usize,
    pub height: usize,
}

impl Plane<'_> {
    pub fn row(&self, y: usize) -> &[u8] {
        &self.data[y * self.width..(y + 1) * self.width]
    }
}

/// Write access to one plane.
pub struct PlaneMut<'a> {
    pub data: &'a mut [u8],
    pub width: usize,
    pub height: usize,
}

impl PlaneMut<'_> {
    pub fn row_mut(&mut self, y: usize) -> &mut [u8] {
        &mut self.data[y * self.width..(y + 1) * self.width]
    }

    pub fn as_plane(&self) -> Plane<'_> {
        Plane {
            data: self.data,
            width: self.width,
            height: self.height,
        }
    }
}

/// Byte size of a `width x height` I420 picture (both even).
pub fn i420_len(width: usize, height: usize) -> usize {
    width * height + 2 * (width / 2) * (height / 2)
}

impl Picture {
    /// A picture of one colour; odd sizes are rounded up to even.
    pub fn filled(width: usize, height: usize, colour: Yuv) -> Self {
        let (width, height) = (even_up(width), even_up(height));
        let mut p = Self {
            width,
            height,
            data: vec![0; i420_len(width, height)],
        };
        p.fill(colour);
        p
    }

    /// Wraps tightly packed I420 bytes; `None` if the size is odd or the length is wrong.
    pub fn from_i420(width: usize, height: usize, data: Vec<u8>) -> Option<Self> {
        (width.is_multiple_of(2)
            && height.is_multiple_of(2)
            && data.len() == i420_len(width, height))
        .then_some(Self {
            width,
            height,
            data,
        })
    }

    pub fn width(&self) -> usize {
        self.width
    }

    pub fn height(&self) -> usize {
        self.height
    }

    /// The I420 bytes (Y, U, V, tightly packed).
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// Makes `self` a copy of `other`, reusing `self`'s buffer.
    pub fn copy_from(&mut self, other: &Picture) {
        self.width = other.width;
        self.height = other.height;
        self.data.clear();
        self.data.extend_from_slice(&other.data);
    }

    /// Gives the buffer back (to reuse it for the next frame).
    pub fn into_data(self) -> Vec<u8> {
        self.data
    }

    /// Plane `i` (0 = Y, 1 = U, 2 = V).
    pub fn plane(&self, i: usize) -> Plane<'_> {
        let (w, h) = self.plane_size(i);
        let start = self.plane_offset(i);
        Plane {
            data: &self.data[start..start + w * h],
            width: w,
            height: h,
        }
    }

    /// All three planes, writable.
    pub fn planes_mut(&mut self) -> [PlaneMut<'_>; 3] {
        let (w, h) = (self.width, self.height);
        let (cw, ch) = (w / 2, h / 2);
        let (y, rest) = self.data.split_at_mut(w * h);
        let (u, v) = rest.split_at_mut(cw * ch);
        [
            PlaneMut {
                data: y,
                width: w,
                height: h,
            },
            PlaneMut {
                data: u,
                width: cw,
                height: ch,
            },
            PlaneMut {
                data: v,
                width: cw,
                height: ch,
            },
        ]
    }

    pub fn plane_size(&self, i: usize) -> (usize, usize) {
        if i == 0 {
            (self.width, self.height)
        } else {
            (self.width / 2, self.height / 2)
        }
    }

    fn plane_offset(&self, i: usize) -> usize {
        match i {
            0 => 0,
            1 => self.width * self.height,
            _ => self.width * self.height + (self.width / 2) * (self.height / 2),
        }
    }

    /// Sets every pixel to `colour`.
    pub fn fill(&mut self, colour: Yuv) {
        for (p, c) in self.planes_mut().into_iter().zip(colour) {
            p.data.fill(c);
        }
    }

    /// Converts a decoded frame into a picture of its visible size (odd sizes gain a copy of the
    /// last column / row). YUV is taken as BT.709-compatible (no matrix change, the encoder tags
    /// the output BT.709); full-range YUV is compressed to limited range; RGB is converted with
    /// [`rgb_to_yuv`]'s matrix, chroma averaged over each 2x2 block. A 4:2:2 or 4:4:4 frame's
    /// chroma is averaged down to 4:2:0. `reuse` is an old buffer to write into.
    pub fn from_frame(frame: &FrameView, reuse: Vec<u8>) -> Result<Self, KernelError> {
        frame.check_shape()?;
        let (fw, fh) = (frame.width as usize, frame.height as usize);
        let (w, h) = (even_up(fw), even_up(fh));
        let mut data = reuse;
        data.clear();
        data.resize(i420_len(w, h), 0);
        let mut pic = Self {
            width: w,
            height: h,
            data,
        };
        if frame.format.is_rgb() {
            convert_rgb(frame, &mut pic)?;
            return Ok(pic);
        }
        let ((cw, ch), per_sample) = match frame.format {
            PixelFormat::I444 => ((fw, fh), (2, 2)),
            PixelFormat::I422 => ((fw.div_ceil(2), fh), (1, 2)),
            _ => ((fw.div_ceil(2), fh.div_ceil(2)), (1, 1)),
        };
        let luma = SrcPlane::new(frame, 0, fw, fh, 1, "Y")?;
        let range = Range::of(frame.full_range);
        let [mut y, mut u, mut v] = pic.planes_mut();
        copy_plane(&luma, 0, &mut y, (1, 1), range.luma());
        if frame.format == PixelFormat::NV12 {
            let uv = SrcPlane::new(frame, 1, cw, ch, 2, "UV")?;
            copy_plane(&uv, 0, &mut u, per_sample, range.chroma());
            copy_plane(&uv, 1, &mut v, per_sample, range.chroma());
        } else {
            let us = SrcPlane::new(frame, 1, cw, ch, 1, "U")?;
            let vs = SrcPlane::new(frame, 2, cw, ch, 1, "V")?;
            copy_plane(&us, 0, &mut u, per_sample, range.chroma());
            copy_plane(&vs, 0, &mut v, per_sample, range.chroma());
        }
        Ok(pic)
    }

    /// Re-expresses a picture encoded with the BT.601 matrix in BT.709 (each luma pixel takes the
    /// chroma of its 2x2 block).
    pub fn convert_bt601_to_bt709(&mut self) {
        let m = bt601_to_bt709();
        let w = self.width;
        let [y, mut u, mut v] = self.planes_mut();
        let apply = |c: [i32; 2], cb: i32, cr: i32| (c[0] * cb + c[1] * cr + (1 << 15)) >> 16;
        for cy in 0..u.height {
            for k in 0..2 {
                let (urow, vrow) = (u.row_mut(cy).to_vec(), v.row_mut(cy).to_vec());
                let row = &mut y.data[(2 * cy + k) * w..(2 * cy + k + 1) * w];
                for (pair, (&cb, &cr)) in row.chunks_exact_mut(2).zip(urow.iter().zip(&vrow)) {
                    let d = apply(m[0], i32::from(cb) - 128, i32::from(cr) - 128);
                    for p in pair {
                        *p = (i32::from(*p) + d).clamp(0, 255) as u8;
                    }
                }
            }
            let (urow, vrow) = (u.row_mut(cy), v.row_mut(cy));
            for (cb, cr) in urow.iter_mut().zip(vrow.iter_mut()) {
                let (b, r) = (i32::from(*cb) - 128, i32::from(*cr) - 128);
                *cb = (128 + apply(m[1], b, r)).clamp(0, 255) as u8;
                *cr = (128 + apply(m[2], b, r)).clamp(0, 255) as u8;
            }
        }
    }

    /// This picture rotated clockwise by `degrees` (0, 90, 180, 270; others count as 0).
    pub fn rotated(&self, degrees: u32) -> Self {
        let (w, h) = if degrees % 180 == 90 {
            (self.height, self.width)
        } else {
            (self.width, self.height)
        };
        let mut out = Self {
            width: w,
            height: h,
            data: vec![0; self.data.len()],
        };
        for (i, dst) in out.planes_mut().into_iter().enumerate() {
            crate::rotate::rotate_plane(self.plane(i), dst, degrees);
        }
        out
    }
}

/// Rounds up to an even number (at least 2).
pub fn even_up(v: usize) -> usize {
    (v + (v & 1)).max(2)
}

/// One plane of the decoded frame, checked to lie inside the buffer.
struct SrcPlane<'a> {
    data: &'a [u8],
    layout: PlaneLayout,
    width: usize,
    height: usize,
    /// Bytes per sample group (1 planar, 2 interleaved UV, 4 packed RGB).
    bpp: usize,
}

impl<'a> SrcPlane<'a> {
    fn new(
        frame: &FrameView<'a>,
        index: usize,
        width: usize,
        height: usize,
        bpp: usize,
        which: &str,
    ) -> Result<Self, KernelError> {
        let layout = frame.planes[index];
        let row = width * bpp;
        let end = layout
            .stride
            .checked_mul(height - 1)
            .and_then(|v| v.checked_add(layout.offset))
            .and_then(|v| v.checked_add(row));
        match end {
            Some(end) if end <= frame.data.len() && (height == 1 || layout.stride >= row) => {
                Ok(Self {
                    data: frame.data,
                    layout,
                    width,
                    height,
                    bpp,
                })
            }
            _ => Err(KernelError::corrupt(format!(
                "video frame {which} plane (offset {}, stride {}, {width}x{height}) does not fit in {} bytes",
                layout.offset,
                layout.stride,
                frame.data.len()
            ))),
        }
    }

    /// Row `y`, clamped to the last row (odd heights are padded with a copy of it).
    fn row(&self, y: usize) -> &'a [u8] {
        let start = self.layout.offset + y.min(self.height - 1) * self.layout.stride;
        &self.data[start..start + self.width * self.bpp]
    }
}

/// How sample values map into limited range: `out = (v * mul + add) >> 16`.
#[derive(Clone, Copy)]
struct Levels {
    mul: u32,
    add: u32,
}

impl Levels {
    const IDENTITY: Levels = Levels {
        mul: 1 << 16,
        add: 0,
    };
    fn is_identity(self) -> bool {
        self.mul == 1 << 16 && self.add == 0
    }
    fn apply(self, v: u32) -> u8 {
        ((v * self.mul + self.add) >> 16) as u8
    }
}

enum Range {
    Limited,
    Full,
}

impl Range {
    fn of(full: bool) -> Self {
        if full {
            Self::Full
        } else {
            Self::Limited
        }
    }
    fn luma(&self) -> Levels {
        match self {
            Self::Limited => Levels::IDENTITY,
            Self::Full => Levels {
                mul: (219 << 16) / 255,
                add: (16 << 16) + (1 << 15),
            },
        }
    }
    fn chroma(&self) -> Levels {
        match self {
            Self::Limited => Levels::IDENTITY,
            // 128 + (v - 128) * 224 / 255, written without going negative.
            Self::Full => Levels {
                mul: (224 << 16) / 255,
                add: (128 << 16) - 128 * ((224 << 16) / 255) + (1 << 15),
            },
        }
    }
}

/// Copies channel `chan` of `src` into `dst`, averaging `fx x fy` source samples per destination
/// sample (chroma of 4:4:4 is 2x2 per 4:2:0 sample, of 4:2:2 1x2; everything else 1x1).
fn copy_plane(
    src: &SrcPlane,
    chan: usize,
    dst: &mut PlaneMut,
    (fx, fy): (usize, usize),
    levels: Levels,
) {
    let dw = dst.width;
    for y in 0..dst.height {
        let out = dst.row_mut(y);
        if fx == 1 && fy == 1 {
            let row = src.row(y);
            if src.bpp == 1 {
                let n = row.len().min(dw);
                out[..n].copy_from_slice(&row[..n]);
                if n < dw {
                    out[n..].fill(row[n - 1]);
                }
            } else {
                for (o, p) in out.iter_mut().zip(row.chunks_exact(src.bpp)) {
                    *o = p[chan];
                }
                let n = row.len() / src.bpp;
                if n < dw {
                    let last = row[(n - 1) * src.bpp + chan];
                    out[n..].fill(last);
                }
            }
        } else {
            // Average fy rows of fx samples (4:4:4 → 4:2:0: 2x2; 4:2:2 → 4:2:0: 1x2).
            let rows: Vec<&[u8]> = (0..fy).map(|k| src.row(y * fy + k)).collect();
            let n = src.width;
            for (x, o) in out.iter_mut().enumerate() {
                let mut acc = 0u32;
                for r in &rows {
                    for k in 0..fx {
                        let sx = (x * fx + k).min(n - 1);
                        acc += u32::from(r[sx * src.bpp + chan]);
                    }
                }
                let cnt = (fx * fy) as u32;
                *o = ((acc + cnt / 2) / cnt) as u8;
            }
        }
        if !levels.is_identity() {
            for o in out.iter_mut() {
                *o = levels.apply(u32::from(*o));
            }
        }
    }
}

/// Packed RGB(A) → I420 with the BT.709 matrix; chroma from the mean RGB of each 2x2 block.
fn convert_rgb(frame: &FrameView, pic: &mut Picture) -> Result<(), KernelError> {
    let (fw, fh) = (frame.width as usize, frame.height as usize);
    let src = SrcPlane::new(frame, 0, fw, fh, 4, "RGB")?;
    let order = match frame.format {
        PixelFormat::BGRA | PixelFormat::BGRX => [2, 1, 0],
        _ => [0, 1, 2],
    };
    let m = RgbMatrix::bt709();
    let w = pic.width;
    let [mut yp, mut up, mut vp] = pic.planes_mut();
    let px = |row: &[u8], x: usize| {
        let p = &row[x.min(fw - 1) * 4..][..4];
        [
            i32::from(p[order[0]]),
            i32::from(p[order[1]]),
            i32::from(p[order[2]]),
        ]
    };
    for cy in 0..yp.height / 2 {
        let rows = [src.row(2 * cy), src.row(2 * cy + 1)];
        for (k, row) in rows.iter().enumerate() {
            let out = yp.row_mut(2 * cy + k);
            for (x, o) in out.iter_mut().enumerate().take(w) {
                *o = m.apply(0, px(row, x), 16);
            }
        }
        let (urow, vrow) = (up.row_mut(cy), vp.row_mut(cy));
        for (cx, (u, v)) in urow.iter_mut().zip(vrow.iter_mut()).enumerate() {
            let mut sum = [0i32; 3];
            for row in rows {
                for x in [2 * cx, 2 * cx + 1] {
                    let p = px(row, x);
                    for c in 0..3 {
                        sum[c] += p[c];
                    }
                }
            }
            // Mean of four: keep two extra fractional bits by scaling the offset instead.
            let mean = sum.map(|s| (s + 2) >> 2);
            *u = m.apply(1, mean, 128);
            *v = m.apply(2, mean, 128);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_conversion_matches_bt709_limited_range() {
        assert_eq!(rgb_to_yuv([0, 0, 0]), [16, 128, 128]);
        assert_eq!(rgb_to_yuv([255, 255, 255]), [235, 128, 128]);
        // BT.709 red: Y 63, Cb 102, Cr 240.
        assert_eq!(rgb_to_yuv([255, 0, 0]), [63, 102, 240]);
        // BT.601 red (81, 90, 240) is BT.709 red.
        let mut p = Picture::filled(2, 2, [81, 90, 240]);
        p.convert_bt601_to_bt709();
        let got = [p.plane(0).data[0], p.plane(1).data[0], p.plane(2).data[0]];
        for (g, w) in got.iter().zip([63u8, 102, 240]) {
            assert!(g.abs_diff(w) <= 1, "{got:?}");
        }
        let m = RgbMatrix::bt709();
        for rgb in [[0, 0, 0], [255, 0, 0], [12, 200, 99], [255, 255, 255]] {
            let f = rgb_to_yuv(rgb);
            let i = rgb.map(i32::from);
            let fixed = [m.apply(0, i, 16), m.apply(1, i, 128), m.apply(2, i, 128)];
            for c in 0..3 {
                assert!(f[c].abs_diff(fixed[c]) <= 1, "{rgb:?}: {f:?} vs {fixed:?}");
            }
        }
    }
}
