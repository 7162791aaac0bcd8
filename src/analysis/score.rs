//! Highlights: a score curve per source, clips cut on shot boundaries or speech pauses, reasons.
//!
//! The profile's weights combine the normalised signals of `signals` into a raw curve, smoothed over
//! about a second. Peaks of the curve seed clips; each clip starts at a boundary's `end` or a pause and
//! ends at a boundary's `start` or a pause, never where speech is ongoing when any other choice exists,
//! and maximises the summed curve above half the peak (so it hugs the exciting part). Clips never
//! overlap and never contain black, frozen or long-silent footage.

use super::cuts::{EditKind, EditPoint, PAUSE_EDGE_S};
use super::profile::{Profile, Weights};
use super::signals::{self, Grid, Sig, CELL_S, N_SIG};
use super::SourceFeatures;
use crate::num_text::{clamp, Num};
use crate::sort;
use serde::Serialize;

pub use crate::job::spec::SelectionMode;

/// Options of [`find_highlights`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HighlightOptions {
    /// Scene (by score) or Average (even slices).
    pub mode: SelectionMode,
    /// Signal weights to use.
    pub profile: Profile,
    /// Shortest clip in seconds (default 1).
    pub min_clip_s: f64,
    /// Longest clip in seconds (default 15).
    pub max_clip_s: f64,
    /// How many highlights; `None`: one per ~25 s of input, at least 1, at most 50.
    pub max_count: Option<usize>,
    /// Cap on the summed clip length in seconds.
    pub target_total_s: Option<f64>,
    /// Per source, the analysed range `(start, end)` in source seconds; missing entries mean the
    /// whole source.
    pub ranges: Vec<(f64, f64)>,
    /// Notes to carry into the report (e.g. from [`HighlightOptions::with_content`]).
    pub notes: Vec<String>,
}

impl Default for HighlightOptions {
    fn default() -> Self {
        Self {
            mode: SelectionMode::default(),
            profile: Profile::default(),
            min_clip_s: 1.0,
            max_clip_s: 15.0,
            max_count: None,
            target_total_s: None,
            ranges: Vec::new(),
            notes: Vec::new(),
        }
    }
}

impl HighlightOptions {
    /// Default options with the profile named by `Highlight.Content` (and a note if it was unknown).
    pub fn with_content(content: Option<&str>) -> Self {
        let (profile, note) = Profile::from_content(content);
        Self {
            profile,
            notes: note.into_iter().collect(),
            ..Self::default()
        }
    }
}

/// One chosen clip.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Highlight {
    /// Index of the source in the `sources` slice.
    pub source: usize,
    /// Start in source seconds.
    pub start: f64,
    /// End in source seconds.
    pub end: f64,
    /// Score 0..1 (comparable across sources and runs with the same profile).
    pub score: f64,
    /// Why: short human strings with the measured numbers, strongest first.
    pub reasons: Vec<String>,
}

/// Coarse score curve of one source, for UIs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Timeline {
    /// Source index.
    pub source: usize,
    /// Source time of the first value.
    pub start: f64,
    /// Seconds per value.
    pub step_s: f64,
    /// Scores 0..1 (the maximum within each step).
    pub values: Vec<f32>,
}

/// Result of [`find_highlights`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HighlightReport {
    /// Highlights, highest score first.
    pub highlights: Vec<Highlight>,
    /// Name of the profile used.
    pub profile: String,
    /// Things the caller should know (unknown content, missing audio/video, fewer clips found).
    pub notes: Vec<String>,
    /// Per-source coarse score curves.
    pub timeline: Vec<Timeline>,
}

/// Reasons catalogue thresholds (README): "loud" needs the clip's loudest cell this far (LU) above
/// the source's typical loudness.
const LOUD_REASON_LU: f32 = 6.0;
/// "loudness jump" needs a jump of at least this (LU) over what was heard before.
const JUMP_REASON_LU: f32 = 9.0;
/// "rapid cutting" needs at least this many shot boundaries within the cut-rate window.
const RAPID_CUTS: usize = 3;
/// "sudden zoom" needs a net scale change of at least x1.1 within half a second.
const ZOOM_REASON_LN: f32 = 0.0953;
/// Timeline resolution.
const TIMELINE_STEP_S: f64 = 0.5;
/// Curve smoothing half-width in cells (0.5 s).
const SMOOTH_CELLS: usize = 5;
/// Raw clip value giving a score of 1 - 1/e.
const SCORE_SCALE: f64 = 2.5;
/// In the first Scene pass, peaks this close to a chosen clip wait for the second pass.
const SEPARATION_S: f64 = 4.0;
/// Edges closer than this are merged.
const EDGE_MERGE_S: f64 = 0.05;
/// What an edge with speech running across it (a cut mid-sentence) costs a clip, in cells of the
/// curve at the peak: enough to prefer a pause on a near tie, never enough to prefer a worse clip.
const UNCLEAN_EDGE_COST: f64 = 0.2;

/// Where a clip may start or end.
#[derive(Debug, Clone, Copy)]
struct Edge {
    t: f64,
    /// No speech is ongoing there.
    clean: bool,
}

/// One source, ready for clip search.
struct Prepared {
    src: usize,
    range: (f64, f64),
    grid: Grid,
    curve: Vec<f32>,
    /// Prefix sums of `curve` and of the bad mask.
    cps: Vec<f64>,
    bps: Vec<u32>,
    starts: Vec<Edge>,
    ends: Vec<Edge>,
}

#[derive(Debug, Clone, Copy)]
struct Cand {
    start: f64,
    end: f64,
    unclean: u8,
    objective: f64,
    value: f64,
}

fn squash(raw: f64) -> f64 {
    if raw.is_finite() {
        (1.0 - (-raw.max(0.0) / SCORE_SCALE).exp()).clamp(0.0, 1.0)
    } else {
        0.0
    }
}

fn speech_at(src: &SourceFeatures, t: f64) -> bool {
    src.audio.as_ref().is_some_and(|a| a.speech_at(t))
}

fn prepare(idx: usize, src: &SourceFeatures, range: (f64, f64), w: &Weights) -> Prepared {
    let (a, b) = range;
    let grid = signals::build(src, a, b);
    let n = grid.n;
    let weights: Vec<f32> = Sig::ALL.iter().map(|s| s.weight(w) as f32).collect();
    let raw: Vec<f32> = (0..n)
        .map(|i| (0..N_SIG).map(|k| weights[k] * grid.sig[k][i]).sum::<f32>() - grid.penalty[i])
        .collect();
    let mut rps = vec![0f64; n + 1];
    for i in 0..n {
        rps[i + 1] = rps[i] + raw[i] as f64;
    }
    let curve: Vec<f32> = (0..n)
        .map(|i| {
            let (lo, hi) = (
                i.saturating_sub(SMOOTH_CELLS),
                (i + SMOOTH_CELLS + 1).min(n),
            );
            ((rps[hi] - rps[lo]) / (hi - lo) as f64) as f32
        })
        .collect();
    let mut cps = vec![0f64; n + 1];
    let mut bps = vec![0u32; n + 1];
    for i in 0..n {
        cps[i + 1] = cps[i] + curve[i] as f64;
        bps[i + 1] = bps[i] + grid.bad[i] as u32;
    }
    let mut starts = vec![Edge {
        t: a,
        clean: !speech_at(src, a),
    }];
    let mut ends = vec![Edge {
        t: b,
        clean: !speech_at(src, b - 0.01),
    }];
    // Inside a pause no speech is ongoing by definition; a shot edge is clean only when no speech
    // runs across it.
    let edge = |e: EditPoint| Edge {
        t: e.t,
        clean: e.kind == EditKind::Pause || !speech_at(src, e.t),
    };
    starts.extend(src.clip_starts().into_iter().map(edge));
    ends.extend(src.clip_ends().into_iter().map(edge));
    let tidy = |v: &mut Vec<Edge>| {
        v.retain(|e| e.t.is_finite() && e.t >= a - 1e-9 && e.t <= b + 1e-9);
        sort::sort_by(v, |x, y| x.t.total_cmp(&y.t).then(y.clean.cmp(&x.clean)));
        v.dedup_by(|later, earlier| {
            later.t - earlier.t < EDGE_MERGE_S && (earlier.clean || !later.clean)
        });
    };
    tidy(&mut starts);
    tidy(&mut ends);
    Prepared {
        src: idx,
        range,
        grid,
        curve,
        cps,
        bps,
        starts,
        ends,
    }
}

impl Prepared {
    /// Sum of the curve minus `tau` and number of bad cells over `[s, e)`. The bad cells are counted
    /// inside the edges' pause margins only: an edge in a long pause lies up to [`PAUSE_EDGE_S`]
    /// inside the silence by design (the clip starts just before the first word), so those cells are
    /// not footage the clip "contains".
    fn span(&self, s: f64, e: f64, tau: f64) -> (f64, u32, f64) {
        let n = self.grid.n;
        let i0 = self.grid.cell(s + 0.5 * CELL_S).min(n);
        let i1 = (self.grid.cell(e - 0.5 * CELL_S) + 1).clamp(i0, n);
        let sum = self.cps[i1] - self.cps[i0];
        let cells = (i1 - i0) as f64;
        let margin = PAUSE_EDGE_S + CELL_S;
        let b0 = self.grid.cell(s + margin).clamp(i0, i1);
        let b1 = (self.grid.cell(e - margin) + 1).clamp(b0, i1);
        (
            sum - tau * cells,
            self.bps[b1] - self.bps[b0],
            if cells > 0.0 { sum / cells } else { 0.0 },
        )
    }

    /// Highest curve value over `[s, e)`.
    fn max_in(&self, s: f64, e: f64) -> f64 {
        let n = self.grid.n;
        let i0 = self.grid.cell(s + 0.5 * CELL_S).min(n);
        let i1 = (self.grid.cell(e - 0.5 * CELL_S) + 1).clamp(i0, n);
        self.curve[i0..i1].iter().copied().fold(0.0, f32::max) as f64
    }

    /// Best clip around `peak_t` inside `[lo, hi]`, not overlapping `used`.
    #[allow(clippy::too_many_arguments)]
    fn best_clip(
        &self,
        peak_t: f64,
        peak_v: f64,
        lo: f64,
        hi: f64,
        min_len: f64,
        max_len: f64,
        used: &[(f64, f64)],
    ) -> Option<Cand> {
        if max_len < min_len - 1e-9 || hi - lo < min_len - 1e-9 {
            return None;
        }
        let tau = 0.5 * peak_v;
        let free = |s: f64, e: f64| {
            used.iter()
                .all(|&(u0, u1)| e <= u0 + 1e-9 || s >= u1 - 1e-9)
        };
        let search = |starts: &[Edge], ends: &[Edge]| -> Option<Cand> {
            let mut best: Option<Cand> = None;
            for s in starts
                .iter()
                .filter(|s| s.t >= lo - 1e-9 && s.t <= peak_t + 1e-9 && s.t >= peak_t - max_len)
            {
                for e in ends
                    .iter()
                    .filter(|e| e.t <= hi + 1e-9 && e.t >= peak_t - 1e-9)
                {
                    let len = e.t - s.t;
                    if len < min_len - 1e-9 || len > max_len + 1e-9 || !free(s.t, e.t) {
                        continue;
                    }
                    let (obj, bad, mean) = self.span(s.t, e.t, tau);
                    if bad > 0 {
                        continue;
                    }
                    let top = self.max_in(s.t, e.t);
                    let c = Cand {
                        start: s.t,
                        end: e.t,
                        unclean: (!s.clean) as u8 + (!e.clean) as u8,
                        objective: obj,
                        value: 0.5 * mean + 0.5 * top,
                    };
                    // The clip's content decides; an edge on a cut with speech running across it
                    // only loses a near tie against a pause (about a fifth of a cell at the peak).
                    let rank =
                        |c: &Cand| c.objective - UNCLEAN_EDGE_COST * peak_v * c.unclean as f64;
                    if best.as_ref().is_none_or(|b| rank(&c) > rank(b)) {
                        best = Some(c);
                    }
                }
            }
            best
        };
        // Legal edges first (pauses, cuts, the range's ends).
        if let Some(c) = search(&self.starts, &self.ends) {
            return Some(c);
        }
        // None bounds a clip here (a long stretch without speech or cuts: music, ambience). A point
        // where nobody speaks is never mid-word either: the half-second points whose cell has no
        // speech become edges too, marked unclean so the record says so. Speech is never cut.
        let (a, b) = (lo.max(self.range.0), hi.min(self.range.1));
        let k = ((b - a) / 0.5).floor().max(0.0) as usize;
        let silent: Vec<Edge> = (0..=k)
            .map(|j| a + j as f64 * 0.5)
            .filter(|&t| {
                let cell = self.grid.cell(t).min(self.grid.n.saturating_sub(1));
                self.grid.cells.get(cell).is_some_and(|c| c.speech < 0.05)
            })
            .map(|t| Edge { t, clean: false })
            .collect();
        if silent.is_empty() {
            return None;
        }
        let merged = |legal: &[Edge]| {
            let mut all = legal.to_vec();
            all.extend_from_slice(&silent);
            sort::sort_by(&mut all, |x, y| x.t.total_cmp(&y.t));
            all
        };
        search(&merged(&self.starts), &merged(&self.ends))
    }

    /// Local maxima of the curve in `[lo, hi)` (not bad), strongest first.
    fn peaks(&self, lo: f64, hi: f64) -> Vec<(usize, f32)> {
        let n = self.grid.n;
        let (i0, i1) = (self.grid.cell(lo), (self.grid.cell(hi - 1e-9) + 1).min(n));
        let mut out: Vec<(usize, f32)> = (i0..i1)
            .filter(|&i| {
                let v = self.curve[i];
                !self.grid.bad[i]
                    && (i.saturating_sub(SMOOTH_CELLS)..(i + SMOOTH_CELLS + 1).min(n))
                        .all(|j| self.curve[j] < v || (self.curve[j] == v && j >= i))
            })
            .map(|i| (i, self.curve[i]))
            .collect();
        // Always offer the best good cell, so flat stretches still get a seed.
        if let Some(i) = (i0..i1)
            .filter(|&i| !self.grid.bad[i])
            .max_by(|&x, &y| self.curve[x].total_cmp(&self.curve[y]))
        {
            if !out.iter().any(|&(j, _)| j == i) {
                out.push((i, self.curve[i]));
            }
        }
        sort::sort_by(&mut out, |x, y| y.1.total_cmp(&x.1));
        out
    }
}

/// How many highlights the scorer returns when the request does not say: one per 25 s of
/// analysed material, 1 to 50.
pub fn default_highlight_count(analysed_s: f64) -> usize {
    ((analysed_s / 25.0).round() as usize).clamp(1, 50)
}

/// Finds highlights in all sources (see the module docs for the rules).
pub fn find_highlights(sources: &[SourceFeatures], opts: &HighlightOptions) -> HighlightReport {
    let weights = opts.profile.weights();
    let mut notes = opts.notes.clone();
    let min_len = if opts.min_clip_s.is_finite() {
        opts.min_clip_s.max(0.1)
    } else {
        1.0
    };
    let max_len = if opts.max_clip_s.is_finite() {
        opts.max_clip_s.max(min_len)
    } else {
        15.0
    };
    let mut prepared = Vec::new();
    for (i, src) in sources.iter().enumerate() {
        let dur = if src.duration_s.is_finite() {
            src.duration_s.max(0.0)
        } else {
            0.0
        };
        let (a, b) = opts.ranges.get(i).copied().unwrap_or((0.0, dur));
        let (a, b) = (
            if a.is_finite() {
                clamp(a, 0.0, dur)
            } else {
                0.0
            },
            if b.is_finite() {
                clamp(b, 0.0, dur)
            } else {
                dur
            },
        );
        if b - a < min_len {
            notes.push(format!(
                "source {i}: analysed range {a:.2}..{b:.2} s is shorter than the minimum clip ({min_len} s)",
                a = Num(a),
                b = Num(b),
                min_len = Num(min_len)
            ));
            continue;
        }
        let has_audio = src.audio.as_ref().is_some_and(|x| !x.is_empty());
        match (has_audio, !src.frames.is_empty()) {
            (false, false) => {
                notes.push(format!("source {i}: no audio or video features; skipped"));
                continue;
            }
            (false, true) => {
                notes.push(format!("source {i}: no audio; scored on the picture only"))
            }
            (true, false) => notes.push(format!("source {i}: no video; scored on the sound only")),
            _ => {}
        }
        prepared.push(prepare(i, src, (a, b), &weights));
    }
    let total: f64 = prepared.iter().map(|p| p.range.1 - p.range.0).sum();
    let count = opts
        .max_count
        .unwrap_or_else(|| default_highlight_count(total));
    let target = opts.target_total_s.filter(|t| t.is_finite() && *t > 0.0);
    let mut chosen: Vec<(usize, Cand)> = Vec::new(); // (index into prepared, clip)
    let mut used: Vec<Vec<(f64, f64)>> = vec![Vec::new(); prepared.len()];
    let mut total_len = 0.0;
    let remaining = |total_len: f64| target.map_or(max_len, |t| (t - total_len).min(max_len));
    match opts.mode {
        SelectionMode::Scene => {
            let mut peaks: Vec<(usize, usize, f32)> = Vec::new();
            for (pi, p) in prepared.iter().enumerate() {
                peaks.extend(
                    p.peaks(p.range.0, p.range.1)
                        .into_iter()
                        .map(|(c, v)| (pi, c, v)),
                );
            }
            sort::sort_by(&mut peaks, |x, y| y.2.total_cmp(&x.2));
            // First pass keeps clips apart (distinct moments first); the second fills up with what is
            // left, e.g. the rest of a long climax.
            let passes = peaks
                .iter()
                .map(|&p| (p, true))
                .chain(peaks.iter().map(|&p| (p, false)));
            for ((pi, cell, v), apart) in passes {
                if chosen.len() >= count {
                    break;
                }
                let p = &prepared[pi];
                let t = p.grid.time(cell) + 0.5 * CELL_S;
                let gap = if apart { SEPARATION_S } else { 0.0 };
                if used[pi]
                    .iter()
                    .any(|&(u0, u1)| t >= u0 - gap && t <= u1 + gap)
                {
                    continue;
                }
                let ml = remaining(total_len);
                if ml < min_len {
                    break;
                }
                if let Some(c) =
                    p.best_clip(t, v as f64, p.range.0, p.range.1, min_len, ml, &used[pi])
                {
                    used[pi].push((c.start, c.end));
                    total_len += c.end - c.start;
                    chosen.push((pi, c));
                }
            }
        }
        SelectionMode::Average => {
            let n = count
                .min((total / min_len).floor() as usize)
                .max(usize::from(total >= min_len));
            let ml = target
                .map_or(max_len, |t| t / n.max(1) as f64)
                .min(max_len)
                .max(min_len);
            average(
                &prepared,
                total,
                n,
                min_len,
                ml,
                &mut |pi, c| {
                    if remaining(total_len) < c.end - c.start - 1e-9 {
                        return false;
                    }
                    used[pi].push((c.start, c.end));
                    total_len += c.end - c.start;
                    chosen.push((pi, c));
                    true
                },
                &mut notes,
            );
        }
    }
    if chosen.len() < count && !prepared.is_empty() {
        notes.push(format!(
            "found {} highlight(s) of the {} wanted: no more clips meet the rules (length {}..{} s, cut/pause edges{})",
            chosen.len(),
            count,
            Num(min_len),
            Num(max_len),
            if target.is_some() { ", target total duration" } else { "" }
        ));
    }
    if chosen.iter().any(|(_, c)| c.unclean > 0) {
        notes.push("some clip edges lie where no speech pause or clean cut fitted the length bounds: on a shot cut with speech running across it, or at a moment without speech".into());
    }
    let mut highlights: Vec<Highlight> = chosen
        .iter()
        .map(|(pi, c)| {
            let p = &prepared[*pi];
            Highlight {
                source: p.src,
                start: c.start,
                end: c.end,
                score: squash(c.value),
                reasons: if squash(c.value) < 0.1 {
                    vec!["calm moment: no strong highlight signal in this part".to_string()]
                } else {
                    reasons(p, &sources[p.src], c, &weights)
                },
            }
        })
        .collect();
    sort::sort_by(&mut highlights, |a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.source.cmp(&b.source))
            .then(a.start.total_cmp(&b.start))
    });
    let timeline = prepared
        .iter()
        .map(|p| {
            let per = (TIMELINE_STEP_S / CELL_S).round() as usize;
            let values = p
                .curve
                .chunks(per)
                .map(|c| squash(c.iter().copied().fold(0.0, f32::max) as f64) as f32)
                .collect();
            Timeline {
                source: p.src,
                start: p.range.0,
                step_s: TIMELINE_STEP_S,
                values,
            }
        })
        .collect();
    HighlightReport {
        highlights,
        profile: opts.profile.name().to_string(),
        notes,
        timeline,
    }
}

/// One source's part of an Average slice: (prepared index, the slice's own span, the span its clip
/// may reach), in source seconds.
type SliceWindow = (usize, (f64, f64), (f64, f64));

/// Average mode: one highlight per even slice of the summed timeline, chosen by content. A slice
/// owns the peaks inside it, but its clip may reach up to half a clip beyond its edges, so a climax
/// across a slice edge is taken whole by the slice holding its stronger part; slices are served
/// strongest peak first, and a later slice skips peaks within [`SEPARATION_S`] of a clip already
/// taken when it has another (the rest of a climax is not a second highlight). `take` records a
/// clip and says whether it fitted the target total.
fn average(
    prepared: &[Prepared],
    total: f64,
    n: usize,
    min_len: f64,
    max_len: f64,
    take: &mut dyn FnMut(usize, Cand) -> bool,
    notes: &mut Vec<String>,
) {
    if n == 0 {
        return;
    }
    let slice = total / n as f64;
    let reach = 0.5 * max_len.min(slice);
    // Per slice, per source: (source, slice window, search window) in source seconds.
    let windows = |k: usize| -> Vec<SliceWindow> {
        let (s0, s1) = (k as f64 * slice, (k + 1) as f64 * slice);
        let mut off = 0.0;
        let mut out = Vec::new();
        for (pi, p) in prepared.iter().enumerate() {
            let len = p.range.1 - p.range.0;
            let own = ((s0 - off).max(0.0), (s1 - off).min(len));
            off += len;
            if own.1 - own.0 < CELL_S {
                continue;
            }
            let search = ((own.0 - reach).max(0.0), (own.1 + reach).min(len));
            out.push((
                pi,
                (own.0 + p.range.0, own.1 + p.range.0),
                (search.0 + p.range.0, search.1 + p.range.0),
            ));
        }
        out
    };
    let strongest = |k: usize| {
        windows(k)
            .iter()
            .filter_map(|&(pi, own, _)| prepared[pi].peaks(own.0, own.1).first().map(|x| x.1))
            .fold(f32::NEG_INFINITY, f32::max)
    };
    let mut order: Vec<(usize, f32)> = (0..n).map(|k| (k, strongest(k))).collect();
    sort::sort_by(&mut order, |a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut used: Vec<Vec<(f64, f64)>> = vec![Vec::new(); prepared.len()];
    for (k, _) in order {
        let mut best: Option<(usize, Cand, bool)> = None; // (source, clip, apart from the others)
        for (pi, own, search) in windows(k) {
            let p = &prepared[pi];
            for (cell, v) in p.peaks(own.0, own.1).into_iter().take(8) {
                let t = p.grid.time(cell) + 0.5 * CELL_S;
                let apart = used[pi]
                    .iter()
                    .all(|&(u0, u1)| t < u0 - SEPARATION_S || t > u1 + SEPARATION_S);
                let Some(c) =
                    p.best_clip(t, v as f64, search.0, search.1, min_len, max_len, &used[pi])
                else {
                    continue;
                };
                let better = best
                    .as_ref()
                    .is_none_or(|(_, b, b_apart)| (apart, c.value) > (*b_apart, b.value));
                if better {
                    best = Some((pi, c, apart));
                }
            }
        }
        match best {
            Some((pi, c, _)) => {
                if take(pi, c) {
                    used[pi].push((c.start, c.end));
                }
            }
            None => notes.push(format!(
                "Average slice {} of {n}: no clip of {min_len}..{max_len:.1} s between legal edges \
                 (speech pauses, shot cuts) fits there; the slice has no highlight",
                k + 1,
                min_len = Num(min_len),
                max_len = Num(max_len)
            )),
        }
    }
}

/// Short explanations of a clip: the signals contributing most, with their measured values.
fn reasons(p: &Prepared, src: &SourceFeatures, c: &Cand, w: &Weights) -> Vec<String> {
    let g = &p.grid;
    let (i0, i1) = (
        g.cell(c.start + 0.5 * CELL_S),
        (g.cell(c.end - 0.5 * CELL_S) + 1).min(g.n),
    );
    if i1 <= i0 {
        return Vec::new();
    }
    let cells = &g.cells[i0..i1];
    let mut contrib: Vec<(Sig, f64)> = Sig::ALL
        .iter()
        .map(|&s| {
            let v = &g.sig[s as usize][i0..i1];
            // Events count by their strength, not diluted by the clip's length: mix mean and peak.
            let mean = v.iter().sum::<f32>() as f64 / v.len() as f64;
            let peak = v.iter().copied().fold(0.0, f32::max) as f64;
            (s, s.weight(w) * (0.5 * mean + 0.5 * peak))
        })
        .filter(|&(_, x)| x > 0.2)
        .collect();
    sort::sort_by(&mut contrib, |a, b| b.1.total_cmp(&a.1));
    let top = contrib.first().map_or(0.0, |x| x.1);
    let maxf = |f: fn(&signals::Cell) -> f32| cells.iter().map(f).fold(f32::NEG_INFINITY, f32::max);
    let mut out = Vec::new();
    // Each arm names the measured event and its figure, or nothing when the figure is below the
    // reason's threshold (README: reasons catalogue): a signal may add to the score without being
    // a nameable event.
    for (s, x) in contrib {
        if out.len() == 4 || x < 0.25 * top {
            break;
        }
        let r = match s {
            Sig::Loudness => {
                let peak = maxf(|c| c.loudness_lufs);
                let over = peak - g.median_lufs;
                (over >= LOUD_REASON_LU).then(|| {
                    format!(
                        "loud: {:.0} LUFS, {:+.0} LU above typical",
                        Num(peak),
                        Num(over)
                    )
                })
            }
            Sig::LoudJump => {
                let jump = maxf(|c| c.jump_lu);
                (jump >= JUMP_REASON_LU)
                    .then(|| format!("loudness jump {:+.0} LU over the sound before", Num(jump)))
            }
            Sig::Impact => {
                let n = cells.iter().filter(|c| c.impact_lu > 0.0).count();
                (n > 0).then(|| {
                    format!(
                        "impact{} ({:+.0} LU above typical, broadband)",
                        if n > 1 {
                            format!("s x{n}")
                        } else {
                            String::new()
                        },
                        Num(maxf(|c| c.impact_lu))
                    )
                })
            }
            Sig::Shout => {
                let (mut ph, mut over, mut k) = (0.0, 0.0, 0.0);
                for (j, cc) in cells.iter().enumerate() {
                    if g.sig[Sig::Shout as usize][i0 + j] > 0.0 {
                        ph += cc.pitch_hz;
                        over += cc.loudness_lufs - g.median_lufs;
                        k += 1.0;
                    }
                }
                (k > 0.0).then(|| {
                    format!(
                        "shouting (pitch {:.0} Hz vs {:.0} Hz speaking, {:+.0} LU)",
                        Num(ph / k),
                        Num(g.speaking_pitch_hz),
                        Num(over / k)
                    )
                })
            }
            Sig::PitchVar => {
                let v: Vec<f32> = cells
                    .iter()
                    .map(|c| c.pitch_hz)
                    .filter(|&x| x > 0.0)
                    .collect();
                let lo = super::audio::quantile(&v, 0.1);
                let hi = super::audio::quantile(&v, 0.9);
                Some(format!(
                    "animated voice (pitch {:.0}-{:.0} Hz)",
                    Num(lo),
                    Num(hi)
                ))
            }
            Sig::Speech => {
                let f = cells.iter().map(|c| c.speech).sum::<f32>() / cells.len() as f32;
                Some(format!("speech {:.0}% of the clip", Num(100.0 * f)))
            }
            Sig::MusicSting => {
                let k = g.sig[Sig::MusicSting as usize][i0..i1]
                    .iter()
                    .position(|&v| v > 0.0);
                k.map(|k| {
                    format!(
                        "music sting ({:+.0} LU, tonal, at {:.1} s)",
                        Num(cells[k].jump_lu),
                        Num(g.time(i0 + k))
                    )
                })
            }
            Sig::CutRate => {
                let times: Vec<f64> = src
                    .shots
                    .iter()
                    .map(|b| b.t)
                    .filter(|&t| t >= c.start - 1e-9 && t <= c.end + 1e-9)
                    .collect();
                let win = signals::CUT_WINDOW_S.min(c.end - c.start);
                let most = times
                    .iter()
                    .map(|&t| times.iter().filter(|&&u| u >= t && u < t + win).count())
                    .max()
                    .unwrap_or(0);
                (most >= RAPID_CUTS)
                    .then(|| format!("rapid cutting: {most} cuts in {:.0} s", Num(win)))
            }
            Sig::Motion => {
                let m = cells.iter().map(|c| c.motion).sum::<f32>() / cells.len() as f32;
                Some(format!(
                    "fast motion ({:.1}x typical)",
                    Num(m / g.median_motion.max(0.5))
                ))
            }
            Sig::MotionBurst => Some("burst of motion".to_string()),
            Sig::Flash => {
                let n = src
                    .frames
                    .windows(2)
                    .filter(|w| w[1].flash && !w[0].flash && w[1].t >= c.start && w[1].t < c.end)
                    .count();
                match n {
                    0 => None,
                    1 => Some("flash".to_string()),
                    n => Some(format!("{n} flashes")),
                }
            }
            Sig::Zoom => {
                let best = net_zoom(src, c.start, c.end);
                (best.abs() >= ZOOM_REASON_LN).then(|| {
                    format!(
                        "sudden zoom {} (x{:.2} in 0.5 s)",
                        if best >= 0.0 { "in" } else { "out" },
                        Num(best.abs().exp())
                    )
                })
            }
            Sig::Stillness => Some("close-up talking (still picture, speech)".to_string()),
            Sig::HighPitch => Some(format!(
                "high-pitched sound ({:.0} Hz)",
                Num(maxf(|c| c.pitch_hz).max(0.0))
            )),
            Sig::QuietBeat => {
                let q = g.quiet_len[i0..i1].iter().copied().fold(0.0, f32::max);
                Some(if q > 0.0 {
                    format!("quiet beat before a reveal ({:.1} s of silence)", Num(q))
                } else {
                    "quiet beat before a reveal".to_string()
                })
            }
            Sig::Colour => Some("colourful picture".to_string()),
        };
        out.extend(r);
    }
    if out.is_empty() {
        // Every clip is explained: when no event clears its threshold, the reason says so and
        // gives the clip's measured loudness against the source's typical level.
        let over = maxf(|c| c.loudness_lufs) - g.median_lufs;
        out.push(if over.is_finite() {
            format!("the strongest stretch here, no single event above its threshold (loudest moment {:+.0} LU against typical)", Num(over))
        } else {
            "the strongest stretch of the picture here, no single event above its threshold".to_string()
        });
    }
    out
}

/// Largest net zoom (ln scale) within any half second of `[start, end)` that contains no shot
/// boundary: a zoom is one continuous move inside a shot, never the sum across a cut.
fn net_zoom(src: &SourceFeatures, start: f64, end: f64) -> f32 {
    let fr: Vec<&super::FrameFeatures> = src
        .frames
        .iter()
        .filter(|f| f.t >= start && f.t < end)
        .collect();
    let crosses = |a: f64, b: f64| src.shots.iter().any(|s| s.end > a && s.start <= b);
    let mut best = 0f32;
    for (k, f0) in fr.iter().enumerate() {
        let win: Vec<&&super::FrameFeatures> =
            fr[k..].iter().take_while(|f| f.t < f0.t + 0.5).collect();
        let last = win.last().map_or(f0.t, |f| f.t);
        if crosses(f0.t, last) {
            continue;
        }
        let z: f32 = win.iter().map(|f| f.zoom).sum();
        if z.abs() > best.abs() {
            best = z;
        }
    }
    best
}
