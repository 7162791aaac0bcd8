//! Decoded frames in, small thumbnails out.
//!
//! The browser hands us the raw bytes of `VideoFrame.copyTo` (any WebCodecs pixel format, planes at
//! arbitrary offsets and strides). Analysis only needs a small picture, so this module reduces a frame
//! to a [`Thumbnail`] of [`THUMB_W`]x[`THUMB_H`] luma plus [`CHROMA_W`]x[`CHROMA_H`] chroma with a box
//! filter that reads only a few source rows per thumbnail row (contiguous slices, so LLVM vectorises the
//! sums) and never converts the whole frame.

use crate::KernelError;

/// Width of the analysis luma thumbnail.
pub const THUMB_W: usize = 64;
/// Height of the analysis luma thumbnail (16:9 with [`THUMB_W`]).
pub const THUMB_H: usize = 36;
/// Width of the coarse chroma grid (every 4x4 luma cells).
pub const CHROMA_W: usize = 16;
/// Height of the coarse chroma grid.
pub const CHROMA_H: usize = 9;
/// Source rows averaged per thumbnail row: enough to be a fair box filter for 1080p-4K input while
/// reading only ~15% of a 1080p luma plane.
const ROWS_PER_CELL: usize = 4;

/// WebCodecs `VideoPixelFormat` values the analysis understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum PixelFormat {
    /// 8-bit Y, U, V planes, chroma subsampled 2x2.
    I420,
    /// [`PixelFormat::I420`] plus an alpha plane (ignored).
    I420A,
    /// 8-bit Y, U, V planes, chroma subsampled horizontally.
    I422,
    /// 8-bit Y, U, V planes at full resolution.
    I444,
    /// 8-bit Y plane plus one interleaved UV plane, chroma subsampled 2x2.
    NV12,
    /// Packed 8-bit R, G, B, A.
    RGBA,
    /// Packed 8-bit R, G, B, unused.
    RGBX,
    /// Packed 8-bit B, G, R, A.
    BGRA,
    /// Packed 8-bit B, G, R, unused.
    BGRX,
}

impl PixelFormat {
    /// Parses a WebCodecs `VideoPixelFormat` string (exact names, e.g. `"I420"`, `"NV12"`).
    ///
    /// High-bit-depth formats (`I420P10`, ...) and anything unknown give `InvalidMedia.Unsupported`,
    /// so the caller can ask the browser for an 8-bit copy or report the frame format clearly.
    pub fn parse(name: &str) -> Result<Self, KernelError> {
        Ok(match name {
            "I420" => Self::I420,
            "I420A" => Self::I420A,
            "I422" => Self::I422,
            "I444" => Self::I444,
            "NV12" => Self::NV12,
            "RGBA" => Self::RGBA,
            "RGBX" => Self::RGBX,
            "BGRA" => Self::BGRA,
            "BGRX" => Self::BGRX,
            other => {
                return Err(KernelError::unsupported(format!(
                    "video frame pixel format '{other}' is not supported for analysis \
                     (supported: I420, I420A, I422, I444, NV12, RGBA, RGBX, BGRA, BGRX)"
                )))
            }
        })
    }

    /// Number of planes `VideoFrame.copyTo` produces for this format.
    pub fn plane_count(self) -> usize {
        match self {
            Self::I420 | Self::I422 | Self::I444 => 3,
            Self::I420A => 4,
            Self::NV12 => 2,
            Self::RGBA | Self::RGBX | Self::BGRA | Self::BGRX => 1,
        }
    }

    /// Whether the format is packed RGB(A) rather than YUV.
    pub fn is_rgb(self) -> bool {
        matches!(self, Self::RGBA | Self::RGBX | Self::BGRA | Self::BGRX)
    }
}

/// Where one plane lives in [`FrameView::data`] (the `PlaneLayout` returned by `VideoFrame.copyTo`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PlaneLayout {
    /// Byte offset of the plane's first row.
    pub offset: usize,
    /// Bytes from one row to the next (may exceed the visible row width).
    pub stride: usize,
}

/// A borrowed decoded frame: the bytes of `VideoFrame.copyTo` and how to read them.
#[derive(Debug, Clone)]
pub struct FrameView<'a> {
    /// Pixel format of `data`.
    pub format: PixelFormat,
    /// Width of the visible rect in pixels.
    pub width: u32,
    /// Height of the visible rect in pixels.
    pub height: u32,
    /// All planes, as copied out of the `VideoFrame`.
    pub data: &'a [u8],
    /// One layout per plane, in WebCodecs order (Y, U, V[, A] / Y, UV / RGBA).
    pub planes: Vec<PlaneLayout>,
    /// `VideoColorSpace.fullRange` for YUV formats: `false` (the common case) means luma is 16..235
    /// and is stretched to 0..255 so thumbnails from YUV and RGB frames compare. Ignored for RGB.
    pub full_range: bool,
}

/// A reduced frame: luma 0..255 (full range) and chroma centred on 0 (Cb, Cr, about -128..127).
#[derive(Debug, Clone, PartialEq)]
pub struct Thumbnail {
    /// [`THUMB_W`] x [`THUMB_H`] luma, row-major.
    pub luma: Vec<f32>,
    /// [`CHROMA_W`] x [`CHROMA_H`] blue-difference chroma, row-major.
    pub cb: Vec<f32>,
    /// [`CHROMA_W`] x [`CHROMA_H`] red-difference chroma, row-major.
    pub cr: Vec<f32>,
}

/// Geometry of one plane to sample: size in samples and bytes per sample group.
#[derive(Clone, Copy)]
struct PlaneGeom {
    layout: PlaneLayout,
    w: usize,
    h: usize,
    /// Bytes per pixel group (1 for planar, 2 for NV12 UV, 4 for packed RGB).
    bpp: usize,
}

impl PlaneGeom {
    /// Checks that every row we may read lies inside `data`, so sampling can index without panics.
    fn check(&self, data: &[u8], which: &str) -> Result<(), KernelError> {
        if self.w == 0 || self.h == 0 {
            return Err(KernelError::corrupt("zero-size video frame"));
        }
        let row = self.w.checked_mul(self.bpp);
        let last = self
            .layout
            .stride
            .checked_mul(self.h - 1)
            .and_then(|v| v.checked_add(self.layout.offset))
            .and_then(|v| row.and_then(|r| v.checked_add(r)));
        match (row, last) {
            (Some(row), Some(end))
                if end <= data.len() && (self.h == 1 || self.layout.stride >= row) =>
            {
                Ok(())
            }
            _ => Err(KernelError::corrupt(format!(
                "video frame {which} plane (offset {}, stride {}, {}x{}) does not fit in {} bytes",
                self.layout.offset,
                self.layout.stride,
                self.w,
                self.h,
                data.len()
            ))),
        }
    }

    /// The bytes of row `y` (valid after [`PlaneGeom::check`]).
    fn row<'d>(&self, data: &'d [u8], y: usize) -> &'d [u8] {
        let start = self.layout.offset + y * self.layout.stride;
        data.get(start..start + self.w * self.bpp).unwrap_or(&[])
    }
}

/// Rows of the source band `[y0, y1)` to average, evenly spread (at most [`ROWS_PER_CELL`]).
fn band_rows(y0: usize, y1: usize) -> impl Iterator<Item = usize> {
    let span = (y1 - y0).max(1);
    let n = span.min(ROWS_PER_CELL);
    (0..n).map(move |k| y0 + (2 * k + 1) * span / (2 * n))
}

/// Sum of the [`band_rows`] of rows `[y0, y1)`: one total per byte of a row, in `acc` (resized to
/// the row's bytes), and the number of rows summed. Whole rows are added at once, so the adds
/// vectorise; the cells then sum their columns of `acc` ([`cell_means`]).
fn band_sums(data: &[u8], g: PlaneGeom, y0: usize, y1: usize, acc: &mut Vec<u16>) -> u32 {
    const _: () = assert!(ROWS_PER_CELL * 255 <= u16::MAX as usize);
    acc.clear();
    acc.resize(g.w * g.bpp, 0);
    let mut rows = 0u32;
    for y in band_rows(y0, y1) {
        for (a, &v) in acc.iter_mut().zip(g.row(data, y)) {
            *a += u16::from(v);
        }
        rows += 1;
    }
    rows
}

/// Samples `[start, end)` of cell `i` of `n` along a plane `len` samples long (at least one): a
/// cell's columns across the width, and its band of rows down the height.
fn cell_span(i: usize, n: usize, len: usize) -> (usize, usize) {
    let start = i * len / n;
    (start, ((i + 1) * len / n).max(start + 1).min(len))
}

/// Box-filters channels `chans` of a plane into a `gw` x `gh` grid of means (0..255): `out[cell]`
/// holds one mean per channel asked for. Each band's sampled rows are read once for all channels.
fn box_means<const C: usize>(
    data: &[u8],
    g: PlaneGeom,
    chans: [usize; C],
    gw: usize,
    gh: usize,
    out: &mut [[f32; C]],
) {
    let mut acc = Vec::new();
    for gy in 0..gh {
        let (y0, y1) = cell_span(gy, gh, g.h);
        let rows = band_sums(data, g, y0, y1, &mut acc);
        for gx in 0..gw {
            let (x0, x1) = cell_span(gx, gw, g.w);
            let cell = acc.get(x0 * g.bpp..x1 * g.bpp).unwrap_or(&[]);
            let n = (rows * (x1 - x0) as u32).max(1) as f32;
            let mut means = [0f32; C];
            for (m, &c) in means.iter_mut().zip(&chans) {
                let sum: u32 = if g.bpp == 1 {
                    cell.iter().map(|&v| u32::from(v)).sum()
                } else {
                    cell.chunks_exact(g.bpp).map(|p| u32::from(p[c])).sum()
                };
                *m = sum as f32 / n;
            }
            out[gy * gw + gx] = means;
        }
    }
}

/// Box-filters channel `chan` of a plane into a `gw` x `gh` grid of means (0..255).
fn box_plane(data: &[u8], g: PlaneGeom, chan: usize, gw: usize, gh: usize, out: &mut [f32]) {
    let (cells, _) = out.as_chunks_mut::<1>();
    box_means(data, g, [chan], gw, gh, cells);
}

impl FrameView<'_> {
    /// A decoded frame has a size and a layout for each of its format's planes (the bytes of
    /// each plane are checked where they are read).
    pub fn check_shape(&self) -> Result<(), KernelError> {
        if self.width == 0 || self.height == 0 {
            return Err(KernelError::corrupt("zero-size video frame"));
        }
        if self.planes.len() < self.format.plane_count() {
            return Err(KernelError::corrupt(format!(
                "video frame in {:?} needs {} plane layouts, got {}",
                self.format,
                self.format.plane_count(),
                self.planes.len()
            )));
        }
        Ok(())
    }
}

impl Thumbnail {
    /// Reduces a decoded frame to a thumbnail, validating the plane layout against the buffer.
    ///
    /// RGB frames use BT.709 luma weights; limited-range YUV is stretched to full range, so the same
    /// picture gives (nearly) the same thumbnail whatever format the decoder chose.
    pub fn from_frame(frame: &FrameView) -> Result<Self, KernelError> {
        frame.check_shape()?;
        let (w, h) = (frame.width as usize, frame.height as usize);
        let mut thumb = Thumbnail {
            luma: vec![0.0; THUMB_W * THUMB_H],
            cb: vec![0.0; CHROMA_W * CHROMA_H],
            cr: vec![0.0; CHROMA_W * CHROMA_H],
        };
        let data = frame.data;
        if frame.format.is_rgb() {
            let g = PlaneGeom {
                layout: frame.planes[0],
                w,
                h,
                bpp: 4,
            };
            g.check(data, "RGB")?;
            let order = match frame.format {
                PixelFormat::BGRA | PixelFormat::BGRX => [2, 1, 0],
                _ => [0, 1, 2],
            };
            let mut rgb = vec![[0f32; 3]; THUMB_W * THUMB_H];
            box_means(data, g, order, THUMB_W, THUMB_H, &mut rgb);
            let mut cb_full = vec![0f32; THUMB_W * THUMB_H];
            let mut cr_full = vec![0f32; THUMB_W * THUMB_H];
            for (i, [r, gg, b]) in rgb.iter().copied().enumerate() {
                let y = 0.2126 * r + 0.7152 * gg + 0.0722 * b;
                thumb.luma[i] = y;
                cb_full[i] = (b - y) / 1.8556;
                cr_full[i] = (r - y) / 1.5748;
            }
            pool_chroma(&cb_full, &mut thumb.cb);
            pool_chroma(&cr_full, &mut thumb.cr);
            return Ok(thumb);
        }
        let (cw, ch) = match frame.format {
            PixelFormat::I444 => (w, h),
            PixelFormat::I422 => (w.div_ceil(2), h),
            _ => (w.div_ceil(2), h.div_ceil(2)),
        };
        let yg = PlaneGeom {
            layout: frame.planes[0],
            w,
            h,
            bpp: 1,
        };
        yg.check(data, "Y")?;
        box_plane(data, yg, 0, THUMB_W, THUMB_H, &mut thumb.luma);
        if frame.format == PixelFormat::NV12 {
            let g = PlaneGeom {
                layout: frame.planes[1],
                w: cw,
                h: ch,
                bpp: 2,
            };
            g.check(data, "UV")?;
            let mut uv = vec![[0f32; 2]; CHROMA_W * CHROMA_H];
            box_means(data, g, [0, 1], CHROMA_W, CHROMA_H, &mut uv);
            for (i, [u, v]) in uv.into_iter().enumerate() {
                thumb.cb[i] = u;
                thumb.cr[i] = v;
            }
        } else {
            let ug = PlaneGeom {
                layout: frame.planes[1],
                w: cw,
                h: ch,
                bpp: 1,
            };
            let vg = PlaneGeom {
                layout: frame.planes[2],
                w: cw,
                h: ch,
                bpp: 1,
            };
            ug.check(data, "U")?;
            vg.check(data, "V")?;
            box_plane(data, ug, 0, CHROMA_W, CHROMA_H, &mut thumb.cb);
            box_plane(data, vg, 0, CHROMA_W, CHROMA_H, &mut thumb.cr);
        }
        let (ys, yo, cs) = if frame.full_range {
            (1.0, 0.0, 1.0)
        } else {
            (255.0 / 219.0, 16.0, 255.0 / 224.0)
        };
        thumb.luma.iter_mut().for_each(|v| *v = (*v - yo) * ys);
        thumb.cb.iter_mut().for_each(|v| *v = (*v - 128.0) * cs);
        thumb.cr.iter_mut().for_each(|v| *v = (*v - 128.0) * cs);
        Ok(thumb)
    }
}

/// Averages 4x4 blocks of a [`THUMB_W`]x[`THUMB_H`] grid into a [`CHROMA_W`]x[`CHROMA_H`] grid.
pub fn pool_chroma(full: &[f32], out: &mut [f32]) {
    let (bx, by) = (THUMB_W / CHROMA_W, THUMB_H / CHROMA_H);
    for cy in 0..CHROMA_H {
        for cx in 0..CHROMA_W {
            let mut s = 0.0;
            for y in cy * by..(cy + 1) * by {
                s += full[y * THUMB_W + cx * bx..y * THUMB_W + (cx + 1) * bx]
                    .iter()
                    .sum::<f32>();
            }
            out[cy * CHROMA_W + cx] = s / (bx * by) as f32;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_formats() {
        assert_eq!(PixelFormat::parse("NV12").ok(), Some(PixelFormat::NV12));
        assert_eq!(PixelFormat::parse("BGRX").ok(), Some(PixelFormat::BGRX));
        let e = PixelFormat::parse("I420P10").expect_err("10-bit");
        assert!(matches!(e, KernelError::Unsupported(_)), "{e:?}");
    }

    #[test]
    fn rejects_bad_layouts() {
        let data = vec![0u8; 100];
        let f = FrameView {
            format: PixelFormat::I420,
            width: 16,
            height: 16,
            data: &data,
            planes: vec![
                PlaneLayout {
                    offset: 0,
                    stride: 16
                };
                3
            ],
            full_range: false,
        };
        assert!(Thumbnail::from_frame(&f).is_err());
        let f0 = FrameView {
            width: 0,
            ..f.clone()
        };
        assert!(Thumbnail::from_frame(&f0).is_err());
        let f1 = FrameView {
            planes: vec![],
            ..f
        };
        assert!(Thumbnail::from_frame(&f1).is_err());
    }

    /// The mean of channel `chan` over cell `(gx, gy)`, pixel by pixel: the box filter's
    /// definition, against which the row-sum implementation is checked.
    fn cell_mean(
        data: &[u8],
        g: PlaneGeom,
        chan: usize,
        gw: usize,
        gh: usize,
        gx: usize,
        gy: usize,
    ) -> f32 {
        let (y0, y1) = cell_span(gy, gh, g.h);
        let (x0, x1) = cell_span(gx, gw, g.w);
        let (mut sum, mut n) = (0u32, 0u32);
        for y in band_rows(y0, y1) {
            for x in x0..x1 {
                sum += u32::from(data[g.layout.offset + y * g.layout.stride + x * g.bpp + chan]);
                n += 1;
            }
        }
        sum as f32 / n as f32
    }

    #[test]
    fn row_sums_give_the_per_pixel_means() {
        let mut seed = 12345u32;
        let mut data = vec![0u8; 2100 * 1200 * 4];
        for v in &mut data {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            *v = (seed >> 16) as u8;
        }
        // Odd and padded sizes, planar / interleaved / packed samples, every grid the thumbnail uses.
        for (w, h, bpp, stride, offset) in [
            (1920, 1080, 1, 1920, 0),
            (1081, 1921, 1, 1100, 7),
            (960, 540, 2, 1930, 3),
            (33, 17, 4, 140, 0),
            (2000, 1125, 4, 8000, 64),
        ] {
            let g = PlaneGeom {
                layout: PlaneLayout { offset, stride },
                w,
                h,
                bpp,
            };
            assert!(g.check(&data, "test").is_ok());
            for (gw, gh) in [(THUMB_W, THUMB_H), (CHROMA_W, CHROMA_H)] {
                let mut out = vec![[0f32; 2]; gw * gh];
                let chans = [0, bpp - 1];
                box_means(&data, g, chans, gw, gh, &mut out);
                for gy in 0..gh {
                    for gx in 0..gw {
                        for (k, &c) in chans.iter().enumerate() {
                            let want = cell_mean(&data, g, c, gw, gh, gx, gy);
                            assert_eq!(
                                out[gy * gw + gx][k],
                                want,
                                "{w}x{h} bpp {bpp} cell ({gx}, {gy}) channel {c}"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn tiny_frame_is_fine() {
        let data = vec![200u8; 4];
        let f = FrameView {
            format: PixelFormat::RGBA,
            width: 1,
            height: 1,
            data: &data,
            planes: vec![PlaneLayout {
                offset: 0,
                stride: 4,
            }],
            full_range: true,
        };
        let t = Thumbnail::from_frame(&f).map_err(|e| e.to_string());
        assert!(
            t.as_ref().is_ok_and(|t| (t.luma[100] - 200.0).abs() < 0.01),
            "{t:?}"
        );
    }
}
