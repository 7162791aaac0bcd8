//! Native executor of [`FrameOps`] on RGBA buffers: the reference for what the browser's canvas
//! executor must produce (see the module docs of [`super`]), used by the tests to compare
//! transitions with ffmpeg's `xfade` and to check geometry pixel by pixel.
//!
//! Sampling is bilinear on pixel centres, clamped to the source rectangle (what `drawImage` with
//! smoothing does); compositing is source-over in premultiplied linear-in-value f32 (canvas
//! compositing works on the stored sRGB values the same way); blur is three box passes, a close
//! approximation of the Gaussian that CSS `blur()` specifies.

use super::{transitions::dissolve_noise, DrawOp, FrameOps, Layer, Rect};

/// An RGBA image, 8 bits per channel, rows top to bottom, no padding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RgbaImage {
    pub width: u32,
    pub height: u32,
    pub data: Vec<u8>,
}

impl RgbaImage {
    /// A `width x height` image of one colour.
    pub fn filled(width: u32, height: u32, rgba: [u8; 4]) -> Self {
        let n = width as usize * height as usize;
        Self {
            width,
            height,
            data: rgba.iter().copied().cycle().take(n * 4).collect(),
        }
    }

    /// Builds an image from a function of the pixel coordinates.
    pub fn from_fn(width: u32, height: u32, f: impl Fn(u32, u32) -> [u8; 4]) -> Self {
        let mut data = Vec::with_capacity(width as usize * height as usize * 4);
        for y in 0..height {
            for x in 0..width {
                data.extend_from_slice(&f(x, y));
            }
        }
        Self {
            width,
            height,
            data,
        }
    }

    /// Pixel at `(x, y)`; transparent black outside the image (or if `data` is too short).
    pub fn pixel(&self, x: u32, y: u32) -> [u8; 4] {
        if x >= self.width || y >= self.height {
            return [0; 4];
        }
        let i = (y as usize * self.width as usize + x as usize) * 4;
        match self.data.get(i..i + 4) {
            Some(p) => [p[0], p[1], p[2], p[3]],
            None => [0; 4],
        }
    }
}

/// Premultiplied RGBA in 0..=1.
type Px = [f32; 4];

struct Canvas {
    w: usize,
    h: usize,
    px: Vec<Px>,
}

impl Canvas {
    fn new(w: u32, h: u32) -> Self {
        Self {
            w: w as usize,
            h: h as usize,
            px: vec![[0.0; 4]; w as usize * h as usize],
        }
    }

    fn fill(&mut self, rgb: [u8; 3], alpha: f32) {
        let a = alpha.clamp(0.0, 1.0);
        let src = [
            rgb[0] as f32 / 255.0 * a,
            rgb[1] as f32 / 255.0 * a,
            rgb[2] as f32 / 255.0 * a,
            a,
        ];
        for p in &mut self.px {
            *p = over(src, *p);
        }
    }
}

fn over(src: Px, dst: Px) -> Px {
    let k = 1.0 - src[3];
    [
        src[0] + dst[0] * k,
        src[1] + dst[1] * k,
        src[2] + dst[2] * k,
        src[3] + dst[3] * k,
    ]
}

fn premul(p: [u8; 4]) -> Px {
    let a = p[3] as f32 / 255.0;
    [
        p[0] as f32 / 255.0 * a,
        p[1] as f32 / 255.0 * a,
        p[2] as f32 / 255.0 * a,
        a,
    ]
}

/// Bilinear sample at continuous image coordinates (pixel centres at +0.5), clamped to `bounds`.
fn sample(img: &RgbaImage, bounds: (f64, f64, f64, f64), x: f64, y: f64) -> Px {
    let (x0b, y0b, x1b, y1b) = bounds;
    let fx = (x - 0.5).clamp(x0b, (x1b - 1.0).max(x0b));
    let fy = (y - 0.5).clamp(y0b, (y1b - 1.0).max(y0b));
    let (ix, iy) = (fx.floor(), fy.floor());
    let (ax, ay) = ((fx - ix) as f32, (fy - iy) as f32);
    let xa = ix as u32;
    let ya = iy as u32;
    let xb = ((ix + 1.0).min(x1b - 1.0).max(x0b)) as u32;
    let yb = ((iy + 1.0).min(y1b - 1.0).max(y0b)) as u32;
    let p00 = premul(img.pixel(xa, ya));
    let p10 = premul(img.pixel(xb, ya));
    let p01 = premul(img.pixel(xa, yb));
    let p11 = premul(img.pixel(xb, yb));
    let mut out = [0.0; 4];
    for c in 0..4 {
        let top = p00[c] + (p10[c] - p00[c]) * ax;
        let bot = p01[c] + (p11[c] - p01[c]) * ax;
        out[c] = top + (bot - top) * ay;
    }
    out
}

/// Draws one op onto `canvas` with source-over (blur applied to the op's own pixels first).
fn draw_op(canvas: &mut Canvas, op: &DrawOp, img: &RgbaImage) {
    let d = op.dst_rect;
    let s = op.src_rect;
    if !(d.w > 0.0 && d.h > 0.0 && s.w > 0.0 && s.h > 0.0) || img.width == 0 || img.height == 0 {
        return;
    }
    // Sampling bounds: the source rect, within the image, in whole pixels.
    let bx0 = s.x.floor().clamp(0.0, img.width as f64 - 1.0);
    let by0 = s.y.floor().clamp(0.0, img.height as f64 - 1.0);
    let bx1 = s.right().ceil().clamp(bx0 + 1.0, img.width as f64);
    let by1 = s.bottom().ceil().clamp(by0 + 1.0, img.height as f64);
    let bounds = (bx0, by0, bx1, by1);
    let blur = op.blur_px > 0.0;
    let mut temp = if blur {
        Some(Canvas::new(canvas.w as u32, canvas.h as u32))
    } else {
        None
    };
    let x0 = (d.x.max(0.0) - 0.5).ceil().max(0.0) as usize;
    let y0 = (d.y.max(0.0) - 0.5).ceil().max(0.0) as usize;
    let x1 = ((d.right() - 0.5).ceil().max(0.0) as usize).min(canvas.w);
    let y1 = ((d.bottom() - 0.5).ceil().max(0.0) as usize).min(canvas.h);
    for y in y0..y1 {
        let v = (y as f64 + 0.5 - d.y) / d.h;
        for x in x0..x1 {
            let u = (x as f64 + 0.5 - d.x) / d.w;
            // Normalised position in the unrotated source rect (inverse of the clockwise rotation).
            let (su, sv) = match op.rotation {
                90 => (v, 1.0 - u),
                180 => (1.0 - u, 1.0 - v),
                270 => (1.0 - v, u),
                _ => (u, v),
            };
            let p = sample(img, bounds, s.x + su * s.w, s.y + sv * s.h);
            let i = y * canvas.w + x;
            match temp.as_mut() {
                Some(t) => t.px[i] = p,
                None => canvas.px[i] = over(p, canvas.px[i]),
            }
        }
    }
    if let Some(mut t) = temp {
        box_blur(&mut t, op.blur_px);
        for (dst, src) in canvas.px.iter_mut().zip(&t.px) {
            *dst = over(*src, *dst);
        }
    }
}

/// Three box blurs approximating a Gaussian of standard deviation `sigma` (3 passes of width
/// `w = sqrt(4 sigma^2 + 1)` have variance `sigma^2`). Edges clamp, as if the picture continued.
fn box_blur(c: &mut Canvas, sigma: f32) {
    let r = (((4.0 * sigma * sigma + 1.0).sqrt() - 1.0) / 2.0)
        .round()
        .max(0.0) as usize;
    if r == 0 || c.w == 0 || c.h == 0 {
        return;
    }
    for _ in 0..3 {
        blur_lines(&mut c.px, c.w, c.h, 1, c.w, r);
        blur_lines(&mut c.px, c.h, c.w, c.w, 1, r);
    }
}

/// Box-blurs `count` lines of `len` pixels; consecutive pixels are `step` apart, lines `stride`.
fn blur_lines(px: &mut [Px], len: usize, count: usize, step: usize, stride: usize, r: usize) {
    let mut line = vec![[0.0f32; 4]; len];
    let norm = 1.0 / (2 * r + 1) as f32;
    for l in 0..count {
        let base = l * stride;
        for (i, v) in line.iter_mut().enumerate() {
            *v = px[base + i * step];
        }
        let at = |i: isize| line[i.clamp(0, len as isize - 1) as usize];
        let mut acc = [0.0f32; 4];
        for k in -(r as isize)..=(r as isize) {
            let p = at(k);
            for c in 0..4 {
                acc[c] += p[c];
            }
        }
        for i in 0..len {
            let out = &mut px[base + i * step];
            for c in 0..4 {
                out[c] = acc[c] * norm;
            }
            let add = at(i as isize + r as isize + 1);
            let sub = at(i as isize - r as isize);
            for c in 0..4 {
                acc[c] += add[c] - sub[c];
            }
        }
    }
}

fn in_rect(r: &Rect, x: usize, y: usize) -> bool {
    let (cx, cy) = (x as f64 + 0.5, y as f64 + 0.5);
    cx >= r.x && cx < r.right() && cy >= r.y && cy < r.bottom()
}

fn render_layer<'a>(
    layer: &Layer,
    w: u32,
    h: u32,
    frame: &dyn Fn(usize, f64) -> Option<&'a RgbaImage>,
) -> Canvas {
    let mut scratch = Canvas::new(w, h);
    if let Some(bg) = layer.background {
        scratch.fill([bg[0], bg[1], bg[2]], bg[3] as f32 / 255.0);
    }
    for op in &layer.draws {
        if let Some(img) = frame(op.source, op.source_time_s) {
            draw_op(&mut scratch, op, img);
        }
    }
    if let Some(f) = layer.fill_after {
        scratch.fill(f.rgb, f.alpha);
    }
    if let Some(d) = layer.dissolve {
        for y in 0..scratch.h {
            for x in 0..scratch.w {
                if dissolve_noise(x as u32, y as u32, d.seed) >= d.progress {
                    scratch.px[y * scratch.w + x] = [0.0; 4];
                }
            }
        }
    }
    scratch
}

/// Executes `ops`; `frame(source, source_time_s)` supplies the decoded frame of a source (missing
/// frames are skipped, leaving the layer background).
pub fn rasterize_with<'a>(
    ops: &FrameOps,
    frame: &dyn Fn(usize, f64) -> Option<&'a RgbaImage>,
) -> RgbaImage {
    let (w, h) = (ops.width, ops.height);
    let mut out = Canvas::new(w, h);
    let bg = ops.background;
    out.fill([bg[0], bg[1], bg[2]], bg[3] as f32 / 255.0);
    for layer in &ops.layers {
        let scratch = render_layer(layer, w, h, frame);
        let alpha = if layer.opacity.is_nan() {
            0.0
        } else {
            layer.opacity.clamp(0.0, 1.0)
        };
        let ox = layer.offset_x.round() as i64;
        let oy = layer.offset_y.round() as i64;
        for y in 0..out.h {
            let sy = y as i64 - oy;
            if sy < 0 || sy >= out.h as i64 {
                continue;
            }
            for x in 0..out.w {
                let sx = x as i64 - ox;
                if sx < 0
                    || sx >= out.w as i64
                    || layer.clip_rect.is_some_and(|r| !in_rect(&r, x, y))
                {
                    continue;
                }
                let s = scratch.px[sy as usize * out.w + sx as usize];
                let s = [s[0] * alpha, s[1] * alpha, s[2] * alpha, s[3] * alpha];
                let i = y * out.w + x;
                out.px[i] = over(s, out.px[i]);
            }
        }
    }
    let mut data = Vec::with_capacity(out.px.len() * 4);
    for p in &out.px {
        let a = p[3];
        let un = |c: f32| {
            if a > 0.0 {
                (c / a * 255.0).round().clamp(0.0, 255.0) as u8
            } else {
                0
            }
        };
        data.extend_from_slice(&[
            un(p[0]),
            un(p[1]),
            un(p[2]),
            (a * 255.0).round().clamp(0.0, 255.0) as u8,
        ]);
    }
    RgbaImage {
        width: w,
        height: h,
        data,
    }
}

/// Executes `ops` with one still image per source (index = source number); times are ignored.
pub fn rasterize(ops: &FrameOps, sources: &[RgbaImage]) -> RgbaImage {
    rasterize_with(ops, &|s, _| sources.get(s))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::{ColorFill, BLACK};

    fn layer(draws: Vec<DrawOp>) -> Layer {
        Layer {
            clip: Some(0),
            background: Some(BLACK),
            draws,
            fill_after: None,
            dissolve: None,
            offset_x: 0.0,
            offset_y: 0.0,
            clip_rect: None,
            opacity: 1.0,
        }
    }

    fn op(w: f64, h: f64, blur_px: f32) -> DrawOp {
        DrawOp {
            source: 0,
            source_time_s: 0.0,
            src_rect: Rect::new(0.0, 0.0, w, h),
            dst_rect: Rect::new(0.0, 0.0, w, h),
            rotation: 0,
            blur_px,
        }
    }

    #[test]
    fn blur_keeps_a_flat_picture_flat() {
        let img = RgbaImage::filled(16, 8, [100, 150, 200, 255]);
        let ops = FrameOps {
            t: 0.0,
            width: 16,
            height: 8,
            background: BLACK,
            layers: vec![layer(vec![op(16.0, 8.0, 3.0)])],
        };
        let out = rasterize(&ops, std::slice::from_ref(&img));
        assert_eq!(out, img);
    }

    #[test]
    fn clip_rect_opacity_and_veil() {
        let img = RgbaImage::filled(10, 10, [200, 200, 200, 255]);
        let mut l = layer(vec![op(10.0, 10.0, 0.0)]);
        l.clip_rect = Some(Rect::new(5.0, 0.0, 5.0, 10.0));
        l.opacity = 0.5;
        l.fill_after = Some(ColorFill {
            rgb: [0, 0, 0],
            alpha: 0.5,
        });
        let ops = FrameOps {
            t: 0.0,
            width: 10,
            height: 10,
            background: [0, 0, 255, 255],
            layers: vec![l],
        };
        let out = rasterize(&ops, &[img]);
        assert_eq!(out.pixel(2, 5), [0, 0, 255, 255], "outside the clip rect");
        // Inside: 0.5 * (200 * 0.5) + 0.5 * background (0, 0, 255).
        assert_eq!(out.pixel(7, 5), [50, 50, 178, 255]);
    }

    #[test]
    fn missing_frames_and_odd_rects_do_not_panic() {
        let mut bad = op(10.0, 10.0, 0.0);
        bad.src_rect = Rect::new(-5.0, 1e9, f64::NAN, 3.0);
        bad.dst_rect = Rect::new(-1e12, 2.0, 1e13, 4.0);
        let ops = FrameOps {
            t: 0.0,
            width: 4,
            height: 4,
            background: BLACK,
            layers: vec![layer(vec![bad, op(4.0, 4.0, 0.0)])],
        };
        let out = rasterize(&ops, &[RgbaImage::filled(2, 2, [9, 9, 9, 255])]);
        assert_eq!(out.width * out.height * 4, out.data.len() as u32);
        let none = rasterize(&ops, &[]);
        assert_eq!(none.pixel(0, 0), [0, 0, 0, 255]);
    }
}
