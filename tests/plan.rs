//! Reel planner tests: selection, lengths, editing rules, variety, transitions, time line, concat.

#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use reelcut::plan::{
    add_concat_transitions, add_vfx, plan_concat, plan_reels, reel_timeline, Candidate, CutPoints,
    EffectMode, Plan, PlanConfig, PlannedClip, PlotPacing, Reel, SourceMeta, TransitionItem,
    VfxItem, AUTO_VFX, FAST_CLIP_S, SCENE_GAP_S, SLOW_SHORT_S,
};

const EPS: f64 = 1e-6;

fn src(duration_s: f64) -> SourceMeta {
    SourceMeta {
        duration_s,
        has_audio: true,
    }
}

fn cand(source: usize, start: f64, end: f64, score: f64) -> Candidate {
    Candidate {
        source,
        start,
        end,
        score,
        reasons: vec![format!("score {score}")],
    }
}

fn tc(name: &str, duration_s: f64, weight: u32) -> TransitionItem {
    TransitionItem {
        name: name.to_string(),
        duration_s,
        weight,
    }
}

fn cfg(count: usize, target: Option<f64>, max: Option<f64>) -> PlanConfig {
    PlanConfig {
        count,
        target_duration_s: target,
        max_duration_s: max,
        ..PlanConfig::default()
    }
}

/// `n` candidates of `len` seconds, one every `step` seconds, scores falling from 0.95.
fn evenly(source: usize, n: usize, len: f64, step: f64) -> Vec<Candidate> {
    (0..n)
        .map(|i| {
            let start = 2.0 + i as f64 * step;
            cand(source, start, start + len, 0.95 - 0.05 * i as f64)
        })
        .collect()
}

/// A cut point every `every` seconds over `[0, duration)`.
fn cuts_every(source: usize, duration: f64, every: f64) -> CutPoints {
    let n = (duration / every) as usize;
    CutPoints {
        source,
        times: (1..n).map(|i| i as f64 * every).collect(),
    }
}

fn material(reel: &Reel) -> f64 {
    reel.clips.iter().map(PlannedClip::len_s).sum()
}

fn shared(a: &Reel, b: &Reel) -> f64 {
    let mut total = 0.0;
    for x in &a.clips {
        for y in &b.clips {
            if x.source == y.source {
                total += (x.out_s.min(y.out_s) - x.in_s.max(y.in_s)).max(0.0);
            }
        }
    }
    total
}

fn overlaps(reel: &Reel) -> f64 {
    reel.clips
        .iter()
        .skip(1)
        .filter_map(|c| c.transition_in.as_ref())
        .map(|t| t.duration_s)
        .sum()
}

/// Checks that hold for every plan: clip lengths, legal edges, no overlap in a reel, duration
/// bookkeeping, ordering, max duration, first clip without transition.
fn check_invariants(
    plan: &Plan,
    cands: &[Candidate],
    cuts: &[CutPoints],
    min_clip: f64,
    max: Option<f64>,
) {
    let is_legal = |source: usize, t: f64| {
        cands
            .iter()
            .any(|c| c.source == source && ((c.start - t).abs() < EPS || (c.end - t).abs() < EPS))
            || cuts
                .iter()
                .any(|cp| cp.source == source && cp.times.iter().any(|&x| (x - t).abs() < EPS))
    };
    for (r, reel) in plan.reels.iter().enumerate() {
        for c in &reel.clips {
            assert!(
                c.len_s() >= min_clip - EPS,
                "reel {r}: clip {c:?} shorter than {min_clip}"
            );
            assert!(
                is_legal(c.source, c.in_s),
                "reel {r}: in point {} is not a legal edge",
                c.in_s
            );
            assert!(
                is_legal(c.source, c.out_s),
                "reel {r}: out point {} is not a legal edge",
                c.out_s
            );
            // Within one candidate.
            assert!(
                cands.iter().any(|k| k.source == c.source
                    && k.start <= c.in_s + EPS
                    && c.out_s <= k.end + EPS),
                "reel {r}: clip {c:?} is not inside a candidate"
            );
        }
        for (i, x) in reel.clips.iter().enumerate() {
            for y in reel.clips.iter().skip(i + 1) {
                let ov = if x.source == y.source {
                    (x.out_s.min(y.out_s) - x.in_s.max(y.in_s)).max(0.0)
                } else {
                    0.0
                };
                assert!(ov < EPS, "reel {r}: clips {x:?} and {y:?} overlap");
            }
        }
        let expected = material(reel) - overlaps(reel);
        assert!(
            (reel.duration_s - expected).abs() < 1e-6,
            "reel {r}: duration bookkeeping"
        );
        if let Some(m) = max {
            assert!(
                reel.duration_s <= m + EPS,
                "reel {r}: {} s over max {m}",
                reel.duration_s
            );
        }
        if let Some(first) = reel.clips.first() {
            assert!(
                first.transition_in.is_none(),
                "reel {r}: first clip has a transition"
            );
        }
        let body: Vec<&PlannedClip> = reel.clips.iter().filter(|c| !c.hook).collect();
        for w in body.windows(2) {
            assert!(
                (w[0].source, w[0].in_s) < (w[1].source, w[1].in_s),
                "reel {r}: clips out of order: {:?} then {:?}",
                w[0],
                w[1]
            );
        }
        for (i, c) in reel.clips.iter().enumerate() {
            assert!(!c.hook || i == 0, "reel {r}: hook not first");
        }
    }
}

#[test]
fn builds_count_reels() {
    let sources = [src(120.0)];
    let cands = evenly(0, 12, 5.0, 9.0);
    for count in [1, 2, 3, 5] {
        let plan = plan_reels(&sources, &cands, &[], &cfg(count, Some(10.0), None));
        assert_eq!(plan.reels.len(), count);
        assert!(plan.reels.iter().all(|r| !r.clips.is_empty()));
    }
    // Count 0 is treated as 1.
    let plan = plan_reels(&sources, &cands, &[], &cfg(0, Some(10.0), None));
    assert_eq!(plan.reels.len(), 1);
}

#[test]
fn empty_candidates_give_empty_reels_with_a_note() {
    let plan = plan_reels(&[src(60.0)], &[], &[], &cfg(3, Some(15.0), None));
    assert_eq!(plan.reels.len(), 3);
    assert!(plan
        .reels
        .iter()
        .all(|r| r.clips.is_empty() && r.duration_s == 0.0));
    assert!(
        plan.notes
            .iter()
            .any(|n| n.contains("no usable highlight candidates")),
        "{:?}",
        plan.notes
    );
}

#[test]
fn reels_within_max_and_near_target_with_transition_overlaps() {
    let sources = [src(300.0), src(300.0)];
    let mut cands = Vec::new();
    for s in 0..2 {
        for i in 0..15 {
            let start = 5.0 + i as f64 * 19.0;
            let len = 3.0 + (i % 5) as f64 * 1.7;
            cands.push(cand(
                s,
                start,
                start + len,
                0.3 + 0.04 * ((i * 7 + s * 3) % 15) as f64,
            ));
        }
    }
    let cuts = vec![cuts_every(0, 300.0, 1.3), cuts_every(1, 300.0, 1.1)];
    for (target, max) in [(20.0, 21.0), (30.0, 30.0), (45.0, 60.0)] {
        for mode in [EffectMode::Closed, EffectMode::Auto, EffectMode::Sequential] {
            let c = PlanConfig {
                count: 3,
                target_duration_s: Some(target),
                max_duration_s: Some(max),
                transition_mode: mode,
                transitions: vec![tc("wipeleft", 0.8, 50), tc("dissolve", 0.4, 50)],
                ..PlanConfig::default()
            };
            let plan = plan_reels(&sources, &cands, &cuts, &c);
            assert_eq!(plan.reels.len(), 3);
            check_invariants(&plan, &cands, &cuts, 1.0, Some(max));
            for reel in &plan.reels {
                assert!(
                    (reel.duration_s - target).abs() <= 0.1 * target + EPS,
                    "{mode:?} target {target}: reel is {} s",
                    reel.duration_s
                );
            }
            if mode != EffectMode::Closed {
                assert!(
                    plan.reels.iter().any(|r| overlaps(r) > 0.0),
                    "{mode:?}: no transitions"
                );
            }
        }
    }
}

#[test]
fn default_length_without_target_or_max() {
    let sources = [src(600.0)];
    let cands = evenly(0, 40, 4.0, 12.0);
    let plan = plan_reels(&sources, &cands, &[], &cfg(1, None, None));
    let d = plan.reels[0].duration_s;
    assert!((27.0..=33.0).contains(&d), "default reel is {d} s");
    // Less material than the default: all of it.
    let few = evenly(0, 3, 4.0, 12.0);
    let plan = plan_reels(&sources, &few, &[], &cfg(1, None, None));
    assert!((plan.reels[0].duration_s - 12.0).abs() < EPS);
    assert!(
        !plan.reels[0].notes.is_empty(),
        "short reel should be explained"
    );
}

#[test]
fn max_alone_bounds_the_reel() {
    let sources = [src(600.0)];
    let cands = evenly(0, 40, 4.0, 12.0);
    let plan = plan_reels(&sources, &cands, &[], &cfg(2, None, Some(18.0)));
    for reel in &plan.reels {
        assert!(reel.duration_s <= 18.0 + EPS);
        assert!(reel.duration_s >= 16.0 - EPS, "{}", reel.duration_s);
    }
}

#[test]
fn trims_only_at_cut_points_and_drops_untrimmable() {
    let sources = [src(100.0)];
    // One long candidate with cut points inside: must be trimmed at one of them to fit 10 s.
    let cands = vec![cand(0, 10.0, 40.0, 0.9)];
    let cuts = vec![CutPoints {
        source: 0,
        times: vec![13.7, 21.2, 33.3],
    }];
    let plan = plan_reels(&sources, &cands, &cuts, &cfg(1, Some(10.0), Some(10.0)));
    let reel = &plan.reels[0];
    check_invariants(&plan, &cands, &cuts, 1.0, Some(10.0));
    assert_eq!(reel.clips.len(), 1);
    let c = &reel.clips[0];
    assert!(c.len_s() <= 10.0 + EPS);
    // Longest legal piece that fits: 13.7..21.2 (7.5 s) or 10..13.7 etc.; 13.7..21.2 is longest.
    assert!(
        (c.in_s - 13.7).abs() < EPS && (c.out_s - 21.2).abs() < EPS,
        "{c:?}"
    );

    // No cut point inside: cannot be trimmed, so it is dropped rather than cut mid-word.
    let plan = plan_reels(&sources, &cands, &[], &cfg(1, Some(10.0), Some(10.0)));
    assert!(plan.reels[0].clips.is_empty());
    assert!(!plan.reels[0].notes.is_empty());
}

#[test]
fn clips_at_least_min_clip() {
    let sources = [src(100.0)];
    // Dense cut points 0.4 s apart: pieces shorter than 1 s must never be produced.
    let cands = vec![
        cand(0, 10.0, 14.0, 0.9),
        cand(0, 20.0, 20.8, 0.8),
        cand(0, 30.0, 33.0, 0.7),
    ];
    let cuts = vec![cuts_every(0, 100.0, 0.4)];
    let plan = plan_reels(&sources, &cands, &cuts, &cfg(1, Some(5.2), Some(5.2)));
    check_invariants(&plan, &cands, &cuts, 1.0, Some(5.2));
    assert!(plan.reels[0].clips.iter().all(|c| c.len_s() >= 1.0 - EPS));
    assert!(
        plan.notes
            .iter()
            .any(|n| n.contains("shorter than the minimum")),
        "{:?}",
        plan.notes
    );
    // A larger min_clip is honoured too.
    let c = PlanConfig {
        min_clip_s: 2.0,
        ..cfg(1, Some(5.2), Some(5.2))
    };
    let plan = plan_reels(&sources, &cands, &cuts, &c);
    check_invariants(&plan, &cands, &cuts, 2.0, Some(5.2));
}

#[test]
fn reels_differ_when_material_allows() {
    let sources = [src(200.0)];
    let cands = evenly(0, 10, 5.0, 15.0);
    let plan = plan_reels(&sources, &cands, &[], &cfg(3, Some(15.0), None));
    check_invariants(&plan, &cands, &[], 1.0, None);
    for (j, a) in plan.reels.iter().enumerate() {
        assert!(
            (a.duration_s - 15.0).abs() <= 1.5,
            "reel {j}: {}",
            a.duration_s
        );
        for (k, b) in plan.reels.iter().enumerate().skip(j + 1) {
            let shorter = material(a).min(material(b));
            assert!(
                shared(a, b) < 0.5 * shorter,
                "reels {j} and {k} share {}",
                shared(a, b)
            );
        }
    }
    assert!(
        !plan.notes.iter().any(|n| n.contains("not enough")),
        "{:?}",
        plan.notes
    );
    // Reel 1 gets the best material, reel 2 the next best.
    let best = |r: &Reel| r.clips.iter().map(|c| c.score).fold(0.0, f64::max);
    assert!((best(&plan.reels[0]) - 0.95).abs() < EPS);
    assert!(best(&plan.reels[0]) > best(&plan.reels[1]));
    assert!(best(&plan.reels[1]) > best(&plan.reels[2]));
}

#[test]
fn reels_share_under_half_even_when_some_reuse_is_needed() {
    // 50 s of material for 3 reels of 20 s: some reuse is unavoidable, but it can be spread so
    // that each pair shares less than half.
    let sources = [src(200.0)];
    let cands = evenly(0, 10, 5.0, 15.0);
    let plan = plan_reels(&sources, &cands, &[], &cfg(3, Some(20.0), None));
    check_invariants(&plan, &cands, &[], 1.0, None);
    for (j, a) in plan.reels.iter().enumerate() {
        assert!(a.duration_s >= 18.0 - EPS, "reel {j} is {} s", a.duration_s);
        for b in plan.reels.iter().skip(j + 1) {
            assert!(shared(a, b) < 0.5 * material(a).min(material(b)));
        }
    }
}

#[test]
fn too_little_material_is_noted_and_reuse_is_minimal() {
    let sources = [src(60.0)];
    let cands = vec![cand(0, 5.0, 10.0, 0.9), cand(0, 20.0, 25.0, 0.6)];
    let plan = plan_reels(&sources, &cands, &[], &cfg(3, Some(15.0), None));
    assert_eq!(plan.reels.len(), 3);
    assert!(
        plan.notes
            .iter()
            .any(|n| n.contains("not enough distinct material")),
        "{:?}",
        plan.notes
    );
    assert!(
        plan.reels.iter().all(|r| !r.clips.is_empty()),
        "every reel gets something"
    );
    // Reels 2 and 3 do not repeat each other: the least used material goes to reel 3.
    let (r2, r3) = (&plan.reels[1], &plan.reels[2]);
    assert!(
        shared(r2, r3) < 0.5 * material(r2).min(material(r3)),
        "{r2:?} {r3:?}"
    );
    // Total reuse is bounded: no reel repeats everything the first one has.
    let total_reused: f64 = plan.reels.iter().skip(1).map(material).sum();
    assert!(total_reused <= 10.0 + EPS, "reused {total_reused} s");
}

#[test]
fn clips_in_source_order_and_inputs_in_order() {
    let sources = [src(100.0), src(100.0), src(100.0)];
    // Scores deliberately not in time order, inputs interleaved.
    let cands = vec![
        cand(2, 10.0, 14.0, 0.99),
        cand(0, 60.0, 64.0, 0.98),
        cand(1, 5.0, 9.0, 0.97),
        cand(0, 10.0, 14.0, 0.96),
        cand(2, 50.0, 54.0, 0.95),
        cand(1, 70.0, 74.0, 0.94),
    ];
    let plan = plan_reels(&sources, &cands, &[], &cfg(1, Some(24.0), None));
    check_invariants(&plan, &cands, &[], 1.0, None);
    let order: Vec<(usize, f64)> = plan.reels[0]
        .clips
        .iter()
        .map(|c| (c.source, c.in_s))
        .collect();
    assert_eq!(
        order,
        vec![
            (0, 10.0),
            (0, 60.0),
            (1, 5.0),
            (1, 70.0),
            (2, 10.0),
            (2, 50.0)
        ]
    );
}

#[test]
fn intro_auto_opens_with_a_hook_from_the_top_moment() {
    let sources = [src(200.0)];
    let mut cands = evenly(0, 8, 6.0, 20.0);
    cands.push(cand(0, 100.0, 110.0, 0.99)); // the strongest moment, in the middle
    let cuts = vec![CutPoints {
        source: 0,
        times: vec![101.0, 103.2, 105.0, 108.0],
    }];
    let c = PlanConfig {
        intro_auto: true,
        ..cfg(2, Some(25.0), Some(27.0))
    };
    let plan = plan_reels(&sources, &cands, &cuts, &c);
    check_invariants(&plan, &cands, &cuts, 1.0, Some(27.0));
    let reel = &plan.reels[0];
    let hook = &reel.clips[0];
    assert!(hook.hook, "first clip is the hook");
    assert_eq!(hook.score, 0.99);
    assert!(hook.in_s >= 100.0 - EPS && hook.out_s <= 110.0 + EPS);
    assert!(
        (1.5 - EPS..=4.0 + EPS).contains(&hook.len_s()),
        "hook is {} s",
        hook.len_s()
    );
    // At an edge of the candidate, closest to 3 s: 100..103.2.
    assert!(
        (hook.in_s - 100.0).abs() < EPS && (hook.out_s - 103.2).abs() < EPS,
        "{hook:?}"
    );
    assert_eq!(reel.clips.iter().filter(|c| c.hook).count(), 1);
    // The rest in source order, and the hook's time is not repeated.
    for c in reel.clips.iter().skip(1) {
        assert!(!c.hook);
        let ov = (c.out_s.min(hook.out_s) - c.in_s.max(hook.in_s)).max(0.0);
        assert!(ov < EPS, "hook time repeated in {c:?}");
    }
    // Reel 2 gets its own hook from other material.
    let hook2 = &plan.reels[1].clips[0];
    assert!(hook2.hook);
    assert!(hook2.out_s <= hook.in_s + EPS || hook2.in_s >= hook.out_s - EPS);
}

#[test]
fn hook_without_short_piece_uses_the_shortest_legal_piece() {
    let sources = [src(100.0)];
    let cands = vec![
        cand(0, 10.0, 16.0, 0.9),
        cand(0, 30.0, 35.0, 0.5),
        cand(0, 50.0, 55.0, 0.4),
    ];
    let c = PlanConfig {
        intro_auto: true,
        ..cfg(1, Some(15.0), None)
    };
    let plan = plan_reels(&sources, &cands, &[], &c);
    let reel = &plan.reels[0];
    assert!(reel.clips[0].hook);
    assert_eq!((reel.clips[0].in_s, reel.clips[0].out_s), (10.0, 16.0));
    assert!(
        reel.notes.iter().any(|n| n.contains("hook")),
        "{:?}",
        reel.notes
    );
}

/// A long reel with many cuts, for transition tests: 3 s candidates, many of them.
fn many_clips(n: usize) -> (Vec<SourceMeta>, Vec<Candidate>) {
    let sources = vec![src(n as f64 * 20.0 + 10.0)];
    let cands = (0..n)
        .map(|i| cand(0, 1.0 + i as f64 * 20.0, 4.0 + i as f64 * 20.0, 0.5))
        .collect();
    (sources, cands)
}

fn names(reel: &Reel) -> Vec<Option<String>> {
    reel.clips
        .iter()
        .map(|c| c.transition_in.as_ref().map(|t| t.name.clone()))
        .collect()
}

#[test]
fn closed_mode_gives_hard_cuts() {
    let (sources, cands) = many_clips(10);
    let c = PlanConfig {
        transition_mode: EffectMode::Closed,
        transitions: vec![tc("fade", 0.5, 50)],
        ..cfg(1, Some(30.0), None)
    };
    let plan = plan_reels(&sources, &cands, &[], &c);
    assert_eq!(plan.reels[0].clips.len(), 10);
    assert!(plan.reels[0]
        .clips
        .iter()
        .all(|c| c.transition_in.is_none()));
    assert!((plan.reels[0].duration_s - 30.0).abs() < EPS);
}

#[test]
fn sequential_mode_cycles_the_list() {
    let (sources, cands) = many_clips(8);
    let c = PlanConfig {
        transition_mode: EffectMode::Sequential,
        transitions: vec![
            tc("wipeleft", 0.5, 1),
            tc("slideup", 0.5, 1),
            tc("radial", 0.5, 1),
        ],
        ..cfg(1, Some(20.5), Some(20.5))
    };
    let plan = plan_reels(&sources, &cands, &[], &c);
    let reel = &plan.reels[0];
    let n = names(reel);
    assert!(n.len() >= 5, "{n:?}");
    assert_eq!(n[0], None);
    let cycle = ["wipeleft", "slideup", "radial"];
    for (i, name) in n.iter().enumerate().skip(1) {
        assert_eq!(name.as_deref(), Some(cycle[(i - 1) % 3]), "cut {i}");
    }
    assert!((reel.duration_s - (material(reel) - 0.5 * (n.len() - 1) as f64)).abs() < EPS);
    assert!(reel.duration_s <= 20.5 + EPS);
}

#[test]
fn random_mode_respects_weights_and_is_deterministic() {
    let (sources, cands) = many_clips(400);
    let make = |seed: u64| PlanConfig {
        transition_mode: EffectMode::Random,
        transitions: vec![
            tc("fade", 0.5, 25),
            tc("pixelize", 0.5, 75),
            tc("never", 0.5, 0),
        ],
        seed,
        ..cfg(1, Some(1200.0), None)
    };
    let plan = plan_reels(&sources, &cands, &[], &make(42));
    let n = names(&plan.reels[0]);
    let cuts = n.len() - 1;
    assert!(cuts >= 300, "{cuts} cuts");
    let pix = n
        .iter()
        .filter(|x| x.as_deref() == Some("pixelize"))
        .count() as f64;
    let fade = n.iter().filter(|x| x.as_deref() == Some("fade")).count() as f64;
    assert_eq!(
        n.iter().filter(|x| x.as_deref() == Some("never")).count(),
        0
    );
    assert_eq!(pix + fade, cuts as f64, "every cut gets a transition");
    let share = pix / cuts as f64;
    assert!((0.68..=0.82).contains(&share), "pixelize share {share}");
    // Deterministic for a seed, different for another.
    assert_eq!(plan_reels(&sources, &cands, &[], &make(42)), plan);
    let other = plan_reels(&sources, &cands, &[], &make(7));
    assert_ne!(names(&other.reels[0]), n);
}

#[test]
fn transition_longer_than_clip_minus_one_second_is_skipped() {
    let sources = [src(100.0)];
    // Clips of 3 s, 10 s, 3 s, 10 s.
    let cands = vec![
        cand(0, 0.0, 3.0, 0.9),
        cand(0, 20.0, 30.0, 0.9),
        cand(0, 40.0, 43.0, 0.9),
        cand(0, 60.0, 70.0, 0.9),
    ];
    let run = |d: f64| {
        let c = PlanConfig {
            transition_mode: EffectMode::Sequential,
            transitions: vec![tc("fade", d, 50)],
            ..cfg(1, Some(26.0), None)
        };
        plan_reels(&sources, &cands, &[], &c).reels.remove(0)
    };
    // 2.5 s > 3 - 1: skipped at every cut (each cut touches a 3 s clip), whichever side it is on.
    let reel = run(2.5);
    assert_eq!(reel.clips.len(), 4);
    assert!(
        reel.clips.iter().all(|c| c.transition_in.is_none()),
        "{:?}",
        names(&reel)
    );
    assert!((reel.duration_s - 26.0).abs() < EPS);
    // 2.0 s = 3 - 1: allowed, except where the 3 s clip would already be 2 s into its incoming
    // transition (2 + 2 > 3: three clips would show at once), so the third cut is hard.
    let reel = run(2.0);
    let f = Some("fade".to_string());
    assert_eq!(names(&reel), vec![None, f.clone(), f, None]);
    assert!((reel.duration_s - 22.0).abs() < EPS);
    // Duration 0 is a hard cut.
    let reel = run(0.0);
    assert!(reel.clips.iter().all(|c| c.transition_in.is_none()));
}

#[test]
fn auto_mode_fades_between_inputs_and_scenes_only() {
    let sources = [src(100.0), src(100.0)];
    let cands = vec![
        cand(0, 10.0, 14.0, 0.9),
        cand(0, 14.0, 18.0, 0.8), // contiguous: same scene, hard cut
        cand(0, 60.0, 64.0, 0.7), // 42 s later: new scene
        cand(1, 5.0, 9.0, 0.6),   // other input
    ];
    let c = PlanConfig {
        transition_mode: EffectMode::Auto,
        ..cfg(1, Some(16.0), Some(20.0))
    };
    let plan = plan_reels(&sources, &cands, &[], &c);
    let reel = &plan.reels[0];
    assert_eq!(reel.clips.len(), 4);
    let n = names(reel);
    assert_eq!(
        n,
        vec![
            None,
            None,
            Some("fade".to_string()),
            Some("fade".to_string())
        ]
    );
    assert!((reel.duration_s - 15.0).abs() < EPS);
}

#[test]
fn timeline_starts_with_overlaps() {
    let clip = |in_s: f64, out_s: f64, t: Option<TransitionItem>| PlannedClip {
        source: 0,
        in_s,
        out_s,
        score: 0.5,
        reasons: vec![],
        transition_in: t,
        hook: false,
        vfx: None,
    };
    let reel = Reel {
        clips: vec![
            clip(0.0, 4.0, None),
            clip(10.0, 15.0, Some(tc("fade", 0.5, 1))),
            clip(20.0, 23.0, None),
            clip(30.0, 36.0, Some(tc("wipeleft", 1.0, 1))),
        ],
        duration_s: 16.5,
        notes: vec![],
    };
    let tl = reel_timeline(&reel);
    let got: Vec<(usize, f64, f64, f64)> = tl
        .iter()
        .map(|e| (e.clip, e.out_start_s, e.out_end_s, e.transition_in_s))
        .collect();
    assert_eq!(
        got,
        vec![
            (0, 0.0, 4.0, 0.0),
            (1, 3.5, 8.5, 0.5),
            (2, 8.5, 11.5, 0.0),
            (3, 10.5, 16.5, 1.0)
        ]
    );
    assert!((tl[3].out_end_s - reel.duration_s).abs() < EPS);
    assert!(reel_timeline(&Reel {
        clips: vec![],
        duration_s: 0.0,
        notes: vec![]
    })
    .is_empty());
}

#[test]
fn planned_reel_timeline_ends_at_its_duration() {
    let (sources, cands) = many_clips(12);
    let c = PlanConfig {
        transition_mode: EffectMode::Auto,
        intro_auto: true,
        ..cfg(2, Some(25.0), Some(26.0))
    };
    let plan = plan_reels(&sources, &cands, &[], &c);
    for reel in &plan.reels {
        let tl = reel_timeline(reel);
        assert_eq!(tl.len(), reel.clips.len());
        assert!((tl.last().map_or(0.0, |e| e.out_end_s) - reel.duration_s).abs() < EPS);
    }
}

#[test]
fn concat_joins_ranges_exactly() {
    let sources = [src(60.0), src(30.0)];
    let plan = plan_concat(&sources, &[(0, 10.0, 5.0), (1, 0.0, 0.0), (0, 55.0, 20.0)]).unwrap();
    assert_eq!(plan.reels.len(), 1);
    let r = &plan.reels[0];
    let got: Vec<(usize, f64, f64)> = r
        .clips
        .iter()
        .map(|c| (c.source, c.in_s, c.out_s))
        .collect();
    // Duration 0 = to the end; 55 + 20 clamped to 60.
    assert_eq!(got, vec![(0, 10.0, 15.0), (1, 0.0, 30.0), (0, 55.0, 60.0)]);
    assert!((r.duration_s - 40.0).abs() < EPS);
    assert!(r.clips.iter().all(|c| c.transition_in.is_none()));
    assert!(plan.notes.iter().any(|n| n.contains("clamped")));
    // Exact sum of ranges when nothing is clamped.
    let plan = plan_concat(&sources, &[(1, 2.5, 3.25), (0, 0.0, 7.5)]).unwrap();
    assert!((plan.reels[0].duration_s - 10.75).abs() < EPS);
    assert!(plan.notes.is_empty());
}

#[test]
fn concat_errors() {
    let sources = [src(60.0)];
    let e = plan_concat(&sources, &[(0, 61.0, 0.0)]).unwrap_err();
    assert_eq!(e.code, "InvalidParameter.Sources.StartTime");
    assert!(e.message.contains("61"), "{}", e.message);
    let e = plan_concat(&sources, &[(0, 60.0, 1.0)]).unwrap_err();
    assert_eq!(e.code, "InvalidParameter.Sources.StartTime");
    assert_eq!(
        plan_concat(&sources, &[(0, -1.0, 1.0)]).unwrap_err().code,
        "InvalidParameter.Sources.StartTime"
    );
    assert_eq!(
        plan_concat(&sources, &[(0, 1.0, f64::NAN)])
            .unwrap_err()
            .code,
        "InvalidParameter.Sources.Duration"
    );
    assert_eq!(
        plan_concat(&sources, &[(3, 1.0, 1.0)]).unwrap_err().code,
        "InvalidParameter.Sources"
    );
    assert_eq!(
        plan_concat(&sources, &[]).unwrap_err().code,
        "InvalidParameter.Sources"
    );
    assert_eq!(
        plan_concat(&[src(f64::NAN)], &[(0, 0.0, 0.0)])
            .unwrap_err()
            .code,
        "InvalidParameter.Sources.URI"
    );
}

#[test]
fn odd_input_does_not_panic_and_nan_scores_are_ignored() {
    let sources = [src(50.0), src(f64::NAN)];
    let cands = vec![
        cand(0, 10.0, 15.0, f64::NAN),
        cand(0, 20.0, 25.0, 0.5),
        cand(0, 30.0, 28.0, 0.9), // reversed
        cand(7, 0.0, 5.0, 0.9),   // unknown source
        cand(0, -5.0, 3.0, 2.0),  // negative start, score above 1
        cand(0, 45.0, 80.0, 0.4), // past the end: clamped to 50
        cand(1, 0.0, f64::INFINITY, 0.3),
        cand(1, 5.0, 9.0, f64::NEG_INFINITY),
    ];
    let cuts = vec![
        CutPoints {
            source: 0,
            times: vec![f64::NAN, 24.0, 12.0, 12.0, -3.0],
        },
        CutPoints {
            source: 9,
            times: vec![1.0],
        },
    ];
    let c = PlanConfig {
        count: 2,
        target_duration_s: Some(f64::NAN),
        max_duration_s: Some(-3.0),
        min_clip_s: f64::NAN,
        transition_mode: EffectMode::Random,
        transitions: vec![tc("fade", f64::INFINITY, 0), tc("x", -1.0, 3)],
        intro_auto: true,
        vfx_mode: EffectMode::Random,
        vfx: vec![VfxItem {
            name: "invert".to_string(),
            weight: 0,
        }],
        pacing: PlotPacing::Fast,
        seed: u64::MAX,
    };
    let plan = plan_reels(&sources, &cands, &cuts, &c);
    assert_eq!(plan.reels.len(), 2);
    for reel in &plan.reels {
        assert!(reel.duration_s.is_finite());
        for clip in &reel.clips {
            assert!(clip.score.is_finite() && (0.0..=1.0).contains(&clip.score));
            assert!(clip.in_s >= 0.0 && clip.out_s <= 50.0 + EPS || clip.source == 1);
            assert!(
                clip.transition_in.is_none(),
                "non-positive durations are hard cuts"
            );
            assert_eq!(clip.vfx, None, "weight 0 is never chosen");
            assert!(
                !(clip.source == 0 && clip.in_s < 15.0 && clip.out_s > 10.0 && clip.score.is_nan())
            );
        }
    }
    // The NaN-scored candidate (10..15 of source 0) is never used.
    assert!(plan
        .reels
        .iter()
        .flat_map(|r| &r.clips)
        .all(|c| !(c.source == 0 && c.in_s < 15.0 && c.out_s > 10.0)));
    assert!(
        plan.notes.iter().any(|n| n.contains("NaN")),
        "{:?}",
        plan.notes
    );
    assert!(
        plan.notes.iter().any(|n| n.contains("unknown input")),
        "{:?}",
        plan.notes
    );
    // Transitions with an empty list or zero weights do not panic either.
    for mode in [EffectMode::Random, EffectMode::Sequential, EffectMode::Auto] {
        let c = PlanConfig {
            transition_mode: mode,
            ..cfg(1, Some(10.0), None)
        };
        let p = plan_reels(&[src(100.0)], &evenly(0, 5, 3.0, 10.0), &[], &c);
        assert!(!p.reels[0].clips.is_empty());
    }
    let c = PlanConfig {
        transition_mode: EffectMode::Random,
        transitions: vec![tc("fade", 0.5, 0)],
        ..cfg(1, Some(10.0), None)
    };
    let p = plan_reels(&[src(100.0)], &evenly(0, 5, 3.0, 10.0), &[], &c);
    assert!(p.reels[0].clips.iter().all(|c| c.transition_in.is_none()));
    assert!(p.notes.iter().any(|n| n.contains("weights 0")));
}

#[test]
fn same_input_same_plan() {
    let sources = [src(300.0)];
    let cands = evenly(0, 20, 4.0, 14.0);
    let cuts = vec![cuts_every(0, 300.0, 1.5)];
    let c = PlanConfig {
        intro_auto: true,
        transition_mode: EffectMode::Random,
        transitions: vec![tc("fade", 0.5, 10), tc("wipeup", 0.7, 20)],
        seed: 9,
        ..cfg(3, Some(20.0), Some(22.0))
    };
    let a = plan_reels(&sources, &cands, &cuts, &c);
    let b = plan_reels(&sources, &cands, &cuts, &c);
    assert_eq!(a, b);
    check_invariants(&a, &cands, &cuts, 1.0, Some(22.0));
}

#[test]
fn plan_serialises_in_camel_case_and_round_trips() {
    let sources = [src(100.0)];
    let c = PlanConfig {
        intro_auto: true,
        transition_mode: EffectMode::Auto,
        ..cfg(1, Some(10.0), None)
    };
    let cuts = vec![cuts_every(0, 100.0, 2.0)];
    let plan = plan_reels(&sources, &evenly(0, 5, 4.0, 10.0), &cuts, &c);
    let json = serde_json::to_string(&plan).unwrap();
    assert!(
        json.contains("\"inS\"")
            && json.contains("\"transitionIn\"")
            && json.contains("\"durationS\"")
    );
    let back: Plan = serde_json::from_str(&json).unwrap();
    assert_eq!(back, plan);
    let cfg_json = r#"{"count":2,"targetDurationS":20,"transitionMode":"Sequential"}"#;
    let parsed: PlanConfig = serde_json::from_str(cfg_json).unwrap();
    assert_eq!(parsed.count, 2);
    assert_eq!(parsed.transition_mode, EffectMode::Sequential);
    assert_eq!(parsed.min_clip_s, 1.0);
}

#[test]
fn large_input_stays_fast() {
    // 2 h of drama: 300 candidates with a speech pause every 0.7 s, 5 reels.
    let sources: Vec<SourceMeta> = (0..10).map(|_| src(720.0)).collect();
    let mut cands = Vec::new();
    let mut cuts = Vec::new();
    for s in 0..10 {
        for i in 0..30 {
            let start = 3.0 + i as f64 * 23.0;
            cands.push(cand(
                s,
                start,
                start + 6.0 + (i % 9) as f64 * 2.0,
                ((s * 31 + i * 17) % 100) as f64 / 100.0,
            ));
        }
        cuts.push(cuts_every(s, 720.0, 0.7));
    }
    let c = PlanConfig {
        intro_auto: true,
        transition_mode: EffectMode::Auto,
        ..cfg(5, Some(60.0), Some(60.0))
    };
    let t = std::time::Instant::now();
    let plan = plan_reels(&sources, &cands, &cuts, &c);
    let took = t.elapsed();
    check_invariants(&plan, &cands, &cuts, 1.0, Some(60.0));
    assert!(took.as_secs_f64() < 20.0, "took {took:?}");
    for reel in &plan.reels {
        assert!((reel.duration_s - 60.0).abs() <= 6.0, "{}", reel.duration_s);
    }
}

#[test]
fn concat_with_transitions_overlaps_its_ranges() {
    let sources = [src(60.0), src(30.0)];
    let ranges = [(0, 10.0, 5.0), (1, 0.0, 10.0), (0, 40.0, 1.5)];
    let mut plan = plan_concat(&sources, &ranges).unwrap();
    let cfg = PlanConfig {
        transition_mode: EffectMode::Sequential,
        transitions: vec![tc("circleopen", 1.0, 1), tc("wipeup", 0.75, 1)],
        ..PlanConfig::default()
    };
    add_concat_transitions(&mut plan, &cfg);
    let r = &plan.reels[0];
    let names: Vec<Option<&str>> = r
        .clips
        .iter()
        .map(|c| c.transition_in.as_ref().map(|t| t.name.as_str()))
        .collect();
    // The last range is 1.5 s long: a 0.75 s transition would leave it less than 1 s alone.
    assert_eq!(names, vec![None, Some("circleopen"), None]);
    assert!(
        (r.duration_s - (16.5 - 1.0)).abs() < EPS,
        "{}",
        r.duration_s
    );
    assert!(
        r.notes.iter().any(|n| n.contains("shorter")),
        "{:?}",
        r.notes
    );
    assert!(
        r.notes.iter().any(|n| n.contains("hard cut")),
        "{:?}",
        r.notes
    );
    // Closed: unchanged.
    let mut closed = plan_concat(&sources, &ranges).unwrap();
    add_concat_transitions(&mut closed, &PlanConfig::default());
    assert!((closed.reels[0].duration_s - 16.5).abs() < EPS);
}

// ---------------------------------------------------------------- visual effects

fn vfx_item(name: &str, weight: u32) -> VfxItem {
    VfxItem {
        name: name.to_string(),
        weight,
    }
}

/// A reel of `ranges` (source, in, out) in that order, hard cuts, no effects yet.
fn reel_of(ranges: &[(usize, f64, f64)]) -> Plan {
    let clips = ranges
        .iter()
        .map(|&(source, in_s, out_s)| PlannedClip {
            source,
            in_s,
            out_s,
            score: 0.5,
            reasons: vec![],
            transition_in: None,
            hook: false,
            vfx: None,
        })
        .collect();
    Plan {
        reels: vec![Reel {
            clips,
            duration_s: 0.0,
            notes: vec![],
        }],
        notes: vec![],
    }
}

fn effects(plan: &Plan) -> Vec<Option<&str>> {
    plan.reels[0]
        .clips
        .iter()
        .map(|c| c.vfx.as_deref())
        .collect()
}

fn vfx_cfg(mode: EffectMode, list: Vec<VfxItem>) -> PlanConfig {
    PlanConfig {
        vfx_mode: mode,
        vfx: list,
        seed: 42,
        ..PlanConfig::default()
    }
}

#[test]
fn vfx_sequential_cycles_the_list_one_per_clip() {
    let mut plan = reel_of(&[(0, 0.0, 3.0), (0, 5.0, 8.0), (1, 0.0, 3.0), (1, 4.0, 9.0)]);
    let cfg = vfx_cfg(
        EffectMode::Sequential,
        vec![
            vfx_item("invert", 50),
            vfx_item("vignette", 50),
            vfx_item("vertigo", 50),
        ],
    );
    add_vfx(&mut plan, &cfg);
    assert_eq!(
        effects(&plan),
        [
            Some("invert"),
            Some("vignette"),
            Some("vertigo"),
            Some("invert")
        ]
    );
    // Closed leaves the clips alone.
    let mut closed = reel_of(&[(0, 0.0, 3.0)]);
    add_vfx(&mut closed, &vfx_cfg(EffectMode::Closed, cfg.vfx.clone()));
    assert_eq!(effects(&closed), [None]);
}

#[test]
fn vfx_random_follows_the_weights_and_the_seed() {
    let ranges: Vec<(usize, f64, f64)> = (0..400)
        .map(|i| (0, i as f64 * 3.0, i as f64 * 3.0 + 2.0))
        .collect();
    let cfg = vfx_cfg(
        EffectMode::Random,
        vec![vfx_item("invert", 75), vfx_item("luminance", 25)],
    );
    let mut plan = reel_of(&ranges);
    add_vfx(&mut plan, &cfg);
    let inverts = effects(&plan)
        .iter()
        .filter(|e| **e == Some("invert"))
        .count();
    assert!(effects(&plan).iter().all(|e| e.is_some()));
    assert!(
        (260..340).contains(&inverts),
        "{inverts} of 400 with weight 75 %"
    );
    let mut again = reel_of(&ranges);
    add_vfx(&mut again, &cfg);
    assert_eq!(
        effects(&plan),
        effects(&again),
        "the same seed gives the same effects"
    );
    let mut other = reel_of(&ranges);
    add_vfx(
        &mut other,
        &PlanConfig {
            seed: 7,
            ..cfg.clone()
        },
    );
    assert_ne!(effects(&plan), effects(&other));
}

#[test]
fn vfx_auto_keeps_one_effect_per_scene() {
    // Clips 0-1 are one stretch of source 0, clip 2 jumps ahead by more than a scene gap, clip 3 is
    // another source.
    let far = 8.0 + SCENE_GAP_S + 1.0;
    let ranges = [
        (0, 0.0, 3.0),
        (0, 5.0, 8.0),
        (0, far, far + 3.0),
        (1, 0.0, 3.0),
    ];
    let mut plan = reel_of(&ranges);
    add_vfx(
        &mut plan,
        &vfx_cfg(
            EffectMode::Auto,
            vec![vfx_item("invert", 50), vfx_item("luminance", 50)],
        ),
    );
    assert_eq!(
        effects(&plan),
        [
            Some("invert"),
            Some("invert"),
            Some("luminance"),
            Some("invert")
        ]
    );
    let mut plain = reel_of(&ranges);
    add_vfx(&mut plain, &vfx_cfg(EffectMode::Auto, vec![]));
    assert!(effects(&plain).iter().all(|e| *e == Some(AUTO_VFX)));
}

#[test]
fn vfx_do_not_change_the_transitions_a_request_gets() {
    let sources = [src(300.0)];
    let cands = evenly(0, 20, 4.0, 12.0);
    let base = PlanConfig {
        transition_mode: EffectMode::Random,
        transitions: vec![tc("fade", 0.5, 50), tc("wipeleft", 0.5, 50)],
        seed: 9,
        ..cfg(2, Some(30.0), None)
    };
    let with_vfx = PlanConfig {
        vfx_mode: EffectMode::Random,
        vfx: vec![vfx_item("invert", 50), vfx_item("vignette", 50)],
        ..base.clone()
    };
    let a = plan_reels(&sources, &cands, &[], &base);
    let b = plan_reels(&sources, &cands, &[], &with_vfx);
    for (ra, rb) in a.reels.iter().zip(&b.reels) {
        let ta: Vec<_> = ra.clips.iter().map(|c| c.transition_in.clone()).collect();
        let tb: Vec<_> = rb.clips.iter().map(|c| c.transition_in.clone()).collect();
        assert_eq!(ta, tb);
        assert!(rb.clips.iter().all(|c| c.vfx.is_some()));
        assert!(ra.clips.iter().all(|c| c.vfx.is_none()));
    }
}

fn paced(pacing: PlotPacing, target: f64) -> PlanConfig {
    PlanConfig {
        pacing,
        ..cfg(1, Some(target), None)
    }
}

fn mean_clip_s(reel: &Reel) -> f64 {
    material(reel) / reel.clips.len().max(1) as f64
}

#[test]
fn fast_pacing_takes_one_short_piece_of_each_moment() {
    let sources = vec![src(600.0)];
    let cands = evenly(0, 12, 10.0, 40.0);
    let cuts = vec![cuts_every(0, 600.0, 2.5)];
    let normal = plan_reels(&sources, &cands, &cuts, &paced(PlotPacing::Normal, 30.0));
    let fast = plan_reels(&sources, &cands, &cuts, &paced(PlotPacing::Fast, 30.0));
    for plan in [&normal, &fast] {
        check_invariants(plan, &cands, &cuts, 1.0, None);
    }
    let (n, f) = (&normal.reels[0], &fast.reels[0]);
    assert!(mean_clip_s(n) > 7.0, "normal keeps moments whole: {n:?}");
    assert!(
        f.clips.iter().all(|c| c.len_s() <= FAST_CLIP_S + EPS),
        "fast clips are at most {FAST_CLIP_S} s: {f:?}"
    );
    let moment = |c: &PlannedClip| {
        cands
            .iter()
            .position(|k| k.start <= c.in_s + EPS && c.out_s <= k.end + EPS)
    };
    let mut moments: Vec<_> = f.clips.iter().map(moment).collect();
    moments.dedup();
    assert_eq!(moments.len(), f.clips.len(), "one piece per moment: {f:?}");
    assert!(f.clips.len() >= 3 * n.clips.len(), "quicker cutting");
    assert!((f.duration_s - 30.0).abs() <= 3.0 + EPS, "{}", f.duration_s);
}

#[test]
fn fast_pacing_fills_on_when_the_moments_run_out() {
    let sources = vec![src(120.0)];
    let cands = vec![cand(0, 10.0, 30.0, 0.9), cand(0, 60.0, 80.0, 0.8)];
    let cuts = vec![cuts_every(0, 120.0, 2.5)];
    let plan = plan_reels(&sources, &cands, &cuts, &paced(PlotPacing::Fast, 30.0));
    check_invariants(&plan, &cands, &cuts, 1.0, None);
    let reel = &plan.reels[0];
    assert!(
        reel.duration_s >= 27.0 - EPS,
        "two moments still give a full reel: {reel:?}"
    );
}

#[test]
fn slow_pacing_prefers_long_takes() {
    let sources = vec![src(600.0)];
    // Short strong moments and long slightly weaker ones, alternating through the source.
    let cands: Vec<Candidate> = (0..10)
        .map(|i| {
            let start = 5.0 + 50.0 * i as f64;
            if i % 2 == 0 {
                cand(0, start, start + 3.0, 0.9 - 0.01 * i as f64)
            } else {
                cand(0, start, start + 12.0, 0.8 - 0.01 * i as f64)
            }
        })
        .collect();
    let cuts = Vec::new();
    let normal = plan_reels(&sources, &cands, &cuts, &paced(PlotPacing::Normal, 30.0));
    let slow = plan_reels(&sources, &cands, &cuts, &paced(PlotPacing::Slow, 30.0));
    for plan in [&normal, &slow] {
        check_invariants(plan, &cands, &cuts, 1.0, None);
    }
    let (n, s) = (&normal.reels[0], &slow.reels[0]);
    assert!(
        n.clips.iter().any(|c| c.len_s() < SLOW_SHORT_S),
        "normal takes the short strong moments: {n:?}"
    );
    assert!(
        mean_clip_s(s) > mean_clip_s(n) + 2.0,
        "slow keeps longer takes: {} vs {}",
        mean_clip_s(s),
        mean_clip_s(n)
    );
}
