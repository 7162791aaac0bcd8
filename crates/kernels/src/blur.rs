//! The blurred draw (`DrawOp::blur_px > 0`): a Gaussian of standard deviation `sigma` destination
//! pixels (CSS `blur()`), computed where it is cheap.
//!
//! A large Gaussian has no detail left to lose at a fraction of the resolution, so the source
//! region is resampled onto a grid `k` times coarser than the destination (`k ~ sigma / 3`),
//! blurred there by three box passes per axis whose widths are chosen so their variances add up
//! to the Gaussian's, and the result is enlarged bilinearly onto the destination. The resampling
//! down (a tent one grid step wide) and up (bilinear) are blurs themselves, of variance 1/6 grid
//! step squared each; the box passes make up the rest, so the total is `sigma^2`.

use crate::picture::{Plane, PlaneMut};
use crate::scale::{PixelBox, Scaler};
use crate::Rect;
use std::ops::Range;

/// Target blur, in grid steps, at the coarse resolution: a few box widths is enough for three
/// passes to be a good Gaussian, and small enough that the grid has little to compute.
const GRID_SIGMA: f64 = 3.0;
/// Variance the resampling down and up to the grid adds, in grid steps squared.
const RESAMPLE_VARIANCE: f64 = 1.0 / 3.0;
/// How far past the visible area the blurred picture is kept (in sigmas): further pixels weigh
/// nothing in the visible ones.
const MARGIN_SIGMAS: f64 = 3.0;

/// Coarse-grid buffers, reused from frame to frame.
#[derive(Default)]
pub struct Blur {
    grid: Vec<u8>,
    f: Vec<f32>,
    g: Vec<f32>,
}

impl Blur {
    /// Draws `src_rect` of `src` blurred by `sigma` (destination pixels) onto `dst_rect` of
    /// `dst`, writing the pixels inside `area` and outside the rows `skip` (see [`Scaler::draw`]).
    #[allow(clippy::too_many_arguments)] // the draw's geometry, as for Scaler::draw
    pub fn draw(
        &mut self,
        scaler: &mut Scaler,
        src: Plane,
        src_rect: Rect,
        dst: &mut PlaneMut,
        dst_rect: Rect,
        sigma: f64,
        area: PixelBox,
        skip: Range<usize>,
    ) {
        let (s, d) = (src_rect, dst_rect);
        if !(d.w > 0.0 && d.h > 0.0 && s.w > 0.0 && s.h > 0.0 && sigma.is_finite()) {
            return;
        }
        // Only the part of the destination rect near the visible area matters.
        let m = MARGIN_SIGMAS * sigma;
        let x0 = d.x.max(area.x0 as f64 - m);
        let y0 = d.y.max(area.y0 as f64 - m);
        let x1 = (d.x + d.w).min(area.x1 as f64 + m);
        let y1 = (d.y + d.h).min(area.y1 as f64 + m);
        if !(x1 > x0 && y1 > y0) {
            return;
        }
        let visible = Rect::new(x0, y0, x1 - x0, y1 - y0);
        let sub = Rect::new(
            s.x + (x0 - d.x) / d.w * s.w,
            s.y + (y0 - d.y) / d.h * s.h,
            visible.w / d.w * s.w,
            visible.h / d.h * s.h,
        );
        let k = (sigma / GRID_SIGMA).floor().max(1.0);
        let gw = ((visible.w / k).ceil() as usize).max(1);
        let gh = ((visible.h / k).ceil() as usize).max(1);
        // The grid's real steps (the rect is a whole number of them).
        let (kx, ky) = (visible.w / gw as f64, visible.h / gh as f64);
        let extra = if k > 1.0 { RESAMPLE_VARIANCE } else { 0.0 };
        let vx = (sigma / kx).powi(2) - extra;
        let vy = (sigma / ky).powi(2) - extra;

        self.grid.resize(gw * gh, 0);
        let grid_rect = Rect::new(0.0, 0.0, gw as f64, gh as f64);
        {
            let mut grid = PlaneMut {
                data: &mut self.grid,
                width: gw,
                height: gh,
            };
            scaler.draw(src, sub, &mut grid, grid_rect, PixelBox::all(gw, gh), 0..0);
        }
        self.f.clear();
        self.f.extend(self.grid.iter().map(|&v| f32::from(v)));
        self.g.resize(gw * gh, 0.0);
        for r in box_radii(vx) {
            box_rows(&self.f, &mut self.g, gw, r);
            std::mem::swap(&mut self.f, &mut self.g);
        }
        for r in box_radii(vy) {
            box_columns(&self.f, &mut self.g, gw, gh, r);
            std::mem::swap(&mut self.f, &mut self.g);
        }
        for (o, &v) in self.grid.iter_mut().zip(&self.f) {
            *o = v.round().clamp(0.0, 255.0) as u8;
        }
        let grid = Plane {
            data: &self.grid,
            width: gw,
            height: gh,
        };
        scaler.draw(grid, grid_rect, dst, visible, area, skip);
    }
}

/// Radii of three box passes whose variances (a box `2r + 1` wide has `r (r + 1) / 3`) sum
/// closest to `variance`. Empty when there is nothing to blur.
pub fn box_radii(variance: f64) -> Vec<usize> {
    if variance.is_nan() || variance <= 0.0 {
        return Vec::new();
    }
    let var = |r: usize| (r * (r + 1)) as f64 / 3.0;
    // The largest r whose three passes stay at or below the target.
    let mut lo = 0usize;
    while 3.0 * var(lo + 1) <= variance {
        lo += 1;
    }
    let best = (0..=3usize)
        .min_by(|&a, &b| {
            let total = |m: usize| (3 - m) as f64 * var(lo) + m as f64 * var(lo + 1);
            (total(a) - variance)
                .abs()
                .total_cmp(&(total(b) - variance).abs())
        })
        .unwrap_or(0);
    let mut radii = vec![lo + 1; best];
    radii.extend(std::iter::repeat_n(lo, 3 - best));
    radii.retain(|&r| r > 0);
    radii
}

/// One box pass along each row of a `w`-wide grid; edges repeat.
fn box_rows(src: &[f32], dst: &mut [f32], w: usize, r: usize) {
    let norm = 1.0 / (2 * r + 1) as f32;
    let last = w as isize - 1;
    for (s, d) in src.chunks_exact(w).zip(dst.chunks_exact_mut(w)) {
        let at = |i: isize| s[i.clamp(0, last) as usize];
        let mut acc: f32 = (-(r as isize)..=r as isize).map(at).sum();
        for (i, o) in d.iter_mut().enumerate() {
            *o = acc * norm;
            let i = i as isize;
            acc += at(i + r as isize + 1) - at(i - r as isize);
        }
    }
}

/// One box pass down each column of a `w x h` grid, a whole row at a time; edges repeat.
fn box_columns(src: &[f32], dst: &mut [f32], w: usize, h: usize, r: usize) {
    let norm = 1.0 / (2 * r + 1) as f32;
    let last = h as isize - 1;
    let row = |i: isize| {
        let y = i.clamp(0, last) as usize;
        &src[y * w..(y + 1) * w]
    };
    let mut acc = vec![0f32; w];
    for i in -(r as isize)..=r as isize {
        for (a, &v) in acc.iter_mut().zip(row(i)) {
            *a += v;
        }
    }
    for (y, d) in dst.chunks_exact_mut(w).enumerate() {
        for (o, &a) in d.iter_mut().zip(&acc) {
            *o = a * norm;
        }
        let y = y as isize;
        let (add, sub) = (row(y + r as isize + 1), row(y - r as isize));
        for ((a, &p), &m) in acc.iter_mut().zip(add).zip(sub) {
            *a += p - m;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn box_radii_add_up_to_the_variance() {
        assert!(box_radii(0.0).is_empty());
        assert!(box_radii(f64::NAN).is_empty());
        for v in [1.0, 4.0, 9.0, 10.17, 30.0] {
            let r = box_radii(v);
            let total: f64 = r.iter().map(|&r| (r * (r + 1)) as f64 / 3.0).sum();
            assert!((total - v).abs() <= 0.5 + v * 0.15, "{v}: {r:?} = {total}");
        }
    }

    #[test]
    fn a_blurred_step_has_the_gaussian_profile() {
        // A vertical edge (0 | 200) blurred by sigma 24: at one sigma from the edge the value is
        // 200 * Phi(-1) = 31.7 (standard normal CDF).
        let (w, h) = (400usize, 40usize);
        let src: Vec<u8> = (0..w * h)
            .map(|i| if i % w < w / 2 { 0 } else { 200 })
            .collect();
        let sp = Plane {
            data: &src,
            width: w,
            height: h,
        };
        let mut out = vec![0u8; w * h];
        let r = Rect::new(0.0, 0.0, w as f64, h as f64);
        Blur::default().draw(
            &mut Scaler::default(),
            sp,
            r,
            &mut PlaneMut {
                data: &mut out,
                width: w,
                height: h,
            },
            r,
            24.0,
            PixelBox::all(w, h),
            0..0,
        );
        let row = &out[20 * w..21 * w];
        let at = |x: usize| f64::from(row[x]);
        assert!((at(w / 2 - 24) - 31.7).abs() < 4.0, "{}", at(w / 2 - 24));
        assert!((at(w / 2 + 24) - 168.3).abs() < 4.0, "{}", at(w / 2 + 24));
        assert!(at(10) < 2.0 && at(w - 10) > 198.0);
    }
}
