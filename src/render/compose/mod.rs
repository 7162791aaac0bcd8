//! The renderer's pixels: executes [`FrameOps`] on I420 pictures, exactly as the drawing model in
//! [`crate::render`] describes, with no colour conversion on the way (decoded YUV in, encoder YUV
//! out).
//!
//! - [`picture`]: the I420 picture, a decoded frame's conversion into it, the RGB → YUV matrix;
//! - [`scale`]: separable resampling (tent filter: bilinear up, averaging down);
//! - [`blur`]: the blurred draw, a Gaussian computed on a coarse grid;
//! - [`rotate`]: quarter turns, done once per decoded frame;
//! - [`blend`]: opacity, veils and masks per row;
//! - [`image`]: RGBA images with alpha (stickers, titles, stills) placed once, drawn per frame;
//! - [`store`]: decoded frames kept between output frames, keyed by clip and timestamp.
//!
//! A layer with a pixel effect ([`crate::render::vfx`]) is always drawn on the scratch picture, the
//! effect applied there after the draws, then mixed onto the output.
//!
//! Layers are composed per plane (Y at full size, U and V at half size; rectangles are halved for
//! the chroma planes). A layer that is opaque over its area (opacity 1, no dissolve, an opaque
//! background) is drawn straight onto the output, translated by its offset and cut to its clip
//! rect; any other layer is drawn on a scratch picture first and mixed onto the output with its
//! opacity and mask. Inside one layer a draw skips the rows a later draw of the same layer covers
//! across the whole width (the sharp picture over the blurred fill).

pub mod store;

pub use reelcut_kernels::{blend, blur, image, picture, rotate, scale};

use std::borrow::Cow;
use std::ops::Range;

use self::blend::{weight, OPAQUE};
use self::blur::Blur;
use self::picture::{rgb_to_yuv, Picture, Yuv};
use self::scale::{PixelBox, Scaler};
use super::layout::norm_rotation;
use super::vfx::{self, VfxTools};
use super::{DrawOp, FrameOps, Layer, Rect, SourceGeometry};

pub use self::picture::i420_len;
pub use self::store::FrameStore;

/// A decoded frame ready to draw, with the quarter turns its draws need.
#[derive(Debug, Clone)]
pub struct SourceFrame {
    picture: Picture,
    /// Size of the decoded frame; the picture has one more column or row when it is odd.
    frame_w: u32,
    frame_h: u32,
    rotated: Vec<(u32, Picture)>,
}

impl SourceFrame {
    /// A frame of `frame_w x frame_h` pixels held in `picture` (of that size rounded up to even).
    pub fn new(picture: Picture, frame_w: u32, frame_h: u32) -> Self {
        Self {
            picture,
            frame_w,
            frame_h,
            rotated: Vec::new(),
        }
    }

    /// A frame exactly the size of `picture`.
    pub fn from_picture(picture: Picture) -> Self {
        let (w, h) = (picture.width() as u32, picture.height() as u32);
        Self::new(picture, w, h)
    }

    /// Computes the picture turned by `degrees` now, so drawing it later costs nothing extra.
    pub fn prepare_rotation(&mut self, degrees: u32) {
        let degrees = norm_rotation(degrees);
        if degrees != 0 && !self.rotated.iter().any(|(d, _)| *d == degrees) {
            let turned = self.picture.rotated(degrees);
            self.rotated.push((degrees, turned));
        }
    }

    fn oriented(&self, degrees: u32) -> Cow<'_, Picture> {
        if degrees == 0 {
            return Cow::Borrowed(&self.picture);
        }
        match self.rotated.iter().find(|(d, _)| *d == degrees) {
            Some((_, p)) => Cow::Borrowed(p),
            None => Cow::Owned(self.picture.rotated(degrees)),
        }
    }

    /// The picture's buffers, for reuse.
    pub fn into_buffers(self) -> impl Iterator<Item = Vec<u8>> {
        std::iter::once(self.picture.into_data())
            .chain(self.rotated.into_iter().map(|(_, p)| p.into_data()))
    }
}

/// Resampling and blur buffers, reused across draws, and the reel's backdrop picture.
#[derive(Default)]
struct Tools {
    scaler: Scaler,
    blur: Blur,
    weights: Vec<u16>,
    vfx: VfxTools,
    /// The background image covering the whole output, for layers with [`Layer::backdrop`].
    backdrop: Option<Picture>,
}

/// Executes draw lists into an output picture it owns (allocated once per reel).
pub struct Compositor {
    out: Picture,
    scratch: Picture,
    /// Coverage (0..=255, luma resolution) of the scratch picture, for layers whose background is
    /// not opaque; empty otherwise.
    coverage: Vec<u8>,
    tools: Tools,
    /// The two layer pictures of a pixel transition (empty until the first one).
    held: Picture,
    held_b: Picture,
}

/// What a draw reads: `frame(clip, op)` gives the decoded frame a layer's op shows, if any.
pub type FrameLookup<'f> = dyn Fn(usize, &DrawOp) -> Option<&'f SourceFrame> + 'f;

impl Compositor {
    /// A compositor for `width x height` output (odd sizes are rounded up to even).
    pub fn new(width: u32, height: u32) -> Self {
        let out = Picture::filled(width as usize, height as usize, rgb_to_yuv([0, 0, 0]));
        Self {
            scratch: out.clone(),
            out,
            coverage: Vec::new(),
            tools: Tools::default(),
            held: Picture::default(),
            held_b: Picture::default(),
        }
    }

    /// The last composed frame.
    pub fn output(&self) -> &Picture {
        &self.out
    }

    /// Composes one frame: `sources` are the plan's source geometries (their coded size says how
    /// the ops' source rects map onto the decoded frames).
    pub fn compose(
        &mut self,
        ops: &FrameOps,
        sources: &[SourceGeometry],
        frame: &FrameLookup<'_>,
    ) -> &Picture {
        if let (Some(x), [la, lb]) = (ops.xfade, &ops.layers[..]) {
            // Each layer on its own picture, then the pixel transition of the two.
            let mut a = std::mem::take(&mut self.held);
            let mut b = std::mem::take(&mut self.held_b);
            if a.width() != self.out.width() || a.height() != self.out.height() {
                a = self.out.clone();
                b = self.out.clone();
            }
            let parts = (&mut self.scratch, &mut self.coverage, &mut self.tools);
            compose_layers(
                &mut a,
                parts,
                std::slice::from_ref(la),
                ops.background,
                sources,
                frame,
            );
            let parts = (&mut self.scratch, &mut self.coverage, &mut self.tools);
            compose_layers(
                &mut b,
                parts,
                std::slice::from_ref(lb),
                ops.background,
                sources,
                frame,
            );
            let black = rgb_to_yuv([0, 0, 0]);
            x.kind.draw(&a, &b, x.progress, black, &mut self.out);
            self.held = a;
            self.held_b = b;
            return &self.out;
        }
        let parts = (&mut self.scratch, &mut self.coverage, &mut self.tools);
        compose_layers(
            &mut self.out,
            parts,
            &ops.layers,
            ops.background,
            sources,
            frame,
        );
        &self.out
    }
}

impl Compositor {
    /// Draws an overlay (title, sticker) over the picture [`Compositor::compose`] made last, at
    /// `opacity`; overlays go over everything, transitions included.
    pub fn draw_over(&mut self, image: &image::PlacedImage, opacity: f32) {
        image.draw(&mut self.out, opacity);
    }

    /// The image drawn behind layers with [`Layer::backdrop`]: `image` scaled to cover the
    /// output, centred, converted once ([`image::PlacedImage`] over black, so a transparent
    /// part shows black); `None` = those layers fill their background colour.
    pub fn set_backdrop(&mut self, image: Option<&image::RgbaImage>) {
        self.tools.backdrop = image.map(|img| {
            let (w, h) = (self.out.width(), self.out.height());
            let rect = super::bookend::cover_rect(img.width(), img.height(), w as u32, h as u32);
            let mut picture = Picture::filled(w, h, rgb_to_yuv([0, 0, 0]));
            image::PlacedImage::new(img, rect, w, h).draw(&mut picture, 1.0);
            picture
        });
    }

    /// The picture made last.
    pub fn picture(&self) -> &Picture {
        &self.out
    }
}

/// Composes `layers` (bottom first) onto `out`, cleared to `bg` unless the first layer covers it.
fn compose_layers(
    out: &mut Picture,
    (scratch, coverage, tools): (&mut Picture, &mut Vec<u8>, &mut Tools),
    layers: &[Layer],
    bg: [u8; 4],
    sources: &[SourceGeometry],
    frame: &FrameLookup<'_>,
) {
    let (w, h) = (out.width(), out.height());

    let canvas = PixelBox::all(w, h);
    // The first layer usually covers the canvas opaquely: then clearing it first is wasted.
    let covered = layers.first().is_some_and(|l| {
        l.opacity >= 1.0
            && l.dissolve.is_none()
            && l.clip_rect.is_none()
            && whole(l.offset_x) == 0
            && whole(l.offset_y) == 0
            && l.background.is_some_and(|c| c[3] == 255)
    });
    if !covered {
        out.fill(rgb_to_yuv([bg[0], bg[1], bg[2]]));
    }
    for layer in layers {
        let opacity = weight(layer.opacity);
        let dissolve = layer
            .dissolve
            .map(|d| (d.seed, blend::dissolve_threshold(d.progress)));
        if opacity == 0 || dissolve.is_some_and(|(_, t)| t == 0) {
            continue;
        }
        let (ox, oy) = (whole(layer.offset_x), whole(layer.offset_y));
        let shifted = PixelBox::of_rect(Rect::new(ox as f64, oy as f64, w as f64, h as f64), w, h);
        let mut area = canvas.intersect(shifted);
        if let Some(r) = layer.clip_rect {
            area = area.intersect(PixelBox::of_rect(r, w, h));
        }
        if area.is_empty() {
            continue;
        }
        let opaque_bg = layer.background.is_some_and(|c| c[3] == 255);
        let ctx = LayerCtx {
            layer,
            sources,
            frame,
        };
        // A layer with a pixel effect is drawn on its own picture first: the effect works in the
        // layer's coordinates (a vignette moves with a sliding clip).
        if opacity >= OPAQUE && dissolve.is_none() && opaque_bg && layer.vfx.is_none() {
            ctx.render(out, None, (ox, oy), area, tools);
            continue;
        }
        let cov = if opaque_bg {
            None
        } else {
            coverage.clear();
            coverage.resize(w * h, 0);
            Some(&mut coverage[..])
        };
        ctx.render(scratch, cov, (0, 0), canvas, tools);
        let cov = (!opaque_bg).then_some(&coverage[..]);
        mix_layer(
            out,
            scratch,
            cov,
            (ox, oy),
            area,
            opacity,
            dissolve,
            &mut tools.weights,
        );
    }
}

/// Offsets are whole pixels by contract; anything else is rounded (NaN: 0).
fn whole(v: f64) -> i64 {
    if v.is_finite() {
        v.round() as i64
    } else {
        0
    }
}

fn shift(r: Rect, (ox, oy): (i64, i64)) -> Rect {
    Rect::new(r.x + ox as f64, r.y + oy as f64, r.w, r.h)
}

fn scaled(r: Rect, f: f64) -> Rect {
    Rect::new(r.x * f, r.y * f, r.w * f, r.h * f)
}

/// Plane `p`'s share of a luma box and its scale factor.
fn plane_box(area: PixelBox, p: usize) -> (PixelBox, f64) {
    if p == 0 {
        (area, 1.0)
    } else {
        (area.halved(), 0.5)
    }
}

struct LayerCtx<'a, 'f> {
    layer: &'a Layer,
    sources: &'a [SourceGeometry],
    frame: &'a FrameLookup<'f>,
}

/// One resolved draw: the picture, the region of it (after rotation) and where it goes.
struct Resolved<'p> {
    picture: Cow<'p, Picture>,
    src: Rect,
    dst: Rect,
    blur: f64,
}

impl<'f> LayerCtx<'_, 'f> {
    fn resolve(&self, op: &DrawOp, offset: (i64, i64)) -> Option<Resolved<'f>> {
        let clip = self.layer.clip?;
        let frame = (self.frame)(clip, op)?;
        let g = self.sources.get(op.source);
        // Source rects are in the container's coded pixels; the decoded frame may differ (the
        // decoder applied the pixel aspect, or the container's size was off).
        let per = |frame_side: u32, coded: Option<u32>| match coded {
            Some(c) if c > 0 => f64::from(frame_side) / f64::from(c),
            _ => 1.0,
        };
        let sx = per(frame.frame_w, g.map(|g| g.coded_w));
        let sy = per(frame.frame_h, g.map(|g| g.coded_h));
        let s = op.src_rect;
        let src = Rect::new(s.x * sx, s.y * sy, s.w * sx, s.h * sy);
        let rotation = norm_rotation(op.rotation);
        let (pw, ph) = (frame.picture.width() as f64, frame.picture.height() as f64);
        Some(Resolved {
            picture: frame.oriented(rotation),
            src: rotate::rotate_rect(src, pw, ph, rotation),
            dst: shift(op.dst_rect, offset),
            blur: f64::from(op.blur_px),
        })
    }

    /// Draws the layer's picture onto `target` (translated by `offset`, only inside `area`):
    /// background, draws, veil. `coverage` tracks which pixels the layer covers when its
    /// background does not cover them all.
    fn render(
        &self,
        target: &mut Picture,
        mut coverage: Option<&mut [u8]>,
        offset: (i64, i64),
        area: PixelBox,
        tools: &mut Tools,
    ) {
        let layer = self.layer;
        let (w, h) = (target.width(), target.height());
        let draws: Vec<Resolved> = layer
            .draws
            .iter()
            .filter_map(|op| self.resolve(op, offset))
            .collect();
        let backdrop = tools.backdrop.as_ref().filter(|_| layer.backdrop);
        if let Some(image) = backdrop {
            copy_backdrop(target, image, &draws, offset, area);
            if let Some(cov) = coverage.as_deref_mut() {
                set_coverage(cov, w, area, 255);
            }
        } else if let Some(bg) = layer.background {
            let colour = rgb_to_yuv([bg[0], bg[1], bg[2]]);
            let a = weight(f32::from(bg[3]) / 255.0);
            for (p, mut plane) in target.planes_mut().into_iter().enumerate() {
                let (b, f) = plane_box(area, p);
                // Rows an opaque draw covers across the area need no background.
                let skip = covered_rows(&draws, b, f, plane.width, plane.height);
                for y in (b.y0..b.y1).filter(|y| !skip.contains(y)) {
                    let row = &mut plane.row_mut(y)[b.x0..b.x1];
                    if a >= OPAQUE {
                        row.fill(colour[p]);
                    } else {
                        blend::veil_row(row, colour[p], a);
                    }
                }
            }
            if let Some(cov) = coverage.as_deref_mut() {
                set_coverage(cov, w, area, bg[3]);
            }
        }
        let mut planes = target.planes_mut();
        for (j, d) in draws.iter().enumerate() {
            for (p, dst) in planes.iter_mut().enumerate() {
                let (pbox, f) = plane_box(area, p);
                let skip = covered_rows(&draws[j + 1..], pbox, f, dst.width, dst.height);
                let src_plane = d.picture.plane(p);
                let (src, dst_rect) = (scaled(d.src, f), scaled(d.dst, f));
                if d.blur > 0.0 {
                    tools.blur.draw(
                        &mut tools.scaler,
                        src_plane,
                        src,
                        dst,
                        dst_rect,
                        d.blur * f,
                        pbox,
                        skip,
                    );
                } else {
                    tools.scaler.draw(src_plane, src, dst, dst_rect, pbox, skip);
                }
            }
            if let Some(cov) = coverage.as_deref_mut() {
                set_coverage(cov, w, area.intersect(PixelBox::of_rect(d.dst, w, h)), 255);
            }
        }
        if let Some(effect) = layer.vfx {
            vfx::apply(effect, target, &mut tools.vfx);
        }
        if let Some(v) = layer.fill_after {
            let colour = rgb_to_yuv(v.rgb);
            match coverage {
                None => fill_box(target, area, colour, weight(v.alpha)),
                Some(cov) => veil_partial(target, cov, area, colour, v.alpha),
            }
        }
    }
}

/// Copies the backdrop (a picture the size of the output) into `area` of `target`, translated
/// by the layer's `offset`, skipping the rows an opaque draw covers across the area.
fn copy_backdrop(
    target: &mut Picture,
    backdrop: &Picture,
    draws: &[Resolved],
    (ox, oy): (i64, i64),
    area: PixelBox,
) {
    for (p, mut plane) in target.planes_mut().into_iter().enumerate() {
        let (b, f) = plane_box(area, p);
        let (dx, dy) = (
            (ox as f64 * f).round() as i64,
            (oy as f64 * f).round() as i64,
        );
        let src = backdrop.plane(p);
        let skip = covered_rows(draws, b, f, plane.width, plane.height);
        for y in (b.y0..b.y1).filter(|y| !skip.contains(y)) {
            let sy = (y as i64 - dy).clamp(0, src.height as i64 - 1) as usize;
            let row = &src.data[sy * src.width..(sy + 1) * src.width];
            let line = &mut plane.row_mut(y)[b.x0..b.x1];
            for (x, px) in (b.x0..b.x1).zip(line.iter_mut()) {
                *px = row[(x as i64 - dx).clamp(0, src.width as i64 - 1) as usize];
            }
        }
    }
}

/// Rows of a plane that one of `later` covers over the whole width of `area` (only the last such
/// draw counts; one range is enough for the blurred fill under the picture).
fn covered_rows(later: &[Resolved], area: PixelBox, f: f64, w: usize, h: usize) -> Range<usize> {
    later
        .iter()
        .rev()
        .filter(|d| d.src.w > 0.0 && d.src.h > 0.0 && d.picture.width() > 0)
        .map(|d| PixelBox::of_rect(scaled(d.dst, f), w, h))
        .find(|b| b.x0 <= area.x0 && b.x1 >= area.x1 && !b.is_empty())
        .map_or(0..0, |b| b.y0..b.y1)
}

/// Fills `area` (luma box) of every plane with `colour` at weight `a`.
fn fill_box(target: &mut Picture, area: PixelBox, colour: Yuv, a: u16) {
    for (p, mut plane) in target.planes_mut().into_iter().enumerate() {
        let (b, _) = plane_box(area, p);
        for y in b.y0..b.y1 {
            let row = &mut plane.row_mut(y)[b.x0..b.x1];
            if a >= OPAQUE {
                row.fill(colour[p]);
            } else {
                blend::veil_row(row, colour[p], a);
            }
        }
    }
}

fn set_coverage(cov: &mut [u8], w: usize, area: PixelBox, value: u8) {
    for y in area.y0..area.y1 {
        cov[y * w + area.x0..y * w + area.x1].fill(value);
    }
}

/// A veil over a partly transparent layer: source-over of the colour at `alpha` on each pixel,
/// whose own coverage is `cov` (colour and coverage both change). Rare (layers without an opaque
/// background), so written per pixel.
fn veil_partial(target: &mut Picture, cov: &mut [u8], area: PixelBox, colour: Yuv, alpha: f32) {
    let fa = if alpha.is_nan() {
        0.0
    } else {
        alpha.clamp(0.0, 1.0)
    };
    let w = target.width();
    let mix = |c: u8, p: u8, a: f32| {
        let out_a = fa + a * (1.0 - fa);
        if out_a <= 0.0 {
            p
        } else {
            ((f32::from(c) * fa + f32::from(p) * a * (1.0 - fa)) / out_a).round() as u8
        }
    };
    for (p, mut plane) in target.planes_mut().into_iter().enumerate() {
        let (b, _) = plane_box(area, p);
        let step = if p == 0 { 1 } else { 2 };
        for y in b.y0..b.y1 {
            let row = plane.row_mut(y);
            for x in b.x0..b.x1 {
                let a = f32::from(cov[y * step * w + x * step]) / 255.0;
                row[x] = mix(colour[p], row[x], a);
            }
        }
    }
    for y in area.y0..area.y1 {
        for v in &mut cov[y * w + area.x0..y * w + area.x1] {
            let a = f32::from(*v) / 255.0;
            *v = ((fa + a * (1.0 - fa)) * 255.0).round() as u8;
        }
    }
}

/// Mixes a layer drawn on `scratch` onto `out`: scratch pixel `(x, y)` lands on `(x + ox, y +
/// oy)`, inside `area` (output luma box), at weight `opacity`, times its coverage and the dissolve
/// mask (evaluated at scratch coordinates, as the drawing model says).
#[allow(clippy::too_many_arguments)] // the layer's compositing parameters, one each
fn mix_layer(
    out: &mut Picture,
    scratch: &Picture,
    coverage: Option<&[u8]>,
    (ox, oy): (i64, i64),
    area: PixelBox,
    opacity: u16,
    dissolve: Option<(u32, u32)>,
    weights: &mut Vec<u16>,
) {
    let lw = scratch.width();
    for (p, mut dst) in out.planes_mut().into_iter().enumerate() {
        let src = scratch.plane(p);
        let (b, _) = plane_box(area, p);
        // Chroma offsets are halved; an odd offset puts chroma half a sample early.
        let (px, py) = if p == 0 {
            (ox, oy)
        } else {
            (ox.div_euclid(2), oy.div_euclid(2))
        };
        let inside = PixelBox::of_rect(
            Rect::new(px as f64, py as f64, src.width as f64, src.height as f64),
            dst.width,
            dst.height,
        );
        let b = b.intersect(inside);
        if b.is_empty() {
            continue;
        }
        let n = b.width();
        let sx0 = (b.x0 as i64 - px) as usize;
        for y in b.y0..b.y1 {
            let sy = (y as i64 - py) as usize;
            let srow = &src.row(sy)[sx0..sx0 + n];
            let drow = &mut dst.row_mut(y)[b.x0..b.x1];
            if coverage.is_none() && dissolve.is_none() {
                blend::mix_row(drow, srow, opacity);
                continue;
            }
            weights.clear();
            weights.resize(n, opacity);
            if let Some((seed, t)) = dissolve {
                if p == 0 {
                    blend::dissolve_luma(weights, sx0, sy, seed, t, opacity);
                } else {
                    blend::dissolve_chroma(weights, sx0, sy, seed, t, opacity);
                }
            }
            if let Some(cov) = coverage {
                let step = if p == 0 { 1 } else { 2 };
                let crow = &cov[sy * step * lw..];
                for (i, wgt) in weights.iter_mut().enumerate() {
                    let c = u32::from(crow[(sx0 + i) * step]);
                    *wgt = ((u32::from(*wgt) * c + 127) / 255) as u16;
                }
            }
            blend::mix_row_weighted(drow, srow, weights);
        }
    }
}
