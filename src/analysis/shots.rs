//! Shot boundaries from per-frame features: hard cuts, fades to/from black and dissolves.
//!
//! Clips must start and end on these, so each boundary says where the old shot ends (`start`) and
//! where the new one is fully in (`end`); a clip may end at `start` and begin at `end`.

use super::frames::FrameFeatures;
use crate::sort;
use serde::{Deserialize, Serialize};

/// How one shot turns into the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum BoundaryKind {
    /// Instant change between two frames.
    Cut,
    /// The picture ramps down into black (`t` = first black frame).
    FadeOut,
    /// The picture ramps up out of black (`t` = first non-black frame).
    FadeIn,
    /// One picture blends into the next over several frames (`t` = middle of the blend).
    Dissolve,
}

/// One detected shot boundary.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ShotBoundary {
    /// Nominal time of the boundary (source seconds).
    pub t: f64,
    /// End of the old shot: a clip ending here contains no frame of the new shot.
    pub start: f64,
    /// Start of the new shot: a clip beginning here contains no frame of the old shot.
    pub end: f64,
    /// Kind of transition.
    pub kind: BoundaryKind,
    /// Strength 0..1 (cut score, fade depth, or dissolve evidence).
    pub strength: f32,
}

/// Combined change score between two frames for cuts, 0..1: histogram change and the pixel change
/// that no pan explains ([`super::frames::pan_residual`]), so a moving camera or fast motion scores
/// low while new content scores high.
pub(crate) fn change_score(hist_diff: f32, residual: f32) -> f32 {
    0.5 * hist_diff + 0.5 * (residual / 30.0).min(1.0)
}

/// The change score of an analysed frame against the one before it.
pub(crate) fn change(f: &FrameFeatures) -> f32 {
    change_score(f.hist_diff, f.residual)
}

/// Lowest change score a cut can have (the floor of the adaptive threshold): analysed frames that
/// change less are no cut candidates, so their neighbours need no refinement.
pub(crate) const MIN_CUT_CHANGE: f32 = 0.3;

/// Change score at or above which a frame is a cut even when a neighbour changes as much.
const CERTAIN_CUT: f32 = 0.6;

/// A frame between two stronger changes scoring below this share of the weaker one is a valley:
/// the picture held still between them, so they are two cuts around a short shot (a 3-frame shot
/// sampled at half rate), not one change spread over several frames.
const VALLEY: f32 = 0.5;

/// Whether change `s[i]` is a local peak over two analysed frames each side, where a stronger
/// change two frames away does not count if the frame between is a valley.
fn is_peak(s: &[f32], i: usize) -> bool {
    (i.saturating_sub(2)..(i + 3).min(s.len())).all(|j| {
        let weaker = s[j] < s[i] || (s[j] == s[i] && j > i);
        let apart = j.abs_diff(i) == 2 && s[(i + j) / 2] < VALLEY * s[i].min(s[j]);
        j == i || weaker || apart
    })
}

fn median(v: &mut [f32]) -> f32 {
    if v.is_empty() {
        return 0.0;
    }
    sort::sort_by(v, |a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// Detects all boundaries in time order. `frame_dur` is the source frame duration (seconds), used to
/// say where the last frame of the old shot ends when frames were sampled.
pub fn detect(f: &[FrameFeatures], frame_dur: f64) -> Vec<ShotBoundary> {
    let n = f.len();
    let mut out = Vec::new();
    if n < 2 {
        return out;
    }
    let frame_dur = if frame_dur.is_finite() && frame_dur > 0.0 {
        frame_dur
    } else {
        1.0 / 30.0
    };
    // Frames that belong to a fade ramp: no cut or dissolve is reported there.
    let mut in_fade = vec![false; n];
    let mut i = 0;
    while i < n {
        if !f[i].black {
            i += 1;
            continue;
        }
        let b0 = i;
        while i < n && f[i].black {
            i += 1;
        }
        let b1 = i - 1;
        // Ramp down into b0.
        let mut j = b0;
        while j > 0
            && f[j - 1].luma > f[j].luma + 0.5
            && f[j - 1].luma - f[j].luma < 60.0
            && !f[j - 1].black
        {
            j -= 1;
        }
        if b0 - j >= 2 {
            in_fade[j..=b0].iter_mut().for_each(|x| *x = true);
            let depth = ((f[j].luma - f[b0].luma) / 128.0).clamp(0.0, 1.0);
            out.push(ShotBoundary {
                t: f[b0].t,
                start: f[b0].t,
                end: f[b0].t,
                kind: BoundaryKind::FadeOut,
                strength: depth,
            });
        }
        // Ramp up out of b1.
        let mut k = b1;
        while k + 1 < n && f[k + 1].luma > f[k].luma + 0.5 && f[k + 1].luma - f[k].luma < 60.0 {
            k += 1;
        }
        if k - b1 >= 2 {
            in_fade[b1..=k].iter_mut().for_each(|x| *x = true);
            let depth = ((f[k].luma - f[b1].luma) / 128.0).clamp(0.0, 1.0);
            let t = f[b1 + 1].t;
            out.push(ShotBoundary {
                t,
                start: t,
                end: t,
                kind: BoundaryKind::FadeIn,
                strength: depth,
            });
        }
    }
    // Hard cuts: a change score that is a local peak and clears an adaptive threshold over the
    // preceding second (so steady fast motion does not trigger, while a cut in a still scene does).
    let s: Vec<f32> = f.iter().map(change).collect();
    let h: Vec<f32> = f.iter().map(|x| x.hist_diff).collect();
    let mut cuts = Vec::new();
    for i in 1..n {
        // Fades, flashes and black-to-black changes (histograms of near-black frames are touchy)
        // are not cuts.
        if in_fade[i] || f[i].flash || (f[i].black && f[i - 1].black) {
            continue;
        }
        // Just after a flash the change to the flash frame means nothing: a cut hidden behind the
        // flash shows against the last frame before it, and the flash belongs to neither shot.
        let last_old = if f[i - 1].flash {
            match (0..i).rev().find(|&j| !f[j].flash) {
                Some(j) => j,
                None => continue,
            }
        } else {
            i - 1
        };
        let score = if last_old + 1 < i {
            f[i].across_flash
        } else {
            s[i]
        };
        // The baseline leaves out the cuts already found: in a fast-cut climax they would raise it
        // until the next cut no longer stands out.
        let adaptive = |series: &[f32]| {
            let mut prev: Vec<f32> = (i.saturating_sub(10).max(1)..i)
                .filter(|j| !cuts.contains(j))
                .map(|j| series[j])
                .collect();
            let base = median(&mut prev);
            let mut dev: Vec<f32> = prev.iter().map(|v| (v - base).abs()).collect();
            (base + (3.0 * median(&mut dev)).max(0.2)).max(MIN_CUT_CHANGE)
        };
        let thr = adaptive(&s);
        // Content that churns every frame (particles, crowds, water) keeps the pixel change high
        // inside a shot, but not its histogram: a histogram change that stands out from its own
        // recent baseline is a cut too.
        let hist_cut =
            last_old + 1 == i && f[i].hist_diff >= adaptive(&h) && score >= MIN_CUT_CHANGE;
        let thr = if hist_cut { thr.min(score) } else { thr };
        let peak = last_old + 1 < i || f[i].sharp_cut || is_peak(&s, i);
        if score >= thr && (peak || score >= CERTAIN_CUT.max(thr)) {
            cuts.push(i);
            out.push(ShotBoundary {
                t: f[i].t,
                start: (f[last_old].t + frame_dur).min(f[i].t),
                end: f[i].t,
                kind: BoundaryKind::Cut,
                strength: score.clamp(0.0, 1.0),
            });
        }
    }
    // Dissolves: strongest linear-mix evidence per group, checked for a gradual change that stands
    // out from its surroundings (a pan or steady motion changes as much before and after).
    let mut i = 0;
    while i < n {
        if f[i].dissolve < 0.6 || f[i].dissolve_ends < 10.0 {
            i += 1;
            continue;
        }
        let mut best = i;
        let mut j = i;
        while j < n && (f[j].dissolve >= 0.6 && f[j].dissolve_ends >= 10.0 || j < best + 3) {
            if f[j].dissolve * f[j].dissolve_ends > f[best].dissolve * f[best].dissolve_ends {
                best = j;
            }
            j += 1;
        }
        i = j;
        let w = f[best].dissolve_len as usize;
        if w == 0 || best < w {
            continue;
        }
        let a = best - w;
        if in_fade[a..=best].iter().any(|&x| x) || cuts.iter().any(|&c| c > a && c <= best) {
            continue;
        }
        let inside = f[a + 1..=best].iter().map(|x| x.motion).fold(0.0, f32::max);
        let inside_mean = f[a + 1..=best].iter().map(|x| x.motion).sum::<f32>() / w as f32;
        let around: Vec<f32> = (a.saturating_sub(2)..=a)
            .chain(best + 1..(best + 3).min(n))
            .filter(|&k| k > 0)
            .map(|k| f[k].motion)
            .collect();
        let outside = if around.is_empty() {
            0.0
        } else {
            around.iter().sum::<f32>() / around.len() as f32
        };
        if inside_mean > 1.5 * outside + 0.5 && inside < 0.6 * f[best].dissolve_ends {
            let (ta, tb) = (f[a].t, f[best].t);
            out.push(ShotBoundary {
                t: 0.5 * (ta + tb),
                start: ta + frame_dur,
                end: tb,
                kind: BoundaryKind::Dissolve,
                strength: f[best].dissolve,
            });
        }
    }
    sort::sort_by(&mut out, |a, b| a.t.total_cmp(&b.t));
    out
}

/// How a shot begins, as a result lists it (`Shots[].Kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub enum ShotKind {
    /// A hard cut from the previous shot (also the first shot of a source that opens on picture).
    Cut,
    /// Out of black (a fade-in, with or without a fade-out before it).
    Fade,
    /// A blend from the previous shot.
    Dissolve,
}

/// One shot of a source, in source seconds: `start` is its first frame, `end` the end of its last
/// frame. Between two shots lies the transition (nothing for a cut, the black of a fade, the blend
/// of a dissolve), so a clip from `start` to `end` shows this shot only.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct Shot {
    pub start: f64,
    pub end: f64,
    pub kind: ShotKind,
}

/// The shots of a source from its analysis, in time order: what a retrieval result lists per source
/// (`Sources[].Shots`). Covers `0..duration_s` except black between fades and the blends of
/// dissolves; a source without video has no shots.
pub fn shot_list(src: &super::SourceFeatures) -> Vec<Shot> {
    if src.frames.is_empty() {
        return Vec::new();
    }
    let duration = if src.duration_s.is_finite() && src.duration_s > 0.0 {
        src.duration_s
    } else {
        src.frames
            .last()
            .map_or(0.0, |f| f.t + 1.0 / src.frame_rate)
    };
    let mut out = Vec::new();
    // The shot being built: where it began and how; `None` while in black after a fade-out.
    let opens_black = src.frames.first().is_some_and(|f| f.black);
    let mut open: Option<(f64, ShotKind)> = (!opens_black).then_some((0.0, ShotKind::Cut));
    for b in &src.shots {
        let (ends_at, next) = match b.kind {
            BoundaryKind::Cut => (b.start, Some((b.end, ShotKind::Cut))),
            BoundaryKind::Dissolve => (b.start, Some((b.end, ShotKind::Dissolve))),
            BoundaryKind::FadeOut => (b.start, None),
            BoundaryKind::FadeIn => (b.start, Some((b.end, ShotKind::Fade))),
        };
        if let Some((start, kind)) = open.take() {
            if ends_at > start {
                out.push(Shot {
                    start,
                    end: ends_at,
                    kind,
                });
            }
        }
        open = next;
    }
    if let Some((start, kind)) = open {
        if duration > start {
            out.push(Shot {
                start,
                end: duration,
                kind,
            });
        }
    }
    out
}
