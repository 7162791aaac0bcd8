//! Per-frame video features, computed streaming from consecutive thumbnails.
//!
//! Only the previous thumbnail and a short ring of 16x9 luma grids (for dissolve evidence) are kept;
//! everything else is reduced to one [`FrameFeatures`] per analysed frame. Flags that need a little
//! look-ahead (flash, black, frozen) are set by [`mark_flags`] once the sequence is complete.

use super::focus::focus;
use super::video::{pool_chroma, Thumbnail, CHROMA_H, CHROMA_W, THUMB_H, THUMB_W};
use reelcut_kernels::thumb_match::{magnified_difference, shifted_difference};
use serde::Serialize;
use std::collections::VecDeque;

/// Luma histogram bins (over 0..256).
const LUMA_BINS: usize = 32;
/// Chroma histogram bins per axis (Cb x Cr).
const CHROMA_BINS: usize = 4;
/// Mean luma (full range) at or below which a frame may count as black.
pub const BLACK_LUMA: f32 = 24.0;
/// Luma standard deviation at or below which a dark frame counts as black (no picture content).
pub const BLACK_STD: f32 = 10.0;
/// Largest per-cell luma change (0..255) below which the picture counts as not moving at all: a
/// talking head still moves a few cells by several levels, a frozen or still picture moves none.
pub const FROZEN_MAX_CHANGE: f32 = 2.0;
/// How long the picture must stand still to count as frozen footage.
pub const FROZEN_MIN_S: f64 = 2.0;
/// Mean-luma rise (0..255) that starts a flash.
pub const FLASH_RISE: f32 = 25.0;
/// Longest flash (seconds) before the luma must come back.
pub const FLASH_MAX_S: f64 = 0.3;
/// Mean luma (full range) from which a short rise counts as a flash even when another picture
/// follows: a near-white frame at a cut ends on the new shot, not the old one.
pub const FLASH_MIN_LUMA: f32 = 210.0;
/// Zoom scale candidates per frame step (current = previous magnified by `s`).
const ZOOM_SCALES: [f32; 11] = [
    0.83, 0.87, 0.91, 0.94, 0.97, 1.0, 1.03, 1.06, 1.1, 1.15, 1.2,
];
/// Largest horizontal shift (thumbnail pixels, 1/64 of the width) tried by the pan search: a
/// fast pan moves about a tenth of the picture between 15 fps frames.
pub const PAN_SEARCH_X: usize = 5;
/// Largest vertical shift tried by the pan search (thumbnail pixels, 1/36 of the height).
pub const PAN_SEARCH_Y: usize = 3;
/// Dissolve windows (seconds) tried when looking for a linear mix of two shots.
const DISSOLVE_WINDOWS_S: [f64; 4] = [0.3, 0.6, 1.0, 1.5];

/// Signals of one analysed frame.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Default)]
pub struct FrameFeatures {
    /// Display time in source seconds.
    pub t: f64,
    /// Mean luma 0..255.
    pub luma: f32,
    /// Luma standard deviation (contrast; near 0 for black or flat frames).
    pub luma_std: f32,
    /// Colourfulness (Hasler–Süsstrunk style on Cb/Cr: spread plus a share of the mean).
    pub colour: f32,
    /// Mean absolute luma difference to the previous analysed frame (0..255).
    pub motion: f32,
    /// Largest absolute change of any thumbnail cell since the previous frame (0..255).
    pub motion_max: f32,
    /// Histogram difference to the previous frame, 0 (same) ..1 (disjoint), luma and chroma.
    pub hist_diff: f32,
    /// Mean absolute luma difference to the previous frame after the best whole-picture shift
    /// (up to [`PAN_SEARCH_X`] x [`PAN_SEARCH_Y`] thumbnail pixels): what a pan or a moving camera
    /// leaves, small unless the content really changed (0..255).
    pub residual: f32,
    /// Estimated zoom since the previous frame as ln(scale); > 0 zooms in.
    pub zoom: f32,
    /// Evidence 0..1 that the last `dissolve_len` frames were a linear mix of two pictures.
    pub dissolve: f32,
    /// Window length (frames) of the `dissolve` evidence.
    pub dissolve_len: u16,
    /// Mean absolute difference between the two ends of that window.
    pub dissolve_ends: f32,
    /// For the frames just after a bright rise (a possible flash): the cut change score
    /// ([`super::shots::change_score`]) against the last frame before the rise, else 0. A cut
    /// hidden behind a flash is judged on it, since the change to the flash frame says nothing.
    pub across_flash: f32,
    /// The decoded frames between this analysed frame and the one before show one sharp change
    /// ([`super::cuts::SHARP_CUT_RATIO`]): a cut even beside another strong change.
    pub sharp_cut: bool,
    /// Part of a short bright flash: the luma jumps up and falls back within [`FLASH_MAX_S`].
    pub flash: bool,
    /// Black (dark and without content).
    pub black: bool,
    /// Part of a run of at least [`FROZEN_MIN_S`] without motion.
    pub frozen: bool,
    /// Where the subject is ([`super::focus`]), in 0..1 of the decoded frame's width and height
    /// (before rotation).
    pub focus_x: f32,
    pub focus_y: f32,
}

type Histogram = [f32; LUMA_BINS + CHROMA_BINS * CHROMA_BINS];

/// Streams thumbnails into [`FrameFeatures`].
pub struct FrameAnalyzer {
    prev: Option<(Thumbnail, Histogram)>,
    /// The last frame before a bright rise, while a flash may still be under way: (time of the
    /// rise, that frame, its histogram).
    pre_flash: Option<(f64, Thumbnail, Histogram)>,
    grids: VecDeque<Vec<f32>>,
    windows: Vec<usize>,
    features: Vec<FrameFeatures>,
}

impl FrameAnalyzer {
    /// `fps` is the analysed frame rate, used to size the dissolve windows.
    pub fn new(fps: f64) -> Self {
        let fps = if fps.is_finite() && fps > 0.0 {
            fps.min(120.0)
        } else {
            25.0
        };
        let mut windows: Vec<usize> = DISSOLVE_WINDOWS_S
            .iter()
            .map(|s| ((s * fps).round() as usize).max(3))
            .collect();
        windows.dedup();
        Self {
            prev: None,
            pre_flash: None,
            grids: VecDeque::new(),
            windows,
            features: Vec::new(),
        }
    }

    /// Adds one thumbnail taken at `t` seconds.
    pub fn push(&mut self, t: f64, th: Thumbnail) {
        let n = (THUMB_W * THUMB_H) as f32;
        let mean = th.luma.iter().sum::<f32>() / n;
        let var = th.luma.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / n;
        let hist = histogram(&th);
        let mut f = FrameFeatures {
            t,
            luma: mean,
            luma_std: var.max(0.0).sqrt(),
            colour: colourfulness(&th),
            ..Default::default()
        };
        let mut shift = (0, 0);
        if let Some((p, ph)) = &self.prev {
            let (sum, max) = p
                .luma
                .iter()
                .zip(&th.luma)
                .map(|(a, b)| (a - b).abs())
                .fold((0f32, 0f32), |(s, m), d| (s + d, m.max(d)));
            f.motion = sum / n;
            f.motion_max = max;
            f.hist_diff = hist_change(ph, &hist);
            f.zoom = estimate_zoom(&p.luma, &th.luma);
            let (residual, dx, dy) = pan_search(&p.luma, &th.luma);
            f.residual = residual;
            shift = (dx, dy);
            if self
                .pre_flash
                .as_ref()
                .is_some_and(|x| t - x.0 > FLASH_MAX_S + 1e-6)
            {
                self.pre_flash = None;
            }
            let before = self.features.last().map_or(mean, |b| b.luma);
            if mean - before >= FLASH_RISE && self.pre_flash.is_none() {
                self.pre_flash = Some((t, p.clone(), *ph));
            }
        }
        // Flash frames only count as such once the picture falls back (see `mark_flags`, at most
        // FLASH_MAX_S after the rise), so until then every frame is also compared with the frame
        // before the rise.
        if let Some((_, p, ph)) = &self.pre_flash {
            f.across_flash =
                super::shots::change_score(hist_change(ph, &hist), pan_residual(&p.luma, &th.luma));
        }
        (f.focus_x, f.focus_y) = focus(
            self.prev.as_ref().map(|(p, _)| (p, shift.0, shift.1)),
            &th,
            (mean, f.luma_std),
        );
        let mut grid = vec![0.0; CHROMA_W * CHROMA_H];
        pool_chroma(&th.luma, &mut grid);
        let keep = self.windows.iter().max().copied().unwrap_or(0) + 1;
        if self.grids.len() == keep {
            self.grids.pop_front();
        }
        self.grids.push_back(grid);
        self.dissolve_evidence(&mut f);
        self.features.push(f);
        self.prev = Some((th, hist));
    }

    /// Checks, for each window length, whether the frames inside follow a straight line in pixel space
    /// from the first to the last (what a cross-dissolve looks like), and keeps the strongest.
    fn dissolve_evidence(&self, f: &mut FrameFeatures) {
        let len = self.grids.len();
        let gn = (CHROMA_W * CHROMA_H) as f32;
        for &w in &self.windows {
            if len <= w {
                continue;
            }
            let a = &self.grids[len - 1 - w];
            let b = &self.grids[len - 1];
            let ends = a.iter().zip(b).map(|(x, y)| (x - y).abs()).sum::<f32>() / gn;
            if ends < 8.0 {
                continue;
            }
            let mut err = 0.0;
            let ks = [w / 4, w / 2, 3 * w / 4];
            for &k in &ks {
                let k = k.max(1);
                let m = &self.grids[len - 1 - w + k];
                let r = k as f32 / w as f32;
                err += m
                    .iter()
                    .zip(a.iter().zip(b))
                    .map(|(m, (x, y))| (m - (x + r * (y - x))).abs())
                    .sum::<f32>()
                    / gn;
            }
            err /= ks.len() as f32;
            let ev = (1.0 - err / (0.2 * ends)).clamp(0.0, 1.0);
            if ev * ends > f.dissolve * f.dissolve_ends {
                f.dissolve = ev;
                f.dissolve_ends = ends;
                f.dissolve_len = w as u16;
            }
        }
    }

    /// Features of the last frame pushed.
    pub fn last(&self) -> Option<&FrameFeatures> {
        self.features.last()
    }

    /// Finishes the sequence: sets the flash/black/frozen flags and returns all features.
    pub fn finish(self) -> Vec<FrameFeatures> {
        let mut f = self.features;
        mark_flags(&mut f);
        f
    }
}

/// Histogram change between two frames, 0 (same) ..1 (disjoint), luma and chroma.
fn hist_change(a: &Histogram, b: &Histogram) -> f32 {
    0.6 * hist_l1(&a[..LUMA_BINS], &b[..LUMA_BINS])
        + 0.4 * hist_l1(&a[LUMA_BINS..], &b[LUMA_BINS..])
}

/// Normalised luma histogram (32 bins) followed by a 4x4 Cb/Cr histogram.
fn histogram(th: &Thumbnail) -> Histogram {
    let mut h = [0f32; LUMA_BINS + CHROMA_BINS * CHROMA_BINS];
    let ln = 1.0 / th.luma.len() as f32;
    for &v in &th.luma {
        let b = ((v.clamp(0.0, 255.99) as usize) * LUMA_BINS / 256).min(LUMA_BINS - 1);
        h[b] += ln;
    }
    let cn = 1.0 / th.cb.len() as f32;
    for (&u, &v) in th.cb.iter().zip(&th.cr) {
        let q = |c: f32| {
            (((c + 64.0).clamp(0.0, 127.99) as usize) * CHROMA_BINS / 128).min(CHROMA_BINS - 1)
        };
        h[LUMA_BINS + q(u) * CHROMA_BINS + q(v)] += cn;
    }
    h
}

/// Half the L1 distance of two normalised histograms: 0 (same) ..1 (disjoint).
fn hist_l1(a: &[f32], b: &[f32]) -> f32 {
    0.5 * a.iter().zip(b).map(|(x, y)| (x - y).abs()).sum::<f32>()
}

/// Colourfulness from the chroma grid: spread of (Cb, Cr) plus 0.3 x the mean's magnitude.
fn colourfulness(th: &Thumbnail) -> f32 {
    let n = th.cb.len().max(1) as f32;
    let (mb, mr) = (th.cb.iter().sum::<f32>() / n, th.cr.iter().sum::<f32>() / n);
    let vb = th.cb.iter().map(|v| (v - mb) * (v - mb)).sum::<f32>() / n;
    let vr = th.cr.iter().map(|v| (v - mr) * (v - mr)).sum::<f32>() / n;
    (vb + vr).sqrt() + 0.3 * (mb * mb + mr * mr).sqrt()
}

/// Mean absolute difference between `cur` and `prev` shifted by the best whole-pixel offset within
/// the pan search range, over the central region every shift can see.
pub fn pan_residual(prev: &[f32], cur: &[f32]) -> f32 {
    pan_search(prev, cur).0
}

/// [`pan_residual`] and the shift that gives it: cell `(x, y)` of `cur` matches
/// `(x + dx, y + dy)` of `prev` (the first of equally good shifts, so a still picture gives 0).
pub fn pan_search(prev: &[f32], cur: &[f32]) -> (f32, isize, isize) {
    let (mx, my) = (PAN_SEARCH_X, PAN_SEARCH_Y);
    let mut best = (f32::INFINITY, 0, 0);
    for dy in 0..=2 * my {
        for dx in 0..=2 * mx {
            let shift = (dx as isize - mx as isize, dy as isize - my as isize);
            // Ties keep the smaller shift: a still or flat picture has not panned.
            let size = |s: (isize, isize)| s.0.abs() + s.1.abs();
            let cost = shifted_difference(prev, cur, shift, (mx, my));
            if cost < best.0 || (cost == best.0 && size(shift) < size((best.1, best.2))) {
                best = (cost, shift.0, shift.1);
            }
        }
    }
    best
}

/// Estimates the scale change between two thumbnails by trying a few scale factors about the centre
/// and refining the best with a parabola. Returns ln(scale), or 0 when no scale explains the change
/// well (static picture, cut, pan, something moving inside the picture): the best fit must halve the
/// "no zoom" error and lie inside the searched range, since a best fit at its end says only that the
/// change is not a zoom within the range (a cut or a walk-away reaches the end, a zoom does not).
pub fn estimate_zoom(prev: &[f32], cur: &[f32]) -> f32 {
    let costs: Vec<f32> = ZOOM_SCALES
        .iter()
        .map(|&s| magnified_difference(prev, cur, s))
        .collect();
    let still = costs[ZOOM_SCALES.len() / 2];
    let (bi, best) = costs
        .iter()
        .copied()
        .enumerate()
        .fold(
            (0, f32::INFINITY),
            |acc, (i, c)| if c < acc.1 { (i, c) } else { acc },
        );
    if !(still > 1.5 && best < 0.5 * still) || bi == 0 || bi + 1 == ZOOM_SCALES.len() {
        return 0.0;
    }
    let ln = |i: usize| ZOOM_SCALES[i].ln();
    let (c0, c1, c2) = (costs[bi - 1], costs[bi], costs[bi + 1]);
    let denom = c0 - 2.0 * c1 + c2;
    let off = if denom > 1e-6 {
        (0.5 * (c0 - c2) / denom).clamp(-0.5, 0.5)
    } else {
        0.0
    };
    if off >= 0.0 {
        ln(bi) + off * (ln(bi + 1) - ln(bi))
    } else {
        ln(bi) + off * (ln(bi) - ln(bi - 1))
    }
}

/// Sets black, flash and frozen flags (they need a few frames of look-ahead).
pub fn mark_flags(f: &mut [FrameFeatures]) {
    for x in f.iter_mut() {
        x.black = x.luma <= BLACK_LUMA && x.luma_std <= BLACK_STD;
    }
    // Flash: luma jumps up and the same picture comes back at about its level within FLASH_MAX_S
    // (a brighter short shot between two others is no flash), or a near-white frame falls at
    // least half way back onto any picture (a flash at a cut).
    let mut i = 1;
    while i < f.len() {
        let base = f[i - 1].luma;
        let rise = f[i].luma - base;
        if rise >= FLASH_RISE {
            let limit = f[i].t + FLASH_MAX_S + 1e-6;
            let peak = f[i].luma;
            let back = (i + 1..f.len())
                .take_while(|&j| f[j].t <= limit)
                .find(|&j| {
                    let same_picture = f[j].across_flash < super::shots::MIN_CUT_CHANGE;
                    ((f[j].luma - base).abs() <= 0.35 * rise && same_picture)
                        || (peak >= FLASH_MIN_LUMA && peak - f[j].luma >= 0.5 * rise)
                });
            if let Some(j) = back {
                for x in &mut f[i..j] {
                    x.flash = true;
                }
                i = j;
                continue;
            }
        }
        i += 1;
    }
    // Frozen: runs of (near) zero motion lasting FROZEN_MIN_S, black excluded (it has its own flag).
    let mut start = None;
    for i in 0..=f.len() {
        let still = i < f.len() && i > 0 && f[i].motion_max < FROZEN_MAX_CHANGE && !f[i].black;
        match (still, start) {
            (true, None) => start = Some(i - 1),
            (false, Some(s)) => {
                let dur = f[i - 1].t - f[s].t;
                if dur >= FROZEN_MIN_S {
                    for x in &mut f[s..i] {
                        x.frozen = true;
                    }
                }
                start = None;
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn textured(scale: f32) -> Vec<f32> {
        let (cx, cy) = ((THUMB_W as f32 - 1.0) / 2.0, (THUMB_H as f32 - 1.0) / 2.0);
        (0..THUMB_W * THUMB_H)
            .map(|i| {
                let (x, y) = ((i % THUMB_W) as f32, (i / THUMB_W) as f32);
                let (u, v) = ((x - cx) / scale, (y - cy) / scale);
                128.0 + 60.0 * (u * 0.35).sin() * (v * 0.45).cos() + 30.0 * ((u + v) * 0.2).sin()
            })
            .collect()
    }

    #[test]
    fn zoom_estimate_finds_scale() {
        let a = textured(1.0);
        let b = textured(1.08);
        let z = estimate_zoom(&a, &b);
        assert!((z - 1.08f32.ln()).abs() < 0.025, "zoom {z}");
        let z_out = estimate_zoom(&b, &a);
        assert!((z_out + 1.08f32.ln()).abs() < 0.025, "zoom out {z_out}");
        assert_eq!(estimate_zoom(&a, &a), 0.0);
    }

    #[test]
    fn flags_flash_and_frozen() {
        let mut f: Vec<FrameFeatures> = (0..80)
            .map(|i| FrameFeatures {
                t: i as f64 / 15.0,
                luma: 100.0,
                luma_std: 30.0,
                motion: 5.0,
                ..Default::default()
            })
            .collect();
        f[10].luma = 220.0;
        f[11].luma = 180.0;
        f[30].luma = 200.0; // a cut to a bright shot: stays bright
        for x in &mut f[31..] {
            x.luma = 200.0;
        }
        for x in f.iter_mut() {
            x.motion_max = 20.0;
        }
        for x in &mut f[40..] {
            x.motion = 0.0;
            x.motion_max = 0.5;
        }
        mark_flags(&mut f);
        let flashes: Vec<usize> = (0..80).filter(|&i| f[i].flash).collect();
        assert_eq!(flashes, vec![10, 11]);
        assert!(f[45].frozen && f[79].frozen && !f[35].frozen);
    }
}
