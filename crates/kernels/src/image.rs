//! Images with alpha (stickers, titles the browser rasterised, background and opening stills)
//! composited onto I420 pictures over a time range.
//!
//! An image is decoded once (RGBA, straight alpha, as `ImageData` holds it) and placed once: for
//! its rectangle on the output it is converted to BT.709 YCbCr with [`rgb_to_yuv_f32`] (the
//! compositor's one matrix),
//! premultiplied by its alpha, and resampled by the compositor's [`Scaler`] into luma-size planes
//! (Y and alpha) and chroma-size planes (U, V and alpha). Premultiplied samples resample linearly
//! (a transparent pixel's colour never bleeds into its neighbours), and then every frame is one
//! source-over per plane row: `out = P + out (255 - A) / 255`, mixed with the overlay's opacity.

use crate::picture::{rgb_to_yuv_f32, Picture, Plane, PlaneMut};
use crate::scale::{PixelBox, Scaler};
use crate::KernelError;
use crate::Rect;

/// A decoded RGBA image: `width * height * 4` bytes, straight (not premultiplied) alpha.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RgbaImage {
    width: usize,
    height: usize,
    data: Vec<u8>,
}

impl RgbaImage {
    /// Wraps RGBA bytes; an error value when the length does not match the size.
    pub fn new(width: usize, height: usize, data: Vec<u8>) -> Result<Self, KernelError> {
        if width == 0 || height == 0 || data.len() != width * height * 4 {
            return Err(KernelError::internal(format!(
                "an RGBA image of {width}x{height} needs {} bytes, got {}",
                width * height * 4,
                data.len()
            )));
        }
        Ok(Self {
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

    /// The RGBA bytes, row by row.
    pub fn data(&self) -> &[u8] {
        &self.data
    }
}

/// One premultiplied plane and its alpha, over a box of the output plane.
#[derive(Debug, Clone, Default)]
struct PremultipliedPlane {
    /// Colour times alpha (`C a / 255`), `w * h`.
    colour: Vec<u8>,
    /// Alpha 0..=255, `w * h`.
    alpha: Vec<u8>,
    w: usize,
}

/// An image resampled once for its rectangle on a `out_w x out_h` output.
#[derive(Debug, Clone)]
pub struct PlacedImage {
    /// The output luma pixels it may touch: its rectangle widened to even edges, so that its
    /// chroma box is exactly half of it.
    area: PixelBox,
    planes: [PremultipliedPlane; 3],
}

impl PlacedImage {
    /// Places `image` so that it fills `dst` (output pixels; may reach past the frame, which cuts
    /// it) on a `out_w x out_h` output.
    pub fn new(image: &RgbaImage, dst: Rect, out_w: usize, out_h: usize) -> Self {
        let inside = PixelBox::of_rect(dst, out_w, out_h);
        let area = PixelBox {
            x0: inside.x0 & !1,
            y0: inside.y0 & !1,
            x1: ((inside.x1 + 1) & !1).min(out_w & !1),
            y1: ((inside.y1 + 1) & !1).min(out_h & !1),
        };
        let mut placed = Self {
            area,
            planes: Default::default(),
        };
        if area.is_empty() {
            return placed;
        }
        // The image as premultiplied 4:4:4 YCbCr planes plus alpha, at its own size.
        let n = image.width * image.height;
        let mut src: [Vec<u8>; 4] = std::array::from_fn(|_| Vec::with_capacity(n));
        for px in image.data.chunks_exact(4) {
            let a = f32::from(px[3]) / 255.0;
            let yuv = rgb_to_yuv_f32([px[0], px[1], px[2]].map(f32::from));
            for (plane, c) in src.iter_mut().zip(yuv) {
                plane.push((c * a).round() as u8);
            }
            src[3].push(px[3]);
        }
        let src_rect = Rect::new(0.0, 0.0, image.width as f64, image.height as f64);
        let mut scaler = Scaler::default();
        for (p, plane) in placed.planes.iter_mut().enumerate() {
            let (b, f) = if p == 0 {
                (area, 1.0)
            } else {
                (area.halved(), 0.5)
            };
            let (w, h) = (b.width(), b.y1 - b.y0);
            let local = Rect::new(
                dst.x * f - b.x0 as f64,
                dst.y * f - b.y0 as f64,
                dst.w * f,
                dst.h * f,
            );
            let mut resample = |samples: &[u8]| {
                let mut out = vec![0u8; w * h];
                let plane = Plane {
                    data: samples,
                    width: image.width,
                    height: image.height,
                };
                let mut target = PlaneMut {
                    data: &mut out,
                    width: w,
                    height: h,
                };
                scaler.draw(
                    plane,
                    src_rect,
                    &mut target,
                    local,
                    PixelBox::all(w, h),
                    0..0,
                );
                out
            };
            plane.colour = resample(&src[p]);
            plane.alpha = resample(&src[3]);
            plane.w = w;
        }
        placed
    }

    /// Draws the image onto `out` (the size it was placed for) at `opacity` (0..1).
    pub fn draw(&self, out: &mut Picture, opacity: f32) {
        let o = crate::blend::weight(opacity);
        if o == 0 || self.area.is_empty() {
            return;
        }
        let mut composed = Vec::new();
        for (p, dst) in out.planes_mut().into_iter().enumerate() {
            let b = if p == 0 {
                self.area
            } else {
                self.area.halved()
            };
            let src = &self.planes[p];
            let mut dst = dst;
            for (row, y) in (b.y0..b.y1).enumerate() {
                let line = &mut dst.row_mut(y)[b.x0..b.x1];
                let colour = &src.colour[row * src.w..(row + 1) * src.w];
                let alpha = &src.alpha[row * src.w..(row + 1) * src.w];
                composed.clear();
                composed.extend(line.iter().zip(colour).zip(alpha).map(|((&d, &c), &a)| {
                    let under = (u16::from(d) * (255 - u16::from(a)) + 127) / 255;
                    (u16::from(c) + under).min(255) as u8
                }));
                crate::blend::mix_row(line, &composed, o);
            }
        }
    }
}

/// When an overlay shows: `[start_s, end_s)` of output time, fading in and out over `fade_s`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ShowTime {
    pub start_s: f64,
    pub end_s: f64,
    /// Length of the fade at each end (0 = it appears and disappears at once); at most half the
    /// range.
    pub fade_s: f64,
}

impl ShowTime {
    /// The overlay's opacity at output time `t`: 0 outside the range, rising linearly over the
    /// first `fade_s`, falling over the last `fade_s`, 1 in between.
    pub fn opacity_at(&self, t: f64) -> f32 {
        let inside = t >= self.start_s && t < self.end_s;
        if !inside {
            return 0.0;
        }
        let fade = self.fade_s.min((self.end_s - self.start_s) / 2.0);
        if fade.is_nan() || fade <= 0.0 {
            return 1.0;
        }
        let edge = (t - self.start_s).min(self.end_s - t);
        (edge / fade).clamp(0.0, 1.0) as f32
    }
}
