//! Choosing the clips of each reel: budget, hook, greedy fill with a reuse penalty, notes.
//!
//! The algorithm, reel by reel (reel `k` sees the clips of reels `< k`):
//! 1. **Hook** (`intro_auto`): the candidate with the best score (less a penalty for time earlier
//!    reels used) gives a 1.5-4 s piece cut at its edges / cut points, preferably at one edge of
//!    the candidate (so the rest stays one piece) and closest to 3 s; when no cut point allows
//!    such a piece, its shortest legal piece (noted). It opens the reel; its time is excluded from
//!    the body, so it never plays twice.
//! 2. **Fresh fill**: repeatedly add the piece of best value (its score, minus 2 x its reused
//!    fraction, minus 0.3 when shorter than the pacing's short length (2 s; Slow 5 s), plus
//!    0.05 x its position) until the reel reaches its target. A piece is a candidate, or a part
//!    of it between two of its legal edges (its own edges and the cut points inside it), at least
//!    `min_clip_s` long, not overlapping the reel, and keeping the exact reel duration (with the
//!    transitions it implies) within the upper bound. Within a candidate the piece with the most
//!    fresh and least reused time is preferred, i.e. the whole candidate unless it must be trimmed
//!    to fit or to avoid reused time; the pacing ([`super::pacing`]) changes which lengths are
//!    wanted (Fast: pieces near 3.5 s, one per candidate first) and which count as short. A piece is refused if it would make this reel share half or
//!    more of the shorter reel with an earlier one. The position bonus (0 at the start of the
//!    first input, 1 at the end of the last) slightly favours late material, so reels tend to end
//!    on a strong late moment: the build.
//! 3. **Reuse fill** (only when the fresh fill left the reel below its fair share of the distinct
//!    material, i.e. the material is too thin for `count` different reels): add the least reused
//!    pieces, best score first, up to that fair share. Reels therefore stay different as long as
//!    possible and reuse as little as possible after that.
//! 4. Order: hook first, then by input (episodes in order) and source time; transitions chosen;
//!    notes for whatever could not be done as asked.

use super::intervals::{overlap_with, shared, union_len, Span, EPS};
use super::pacing::PacingRule;
use super::transitions::{choose, config_note, palette};
use super::{
    Candidate, CutPoints, Plan, PlanConfig, PlannedClip, Reel, SourceMeta, TransitionItem,
    DEFAULT_TARGET_S,
};
use crate::num_text::Num;
use crate::sort;

/// Reels may end this fraction above (without a max) or below their target.
const TARGET_TOLERANCE: f64 = 0.10;
/// Cost of one reused second relative to one fresh second: reuse must be clearly worse than
/// fresh material of any score (scores are 0..1).
const REUSE_PENALTY: f64 = 2.0;
/// Value bonus for material at the very end of the last input (the build towards the end). Small
/// so that it only decides between candidates of nearly the same score.
const BUILD_BONUS: f64 = 0.05;
/// Hook length bounds and preferred length: a beat long enough to read, short enough to tease.
const HOOK_MIN_S: f64 = 1.5;
const HOOK_MAX_S: f64 = 4.0;
const HOOK_IDEAL_S: f64 = 3.0;
/// Pieces shorter than the pacing's short length ([`PacingRule::short_s`]) lose this much value,
/// so they only fill the last second or two of a reel (e.g. the remnant of a candidate next to the
/// hook taken from it).
const SHORT_PIECE_PENALTY: f64 = 0.3;
/// Two reels must share less than this fraction of the shorter one's material.
const SHARE_LIMIT: f64 = 0.5;
/// At most this many legal edges per candidate (kept cut points are evenly spread). Bounds the
/// quadratic piece enumeration on candidates with very dense speech pauses.
const MAX_EDGES: usize = 40;
/// At most this many exact duration checks per candidate and step (longest pieces first).
const MAX_EXACT_CHECKS: usize = 16;
/// Default minimum clip length (SPEC: no clip shorter than about 1 s).
const DEFAULT_MIN_CLIP_S: f64 = 1.0;

/// A usable candidate, cleaned up.
#[derive(Debug)]
struct Cand {
    source: usize,
    score: f64,
    reasons: Vec<String>,
    /// Sorted legal edit points: the candidate's edges and the cut points strictly inside.
    edges: Vec<f64>,
    /// Position in the whole programme, 0..1 (for the build bonus).
    pos: f64,
}

impl Cand {
    fn span(&self) -> Span {
        let a = self.edges.first().copied().unwrap_or(0.0);
        let b = self.edges.last().copied().unwrap_or(a);
        Span {
            source: self.source,
            a,
            b,
        }
    }
}

/// A clip chosen for the reel being built.
#[derive(Debug, Clone, Copy)]
struct Pick {
    cand: usize,
    span: Span,
    hook: bool,
}

/// Everything fixed while one reel is built.
struct Ctx<'a> {
    cands: &'a [Cand],
    cfg: &'a PlanConfig,
    palette: Vec<TransitionItem>,
    reel_index: usize,
    min_clip: f64,
    /// Longest transition the palette can produce (bounds how much a new clip can change the
    /// overlaps of a reel, for a cheap pre-filter before the exact check).
    max_transition: f64,
    /// What `PlotPacingType` asks of the pieces.
    pacing: PacingRule,
}

/// How reuse of earlier reels' time is treated while filling.
enum Phase {
    /// Prefer fresh time; refuse pieces that would reach the share limit with an earlier reel
    /// (`limits[j]` seconds for reel `j`); with `one_per_moment`, skip candidates the reel
    /// already has a piece of (Fast pacing's first pass).
    Fresh {
        limits: Vec<f64>,
        one_per_moment: bool,
    },
    /// Material is too thin: take the least reused pieces.
    Reuse,
}

pub(super) fn plan_reels(
    sources: &[SourceMeta],
    candidates: &[Candidate],
    cuts: &[CutPoints],
    cfg: &PlanConfig,
) -> Plan {
    let mut notes = Vec::new();
    let count = if cfg.count == 0 {
        notes.push("Count 0 treated as 1".to_string());
        1
    } else {
        cfg.count
    };
    let min_clip = if cfg.min_clip_s.is_finite() && cfg.min_clip_s > 0.0 {
        cfg.min_clip_s
    } else {
        DEFAULT_MIN_CLIP_S
    };
    let (target, upper) = budget(cfg, &mut notes);
    let cands = prepare(sources, candidates, cuts, min_clip, &mut notes);
    if let Some(n) = config_note(cfg) {
        notes.push(n);
    }

    if cands.is_empty() {
        notes.push("no usable highlight candidates: the reels are empty".to_string());
        let reels = (0..count)
            .map(|_| Reel {
                clips: Vec::new(),
                duration_s: 0.0,
                notes: vec!["empty: no usable highlight material".to_string()],
            })
            .collect();
        return Plan { reels, notes };
    }

    let distinct = union_len(&cands.iter().map(Cand::span).collect::<Vec<_>>());
    if count > 1 && distinct < count as f64 * target * (1.0 - TARGET_TOLERANCE) {
        notes.push(format!(
            "not enough distinct material for {count} different reels of about {target:.1} s: \
             {distinct:.1} s of highlights in all, so reels are shorter or share some material \
             (as little as possible)",
            target = Num(target),
            distinct = Num(distinct)
        ));
    }
    let fair_share = (distinct / count as f64).max(min_clip).min(target);

    let pal = palette(cfg);
    let max_transition = pal
        .iter()
        .map(|t| t.duration_s)
        .filter(|d| d.is_finite())
        .fold(0.0_f64, f64::max);

    let mut reels: Vec<Reel> = Vec::with_capacity(count);
    let mut used: Vec<Vec<Span>> = Vec::with_capacity(count);
    for k in 0..count {
        let ctx = Ctx {
            cands: &cands,
            cfg,
            palette: pal.clone(),
            reel_index: k,
            min_clip,
            max_transition,
            pacing: PacingRule::of(cfg.pacing),
        };
        let mut reel_notes = Vec::new();
        let mut picks: Vec<Pick> = Vec::new();
        if cfg.intro_auto {
            match choose_hook(&ctx, &used, upper) {
                Some((pick, long)) => {
                    if long {
                        reel_notes.push(format!(
                            "hook is {:.1} s: no cut point allows a {}-{} s piece of the strongest moment",
                            Num(pick.span.len()),
                            Num(HOOK_MIN_S),
                            Num(HOOK_MAX_S)
                        ));
                    }
                    picks.push(pick);
                }
                None => reel_notes.push("no hook: no piece of any candidate fits".to_string()),
            }
        }
        let limits = used
            .iter()
            .map(|r| SHARE_LIMIT * material(r).min(target))
            .collect::<Vec<_>>();
        // Fast pacing first takes one piece of each moment; every pacing then fills on.
        if ctx.pacing.one_piece_per_moment {
            let phase = Phase::Fresh {
                limits: limits.clone(),
                one_per_moment: true,
            };
            fill(&ctx, &mut picks, &used, &phase, target, upper);
        }
        let phase = Phase::Fresh {
            limits,
            one_per_moment: false,
        };
        fill(&ctx, &mut picks, &used, &phase, target, upper);
        if k > 0 && duration_of(&ctx, &picks) < fair_share - EPS {
            fill(&ctx, &mut picks, &used, &Phase::Reuse, fair_share, upper);
        }

        let (clips, duration_s) = assemble(&ctx, &picks);
        if clips.is_empty() {
            reel_notes.push(format!(
                "empty: no candidate piece of at least {min_clip} s fits within {upper:.1} s",
                min_clip = Num(min_clip),
                upper = Num(upper)
            ));
        } else if duration_s < target * (1.0 - TARGET_TOLERANCE) - EPS {
            reel_notes.push(format!(
                "{duration_s:.1} s for a {target:.1} s target: not enough material that fits \
                 (clips are cut only at shot cuts and speech pauses)",
                duration_s = Num(duration_s),
                target = Num(target)
            ));
        }
        used.push(ordered(&picks).iter().map(|p| p.span).collect());
        reels.push(Reel {
            clips,
            duration_s,
            notes: reel_notes,
        });
    }

    overlap_notes(&used, &mut reels, &mut notes);
    Plan { reels, notes }
}

/// Target and hard upper bound of a reel's output duration.
fn budget(cfg: &PlanConfig, notes: &mut Vec<String>) -> (f64, f64) {
    let valid = |v: Option<f64>, name: &str, notes: &mut Vec<String>| match v {
        Some(x) if x.is_finite() && x > 0.0 => Some(x),
        Some(x) => {
            notes.push(format!("{name} {} ignored: not a positive number", Num(x)));
            None
        }
        None => None,
    };
    let max = valid(cfg.max_duration_s, "MaxDuration", notes);
    let target = valid(cfg.target_duration_s, "TargetDuration", notes);
    match (target, max) {
        (Some(t), Some(m)) if t > m => {
            notes.push(format!(
                "TargetDuration {t} s exceeds MaxDuration {m} s: aiming at {m} s",
                t = Num(t),
                m = Num(m)
            ));
            (m, m)
        }
        (Some(t), Some(m)) => (t, (t * (1.0 + TARGET_TOLERANCE)).min(m)),
        (Some(t), None) => (t, t * (1.0 + TARGET_TOLERANCE)),
        // A maximum alone: use what it allows.
        (None, Some(m)) => (m, m),
        (None, None) => (
            DEFAULT_TARGET_S,
            DEFAULT_TARGET_S * (1.0 + TARGET_TOLERANCE),
        ),
    }
}

/// Cleans the candidates (ignoring unusable ones, with notes), attaches their legal edges, and
/// sorts them best first (stable, so equal scores keep the analysis' ranking).
fn prepare(
    sources: &[SourceMeta],
    candidates: &[Candidate],
    cuts: &[CutPoints],
    min_clip: f64,
    notes: &mut Vec<String>,
) -> Vec<Cand> {
    let mut cut_times: Vec<Vec<f64>> = vec![Vec::new(); sources.len()];
    for c in cuts {
        if let Some(list) = cut_times.get_mut(c.source) {
            list.extend(c.times.iter().copied().filter(|t| t.is_finite()));
        }
    }
    for list in &mut cut_times {
        sort::sort_by(list, f64::total_cmp);
        list.dedup_by(|x, y| (*x - *y).abs() < EPS);
    }
    let known = |s: usize| {
        let d = sources[s].duration_s;
        (d.is_finite() && d > 0.0).then_some(d)
    };

    let (mut bad_source, mut nan, mut bad_range, mut short) = (0, 0, 0, 0);
    let mut out = Vec::new();
    for c in candidates {
        if c.source >= sources.len() {
            bad_source += 1;
            continue;
        }
        if c.score.is_nan() {
            nan += 1;
            continue;
        }
        if !(c.start.is_finite() && c.end.is_finite()) {
            bad_range += 1;
            continue;
        }
        let a = c.start.max(0.0);
        let b = known(c.source).map_or(c.end, |d| c.end.min(d));
        if b - a < min_clip - EPS {
            short += 1;
            continue;
        }
        let inner: Vec<f64> = cut_times[c.source]
            .iter()
            .copied()
            .filter(|&t| t > a + EPS && t < b - EPS)
            .collect();
        let mut edges = Vec::with_capacity(inner.len().min(MAX_EDGES) + 2);
        edges.push(a);
        if inner.len() + 2 > MAX_EDGES {
            // Keep an even spread of the cut points: any subset of cut points is still legal.
            let keep = MAX_EDGES - 2;
            edges.extend((0..keep).map(|i| inner[i * inner.len() / keep]));
        } else {
            edges.extend(inner);
        }
        edges.push(b);
        out.push(Cand {
            source: c.source,
            score: c.score.clamp(0.0, 1.0),
            reasons: c.reasons.clone(),
            edges,
            pos: 0.0,
        });
    }
    // Position of each candidate in the whole programme (inputs as episodes in order).
    let n = sources.len().max(1) as f64;
    for i in 0..out.len() {
        let s = out[i].source;
        let extent = known(s).unwrap_or_else(|| {
            out.iter()
                .filter(|c| c.source == s)
                .map(|c| c.span().b)
                .fold(0.0, f64::max)
        });
        let span = out[i].span();
        let within = if extent > 0.0 {
            (0.5 * (span.a + span.b) / extent).clamp(0.0, 1.0)
        } else {
            0.0
        };
        out[i].pos = (s as f64 + within) / n;
    }
    sort::sort_by(&mut out, |x, y| y.score.total_cmp(&x.score));

    for (count, what) in [
        (bad_source, "refer to an unknown input"),
        (nan, "have a NaN score"),
        (bad_range, "have a non-finite start or end"),
        (
            short,
            "are shorter than the minimum clip length (after clamping to the media)",
        ),
    ] {
        if count > 0 {
            notes.push(format!("{count} candidate(s) ignored: they {what}"));
        }
    }
    out
}

/// Seconds of source material in a set of spans.
fn material(spans: &[Span]) -> f64 {
    spans.iter().map(Span::len).sum()
}

/// Playing order: the hook first, then inputs in order and source time within each.
fn ordered(picks: &[Pick]) -> Vec<Pick> {
    let mut v = picks.to_vec();
    sort::sort_by(&mut v, |x, y| {
        y.hook
            .cmp(&x.hook)
            .then(x.span.source.cmp(&y.span.source))
            .then(x.span.a.total_cmp(&y.span.a))
    });
    v
}

/// Transition palette indices for picks in playing order.
fn transitions_for(ctx: &Ctx, ord: &[Pick]) -> Vec<Option<usize>> {
    let spans: Vec<(Span, bool)> = ord.iter().map(|p| (p.span, p.hook)).collect();
    choose(&spans, ctx.cfg, &ctx.palette, ctx.reel_index)
}

/// Exact output duration of a set of picks: lengths minus the overlaps of the transitions the
/// mode would actually put there.
fn duration_of(ctx: &Ctx, picks: &[Pick]) -> f64 {
    let ord = ordered(picks);
    let tr = transitions_for(ctx, &ord);
    let lengths: f64 = ord.iter().map(|p| p.span.len()).sum();
    let overlaps: f64 = tr
        .iter()
        .flatten()
        .map(|&i| ctx.palette[i].duration_s)
        .sum();
    lengths - overlaps
}

/// The finished clips of a reel and its duration.
fn assemble(ctx: &Ctx, picks: &[Pick]) -> (Vec<PlannedClip>, f64) {
    let ord = ordered(picks);
    let tr = transitions_for(ctx, &ord);
    let clips: Vec<PlannedClip> = ord
        .iter()
        .zip(tr)
        .map(|(p, t)| {
            let c = &ctx.cands[p.cand];
            PlannedClip {
                source: p.span.source,
                in_s: p.span.a,
                out_s: p.span.b,
                score: c.score,
                reasons: c.reasons.clone(),
                transition_in: t.map(|i| ctx.palette[i].clone()),
                hook: p.hook,
                vfx: None,
            }
        })
        .collect();
    let reel = Reel {
        clips,
        duration_s: 0.0,
        notes: Vec::new(),
    };
    let duration = super::timeline::reel_duration(&reel);
    (reel.clips, duration)
}

/// Earlier reels' spans that touch `span` (a short list, so pieces are scored cheaply).
fn relevant(used: &[Vec<Span>], span: &Span) -> Vec<Vec<Span>> {
    used.iter()
        .map(|r| r.iter().copied().filter(|s| s.intersects(span)).collect())
        .collect()
}

/// The legal pieces of a candidate: pairs of its edges at least `min_len` apart.
fn pieces(c: &Cand, min_len: f64, max_len: f64) -> impl Iterator<Item = Span> + '_ {
    let e = &c.edges;
    (0..e.len()).flat_map(move |i| {
        (i + 1..e.len())
            .map(move |j| Span {
                source: c.source,
                a: e[i],
                b: e[j],
            })
            .filter(move |s| s.len() >= min_len - EPS && s.len() <= max_len + EPS)
    })
}

/// Picks the hook: `(pick, is_long)`, `is_long` when no 1.5-4 s piece exists.
fn choose_hook(ctx: &Ctx, used: &[Vec<Span>], upper: f64) -> Option<(Pick, bool)> {
    let lo = HOOK_MIN_S.max(ctx.min_clip);
    let hi = HOOK_MAX_S.max(lo);
    let mut best: Option<(f64, Pick, bool)> = None;
    for (ci, c) in ctx.cands.iter().enumerate() {
        let near = relevant(used, &c.span());
        let reused = |s: &Span| near.iter().map(|r| overlap_with(s, r)).sum::<f64>();
        // (reused, inside the candidate, distance from the ideal length, start): smaller is
        // better. A hook at either edge of its candidate leaves the rest in one piece for the body.
        let whole = c.span();
        let key = |s: &Span| {
            let inside = (s.a - whole.a).abs() > EPS && (s.b - whole.b).abs() > EPS;
            (
                reused(s),
                f64::from(u8::from(inside)),
                (s.len() - HOOK_IDEAL_S).abs(),
                s.a,
            )
        };
        let better = |x: &(f64, f64, f64, f64), y: &(f64, f64, f64, f64)| {
            x.0.total_cmp(&y.0)
                .then(x.1.total_cmp(&y.1))
                .then(x.2.total_cmp(&y.2))
                .then(x.3.total_cmp(&y.3))
                .is_lt()
        };
        let mut chosen: Option<(Span, bool)> = None;
        for s in pieces(c, lo, hi.min(upper)) {
            if chosen
                .as_ref()
                .is_none_or(|(b, _)| better(&key(&s), &key(b)))
            {
                chosen = Some((s, false));
            }
        }
        if chosen.is_none() {
            // Fall back to the shortest legal piece (least reused among equals).
            for s in pieces(c, ctx.min_clip, upper) {
                let k = (s.len(), reused(&s));
                if chosen.as_ref().is_none_or(|(b, _)| {
                    k.0.total_cmp(&b.len())
                        .then(k.1.total_cmp(&reused(b)))
                        .is_lt()
                }) {
                    chosen = Some((s, true));
                }
            }
        }
        let Some((span, long)) = chosen else { continue };
        let value = c.score - REUSE_PENALTY * reused(&span) / span.len();
        if best.as_ref().is_none_or(|(v, _, _)| value > *v + EPS) {
            best = Some((
                value,
                Pick {
                    cand: ci,
                    span,
                    hook: true,
                },
                long,
            ));
        }
    }
    best.map(|(_, p, long)| (p, long))
}

/// Greedily adds pieces until the reel's exact duration reaches `fill_target` or nothing fits.
fn fill(
    ctx: &Ctx,
    picks: &mut Vec<Pick>,
    used: &[Vec<Span>],
    phase: &Phase,
    fill_target: f64,
    upper: f64,
) {
    // Candidates in order of the best value they could reach, so the search can stop early.
    let mut order: Vec<usize> = (0..ctx.cands.len()).collect();
    let bound = |c: &Cand| match phase {
        Phase::Fresh { .. } => c.score + BUILD_BONUS * c.pos,
        Phase::Reuse => 0.0,
    };
    sort::sort_by(&mut order, |&x, &y| {
        bound(&ctx.cands[y]).total_cmp(&bound(&ctx.cands[x]))
    });
    // A candidate with no piece that fits stays so: the reel only grows, shares only grow and
    // the room only shrinks during one fill.
    let mut dead = vec![false; ctx.cands.len()];
    loop {
        let current = duration_of(ctx, picks);
        if current >= fill_target - EPS {
            return;
        }
        let lengths: f64 = picks.iter().map(|p| p.span.len()).sum();
        // Transitions only ever shorten a reel, so a piece that fits without them fits; longer
        // pieces need the exact check. With the piece the reel has `picks.len()` cuts, which
        // overlap by at most `max_transition` each: a cheap bound for the pre-filter.
        let max_len = upper - lengths + picks.len() as f64 * ctx.max_transition;
        let shared_now: Vec<f64> = used
            .iter()
            .map(|r| picks.iter().map(|p| overlap_with(&p.span, r)).sum())
            .collect();

        // Best so far: (primary value, secondary value, pick); larger is better.
        let mut best: Option<(f64, f64, Pick)> = None;
        for &ci in &order {
            let c = &ctx.cands[ci];
            if dead[ci] {
                continue;
            }
            if matches!(phase, Phase::Fresh { .. })
                && best.as_ref().is_some_and(|(b1, _, _)| bound(c) < *b1 - EPS)
            {
                break;
            }
            let whole = c.span();
            let mine: Vec<Span> = picks
                .iter()
                .map(|p| p.span)
                .filter(|s| s.intersects(&whole))
                .collect();
            if matches!(
                phase,
                Phase::Fresh {
                    one_per_moment: true,
                    ..
                }
            ) && !mine.is_empty()
            {
                continue;
            }
            let near = relevant(used, &whole);
            // Options: (k1, k2, span, reused seconds); larger keys first.
            let mut options: Vec<(f64, f64, Span, f64)> = Vec::new();
            for s in pieces(c, ctx.min_clip, max_len) {
                if mine.iter().any(|m| m.intersects(&s)) {
                    continue;
                }
                let per_reel: Vec<f64> = near.iter().map(|r| overlap_with(&s, r)).collect();
                let reused: f64 = per_reel.iter().sum();
                match phase {
                    Phase::Fresh { limits, .. } => {
                        let over = per_reel
                            .iter()
                            .zip(&shared_now)
                            .zip(limits)
                            .any(|((&ov, &now), &limit)| ov > EPS && now + ov >= limit - EPS);
                        if over {
                            continue;
                        }
                        let wanted = ctx.pacing.length_value(s.len());
                        options.push((wanted - REUSE_PENALTY * reused, -s.a, s, reused));
                    }
                    Phase::Reuse => options.push((-reused / s.len(), s.len(), s, reused)),
                }
            }
            sort::sort_by(&mut options, |x, y| {
                y.0.total_cmp(&x.0).then(y.1.total_cmp(&x.1))
            });
            let fits = options.iter().take(MAX_EXACT_CHECKS).find(|(_, _, s, _)| {
                if lengths + s.len() <= upper + EPS {
                    return true;
                }
                let mut trial = picks.clone();
                trial.push(Pick {
                    cand: ci,
                    span: *s,
                    hook: false,
                });
                duration_of(ctx, &trial) <= upper + EPS
            });
            let Some(&(k1, _, span, reused)) = fits else {
                dead[ci] = true;
                continue;
            };
            let frac = reused / span.len();
            let (v1, v2) = match phase {
                Phase::Fresh { .. } => {
                    let short = if span.len() < ctx.pacing.short_s {
                        SHORT_PIECE_PENALTY
                    } else {
                        0.0
                    };
                    (
                        c.score - REUSE_PENALTY * frac - short + BUILD_BONUS * c.pos,
                        k1,
                    )
                }
                Phase::Reuse => (-frac, c.score),
            };
            let better = best.as_ref().is_none_or(|(b1, b2, _)| {
                v1 > *b1 + EPS || ((v1 - *b1).abs() <= EPS && v2 > *b2 + EPS)
            });
            if better {
                best = Some((
                    v1,
                    v2,
                    Pick {
                        cand: ci,
                        span,
                        hook: false,
                    },
                ));
            }
        }
        match best {
            Some((_, _, pick)) => picks.push(pick),
            None => return,
        }
    }
}

/// Notes for pairs of reels that share half or more of the shorter one's material.
fn overlap_notes(used: &[Vec<Span>], reels: &mut [Reel], notes: &mut Vec<String>) {
    let mut pairs = Vec::new();
    for j in 0..used.len() {
        for k in j + 1..used.len() {
            let shorter = material(&used[j]).min(material(&used[k]));
            let sh = shared(&used[j], &used[k]);
            if shorter > 0.0 && sh >= SHARE_LIMIT * shorter - EPS {
                let sh = Num(sh);
                pairs.push(format!("reels {} and {} share {sh:.1} s", j + 1, k + 1));
                reels[k].notes.push(format!(
                    "shares {sh:.1} s of source material with reel {} (too little distinct material)",
                    j + 1
                ));
            }
        }
    }
    if !pairs.is_empty() {
        notes.push(format!(
            "not enough distinct material for {} different reels: {}",
            used.len(),
            pairs.join(", ")
        ));
    }
}
