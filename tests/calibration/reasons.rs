//! Each reason on a synthetic scene made for it, and none on calm dialogue with one click.

use super::episodes::{i420, texture, voice, Lcg, RATE};
use reelcut::analysis::{
    find_highlights, FrameView, HighlightOptions, PixelFormat, SelectionMode, SourceAnalyzer,
    SourceFeatures,
};

const FPS: f64 = 15.0;
const SECONDS: f64 = 24.0;

/// Soft two-speaker dialogue over room tone: sentences of 2.2 s, pauses of 0.8 s.
fn dialogue() -> Vec<f32> {
    let mut rng = Lcg(5);
    let n = (SECONDS * RATE as f64) as usize;
    let mut ph = 0.0;
    (0..n)
        .map(|i| {
            let t = i as f64 / RATE as f64;
            let sentence = (t / 3.0) as usize;
            let f0 = if sentence.is_multiple_of(2) {
                120.0
            } else {
                205.0
            };
            ph += f0 * (1.0 + 0.03 * (2.0 * std::f64::consts::PI * 0.4 * t).sin()) / RATE as f64;
            let talking = t % 3.0 < 2.2;
            let am = 0.6 + 0.4 * (2.0 * std::f64::consts::PI * 4.0 * t).sin() as f32;
            0.0015 * rng.next()
                + if talking {
                    0.014 * am * voice(ph, 6, 1.2)
                } else {
                    0.0
                }
        })
        .collect()
}

/// Adds `f(seconds since at)` to `x` over `[at, at + len)`.
fn add(x: &mut [f32], at: f64, len: f64, mut f: impl FnMut(f64) -> f32) {
    let (a, b) = (
        (at * RATE as f64) as usize,
        ((at + len) * RATE as f64) as usize,
    );
    let b = b.min(x.len());
    for (i, v) in x.iter_mut().enumerate().take(b).skip(a) {
        *v += f(i as f64 / RATE as f64 - at);
    }
}

/// Analyses `audio` with a slowly drifting picture, magnified by `zoom(t)`.
fn analyse(audio: &[f32], zoom: impl Fn(f64) -> f32) -> SourceFeatures {
    let (w, h) = (160, 90);
    let mut an = SourceAnalyzer::with_max_fps(SECONDS, FPS, FPS);
    for (k, chunk) in audio.chunks(1024).enumerate() {
        an.push_audio((k * 1024) as f64 / RATE as f64, RATE, &[chunk]);
    }
    let mut base = Vec::new();
    for i in 0..(SECONDS * FPS) as usize {
        let t = i as f64 / FPS;
        texture(3, 0.3 * i as f32, w, h, &mut base);
        let s = zoom(t);
        let (cx, cy) = ((w as f32 - 1.0) / 2.0, (h as f32 - 1.0) / 2.0);
        let pic: Vec<[f32; 3]> = (0..w * h)
            .map(|p| {
                let (x, y) = ((p % w) as f32, (p / w) as f32);
                let (sx, sy) = (cx + (x - cx) / s, cy + (y - cy) / s);
                base[(sy.round() as usize).min(h - 1) * w + (sx.round() as usize).min(w - 1)]
            })
            .collect();
        let (data, planes) = i420(&pic, w, h);
        let view = FrameView {
            format: PixelFormat::I420,
            width: w as u32,
            height: h as u32,
            data: &data,
            planes,
            full_range: false,
        };
        an.push_frame(t, &view).unwrap();
    }
    an.finish()
}

/// All reasons of the three best Scene highlights.
fn reasons(src: &SourceFeatures) -> Vec<String> {
    let opts = HighlightOptions {
        mode: SelectionMode::Scene,
        max_count: Some(3),
        ..HighlightOptions::default()
    };
    find_highlights(std::slice::from_ref(src), &opts)
        .highlights
        .into_iter()
        .flat_map(|h| h.reasons)
        .collect()
}

const EVENTS: [&str; 5] = [
    "music sting",
    "impact",
    "shouting",
    "loudness jump",
    "sudden zoom",
];

fn events(rs: &[String]) -> Vec<&String> {
    rs.iter()
        .filter(|r| EVENTS.iter().any(|e| r.starts_with(e)))
        .collect()
}

fn click(x: &mut [f32], at: f64) {
    add(x, at, 0.02, |s| {
        0.12 * (2.0 * std::f64::consts::PI * 3000.0 * s).sin() as f32 * (-s as f32 / 0.002).exp()
    });
}

#[test]
fn calm_dialogue_with_one_click_has_no_event_reason() {
    let mut x = dialogue();
    click(&mut x, 10.4);
    let rs = reasons(&analyse(&x, |_| 1.0));
    assert!(events(&rs).is_empty(), "{rs:?}");
}

#[test]
fn a_music_sting_is_named_with_its_rise() {
    let mut x = dialogue();
    // A chord in a pause, louder than the voices, held for 2 s.
    add(&mut x, 14.2, 2.0, |s| {
        let env = (s / 0.05).min(1.0) as f32;
        0.05 * env
            * [220.0, 277.0, 330.0]
                .iter()
                .map(|f| (2.0 * std::f64::consts::PI * f * s).sin() as f32)
                .sum::<f32>()
    });
    let rs = reasons(&analyse(&x, |_| 1.0));
    assert!(
        rs.iter()
            .any(|r| r.starts_with("music sting (+") && r.contains(" LU, tonal")),
        "{rs:?}"
    );
    assert!(!rs.iter().any(|r| r.starts_with("shouting")), "{rs:?}");
}

#[test]
fn a_door_slam_is_an_impact_without_shouting() {
    let mut x = dialogue();
    let mut noise = Lcg(9);
    add(&mut x, 12.5, 0.25, |s| {
        0.5 * noise.next() * (-s as f32 / 0.04).exp()
            + 0.35 * (2.0 * std::f64::consts::PI * 55.0 * s).sin() as f32 * (-s as f32 / 0.08).exp()
    });
    let rs = reasons(&analyse(&x, |_| 1.0));
    assert!(
        rs.iter()
            .any(|r| r.starts_with("impact (+") && r.contains(" LU above typical")),
        "{rs:?}"
    );
    assert!(!rs.iter().any(|r| r.starts_with("shouting")), "{rs:?}");
}

#[test]
fn shouting_is_loud_high_and_bright_speech() {
    let mut x = dialogue();
    // 3 s of the first speaker shouting: twice the pitch, many strong harmonics, 15 dB louder.
    let mut ph = 0.0;
    add(&mut x, 15.1, 3.0, |s| {
        ph += 260.0 / RATE as f64;
        let am = 0.7 + 0.3 * (2.0 * std::f64::consts::PI * 3.0 * s).sin() as f32;
        if s % 1.0 < 0.8 {
            0.08 * am * voice(ph, 14, 0.6)
        } else {
            0.0
        }
    });
    let rs = reasons(&analyse(&x, |_| 1.0));
    let shout = rs.iter().find(|r| r.starts_with("shouting (pitch"));
    assert!(shout.is_some_and(|r| r.ends_with(" LU)")), "{rs:?}");
    // The shout is about 15 dB above the voices before it, and brighter: K-weighting reads it
    // louder still, so the jump in LU is at least that.
    let jump = rs.iter().find_map(|r| {
        r.strip_prefix("loudness jump +")?
            .strip_suffix(" LU over the sound before")
    });
    let jump: f32 = jump.and_then(|j| j.parse().ok()).unwrap_or(0.0);
    assert!((15.0..30.0).contains(&jump), "jump {jump} LU: {rs:?}");
}

/// Each hop's loudness is EBU R128 K-weighted, in LUFS: a 1 kHz sine of RMS -23 dBFS reads
/// -23 LUFS (the curve's gain at 1 kHz and the -0.691 offset cancel), a 4 kHz one about 3.5 LU
/// more (the high shelf), a 60 Hz one less (the high-pass).
#[test]
fn hop_loudness_is_k_weighted_lufs() {
    let level = |f: f64| {
        let amp = 10f64.powf(-23.0 / 20.0) * 2f64.sqrt();
        let x: Vec<f32> = (0..RATE as usize * 2)
            .map(|i| (amp * (2.0 * std::f64::consts::PI * f * i as f64 / RATE as f64).sin()) as f32)
            .collect();
        let mut an = SourceAnalyzer::new(2.0, 15.0);
        an.push_audio(0.0, RATE, &[&x]);
        let a = an.finish().audio.unwrap();
        let mut v = a.loudness_lufs[20..a.len() - 20].to_vec();
        v.sort_by(f32::total_cmp);
        v[v.len() / 2]
    };
    let (l1k, l4k, l60) = (level(1000.0), level(4000.0), level(60.0));
    assert!((l1k + 23.0).abs() < 0.3, "1 kHz: {l1k} LUFS");
    assert!((l4k - l1k - 3.5).abs() < 0.6, "4 kHz: {l4k} LUFS");
    assert!(l60 < l1k - 0.5, "60 Hz: {l60} LUFS");
}

#[test]
fn a_push_in_is_a_zoom_and_a_still_shot_is_not() {
    let x = dialogue();
    // x1.05 per frame for 0.6 s from 9 s, then held.
    let zoom = |t: f64| 1.05f32.powf(((t - 9.0) * FPS).clamp(0.0, 9.0) as f32);
    let rs = reasons(&analyse(&x, zoom));
    assert!(
        rs.iter().any(|r| r.starts_with("sudden zoom in (x")),
        "{rs:?}"
    );
    let still = reasons(&analyse(&x, |_| 1.0));
    assert!(
        !still.iter().any(|r| r.starts_with("sudden zoom")),
        "{still:?}"
    );
}
