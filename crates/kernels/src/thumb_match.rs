//! How well one analysis thumbnail's luma matches another's moved: shifted by whole cells (a pan)
//! or magnified about the centre (a zoom). The analysis tries dozens of candidate moves per
//! sampled frame, so these are its largest per-frame loops.

use crate::samples::l1_distance;
use crate::video::{THUMB_H, THUMB_W};

/// Mean `|cur(x, y) - prev(x + dx, y + dy)|` over the cells `margin_x..W - margin_x`,
/// `margin_y..H - margin_y` of `cur`; `|dx| <= margin_x` and `|dy| <= margin_y` so every cell has
/// its counterpart.
pub fn shifted_difference(
    prev: &[f32],
    cur: &[f32],
    (dx, dy): (isize, isize),
    (margin_x, margin_y): (usize, usize),
) -> f32 {
    let cols = THUMB_W - 2 * margin_x;
    let rows = THUMB_H - 2 * margin_y;
    let px = (margin_x as isize + dx) as usize;
    let sum: f32 = (margin_y..THUMB_H - margin_y)
        .map(|y| {
            let py = (y as isize + dy) as usize;
            let c = &cur[y * THUMB_W + margin_x..][..cols];
            let p = &prev[py * THUMB_W + px..][..cols];
            l1_distance(c, p)
        })
        .sum();
    sum / (cols * rows) as f32
}

/// Where a destination coordinate samples the source, bilinearly, along one axis.
#[derive(Clone, Copy)]
struct Tap {
    lo: usize,
    hi: usize,
    frac: f32,
}

/// Sampling taps of `range` magnified by `s` about `centre` (clamped to the edge of `len`).
fn taps(range: std::ops::Range<usize>, len: usize, s: f32) -> Vec<Tap> {
    let centre = (len as f32 - 1.0) / 2.0;
    range
        .map(|d| {
            let v = (centre + (d as f32 - centre) / s).clamp(0.0, (len - 1) as f32);
            let lo = v as usize;
            Tap {
                lo,
                hi: (lo + 1).min(len - 1),
                frac: v - lo as f32,
            }
        })
        .collect()
}

/// Mean `|prev magnified by s about the centre - cur|` over the central region (an eighth of each
/// side left out: those cells have no counterpart when zooming), `prev` sampled bilinearly.
pub fn magnified_difference(prev: &[f32], cur: &[f32], s: f32) -> f32 {
    let (mx, my) = (THUMB_W / 8, THUMB_H / 8);
    let columns = taps(mx..THUMB_W - mx, THUMB_W, s);
    let rows = taps(my..THUMB_H - my, THUMB_H, s);
    let mut sum = 0.0;
    for (y, row) in (my..).zip(&rows) {
        let (top, bottom) = (&prev[row.lo * THUMB_W..], &prev[row.hi * THUMB_W..]);
        let cur_row = &cur[y * THUMB_W + mx..];
        for (c, &v) in columns.iter().zip(cur_row) {
            let t = top[c.lo] + (top[c.hi] - top[c.lo]) * c.frac;
            let b = bottom[c.lo] + (bottom[c.hi] - bottom[c.lo]) * c.frac;
            sum += (t + (b - t) * row.frac - v).abs();
        }
    }
    sum / (columns.len() * rows.len()).max(1) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn picture(shift: f32) -> Vec<f32> {
        (0..THUMB_W * THUMB_H)
            .map(|i| {
                let (x, y) = ((i % THUMB_W) as f32 + shift, (i / THUMB_W) as f32);
                128.0 + 60.0 * (x * 0.4).sin() * (y * 0.3).cos()
            })
            .collect()
    }

    #[test]
    fn a_shift_is_found_where_the_picture_moved() {
        let (prev, cur) = (picture(0.0), picture(2.0));
        // cur(x) = prev(x + 2): the matching shift is dx = +2.
        assert!(shifted_difference(&prev, &cur, (2, 0), (5, 3)) < 1e-4);
        assert!(shifted_difference(&prev, &cur, (0, 0), (5, 3)) > 5.0);
    }

    /// Against the plain bilinear formula, cell by cell, written without precomputed taps.
    #[test]
    fn magnified_difference_matches_direct_sampling() {
        let (prev, cur) = (picture(0.0), picture(0.7));
        for s in [0.83f32, 1.0, 1.2] {
            let (cx, cy) = ((THUMB_W as f32 - 1.0) / 2.0, (THUMB_H as f32 - 1.0) / 2.0);
            let at = |x: f32, y: f32| {
                let x = x.clamp(0.0, (THUMB_W - 1) as f32);
                let y = y.clamp(0.0, (THUMB_H - 1) as f32);
                let (x0, y0) = (x as usize, y as usize);
                let (x1, y1) = ((x0 + 1).min(THUMB_W - 1), (y0 + 1).min(THUMB_H - 1));
                let (fx, fy) = (x - x0 as f32, y - y0 as f32);
                let top = prev[y0 * THUMB_W + x0] * (1.0 - fx) + prev[y0 * THUMB_W + x1] * fx;
                let bot = prev[y1 * THUMB_W + x0] * (1.0 - fx) + prev[y1 * THUMB_W + x1] * fx;
                top * (1.0 - fy) + bot * fy
            };
            let (mx, my) = (THUMB_W / 8, THUMB_H / 8);
            let (mut sum, mut n) = (0.0, 0);
            for y in my..THUMB_H - my {
                for x in mx..THUMB_W - mx {
                    let v = at(cx + (x as f32 - cx) / s, cy + (y as f32 - cy) / s);
                    sum += (v - cur[y * THUMB_W + x]).abs();
                    n += 1;
                }
            }
            let direct = sum / n as f32;
            let fast = magnified_difference(&prev, &cur, s);
            assert!(
                (fast - direct).abs() < 1e-3 * direct.max(1.0),
                "s={s}: {fast} vs {direct}"
            );
        }
    }
}
