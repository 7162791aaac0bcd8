//! The sound passes (src/render/sound_passes.rs) against the held mix they replaced: the same
//! reels (dialogue with speech, looping and straight music, ducking, loudness normalisation with
//! and without the limiter) rendered the old way (the whole reel in memory: the reference below
//! is the former `held_mix.rs`, `music::add_music` and `loudness::normalise`, kept here verbatim
//! but for the music track not being cut at the reel's length) and through the streaming passes
//! must agree sample for sample, land on the loudness target, and hold a bounded amount of PCM.

use reelcut::analysis::audio::AudioAnalyzer;
use reelcut::analysis::resample::{Resampler, ANALYSIS_RATE};
use reelcut::render::loudness::{
    measure, LoudnessReport, LoudnessTarget, MAX_PASSES, TOLERANCE_LU,
};
use reelcut::render::music::{edge_gain, DUCK_ATTACK_S, DUCK_DB, DUCK_HOLD_S, DUCK_LEAD_S};
use reelcut::render::music::{DUCK_RELEASE_S, LOOP_CROSSFADE_S};
use reelcut::render::resample::StereoResampler;
use reelcut::render::sound_passes::PassKind;
use reelcut::render::{AudioMixer, MixClip};

const R: u32 = 48_000;

mod reference {
    //! The held implementation, as it was.
    use super::*;

    fn equal_power(x: f64) -> f32 {
        (x.clamp(0.0, 1.0) * std::f64::consts::FRAC_PI_2).sin() as f32
    }

    /// The former `MusicInput`: the whole track resampled to the output rate.
    pub fn resample_track(rate: u32, mono: &[f32], out_rate: u32) -> Vec<[f32; 2]> {
        let frames: Vec<[f32; 2]> = mono.iter().map(|&s| [s, s]).collect();
        let mut rs = StereoResampler::new(rate, out_rate, 0.0);
        rs.push(&frames);
        let mut pcm = Vec::new();
        loop {
            let ts = pcm.len() as f64 / out_rate as f64;
            if rs.past_end(ts) {
                break;
            }
            match rs.value_at(ts, true) {
                Some(v) => pcm.push(v),
                None => break,
            }
        }
        pcm
    }

    fn loop_at(track: &[[f32; 2]], rate: u32, n: usize) -> [f32; 2] {
        let m = track.len();
        if m == 0 {
            return [0.0; 2];
        }
        let x = ((LOOP_CROSSFADE_S * rate as f64) as usize).min(m / 4);
        let p = m - x;
        let (rep, k) = (n / p, n % p);
        if rep == 0 || k >= x {
            return track[k];
        }
        let t = (k as f64 + 0.5) / x as f64;
        let (head, tail) = (track[k], track[p + k]);
        let (gi, go) = (equal_power(t), equal_power(1.0 - t));
        [head[0] * gi + tail[0] * go, head[1] * gi + tail[1] * go]
    }

    fn speech_spans(mix: &[[f32; 2]], rate: u32) -> Vec<(f64, f64)> {
        let mono: Vec<f32> = mix.iter().map(|f| 0.5 * (f[0] + f[1])).collect();
        let mut resampler = Resampler::new(rate, ANALYSIS_RATE);
        let mut low = Vec::with_capacity(mono.len() / 2);
        resampler.process(&mono, &mut low);
        resampler.flush(&mut low);
        let mut analyzer = AudioAnalyzer::new(0.0);
        analyzer.push(&low);
        let f = analyzer.finish();
        let mut out = Vec::new();
        let mut start = None;
        for (i, &s) in f.speech.iter().chain([false].iter()).enumerate() {
            let t = f.t0 + (i as f64 - 0.5) * f.hop_s;
            match (s, start) {
                (true, None) => start = Some(t.max(0.0)),
                (false, Some(a)) => {
                    out.push((a, t));
                    start = None;
                }
                _ => {}
            }
        }
        out
    }

    fn duck_envelope(spans: &[(f64, f64)], total: usize, rate: u32) -> Vec<f32> {
        let r = rate as f64;
        let mut ducked = vec![false; total];
        for &(a, b) in spans {
            let from = (((a - DUCK_LEAD_S) * r).max(0.0) as usize).min(total);
            let to = (((b + DUCK_HOLD_S) * r).max(0.0) as usize).min(total);
            ducked[from..to].iter_mut().for_each(|d| *d = true);
        }
        let low = 10f32.powf(DUCK_DB / 20.0);
        let attack = 1.0 - (-1.0 / (DUCK_ATTACK_S * r)).exp() as f32;
        let release = 1.0 - (-1.0 / (DUCK_RELEASE_S * r)).exp() as f32;
        let mut g = 1.0f32;
        ducked
            .into_iter()
            .map(|d| {
                let (target, k) = if d { (low, attack) } else { (1.0, release) };
                g += (target - g) * k;
                g
            })
            .collect()
    }

    pub fn add_music(mix: &mut [[f32; 2]], track: &[[f32; 2]], volume: f32, rate: u32) {
        if track.is_empty() || volume <= 0.0 || !volume.is_finite() {
            return;
        }
        let duck = duck_envelope(&speech_spans(mix, rate), mix.len(), rate);
        let total = mix.len();
        for (n, (out, d)) in mix.iter_mut().zip(duck).enumerate() {
            let g = volume * d * edge_gain(n, total, rate);
            let m = loop_at(track, rate, n);
            out[0] += m[0] * g;
            out[1] += m[1] * g;
        }
    }

    fn round2(x: Option<f64>) -> Option<f64> {
        x.map(|v| (v * 100.0).round() / 100.0)
    }

    pub fn normalise(
        samples: &mut [f32],
        channels: u32,
        rate: u32,
        target: LoudnessTarget,
    ) -> LoudnessReport {
        let (i0, tp0) = measure(samples, channels, rate).expect("measure");
        let mut report = LoudnessReport {
            target: target.integrated_lufs,
            integrated_before: round2(i0),
            true_peak_before: round2(tp0),
            integrated_after: round2(i0),
            true_peak_after: round2(tp0),
            gain_db: 0.0,
        };
        let Some(mut loudness) = i0 else {
            return report;
        };
        let mut ceiling_db = target.true_peak_dbtp;
        let mut total_gain_db = 0.0;
        for _ in 0..MAX_PASSES {
            let gain_db = target.integrated_lufs - loudness;
            if gain_db.abs() <= TOLERANCE_LU && total_gain_db != 0.0 {
                break;
            }
            total_gain_db += gain_db;
            let g = 10f32.powf(gain_db as f32 / 20.0);
            samples.iter_mut().for_each(|s| *s *= g);
            let (mut i, mut tp) = measure(samples, channels, rate).expect("measure");
            for _ in 0..MAX_PASSES {
                match tp {
                    Some(p) if p > target.true_peak_dbtp => {
                        ceiling_db -= p - target.true_peak_dbtp + 0.05;
                        limit(samples, channels as usize, rate, ceiling_db);
                        (i, tp) = measure(samples, channels, rate).expect("measure");
                    }
                    _ => break,
                }
            }
            report.integrated_after = round2(i);
            report.true_peak_after = round2(tp);
            match i {
                Some(v) => loudness = v,
                None => break,
            }
        }
        report.gain_db = (total_gain_db * 100.0).round() / 100.0;
        report
    }

    fn limit(samples: &mut [f32], channels: usize, rate: u32, ceiling_db: f64) {
        let ceiling = 10f32.powf(ceiling_db as f32 / 20.0);
        let frames = samples.len() / channels;
        let needed = |n: usize| {
            let peak = samples[n * channels..(n + 1) * channels]
                .iter()
                .fold(0.0f32, |m, s| m.max(s.abs()));
            if peak > ceiling {
                ceiling / peak
            } else {
                1.0
            }
        };
        if (0..frames).all(|n| needed(n) >= 1.0) {
            return;
        }
        let half = ((0.002 * rate as f64).round() as usize).max(1);
        let minimum = moving_min((0..frames).map(needed).collect(), half);
        let smooth = moving_mean(&minimum, half);
        let release = 1.0 - (-1.0 / (0.080 * rate as f64)).exp() as f32;
        let mut g = 1.0f32;
        for (n, frame) in samples.chunks_exact_mut(channels).enumerate() {
            g = smooth[n].min(g + (1.0 - g) * release);
            frame.iter_mut().for_each(|s| *s *= g);
        }
    }

    fn moving_min(x: Vec<f32>, half: usize) -> Vec<f32> {
        let n = x.len();
        let mut out = vec![1.0f32; n];
        let mut queue = std::collections::VecDeque::<usize>::new();
        for j in 0..n + half {
            if j < n {
                while queue.back().is_some_and(|&b| x[b] >= x[j]) {
                    queue.pop_back();
                }
                queue.push_back(j);
            }
            if j >= half {
                let centre = j - half;
                while queue.front().is_some_and(|&f| f + half < centre) {
                    queue.pop_front();
                }
                if let Some(&f) = queue.front() {
                    out[centre] = x[f];
                }
            }
        }
        out
    }

    fn moving_mean(x: &[f32], half: usize) -> Vec<f32> {
        let mut sum: f64 = x.iter().take(half).map(|&v| f64::from(v)).sum();
        (0..x.len())
            .map(|n| {
                if let Some(&v) = x.get(n + half) {
                    sum += f64::from(v);
                }
                if n > half {
                    sum -= f64::from(x[n - half - 1]);
                }
                let (a, b) = (n.saturating_sub(half), (n + half + 1).min(x.len()));
                (sum / (b - a) as f64) as f32
            })
            .collect()
    }
}

/// Deterministic noise.
fn noise(n: usize, seed: u64, amp: f32) -> Vec<f32> {
    let mut s = seed;
    (0..n)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            ((s >> 40) as f32 / (1u64 << 23) as f32 - 1.0) * amp
        })
        .collect()
}

/// A voice (150 Hz harmonics, syllables) in `[a, b)` spans, quiet room noise elsewhere; `peaks`
/// adds sharp clicks (the limiter's work).
fn dialogue(seconds: f64, spans: &[(f64, f64)], level: f32, peaks: bool) -> Vec<[f32; 2]> {
    let room = noise((seconds * R as f64) as usize, 5, 0.002);
    (0..(seconds * R as f64) as usize)
        .map(|i| {
            let t = i as f64 / R as f64;
            let mut s = room[i];
            if spans.iter().any(|&(a, b)| t >= a && t < b) {
                let syllable = 0.6 - 0.4 * (2.0 * std::f64::consts::PI * 4.0 * t).cos();
                let mut v = 0.0;
                for k in 1..=12 {
                    let fk = 150.0 * k as f64;
                    v += (1.0 / k as f64) * (2.0 * std::f64::consts::PI * fk * t).sin();
                }
                s += (level as f64 * syllable * v) as f32;
            }
            if peaks && i % 9600 < 24 {
                s += 0.9 * if i % 2 == 0 { 1.0 } else { -1.0 };
            }
            [s, s * 0.8]
        })
        .collect()
}

struct Reel {
    clips: Vec<MixClip>,
    /// Per clip: its source's audio at `R`, from source time 0.
    sources: Vec<Vec<[f32; 2]>>,
    duration: f64,
    /// Music: mono at 44.1 kHz, and its volume.
    music: Option<(Vec<f32>, f32)>,
    loudness: Option<LoudnessTarget>,
}

fn clip(out_start_s: f64, in_s: f64, out_s: f64, fade: f64) -> MixClip {
    MixClip {
        out_start_s,
        in_s,
        out_s,
        fade_in_s: fade,
        fade_out_s: fade,
        volume: 1.0,
        speed: 1.0,
    }
}

fn push_clip(
    m: &mut AudioMixer,
    i: usize,
    src: &[[f32; 2]],
    mut between: impl FnMut(&mut AudioMixer),
) {
    for (k, chunk) in src.chunks(4800).enumerate() {
        let (l, r): (Vec<f32>, Vec<f32>) = chunk.iter().map(|f| (f[0], f[1])).unzip();
        m.push_source(i, (k * 4800) as f64 / R as f64, R, &[&l, &r])
            .expect("push");
        between(m);
    }
    m.finish_clip(i).expect("finish");
    between(m);
}

/// The old way: the dialogue mixed whole, music added, normalised.
fn held(reel: &Reel) -> (Vec<f32>, Option<LoudnessReport>) {
    let mut m = AudioMixer::new(&reel.clips, R, 2, reel.duration).expect("mixer");
    for (i, src) in reel.sources.iter().enumerate() {
        push_clip(&mut m, i, src, |_| {});
    }
    let mut out = Vec::new();
    while let Some(b) = m.pull(4096) {
        out.extend(b);
    }
    let mut stereo: Vec<[f32; 2]> = out.chunks(2).map(|f| [f[0], f[1]]).collect();
    if let Some((track, volume)) = &reel.music {
        let pcm = reference::resample_track(44_100, track, R);
        reference::add_music(&mut stereo, &pcm, *volume, R);
    }
    let mut out: Vec<f32> = stereo.iter().flatten().copied().collect();
    let report = reel
        .loudness
        .map(|t| reference::normalise(&mut out, 2, R, t));
    (out, report)
}

struct Streamed {
    out: Vec<f32>,
    passes: Vec<PassKind>,
    report: Option<LoudnessReport>,
    most_held: usize,
}

/// The new way: the passes the mixer asks for, the music pushed as it wants it (looping by
/// decoding again), the blocks pulled as they come.
fn streamed(reel: &Reel) -> Streamed {
    let mut m = AudioMixer::new(&reel.clips, R, 2, reel.duration)
        .expect("mixer")
        .with_loudness(reel.loudness);
    if let Some((_, v)) = &reel.music {
        m = m.with_music(*v);
    }
    let (mut out, mut passes, mut most_held) = (Vec::new(), Vec::new(), 0);
    loop {
        let pass = m.pass();
        passes.push(pass.kind);
        let mut at = 0;
        let mut between = |m: &mut AudioMixer| {
            if let Some((track, _)) = reel.music.as_ref().filter(|_| pass.music) {
                while m.wants_music() {
                    if at >= track.len() {
                        m.finish_music().expect("music");
                        at = 0;
                        continue;
                    }
                    let e = (at + 1024).min(track.len());
                    m.push_music(44_100, &[&track[at..e]]).expect("music");
                    at = e;
                }
            }
            most_held = most_held.max(m.held_frames());
            while let Some(b) = m.pull(1024) {
                out.extend(b);
            }
        };
        between(&mut m);
        for (i, src) in reel.sources.iter().enumerate() {
            push_clip(&mut m, i, src, &mut between);
        }
        if !m.next_pass().expect("pass") {
            break;
        }
    }
    assert!(m.is_done());
    Streamed {
        out,
        passes,
        report: m.loudness_report().expect("report"),
        most_held,
    }
}

fn compare(name: &str, reel: &Reel, want_passes: &[PassKind]) -> Streamed {
    let (old, old_report) = held(reel);
    let new = streamed(reel);
    assert_eq!(new.out.len(), old.len(), "{name}: length");
    let diff = old
        .iter()
        .zip(&new.out)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0f32, f32::max);
    eprintln!(
        "{name}: passes {:?}, max diff {diff:e}, most held {} frames, report {:?}",
        new.passes, new.most_held, new.report
    );
    assert!(diff <= 1e-6, "{name}: max abs diff {diff:e}");
    assert_eq!(new.passes, want_passes, "{name}");
    if let (Some(a), Some(b)) = (old_report, new.report) {
        assert_eq!(a.integrated_before, b.integrated_before, "{name}");
        assert_eq!(a.gain_db, b.gain_db, "{name}");
        assert!(
            (a.integrated_after.unwrap_or(0.0) - b.integrated_after.unwrap_or(0.0)).abs() <= 0.011
        );
        let (i, tp) = measure(&new.out, 2, R).expect("measure");
        let target = reel.loudness.expect("target");
        assert!(
            (i.expect("loud") - target.integrated_lufs).abs() <= 0.1,
            "{name}: {i:?} LUFS"
        );
        assert!(
            tp.expect("peak") <= target.true_peak_dbtp + 0.01,
            "{name}: {tp:?} dBTP"
        );
    }
    // Bounded: the music stream's window and a few blocks, whatever the length.
    assert!(
        new.most_held <= 6 * R as usize,
        "{name}: held {}",
        new.most_held
    );
    new
}

fn two_clips(seconds: f64, level: f32, peaks: bool) -> (Vec<MixClip>, Vec<Vec<[f32; 2]>>) {
    let half = seconds / 2.0;
    let a = dialogue(half + 1.0, &[(0.5, half * 0.6)], level, peaks);
    let b = dialogue(half + 2.0, &[(1.5, half)], level, peaks);
    // The second clip starts 1 s into its source, with a 0.5 s crossfade.
    (
        vec![
            clip(0.0, 0.0, half, 0.0),
            clip(half - 0.5, 1.0, half + 1.5, 0.5),
        ],
        vec![a, b],
    )
}

const SPEECH: PassKind = PassKind::Speech;
const MEASURE: PassKind = PassKind::Measure;
const DELIVER: PassKind = PassKind::Deliver;

#[test]
fn music_ducking_and_loudness_stream_like_the_held_mix() {
    // A 2.5 s track loops several times under 12 s of dialogue.
    let (clips, sources) = two_clips(12.0, 0.02, false);
    let reel = Reel {
        clips,
        sources,
        duration: 12.0,
        music: Some((noise(110_250, 3, 0.4), 0.5)),
        loudness: Some(LoudnessTarget::default()),
    };
    compare("loop + loudness", &reel, &[SPEECH, MEASURE, DELIVER]);
}

#[test]
fn a_limited_output_takes_more_measuring_passes_and_still_matches() {
    // Quiet speech with sharp clicks: the gain to -14 LUFS drives the clicks over the peak limit.
    let (clips, sources) = two_clips(20.0, 0.01, true);
    let reel = Reel {
        clips,
        sources,
        duration: 20.0,
        music: Some((noise(44_100 * 7, 9, 0.2), 0.3)),
        loudness: Some(LoudnessTarget::default()),
    };
    // The gain (one measurement), then each limiting measured again.
    let new = compare(
        "limiter",
        &reel,
        &[SPEECH, MEASURE, MEASURE, MEASURE, DELIVER],
    );
    let report = new.report.expect("report");
    assert!(report.true_peak_before.expect("peak") + report.gain_db > -1.0);
}

#[test]
fn a_track_longer_than_the_reel_plays_straight() {
    let (clips, sources) = two_clips(5.0, 0.05, false);
    let reel = Reel {
        clips,
        sources,
        duration: 5.0,
        music: Some((noise(44_100 * 8, 4, 0.3), 1.0)),
        loudness: None,
    };
    compare("long track, no loudness", &reel, &[SPEECH, DELIVER]);
}

#[test]
fn loudness_alone_measures_once() {
    let (clips, sources) = two_clips(30.0, 0.03, false);
    let reel = Reel {
        clips,
        sources,
        duration: 31.0, // a second of silence after the last clip
        music: None,
        loudness: Some(LoudnessTarget::default()),
    };
    compare("loudness only", &reel, &[MEASURE, DELIVER]);
}
