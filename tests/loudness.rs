//! Loudness normalisation (src/render/loudness.rs): EBU R128 measurement checked against the EBU
//! test signal and against ffmpeg's `ebur128` filter on the same samples; pink noise and a
//! speech-like signal at -30 LUFS come out at -14 LUFS with the true peak at most -1 dBTP; the
//! mixer measures the reel in one pass and delivers it normalised in the next.

use std::path::Path;
use std::process::Command;

use reelcut::render::loudness::{measure, normalise, LoudnessTarget};
use reelcut::render::sound_passes::PassKind;
use reelcut::render::{AudioMixer, MixClip};

const R: u32 = 48_000;

/// Deterministic white noise in -1..1 (xorshift).
struct Noise(u64);
impl Noise {
    fn next(&mut self) -> f32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 40) as f32 / (1u64 << 23) as f32 - 1.0
    }
}

/// Stereo pink noise (Paul Kellet's filter), `seconds` long, interleaved.
fn pink(seconds: f64) -> Vec<f32> {
    let mut out = Vec::new();
    for seed in [0x1234_5678u64, 0x9abc_def1] {
        let mut w = Noise(seed);
        let mut b = [0.0f32; 7];
        let ch: Vec<f32> = (0..(seconds * R as f64) as usize)
            .map(|_| {
                let x = w.next();
                b[0] = 0.99886 * b[0] + x * 0.0555179;
                b[1] = 0.99332 * b[1] + x * 0.0750759;
                b[2] = 0.96900 * b[2] + x * 0.153_852;
                b[3] = 0.86650 * b[3] + x * 0.3104856;
                b[4] = 0.55000 * b[4] + x * 0.5329522;
                b[5] = -0.7616 * b[5] - x * 0.0168980;
                let y = b.iter().sum::<f32>() + x * 0.5362;
                b[6] = x * 0.115926;
                y * 0.11
            })
            .collect();
        out.push(ch);
    }
    out[0]
        .iter()
        .zip(&out[1])
        .flat_map(|(l, r)| [*l, *r])
        .collect()
}

/// A speech-like signal: a 140 Hz harmonic voice in syllables (4 per second), with a pause of
/// 0.6 s every 2 s and a slap (a 20 ms noise burst, 24 dB above the voice) every 3 s, the same in
/// both channels.
fn speech(seconds: f64) -> Vec<f32> {
    let mut noise = Noise(42);
    (0..(seconds * R as f64) as usize)
        .flat_map(|i| {
            let t = i as f64 / R as f64;
            let talking = t % 2.0 < 1.4;
            let syllable = (std::f64::consts::PI * 4.0 * t).sin().abs();
            let mut v = 0.0;
            for k in 1..=15 {
                let fk = 140.0 * k as f64;
                let formant = (-((fk - 600.0) / 350.0).powi(2)).exp()
                    + 0.6 * (-((fk - 1800.0) / 500.0).powi(2)).exp();
                v += (0.3 / k as f64 + formant) * (2.0 * std::f64::consts::PI * fk * t).sin();
            }
            // A little breath noise keeps it from being a pure tone.
            let mut s = if talking {
                (0.3 * syllable * v) as f32 + 0.01 * noise.next()
            } else {
                0.0
            };
            let since_slap = t % 3.0;
            if since_slap < 0.02 {
                s += 4.0 * noise.next() * (-since_slap as f32 / 0.004).exp();
            }
            [s, s]
        })
        .collect()
}

/// Scales `x` so its integrated loudness is `lufs`.
fn at_lufs(mut x: Vec<f32>, lufs: f64) -> Vec<f32> {
    let (i, _) = measure(&x, 2, R).expect("measure");
    let g = 10f32.powf((lufs - i.expect("not silent")) as f32 / 20.0);
    x.iter_mut().for_each(|s| *s *= g);
    x
}

/// 32-bit float WAV, interleaved stereo.
fn write_wav(path: &Path, x: &[f32]) {
    let data_len = (x.len() * 4) as u32;
    let mut b = Vec::with_capacity(44 + x.len() * 4);
    b.extend_from_slice(b"RIFF");
    b.extend_from_slice(&(36 + data_len).to_le_bytes());
    b.extend_from_slice(b"WAVEfmt ");
    b.extend_from_slice(&16u32.to_le_bytes());
    b.extend_from_slice(&3u16.to_le_bytes()); // IEEE float
    b.extend_from_slice(&2u16.to_le_bytes());
    b.extend_from_slice(&R.to_le_bytes());
    b.extend_from_slice(&(R * 8).to_le_bytes());
    b.extend_from_slice(&8u16.to_le_bytes());
    b.extend_from_slice(&32u16.to_le_bytes());
    b.extend_from_slice(b"data");
    b.extend_from_slice(&data_len.to_le_bytes());
    for s in x {
        b.extend_from_slice(&s.to_le_bytes());
    }
    std::fs::write(path, b).expect("write wav");
}

/// ffmpeg's `ebur128=peak=true` summary of `x`: (integrated LUFS, true peak dBFS).
fn ffmpeg_ebur128(name: &str, x: &[f32]) -> (f64, f64) {
    let path = std::env::temp_dir().join(format!(
        "reelcut-loudness-{}-{name}.wav",
        std::process::id()
    ));
    write_wav(&path, x);
    let out = Command::new("ffmpeg")
        .args(["-hide_banner", "-nostats", "-i"])
        .arg(&path)
        .args(["-af", "ebur128=peak=true", "-f", "null", "-"])
        .output()
        .expect("ffmpeg runs (scripts/setup.sh installs it)");
    let _ = std::fs::remove_file(&path);
    let text = String::from_utf8_lossy(&out.stderr);
    let summary = &text[text.rfind("Summary:").expect("ebur128 summary")..];
    let value = |key: &str| -> f64 {
        let line = summary
            .lines()
            .find(|l| l.trim_start().starts_with(key))
            .unwrap_or_else(|| panic!("no {key} in {summary}"));
        line.split_whitespace()
            .nth(1)
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("bad {key} line: {line}"))
    };
    (value("I:"), value("Peak:"))
}

#[test]
fn the_ebu_sine_reads_minus_23_lufs() {
    // EBU Tech 3341 case 1: 1 kHz sine at -23 dBFS in both channels is -23.0 LUFS.
    let a = 10f32.powf(-23.0 / 20.0);
    let x: Vec<f32> = (0..20 * R as usize)
        .flat_map(|i| {
            let v = a * (2.0 * std::f32::consts::PI * 1000.0 * i as f32 / R as f32).sin();
            [v, v]
        })
        .collect();
    let (i, tp) = measure(&x, 2, R).expect("measure");
    let i = i.expect("loud");
    assert!((i - -23.0).abs() < 0.1, "{i} LUFS");
    assert!((tp.expect("peak") - -23.0).abs() < 0.2);
}

fn check_normalised(name: &str, x: Vec<f32>) {
    let mut y = at_lufs(x, -30.0);
    let (ours_before, _) = measure(&y, 2, R).expect("measure");
    let (ff_before, ff_peak_before) = ffmpeg_ebur128(&format!("{name}-before"), &y);
    let report = normalise(&mut y, 2, R, LoudnessTarget::default()).expect("normalise");
    let (ff_after, ff_peak_after) = ffmpeg_ebur128(&format!("{name}-after"), &y);
    eprintln!(
        "{name}: ours {:?} -> {:?} LUFS, peak {:?} -> {:?} dBTP, gain {} dB; ffmpeg {ff_before} -> {ff_after} LUFS, peak {ff_peak_before} -> {ff_peak_after} dBTP",
        report.integrated_before, report.integrated_after, report.true_peak_before, report.true_peak_after, report.gain_db
    );
    // Same measurement as ffmpeg (which prints one decimal).
    assert!(
        (ours_before.expect("loud") - ff_before).abs() <= 0.11,
        "{name} before"
    );
    let after = report.integrated_after.expect("loud");
    assert!(
        (after - ff_after).abs() <= 0.11,
        "{name}: {after} vs ffmpeg {ff_after}"
    );
    assert!((after - -14.0).abs() <= 0.5, "{name}: {after} LUFS");
    assert!(
        (ff_after - -14.0).abs() <= 0.5,
        "{name}: ffmpeg {ff_after} LUFS"
    );
    assert!(
        report.true_peak_after.expect("peak") <= -1.0,
        "{name}: {report:?}"
    );
    assert!(
        ff_peak_after <= -1.0 + 0.05,
        "{name}: ffmpeg true peak {ff_peak_after}"
    );
}

#[test]
fn pink_noise_at_minus_30_comes_out_at_minus_14() {
    check_normalised("pink", pink(12.0));
}

#[test]
fn speech_at_minus_30_comes_out_at_minus_14_under_the_peak_limit() {
    // Speech has a high crest factor: +16 dB of gain would put its peaks above 0 dBFS, so this
    // exercises the limiter.
    let x = speech(12.0);
    let quiet = at_lufs(x.clone(), -30.0);
    let (_, peak) = measure(&quiet, 2, R).expect("measure");
    assert!(
        peak.expect("peak") > -15.0,
        "the slaps need limiting: {peak:?}"
    );
    check_normalised("speech", x);
}

#[test]
fn silence_is_left_alone() {
    let mut x = vec![0.0f32; 2 * R as usize * 2];
    let r = normalise(&mut x, 2, R, LoudnessTarget::default()).expect("normalise");
    assert_eq!(r.integrated_before, None);
    assert_eq!(r.gain_db, 0.0);
    assert!(x.iter().all(|&s| s == 0.0));
}

#[test]
fn the_mixer_measures_in_one_pass_and_normalises_in_the_next() {
    let clip = MixClip {
        out_start_s: 0.0,
        in_s: 0.0,
        out_s: 6.0,
        fade_in_s: 0.0,
        fade_out_s: 0.0,
        volume: 1.0,
        speed: 1.0,
    };
    let mut m = AudioMixer::new(&[clip], R, 2, 6.0)
        .expect("mixer")
        .with_loudness(Some(LoudnessTarget::default()));
    let src = at_lufs(pink(6.0), -30.0);
    let (l, r): (Vec<f32>, Vec<f32>) = src.chunks(2).map(|f| (f[0], f[1])).unzip();
    let mut out = Vec::new();
    for pass in [PassKind::Measure, PassKind::Deliver] {
        assert_eq!(m.pass().kind, pass);
        for k in (0..l.len()).step_by(4800) {
            let e = (k + 4800).min(l.len());
            m.push_source(0, k as f64 / R as f64, R, &[&l[k..e], &r[k..e]])
                .expect("push");
            while let Some(b) = m.pull(1024) {
                assert_eq!(pass, PassKind::Deliver, "nothing comes out while measuring");
                out.extend(b);
            }
        }
        m.finish_clip(0).expect("finish");
        while let Some(b) = m.pull(1024) {
            out.extend(b);
        }
        // The delivery pass streams: never much more than a block behind.
        assert!(m.held_frames() < 8192);
        assert_eq!(m.next_pass().expect("pass"), pass == PassKind::Measure);
    }
    assert!(m.is_done());
    assert_eq!(out.len(), 6 * R as usize * 2);
    let report = m.loudness_report().expect("ok").expect("report");
    let (i, tp) = measure(&out, 2, R).expect("measure");
    assert!((i.expect("loud") - -14.0).abs() <= 0.5, "{report:?}");
    assert!(tp.expect("peak") <= -1.0);
    assert!((report.integrated_before.expect("loud") - -30.0).abs() < 0.2);
}
