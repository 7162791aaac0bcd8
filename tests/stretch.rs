//! `Output.Speed`: the pitch-kept time-stretch (src/render/stretch.rs) and the mixer playing a clip
//! slower. Duration scales by 1 / speed; a sine and a speech-like harmonic voice keep their
//! frequency (FFT peak, parabolic interpolation); no sample step is much larger than the input's.

use reelcut::render::stretch::stretch_all;
use reelcut::render::{AudioMixer, MixClip};
use rustfft::num_complex::Complex;
use rustfft::FftPlanner;

const R: u32 = 48_000;

fn mono_to_stereo(x: &[f32]) -> Vec<[f32; 2]> {
    x.iter().map(|&v| [v, v]).collect()
}

fn sine(f: f64, seconds: f64, amp: f32) -> Vec<f32> {
    let n = (seconds * R as f64) as usize;
    (0..n)
        .map(|i| amp * (2.0 * std::f64::consts::PI * f * i as f64 / R as f64).sin() as f32)
        .collect()
}

/// A voiced, speech-like signal: f0 with 12 harmonics under two formant bumps (500 Hz, 1500 Hz),
/// a 3 % vibrato at 5 Hz and syllables (4 Hz amplitude envelope).
fn voice(f0: f64, seconds: f64) -> Vec<f32> {
    let n = (seconds * R as f64) as usize;
    let mut phase = 0.0f64;
    (0..n)
        .map(|i| {
            let t = i as f64 / R as f64;
            let f = f0 * (1.0 + 0.03 * (2.0 * std::f64::consts::PI * 5.0 * t).sin());
            phase += 2.0 * std::f64::consts::PI * f / R as f64;
            let syllable = 0.55 - 0.45 * (2.0 * std::f64::consts::PI * 4.0 * t).cos();
            let mut v = 0.0;
            for k in 1..=12 {
                let fk = f0 * k as f64;
                let formant = (-((fk - 500.0) / 300.0).powi(2)).exp()
                    + 0.5 * (-((fk - 1500.0) / 400.0).powi(2)).exp();
                v += (1.0 / k as f64 + formant) * (k as f64 * phase).sin();
            }
            (0.12 * syllable * v) as f32
        })
        .collect()
}

/// Magnitude spectrum of a Hann-windowed `x[from..from + n]`.
fn spectrum(x: &[f32], from: usize, n: usize) -> Vec<f64> {
    let mut buf: Vec<Complex<f64>> = (0..n)
        .map(|i| {
            let w = 0.5 - 0.5 * (2.0 * std::f64::consts::PI * i as f64 / n as f64).cos();
            Complex::new(x[from + i] as f64 * w, 0.0)
        })
        .collect();
    FftPlanner::new().plan_fft_forward(n).process(&mut buf);
    buf[..n / 2].iter().map(|c| c.norm()).collect()
}

/// Frequency of the strongest peak between `lo` and `hi` Hz, with parabolic interpolation.
fn peak_hz(x: &[f32], from: usize, n: usize, lo: f64, hi: f64) -> f64 {
    let s = spectrum(x, from, n);
    let bin = R as f64 / n as f64;
    let (a, b) = ((lo / bin) as usize, (hi / bin) as usize);
    let k = (a..b).max_by(|&i, &j| s[i].total_cmp(&s[j])).expect("bins");
    let (l, c, r) = (s[k - 1].ln(), s[k].ln(), s[k + 1].ln());
    let d = 0.5 * (l - r) / (l - 2.0 * c + r);
    (k as f64 + d) * bin
}

/// Power-weighted mean frequency between `lo` and `hi` Hz of the whole of `x`: the average pitch
/// of a partial whose frequency moves (vibrato), where the strongest bin is not.
fn centroid_hz(x: &[f32], lo: f64, hi: f64) -> f64 {
    let s = spectrum(x, 0, x.len());
    let bin = R as f64 / x.len() as f64;
    let (a, b) = ((lo / bin) as usize, (hi / bin) as usize);
    let (num, den) = (a..b).fold((0.0, 0.0), |(n, d), k| {
        let p = s[k] * s[k];
        (n + p * k as f64 * bin, d + p)
    });
    num / den
}

fn max_step(x: &[f32]) -> f32 {
    x.windows(2)
        .map(|w| (w[1] - w[0]).abs())
        .fold(0.0, f32::max)
}

fn left(x: &[[f32; 2]]) -> Vec<f32> {
    x.iter().map(|f| f[0]).collect()
}

#[test]
fn a_sine_keeps_its_pitch_and_has_no_clicks() {
    let x = sine(440.0, 3.0, 0.5);
    for speed in [0.5, 0.75, 0.9] {
        let y = left(&stretch_all(&mono_to_stereo(&x), R, speed).expect("stretch"));
        assert_eq!(
            y.len(),
            (x.len() as f64 / speed).round() as usize,
            "length at {speed}"
        );
        // 1 s windows in the middle of the output: 1 Hz bins.
        for from in [R as usize / 2, y.len() / 2] {
            let f = peak_hz(&y, from, R as usize, 300.0, 600.0);
            eprintln!("sine at speed {speed}: {f:.3} Hz at {from}");
            assert!(
                (f - 440.0).abs() < 1.0,
                "speed {speed}: {f:.2} Hz at {from}"
            );
        }
        // The level is kept (the windows sum to one): RMS of the middle within 1 dB.
        let mid = &y[y.len() / 4..3 * y.len() / 4];
        let rms = (mid.iter().map(|v| v * v).sum::<f32>() / mid.len() as f32).sqrt();
        let want = 0.5 / 2f32.sqrt();
        assert!(
            (20.0 * (rms / want).log10()).abs() < 1.0,
            "speed {speed}: rms {rms} vs {want}"
        );
        // A click is a step much larger than the sine's own steepest step.
        let (sx, sy) = (max_step(&x), max_step(&y[2_000..y.len() - 2_000]));
        eprintln!("sine at speed {speed}: max step {sy:.4} (input {sx:.4}), rms {rms:.4}");
        assert!(sy < sx * 1.5, "speed {speed}: max step {sy} vs input {sx}");
    }
}

#[test]
fn a_voice_keeps_its_fundamental_and_harmonics() {
    let x = voice(150.0, 4.0);
    let y = left(&stretch_all(&mono_to_stereo(&x), R, 0.5).expect("stretch"));
    assert_eq!(y.len(), 2 * x.len());
    // Whole signals: the same source material before and after, 0.25 Hz / 0.125 Hz bins, so the
    // vibrato averages out the same way in both.
    let f_in = centroid_hz(&x, 120.0, 180.0);
    let f_out = centroid_hz(&y, 120.0, 180.0);
    assert!((f_in - 150.0).abs() < 2.0, "input f0 {f_in:.1}");
    eprintln!("voice at speed 0.5: f0 {f_in:.2} -> {f_out:.2} Hz");
    assert!((f_out - f_in).abs() < 1.5, "f0 {f_in:.2} -> {f_out:.2} Hz");
    // The first formant's strongest harmonic (the 3rd, 450 Hz) stays where it was.
    let h_in = centroid_hz(&x, 390.0, 510.0);
    let h_out = centroid_hz(&y, 390.0, 510.0);
    assert!(
        (h_out - h_in).abs() < 3.0,
        "3rd harmonic {h_in:.1} -> {h_out:.1} Hz"
    );
    let (sx, sy) = (max_step(&x), max_step(&y[2_000..y.len() - 2_000]));
    assert!(sy < sx * 1.5, "max step {sy} vs input {sx}");
}

#[test]
fn the_mixer_plays_a_clip_at_half_speed() {
    // Two seconds of source play as four output seconds.
    let clip = MixClip {
        out_start_s: 0.0,
        in_s: 10.0,
        out_s: 12.0,
        fade_in_s: 0.0,
        fade_out_s: 0.0,
        volume: 1.0,
        speed: 0.5,
    };
    let mut m = AudioMixer::new(&[clip], R, 2, 4.0).expect("mixer");
    assert_eq!(m.total_frames(), 4 * R as u64);
    // Decoded at 44.1 kHz, in chunks, as a decoder delivers them.
    let rate = 44_100u32;
    let src: Vec<f32> = (0..2 * rate as usize)
        .map(|i| 0.5 * (2.0 * std::f64::consts::PI * 440.0 * i as f64 / rate as f64).sin() as f32)
        .collect();
    for (k, chunk) in src.chunks(1024).enumerate() {
        let t = 10.0 + (k * 1024) as f64 / rate as f64;
        m.push_source(0, t, rate, &[chunk]).expect("push");
    }
    m.finish_clip(0).expect("finish");
    let mut out = Vec::new();
    while let Some(b) = m.pull(1000) {
        out.extend(b.chunks(2).map(|f| f[0]));
    }
    assert!(m.is_done());
    assert_eq!(out.len(), 4 * R as usize);
    let f = peak_hz(&out, R as usize, R as usize, 300.0, 600.0);
    assert!((f - 440.0).abs() < 1.0, "{f:.2} Hz");
    // Sound to the end (not padded silence): the last half second is still the tone.
    let tail = &out[out.len() - R as usize / 2 - 1_000..out.len() - 1_000];
    let rms = (tail.iter().map(|v| v * v).sum::<f32>() / tail.len() as f32).sqrt();
    assert!(rms > 0.3, "tail rms {rms}");
}

#[test]
fn a_chord_keeps_its_notes_and_level() {
    // A major triad (A4, C#5, E5): music, where WSOLA has no single period to lock on to.
    let notes = [440.0, 554.37, 659.26];
    let n = 4 * R as usize;
    let x: Vec<f32> = (0..n)
        .map(|i| {
            let t = i as f64 / R as f64;
            notes
                .iter()
                .map(|f| 0.2 * (2.0 * std::f64::consts::PI * f * t).sin())
                .sum::<f64>() as f32
        })
        .collect();
    let y = left(&stretch_all(&mono_to_stereo(&x), R, 0.5).expect("stretch"));
    assert_eq!(y.len(), 2 * n);
    // Each note's power-weighted frequency over 4 s (WSOLA splices a chord at ~33 Hz, which
    // smears each partial a little: the bound is 0.35 %, 6 cents, about the smallest pitch step
    // a listener notices).
    let mid = &y[2 * R as usize..6 * R as usize];
    for f in notes {
        let got = centroid_hz(mid, f - 20.0, f + 20.0);
        let cents = 1200.0 * (got / f).log2();
        eprintln!("chord at speed 0.5: {f} Hz -> {got:.2} Hz ({cents:+.1} cents)");
        assert!(
            cents.abs() < 6.0,
            "{f} Hz came out at {got:.2} ({cents:+.1} cents)"
        );
    }
    let rms = |v: &[f32]| (v.iter().map(|s| s * s).sum::<f32>() / v.len() as f32).sqrt();
    let level = 20.0 * (rms(&y[R as usize..7 * R as usize]) / rms(&x)).log10();
    eprintln!("chord at speed 0.5: level {level:+.2} dB");
    assert!(level.abs() < 1.5, "level changed by {level:.2} dB");
}
