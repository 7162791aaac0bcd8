//! Separable resampling of one plane: a region of the source onto a region of the destination.
//!
//! Enlarging interpolates bilinearly (a tent one source step wide); shrinking averages the source
//! pixels under each destination pixel, weighted by how much of them it covers (area averaging,
//! swscale's `area`), so no source pixel is skipped and nothing aliases. Weights are 14-bit fixed point; the first pass writes 16-bit intermediates with 6
//! fractional bits, the second rounds back to 8 bits. The pass over rows (the vertical filter)
//! walks whole rows of `u8`/`u16` with `u32` accumulators, which LLVM turns into `simd128` code;
//! the horizontal pass is a short dot product per pixel. The order of the passes is chosen per
//! draw by the work each needs.

use crate::picture::{Plane, PlaneMut};
use crate::Rect;
use std::ops::Range;

/// Fixed-point weight bits: the weights of one output sample sum to `1 << WEIGHT_BITS`.
const WEIGHT_BITS: u32 = 14;
const ONE: u32 = 1 << WEIGHT_BITS;
/// Fractional bits of the 16-bit intermediate.
const MID_BITS: u32 = 6;
/// A horizontal (scalar) multiply-add costs about this many vectorised ones.
const SCALAR_COST: usize = 4;

/// Whole pixels `[x0, x1) x [y0, y1)` of a plane.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PixelBox {
    pub x0: usize,
    pub y0: usize,
    pub x1: usize,
    pub y1: usize,
}

impl PixelBox {
    /// The whole `w x h` plane.
    pub fn all(w: usize, h: usize) -> Self {
        Self {
            x0: 0,
            y0: 0,
            x1: w,
            y1: h,
        }
    }

    /// The pixels of a `w x h` plane whose centres lie inside `r` (the canvas rule: a pixel is
    /// drawn when its centre is covered). Empty for NaN or empty rects.
    pub fn of_rect(r: Rect, w: usize, h: usize) -> Self {
        let edge = |v: f64, max: usize| {
            if v.is_nan() {
                0
            } else {
                (v - 0.5).ceil().clamp(0.0, max as f64) as usize
            }
        };
        let (x0, x1) = (edge(r.x, w), edge(r.x + r.w, w));
        let (y0, y1) = (edge(r.y, h), edge(r.y + r.h, h));
        Self {
            x0,
            y0,
            x1: x1.max(x0),
            y1: y1.max(y0),
        }
    }

    pub fn intersect(self, o: Self) -> Self {
        let x0 = self.x0.max(o.x0);
        let y0 = self.y0.max(o.y0);
        Self {
            x0,
            y0,
            x1: self.x1.min(o.x1).max(x0),
            y1: self.y1.min(o.y1).max(y0),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.x0 >= self.x1 || self.y0 >= self.y1
    }

    pub fn width(&self) -> usize {
        self.x1 - self.x0
    }

    /// The same region on a plane subsampled 2x2 (a chroma sample belongs to the box when the
    /// centre of its 2x2 luma block does).
    pub fn halved(self) -> Self {
        Self {
            x0: self.x0 / 2,
            y0: self.y0 / 2,
            x1: self.x1 / 2,
            y1: self.y1 / 2,
        }
    }
}

/// Filter taps along one axis: output sample `i` reads source samples `start[i] .. start[i] + n`
/// with weights `weights[i * n ..][.. n]`.
#[derive(Debug, Default)]
struct Taps {
    n: usize,
    start: Vec<usize>,
    weights: Vec<u16>,
}

impl Taps {
    /// Taps for outputs `out` of an axis where destination span `[d0, d0 + dlen)` shows source
    /// span `[s0, s0 + slen)`, reading only source samples `bounds` (edges repeat).
    fn build(
        &mut self,
        out: Range<usize>,
        (d0, dlen): (f64, f64),
        (s0, slen): (f64, f64),
        bounds: Range<usize>,
    ) {
        let scale = slen / dlen;
        let shrink = scale > 1.0;
        // Enlarging: a tent one source step wide each side (bilinear). Shrinking: the share of
        // each source pixel in the destination pixel's footprint (area averaging), which needs
        // fewer taps than a tent as wide for the same freedom from aliasing.
        let taps = if shrink { scale.ceil() as usize + 1 } else { 2 };
        let avail = bounds.end - bounds.start;
        let n = taps.min(avail).max(1);
        self.n = n;
        self.start.clear();
        self.weights.clear();
        let mut w = vec![0f64; n];
        let mut single = true;
        for i in out {
            let c = s0 + (i as f64 + 0.5 - d0) * scale;
            // The first and last source samples with a non-zero weight.
            let (first, last) = if shrink {
                ((c - scale / 2.0).floor(), (c + scale / 2.0).ceil() - 1.0)
            } else {
                let f = (c - 1.5).ceil();
                (f, f + 1.0)
            };
            // max/min, not f64::clamp: clamp is not inlined with run-time bounds, and its
            // `min <= max` assert formats the bounds with {:?}, linking core's float formatting.
            let clamp = |j: f64| j.max(bounds.start as f64).min((bounds.end - 1) as f64) as usize;
            let start = clamp(first).min(bounds.end - n);
            w.iter_mut().for_each(|v| *v = 0.0);
            let mut j = first;
            while j <= last {
                let weight = if shrink {
                    // Overlap of source pixel [j, j + 1) with the footprint [c - s/2, c + s/2).
                    ((j + 1.0).min(c + scale / 2.0) - j.max(c - scale / 2.0)).max(0.0)
                } else {
                    (1.0 - (j + 0.5 - c).abs()).max(0.0)
                };
                if weight > 0.0 {
                    let k = clamp(j) - start;
                    if k < n {
                        w[k] += weight;
                    }
                }
                j += 1.0;
            }
            let sum: f64 = w.iter().sum();
            if sum <= 0.0 {
                // Only reachable for a degenerate (NaN) mapping: take the nearest sample.
                w[clamp(c.floor()) - start] = 1.0;
            }
            let sum = sum.max(f64::MIN_POSITIVE);
            let base = self.weights.len();
            let mut total = 0u32;
            for v in &w {
                let q = (v / sum * ONE as f64).round() as u32;
                total += q;
                self.weights.push(q as u16);
            }
            // Rounding may miss the exact sum by a unit or two: give it to the largest weight.
            let row = &mut self.weights[base..];
            let (k, _) = row
                .iter()
                .enumerate()
                .max_by_key(|(_, v)| **v)
                .unwrap_or((0, &0));
            row[k] =
                (i64::from(row[k]) + i64::from(ONE) - i64::from(total)).clamp(0, ONE as i64) as u16;
            single &= row.iter().filter(|&&v| v != 0).count() == 1;
            self.start.push(start);
        }
        if single && n > 1 {
            // Every output copies one sample (same scale, aligned): keep just that one.
            let mut start = Vec::with_capacity(self.start.len());
            for (s, ws) in self.start.iter().zip(self.weights.chunks_exact(n)) {
                start.push(s + ws.iter().position(|&v| v != 0).unwrap_or(0));
            }
            self.start = start;
            self.weights = vec![ONE as u16; self.start.len()];
            self.n = 1;
        }
    }
}

/// Turns an accumulator into a stored sample.
trait Store: Copy + Default {
    fn store(acc: u32) -> Self;
}

/// First pass: from `u8` samples to the 16-bit intermediate.
impl Store for u16 {
    fn store(acc: u32) -> Self {
        ((acc + (1 << (WEIGHT_BITS - MID_BITS - 1))) >> (WEIGHT_BITS - MID_BITS)) as u16
    }
}

/// Second pass: from the intermediate back to 8 bits.
impl Store for u8 {
    fn store(acc: u32) -> Self {
        ((acc + (1 << (WEIGHT_BITS + MID_BITS - 1))) >> (WEIGHT_BITS + MID_BITS)) as u8
    }
}

/// Horizontal pass: each output is a dot product of `n` consecutive samples of `src`
/// (`src[0]` is source column `offset`). Common tap counts get their own copy with the count
/// fixed, which LLVM unrolls without bounds checks.
fn h_pass<T: Copy + Into<u32>, O: Store>(src: &[T], offset: usize, taps: &Taps, out: &mut [O]) {
    match taps.n {
        1 => h_pass_n::<T, O, 1>(src, offset, taps, out),
        2 => h_pass_n::<T, O, 2>(src, offset, taps, out),
        3 => h_pass_n::<T, O, 3>(src, offset, taps, out),
        4 => h_pass_n::<T, O, 4>(src, offset, taps, out),
        5 => h_pass_n::<T, O, 5>(src, offset, taps, out),
        6 => h_pass_n::<T, O, 6>(src, offset, taps, out),
        7 => h_pass_n::<T, O, 7>(src, offset, taps, out),
        8 => h_pass_n::<T, O, 8>(src, offset, taps, out),
        n => {
            for (o, (&s, w)) in out
                .iter_mut()
                .zip(taps.start.iter().zip(taps.weights.chunks_exact(n)))
            {
                let win = &src[s - offset..s - offset + n];
                let acc: u32 = win
                    .iter()
                    .zip(w)
                    .map(|(&a, &b)| a.into() * u32::from(b))
                    .sum();
                *o = O::store(acc);
            }
        }
    }
}

fn h_pass_n<T: Copy + Into<u32>, O: Store, const N: usize>(
    src: &[T],
    offset: usize,
    taps: &Taps,
    out: &mut [O],
) {
    for (o, (&s, w)) in out
        .iter_mut()
        .zip(taps.start.iter().zip(taps.weights.chunks_exact(N)))
    {
        let Some(win) = src.get(s - offset..s - offset + N) else {
            continue;
        };
        let mut acc = 0u32;
        for k in 0..N {
            acc += win[k].into() * u32::from(w[k]);
        }
        *o = O::store(acc);
    }
}

/// Vertical pass: `acc = sum of weight * row` over the tap rows, element by element.
fn v_pass<'r, T: Copy + Into<u32> + 'r, O: Store>(
    rows: impl Iterator<Item = &'r [T]>,
    weights: &[u16],
    acc: &mut [u32],
    out: &mut [O],
) {
    for (k, (row, &w)) in rows.zip(weights).enumerate() {
        let w = u32::from(w);
        if k == 0 {
            for (a, &s) in acc.iter_mut().zip(row) {
                *a = w * s.into();
            }
        } else {
            for (a, &s) in acc.iter_mut().zip(row) {
                *a += w * s.into();
            }
        }
    }
    for (o, &a) in out.iter_mut().zip(acc.iter()) {
        *o = O::store(a);
    }
}

/// Reusable buffers of the resampler.
#[derive(Default)]
pub struct Scaler {
    h: Taps,
    v: Taps,
    mid: Vec<u16>,
    acc: Vec<u32>,
}

impl Scaler {
    /// Draws region `src_rect` of `src` (its pixels, continuous coordinates) so that it fills
    /// `dst_rect` of `dst`, writing the pixels whose centres lie in `dst_rect`, inside `area`, and
    /// not in the rows `skip` (rows a later opaque draw covers anyway).
    pub fn draw(
        &mut self,
        src: Plane,
        src_rect: Rect,
        dst: &mut PlaneMut,
        dst_rect: Rect,
        area: PixelBox,
        skip: Range<usize>,
    ) {
        let s = src_rect;
        let d = dst_rect;
        if !(d.w > 0.0 && d.h > 0.0 && s.w > 0.0 && s.h > 0.0) || src.width == 0 || src.height == 0
        {
            return;
        }
        let area = area.intersect(PixelBox::of_rect(d, dst.width, dst.height));
        if area.is_empty() {
            return;
        }
        // Sampling bounds: the source rect in whole pixels, inside the plane.
        let bound = |v0: f64, len: f64, max: usize| {
            // max/min, not f64::clamp (see Taps::build).
            let lo = v0.floor().max(0.0).min((max - 1) as f64) as usize;
            let hi = (v0 + len).ceil().max((lo + 1) as f64).min(max as f64) as usize;
            lo..hi
        };
        let bx = bound(s.x, s.w, src.width);
        let by = bound(s.y, s.h, src.height);
        self.h.build(area.x0..area.x1, (d.x, d.w), (s.x, s.w), bx);
        self.v.build(area.y0..area.y1, (d.y, d.h), (s.y, s.h), by);
        let rows: Vec<usize> = (area.y0..area.y1).filter(|y| !skip.contains(y)).collect();
        let (Some(&first), Some(&last)) = (rows.first(), rows.last()) else {
            return;
        };
        let ow = area.width();
        let (hn, vn) = (self.h.n, self.v.n);
        let vstart = |y: usize| self.v.start[y - area.y0];
        if hn == 1 && vn == 1 {
            for &y in &rows {
                let row = src.row(vstart(y));
                let out = &mut dst.row_mut(y)[area.x0..area.x1];
                for (o, &sx) in out.iter_mut().zip(&self.h.start) {
                    *o = row[sx];
                }
            }
            return;
        }
        let src_rows = vstart(last) + vn - vstart(first);
        let cols = self.h.start[ow - 1] + hn - self.h.start[0];
        let cost_hv = src_rows * ow * hn * SCALAR_COST + rows.len() * ow * vn;
        let cost_vh = rows.len() * cols * vn + rows.len() * ow * hn * SCALAR_COST;
        if cost_hv <= cost_vh {
            // Horizontal first over every source row needed, then rows of intermediates.
            let r0 = vstart(first);
            self.mid.resize(src_rows * ow, 0);
            for (k, mid) in self.mid.chunks_exact_mut(ow).enumerate() {
                h_pass(src.row(r0 + k), 0, &self.h, mid);
            }
            self.acc.resize(ow, 0);
            for &y in &rows {
                let i = y - area.y0;
                let taps = (self.v.start[i] - r0..).take(vn);
                let mid = &self.mid;
                v_pass(
                    taps.map(|r| &mid[r * ow..(r + 1) * ow]),
                    &self.v.weights[i * vn..(i + 1) * vn],
                    &mut self.acc,
                    &mut dst.row_mut(y)[area.x0..area.x1],
                );
            }
        } else {
            // Rows of the source first (only the columns the output reads), then horizontal.
            let c0 = self.h.start[0];
            self.mid.resize(cols, 0);
            self.acc.resize(cols, 0);
            for &y in &rows {
                let i = y - area.y0;
                let taps = (self.v.start[i]..).take(vn);
                v_pass(
                    taps.map(|r| &src.row(r)[c0..c0 + cols]),
                    &self.v.weights[i * vn..(i + 1) * vn],
                    &mut self.acc,
                    &mut self.mid,
                );
                h_pass(
                    &self.mid,
                    c0,
                    &self.h,
                    &mut dst.row_mut(y)[area.x0..area.x1],
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plane_of(data: &mut [u8], w: usize, h: usize) -> PlaneMut<'_> {
        PlaneMut {
            data,
            width: w,
            height: h,
        }
    }

    #[test]
    fn same_size_is_an_exact_copy_and_flat_stays_flat() {
        let src: Vec<u8> = (0..64u32).map(|v| (v * 37 % 251) as u8).collect();
        let sp = Plane {
            data: &src,
            width: 8,
            height: 8,
        };
        let mut out = vec![0u8; 64];
        let r = Rect::new(0.0, 0.0, 8.0, 8.0);
        Scaler::default().draw(
            sp,
            r,
            &mut plane_of(&mut out, 8, 8),
            r,
            PixelBox::all(8, 8),
            0..0,
        );
        assert_eq!(out, src);
        // Any scale of a flat picture is flat.
        let flat = vec![77u8; 64];
        let fp = Plane {
            data: &flat,
            width: 8,
            height: 8,
        };
        for (w, h) in [(3usize, 5usize), (20, 13), (8, 3)] {
            let mut o = vec![0u8; w * h];
            let d = Rect::new(0.0, 0.0, w as f64, h as f64);
            Scaler::default().draw(
                fp,
                Rect::new(0.5, 1.25, 6.0, 5.5),
                &mut plane_of(&mut o, w, h),
                d,
                PixelBox::all(w, h),
                0..0,
            );
            assert!(o.iter().all(|&v| v == 77), "{w}x{h}: {o:?}");
        }
    }

    #[test]
    fn halving_averages_pairs_and_doubling_interpolates() {
        let src = [0u8, 100, 200, 250];
        let sp = Plane {
            data: &src,
            width: 4,
            height: 1,
        };
        let mut o = [0u8; 2];
        Scaler::default().draw(
            sp,
            Rect::new(0.0, 0.0, 4.0, 1.0),
            &mut plane_of(&mut o, 2, 1),
            Rect::new(0.0, 0.0, 2.0, 1.0),
            PixelBox::all(2, 1),
            0..0,
        );
        // Each output covers exactly two source pixels: their mean.
        assert_eq!(o, [50, 225]);
        let mut up = [0u8; 8];
        Scaler::default().draw(
            sp,
            Rect::new(0.0, 0.0, 4.0, 1.0),
            &mut plane_of(&mut up, 8, 1),
            Rect::new(0.0, 0.0, 8.0, 1.0),
            PixelBox::all(8, 1),
            0..0,
        );
        assert_eq!(up, [0, 25, 75, 125, 175, 213, 238, 250]);
    }
}
