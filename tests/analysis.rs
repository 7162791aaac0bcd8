//! Analysis on synthetic signals and generated frames with known events.

use reelcut::analysis::resample::{downmix, AudioStream, Resampler, ANALYSIS_RATE};
use reelcut::analysis::video::{THUMB_H, THUMB_W};
use reelcut::analysis::{
    find_highlights, AudioFeatures, BoundaryKind, FrameView, HighlightOptions, PixelFormat,
    PlaneLayout, Profile, SelectionMode, SourceAnalyzer, SourceFeatures, Thumbnail,
};
use std::f32::consts::PI;

// ---------- helpers ----------

/// Deterministic noise in -1..1.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> f32 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
    }
}

/// Feeds a mono signal in packets of 1024 samples with exact timestamps.
fn push_mono(an: &mut SourceAnalyzer, rate: u32, x: &[f32], t0: f64) {
    for (k, chunk) in x.chunks(1024).enumerate() {
        an.push_audio(t0 + (k * 1024) as f64 / rate as f64, rate, &[chunk]);
    }
}

fn audio_features(rate: u32, x: &[f32]) -> AudioFeatures {
    let mut an = SourceAnalyzer::new(x.len() as f64 / rate as f64, 30.0);
    push_mono(&mut an, rate, x, 0.0);
    an.finish().audio.expect("audio features")
}

/// Sine sample `i` of a tone at `f` Hz, phase computed in f64 (f32 phase noise would leak).
fn tone_at(f: f32, i: usize, rate: u32) -> f32 {
    (2.0 * std::f64::consts::PI * f as f64 * i as f64 / rate as f64).sin() as f32
}

/// Harmonic "voice" sample at time t with a constant f0.
fn voice(t: f64, f0: f32, harmonics: usize, tilt: f32) -> f32 {
    voice_phase(f0 as f64 * t, harmonics, tilt)
}

/// Harmonic "voice" sample at fundamental phase `cycles` (in cycles), harmonics falling as 1/h^tilt.
fn voice_phase(cycles: f64, harmonics: usize, tilt: f32) -> f32 {
    (1..=harmonics)
        .map(|h| {
            let cyc = (cycles * h as f64).fract();
            (2.0 * std::f64::consts::PI * cyc).sin() as f32 / (h as f32).powf(tilt)
        })
        .sum()
}

fn rms(x: &[f32]) -> f32 {
    (x.iter().map(|v| v * v).sum::<f32>() / x.len().max(1) as f32).sqrt()
}

/// Frequency from zero crossings.
fn zc_freq(x: &[f32], rate: f32) -> f32 {
    let c = x.windows(2).filter(|p| p[0] < 0.0 && p[1] >= 0.0).count();
    c as f32 * rate / x.len() as f32
}

// ---------- audio ----------

#[test]
fn loudness_jump_found_at_the_step() {
    // Room tone, then a quiet voice-level tone, then ten times louder: the jump is measured from the
    // quiet tone (what was heard before), 20 dB.
    let rate = 48_000;
    let mut rng = Lcg(3);
    let x: Vec<f32> = (0..rate as usize * 8)
        .map(|i| {
            let t = i as f32 / rate as f32;
            if t < 1.5 {
                return 1e-3 * rng.next();
            }
            let a = if t < 5.0 { 0.02 } else { 0.2 };
            a * tone_at(440.0, i, rate)
        })
        .collect();
    let a = audio_features(rate, &x);
    let (imax, jmax) = a
        .jump_lu
        .iter()
        .copied()
        .enumerate()
        .fold((0, f32::MIN), |b, (i, v)| if v > b.1 { (i, v) } else { b });
    let t = a.time(imax);
    assert!((t - 5.0).abs() < 0.1, "jump at {t}");
    assert!((jmax - 20.0).abs() < 2.5, "jump {jmax} dB");
    // Before the step nothing jumps: the quiet tone after room tone is this source's usual level.
    let before = a.jump_lu[..a.hop_at(4.5).unwrap_or(0)]
        .iter()
        .copied()
        .fold(f32::MIN, f32::max);
    assert!(before < 3.0, "{before}");
}

#[test]
fn the_first_word_after_digital_silence_is_no_jump() {
    // Speech, 3 s of digital silence, the same speech again: no loudness jump at its return.
    let rate = 16_000;
    let x: Vec<f32> = (0..rate as usize * 9)
        .map(|i| {
            let t = i as f64 / rate as f64;
            if (3.0..6.0).contains(&t) || t % 1.0 > 0.7 {
                0.0
            } else {
                0.02 * voice(t, 140.0, 6, 1.0)
            }
        })
        .collect();
    let a = audio_features(rate, &x);
    let at_return = a.jump_lu[a.hop_at(5.9).unwrap_or(0)..a.hop_at(6.3).unwrap_or(0)]
        .iter()
        .copied()
        .fold(f32::MIN, f32::max);
    assert!(at_return.abs() < 3.0, "jump {at_return} dB after silence");
}

#[test]
fn onsets_at_clicks() {
    let rate = 44_100;
    let mut rng = Lcg(7);
    let clicks = [1.0f32, 1.7, 2.5, 3.2];
    let mut x: Vec<f32> = (0..rate as usize * 4).map(|_| 1e-4 * rng.next()).collect();
    for &c in &clicks {
        let s = (c * rate as f32) as usize;
        for k in 0..(0.03 * rate as f32) as usize {
            x[s + k] += 0.5 * rng.next() * (-(k as f32) / (0.005 * rate as f32)).exp();
        }
    }
    let a = audio_features(rate, &x);
    assert_eq!(a.onsets.len(), clicks.len(), "{:?}", a.onsets);
    for (o, &c) in a.onsets.iter().zip(&clicks) {
        assert!((o.t - c as f64).abs() < 0.03, "onset {} vs {c}", o.t);
        assert!(o.rise_db > 20.0);
    }
}

#[test]
fn centroid_rises_with_a_sweep() {
    let rate = 16_000;
    let dur = 4.0f32;
    let (f0, f1) = (300.0f32, 6000.0f32);
    let mut phase = 0.0f32;
    let x: Vec<f32> = (0..(rate as f32 * dur) as usize)
        .map(|i| {
            let t = i as f32 / rate as f32;
            phase += 2.0 * PI * (f0 + (f1 - f0) * t / dur) / rate as f32;
            0.3 * phase.sin()
        })
        .collect();
    let a = audio_features(rate, &x);
    let at = |t: f64| a.centroid_hz[a.hop_at(t).unwrap_or(0)];
    let cs: Vec<f32> = [0.5, 1.5, 2.5, 3.5].iter().map(|&t| at(t)).collect();
    assert!(cs.windows(2).all(|w| w[1] > w[0] + 500.0), "{cs:?}");
    let expect = f0 + (f1 - f0) * 2.5 / dur;
    assert!(
        (cs[2] - expect).abs() < 0.15 * expect,
        "{} vs {expect}",
        cs[2]
    );
}

#[test]
fn pauses_between_speech_like_bursts() {
    let rate = 48_000;
    let bursts = [(0.5f32, 2.0f32), (2.6, 4.0), (5.0, 6.2)];
    let x: Vec<f32> = (0..rate as usize * 7)
        .map(|i| {
            let t = i as f32 / rate as f32;
            if bursts.iter().any(|&(a, b)| t >= a && t < b) {
                let am = 0.6 + 0.4 * (2.0 * PI * 4.0 * t).sin();
                0.05 * am * voice(i as f64 / rate as f64, 150.0, 6, 1.0)
            } else {
                0.0
            }
        })
        .collect();
    let mut an = SourceAnalyzer::new(7.0, 30.0);
    push_mono(&mut an, rate, &x, 0.0);
    let f = an.finish();
    let a = f.audio.as_ref().expect("audio");
    for (gap_a, gap_b) in [(2.0, 2.6), (4.0, 5.0)] {
        let p = f
            .pauses
            .iter()
            .find(|p| p.start < gap_b && p.end > gap_a)
            .unwrap_or_else(|| panic!("{:?}", f.pauses));
        assert!(
            (p.start - gap_a).abs() < 0.06 && (p.end - gap_b).abs() < 0.06,
            "{p:?} vs {gap_a}..{gap_b}"
        );
    }
    // No pause inside a burst; speech inside, none in the gaps.
    for &(s, e) in &bursts {
        assert!(
            !f.pauses
                .iter()
                .any(|p| p.start > s as f64 + 0.1 && p.end < e as f64 - 0.1),
            "{:?}",
            f.pauses
        );
        assert!(a.speech_at((s + e) as f64 / 2.0));
    }
    assert!(!a.speech_at(2.3) && !a.speech_at(4.5));
}

#[test]
fn pitch_of_a_200_hz_harmonic_signal() {
    let rate = 48_000;
    let x: Vec<f32> = (0..rate as usize * 2)
        .map(|i| 0.1 * voice(i as f64 / rate as f64, 200.0, 8, 1.0))
        .collect();
    let a = audio_features(rate, &x);
    let mut p: Vec<f32> = a.pitch_hz.iter().copied().filter(|&v| v > 0.0).collect();
    assert!(
        p.len() > a.len() * 8 / 10,
        "voiced {} of {}",
        p.len(),
        a.len()
    );
    p.sort_by(|x, y| x.total_cmp(y));
    let med = p[p.len() / 2];
    assert!((med - 200.0).abs() < 3.0, "pitch {med}");
}

#[test]
fn downmix_5_1_uses_standard_coefficients() {
    let s = [0.8f32; 16];
    let z = [0.0f32; 16];
    let mut out = Vec::new();
    let only = |ch: usize| -> Vec<&[f32]> {
        (0..6)
            .map(|c| if c == ch { &s[..] } else { &z[..] })
            .collect()
    };
    for (ch, gain) in [
        (0, 0.70710677),
        (1, 0.70710677),
        (2, 1.0),
        (3, 0.0),
        (4, 0.5),
        (5, 0.5),
    ] {
        out.clear();
        downmix(&only(ch), &mut out);
        assert!(
            (out[3] - 0.8 * gain).abs() < 1e-5,
            "channel {ch}: {}",
            out[3]
        );
    }
    out.clear();
    downmix(&[&s, &z], &mut out);
    assert!((out[0] - 0.4).abs() < 1e-6);
}

#[test]
fn resampling_keeps_1k_and_removes_10k() {
    for rate in [44_100u32, 48_000] {
        let tone = |f: f32| -> Vec<f32> {
            (0..rate as usize * 2)
                .map(|i| tone_at(f, i, rate))
                .collect()
        };
        let mut r = Resampler::new(rate, ANALYSIS_RATE);
        let mut out = Vec::new();
        r.process(&tone(1000.0), &mut out);
        r.flush(&mut out);
        assert!(
            (out.len() as i64 - 32_000).abs() <= 2,
            "{rate}: {} samples",
            out.len()
        );
        let mid = &out[4000..28_000];
        let f = zc_freq(mid, ANALYSIS_RATE as f32);
        assert!((f - 1000.0).abs() < 2.0, "{rate}: {f} Hz");
        assert!(
            (rms(mid) - std::f32::consts::FRAC_1_SQRT_2).abs() < 0.01,
            "{rate}: rms {}",
            rms(mid)
        );
        let mut r = Resampler::new(rate, ANALYSIS_RATE);
        let mut out = Vec::new();
        r.process(&tone(10_000.0), &mut out);
        assert!(
            rms(&out[4000..28_000]) < 1e-3,
            "{rate}: 10 kHz leaks {}",
            rms(&out[4000..28_000])
        );
    }
}

#[test]
fn upsampling_8k_keeps_the_tone() {
    let rate = 8000u32;
    let x: Vec<f32> = (0..rate as usize)
        .map(|i| tone_at(500.0, i, rate))
        .collect();
    let mut r = Resampler::new(rate, ANALYSIS_RATE);
    let mut out = Vec::new();
    r.process(&x, &mut out);
    let f = zc_freq(&out[2000..14_000], 16_000.0);
    assert!((f - 500.0).abs() < 2.0, "{f}");
}

#[test]
fn stream_repairs_gaps_and_overlaps() {
    let rate = 48_000u32;
    let pk = vec![0.1f32; 4800]; // 0.1 s packets
    let mut s = AudioStream::new();
    let mut out = Vec::new();
    s.push(10.0, rate, &[&pk], &mut out);
    s.push(10.1, rate, &[&pk], &mut out);
    s.push(10.3, rate, &[&pk], &mut out); // 0.1 s gap → silence
    s.push(10.35, rate, &[&pk], &mut out); // 0.05 s overlap → dropped
    s.push(20.0, 44_100, &[&vec![0.1f32; 4410]], &mut out); // jump and rate change
    s.finish(&mut out);
    assert_eq!(s.t0(), Some(10.0));
    // Output covers 10.0 .. 10.45, then 20.0 .. 20.1 at 16 kHz.
    assert!((out.len() as i64 - 161_600).abs() <= 4, "{}", out.len());
    let at = |t: f64| out[((t - 10.0) * 16_000.0) as usize];
    assert!(
        (at(10.05) - 0.1).abs() < 1e-3 && at(10.25).abs() < 1e-3 && (at(10.4) - 0.1).abs() < 1e-3
    );
    assert!(at(15.0).abs() < 1e-6 && (at(20.05) - 0.1).abs() < 1e-3);
}

#[test]
fn odd_audio_input_does_not_panic() {
    let mut an = SourceAnalyzer::new(f64::NAN, 0.0);
    an.push_audio(0.0, 48_000, &[]);
    an.push_audio(f64::NAN, 48_000, &[&[0.5; 100]]);
    an.push_audio(0.0, 0, &[&[0.5; 100]]);
    an.push_audio(0.0, 48_000, &[&[f32::NAN; 960], &[f32::INFINITY; 960]]);
    let nine: Vec<&[f32]> = vec![&[0.1f32; 10][..]; 9];
    an.push_audio(0.02, 48_000, &nine);
    let f = an.finish();
    let r = find_highlights(&[f], &HighlightOptions::default());
    assert!(r.highlights.len() <= 1);
}

// ---------- frames ----------

const W: usize = 160;
const H: usize = 90;

/// A test picture: smooth colourful texture depending on `shot`, shifted by `dx` pixels.
fn picture(shot: u32, dx: f32) -> Vec<[f32; 3]> {
    let s = shot as f32;
    (0..W * H)
        .map(|i| {
            let (x, y) = ((i % W) as f32 + dx, (i / W) as f32);
            let a = (x * (0.05 + 0.02 * s) + s).sin();
            let b = (y * (0.07 + 0.01 * s) - 2.0 * s).cos();
            let base = 60.0 + 25.0 * s % 90.0;
            [
                (base + 50.0 * a + 30.0 * b).clamp(0.0, 255.0),
                (base + 40.0 * b - 20.0 * a + 10.0 * s).clamp(0.0, 255.0),
                (base + 60.0 * (a * b) + 30.0).clamp(0.0, 255.0),
            ]
        })
        .collect()
}

fn scale_pic(p: &[[f32; 3]], k: f32) -> Vec<[f32; 3]> {
    p.iter().map(|c| [c[0] * k, c[1] * k, c[2] * k]).collect()
}

fn mix(a: &[[f32; 3]], b: &[[f32; 3]], r: f32) -> Vec<[f32; 3]> {
    a.iter()
        .zip(b)
        .map(|(x, y)| {
            [
                x[0] + r * (y[0] - x[0]),
                x[1] + r * (y[1] - x[1]),
                x[2] + r * (y[2] - x[2]),
            ]
        })
        .collect()
}

/// BT.709 limited-range YUV of an RGB pixel.
fn yuv(c: [f32; 3]) -> [f32; 3] {
    let y = 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
    let cb = (c[2] - y) / 1.8556;
    let cr = (c[0] - y) / 1.5748;
    [
        16.0 + y * 219.0 / 255.0,
        128.0 + cb * 224.0 / 255.0,
        128.0 + cr * 224.0 / 255.0,
    ]
}

/// An encoded frame: bytes plus layout.
struct Buf {
    format: PixelFormat,
    data: Vec<u8>,
    planes: Vec<PlaneLayout>,
}

impl Buf {
    fn view(&self) -> FrameView<'_> {
        FrameView {
            format: self.format,
            width: W as u32,
            height: H as u32,
            data: &self.data,
            planes: self.planes.clone(),
            full_range: false,
        }
    }
}

fn q(v: f32) -> u8 {
    v.round().clamp(0.0, 255.0) as u8
}

/// I420 with padded strides and a leading offset, planes in a shuffled order.
fn to_i420(p: &[[f32; 3]]) -> Buf {
    let (cw, ch) = (W / 2, H / 2);
    let (ys, cs) = (W + 32, cw + 16);
    let v_off = 100;
    let u_off = v_off + cs * ch + 7;
    let y_off = u_off + cs * ch + 5;
    let mut data = vec![0xEEu8; y_off + ys * H];
    for y in 0..H {
        for x in 0..W {
            data[y_off + y * ys + x] = q(yuv(p[y * W + x])[0]);
        }
    }
    for y in 0..ch {
        for x in 0..cw {
            let mut acc = [0.0f32; 3];
            for (dy, dx) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
                let c = yuv(p[(2 * y + dy) * W + 2 * x + dx]);
                acc.iter_mut().zip(c).for_each(|(a, v)| *a += v / 4.0);
            }
            data[u_off + y * cs + x] = q(acc[1]);
            data[v_off + y * cs + x] = q(acc[2]);
        }
    }
    let planes = vec![
        PlaneLayout {
            offset: y_off,
            stride: ys,
        },
        PlaneLayout {
            offset: u_off,
            stride: cs,
        },
        PlaneLayout {
            offset: v_off,
            stride: cs,
        },
    ];
    Buf {
        format: PixelFormat::I420,
        data,
        planes,
    }
}

fn to_nv12(p: &[[f32; 3]]) -> Buf {
    let i = to_i420(p);
    let (cw, ch) = (W / 2, H / 2);
    let ys = W + 8;
    let uvs = W + 24;
    let mut data = vec![0u8; 64 + ys * H + uvs * ch];
    let y_off = 64;
    let uv_off = y_off + ys * H;
    let src =
        |pl: usize, x: usize, y: usize| i.data[i.planes[pl].offset + y * i.planes[pl].stride + x];
    for y in 0..H {
        for x in 0..W {
            data[y_off + y * ys + x] = src(0, x, y);
        }
    }
    for y in 0..ch {
        for x in 0..cw {
            data[uv_off + y * uvs + 2 * x] = src(1, x, y);
            data[uv_off + y * uvs + 2 * x + 1] = src(2, x, y);
        }
    }
    let planes = vec![
        PlaneLayout {
            offset: y_off,
            stride: ys,
        },
        PlaneLayout {
            offset: uv_off,
            stride: uvs,
        },
    ];
    Buf {
        format: PixelFormat::NV12,
        data,
        planes,
    }
}

fn to_packed(p: &[[f32; 3]], format: PixelFormat) -> Buf {
    let stride = W * 4 + 12;
    let off = 20;
    let mut data = vec![0u8; off + stride * H];
    for y in 0..H {
        for x in 0..W {
            let c = p[y * W + x];
            let px = match format {
                PixelFormat::BGRA | PixelFormat::BGRX => [q(c[2]), q(c[1]), q(c[0]), 255],
                _ => [q(c[0]), q(c[1]), q(c[2]), 255],
            };
            data[off + y * stride + 4 * x..off + y * stride + 4 * x + 4].copy_from_slice(&px);
        }
    }
    Buf {
        format,
        data,
        planes: vec![PlaneLayout {
            offset: off,
            stride,
        }],
    }
}

fn thumb(b: &Buf) -> Thumbnail {
    match Thumbnail::from_frame(&b.view()) {
        Ok(t) => t,
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn thumbnails_agree_across_pixel_formats() {
    let p = picture(3, 0.0);
    let reference = thumb(&to_packed(&p, PixelFormat::RGBA));
    assert_eq!(reference.luma.len(), THUMB_W * THUMB_H);
    let mean = reference.luma.iter().sum::<f32>() / reference.luma.len() as f32;
    let spread =
        reference.luma.iter().map(|v| (v - mean).abs()).sum::<f32>() / reference.luma.len() as f32;
    assert!(
        spread > 10.0,
        "test picture is not textured enough: {spread}"
    );
    for b in [to_i420(&p), to_nv12(&p), to_packed(&p, PixelFormat::BGRX)] {
        let t = thumb(&b);
        let worst = t
            .luma
            .iter()
            .zip(&reference.luma)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f32::max);
        assert!(worst < 2.0, "{:?}: luma differs by {worst}", b.format);
        let cworst =
            t.cb.iter()
                .zip(&reference.cb)
                .chain(t.cr.iter().zip(&reference.cr))
                .map(|(a, b)| (a - b).abs())
                .fold(0.0, f32::max);
        assert!(cworst < 3.0, "{:?}: chroma differs by {cworst}", b.format);
    }
}

/// Runs frames (at `fps`) through a source analyser, audio-less.
fn analyse_frames(frames: &[Vec<[f32; 3]>], fps: f64) -> SourceFeatures {
    let mut an = SourceAnalyzer::with_max_fps(frames.len() as f64 / fps, fps, fps);
    for (i, p) in frames.iter().enumerate() {
        let t = i as f64 / fps;
        assert!(an.wants_frame(t));
        if let Err(e) = an.push_frame(t, &to_i420(p).view()) {
            panic!("{e}");
        }
    }
    an.finish()
}

#[test]
fn cuts_fades_and_dissolves() {
    let fps = 15.0;
    let mut fr = Vec::new();
    let drift = |i: usize| 0.4 * i as f32; // a slow pan keeps the picture alive
    for i in 0..30 {
        fr.push(picture(1, drift(i)));
    }
    for i in 30..60 {
        fr.push(picture(2, drift(i)));
    }
    for i in 60..68 {
        fr.push(scale_pic(
            &picture(2, drift(i)),
            1.0 - (i - 59) as f32 / 8.0,
        )); // fade out, 67 is black
    }
    for _ in 68..75 {
        fr.push(scale_pic(&picture(2, 0.0), 0.0));
    }
    for i in 75..83 {
        fr.push(scale_pic(&picture(3, drift(i)), (i - 74) as f32 / 8.0)); // fade in
    }
    for i in 83..110 {
        fr.push(picture(3, drift(i)));
    }
    for i in 110..120 {
        fr.push(mix(
            &picture(3, drift(i)),
            &picture(5, drift(i)),
            (i - 109) as f32 / 11.0,
        ));
    }
    for i in 120..150 {
        fr.push(picture(5, drift(i)));
    }
    let f = analyse_frames(&fr, fps);
    let kinds: Vec<(BoundaryKind, f64)> = f.shots.iter().map(|b| (b.kind, b.t * fps)).collect();
    assert_eq!(kinds.len(), 4, "{kinds:?}");
    let (k, t) = kinds[0];
    assert!(
        k == BoundaryKind::Cut && (t - 30.0).abs() < 0.01,
        "{kinds:?}"
    );
    let (k, t) = kinds[1];
    assert!(
        k == BoundaryKind::FadeOut && (66.0..=67.0).contains(&t),
        "{kinds:?}"
    );
    let (k, t) = kinds[2];
    assert!(
        k == BoundaryKind::FadeIn && (t - 75.0).abs() <= 1.5,
        "{kinds:?}"
    );
    let (k, t) = kinds[3];
    assert!(
        k == BoundaryKind::Dissolve && (t - 114.5).abs() <= 3.0,
        "{kinds:?}"
    );
    // Cut edges: the old shot ends after frame 29, the new starts at frame 30.
    let cut = f.shots[0];
    assert!((cut.end - 2.0).abs() < 1e-9 && cut.start <= cut.end && cut.start > 29.0 / fps);
    let black: Vec<usize> = (0..f.frames.len()).filter(|&i| f.frames[i].black).collect();
    assert!(
        black.contains(&70) && !black.contains(&60) && !black.contains(&90),
        "{black:?}"
    );
}

#[test]
fn flash_is_flagged_and_not_a_cut() {
    let fps = 15.0;
    let mut fr: Vec<Vec<[f32; 3]>> = (0..40).map(|i| picture(4, 0.3 * i as f32)).collect();
    fr[20] = vec![[250.0; 3]; W * H];
    fr[21] = scale_pic(&picture(4, 0.3 * 21.0), 1.8);
    let f = analyse_frames(&fr, fps);
    let flashes: Vec<usize> = (0..40).filter(|&i| f.frames[i].flash).collect();
    assert_eq!(flashes, vec![20, 21]);
    assert!(f.shots.is_empty(), "{:?}", f.shots);
}

/// `picture` magnified by `s` about the centre.
fn zoomed(shot: u32, s: f32) -> Vec<[f32; 3]> {
    let base = picture(shot, 0.0);
    let (cx, cy) = ((W as f32 - 1.0) / 2.0, (H as f32 - 1.0) / 2.0);
    (0..W * H)
        .map(|i| {
            let (x, y) = ((i % W) as f32, (i / W) as f32);
            let (sx, sy) = (cx + (x - cx) / s, cy + (y - cy) / s);
            let (xi, yi) = (
                (sx.round() as usize).min(W - 1),
                (sy.round() as usize).min(H - 1),
            );
            base[yi * W + xi]
        })
        .collect()
}

#[test]
fn zoom_is_detected() {
    let fps = 15.0;
    let mut fr: Vec<Vec<[f32; 3]>> = (0..10).map(|_| zoomed(6, 1.0)).collect();
    for k in 1..=8 {
        fr.push(zoomed(6, 1.06f32.powi(k)));
    }
    let f = analyse_frames(&fr, fps);
    for (i, x) in f.frames.iter().enumerate() {
        if i > 10 {
            assert!(
                (x.zoom - 1.06f32.ln()).abs() < 0.025,
                "frame {i}: {}",
                x.zoom
            );
        } else if i > 0 && i < 10 {
            assert_eq!(x.zoom, 0.0, "frame {i}");
        }
    }
    assert!(f.shots.is_empty(), "{:?}", f.shots);
}

#[test]
fn frame_sampling_and_bad_frames() {
    let mut an = SourceAnalyzer::new(2.0, 60.0);
    let p = to_i420(&picture(1, 0.0));
    let mut taken = 0;
    for i in 0..120 {
        let t = i as f64 / 60.0;
        if an.wants_frame(t) {
            taken += 1;
            assert!(an.push_frame(t, &p.view()).is_ok());
        }
    }
    assert_eq!(taken, 30);
    let mut bad = p.view();
    bad.planes[2].offset = p.data.len();
    assert!(an.push_frame(3.0, &bad).is_err());
    let zero = FrameView {
        width: 0,
        ..p.view()
    };
    assert!(an.push_frame(3.1, &zero).is_err());
    assert!(an.push_frame(f64::NAN, &p.view()).is_err());
    let f = an.finish();
    assert_eq!(f.frames.len(), 30);
}

// ---------- scoring ----------

const CLIMAXES: [(f64, f64); 2] = [(20.0, 27.0), (44.0, 51.0)];
const DRAMA_S: f64 = 64.0;

fn in_climax(t: f64) -> bool {
    CLIMAXES.iter().any(|&(a, b)| t >= a && t < b)
}

/// A generated drama: calm dialogue (one soft voice with word pauses, static-ish shots, a cut every
/// 8 s) and two climaxes (loud bright shouting, impacts, a cut every 0.5 s, flashes).
fn drama() -> SourceFeatures {
    static DRAMA: std::sync::OnceLock<SourceFeatures> = std::sync::OnceLock::new();
    DRAMA.get_or_init(make_drama).clone()
}

fn make_drama() -> SourceFeatures {
    let fps = 15.0;
    let rate = 16_000u32;
    let mut an = SourceAnalyzer::new(DRAMA_S, fps);
    let mut rng = Lcg(11);
    let n = (DRAMA_S * rate as f64) as usize;
    let mut x = vec![0f32; n];
    let (mut shout_ph, mut calm_ph) = (0f64, 0f64);
    for (i, v) in x.iter_mut().enumerate() {
        let t = i as f64 / rate as f64;
        let tf = t as f32;
        shout_ph += (330.0 + 20.0 * (2.0 * PI * 0.7 * tf).sin()) as f64 / rate as f64;
        calm_ph += (120.0 + 8.0 * (2.0 * PI * 0.3 * tf).sin()) as f64 / rate as f64;
        *v = 0.002 * rng.next();
        if in_climax(t) {
            // Shouting: high pitch, many strong harmonics, phrases of 1.6 s with 0.4 s breaths.
            if (t % 2.0) < 1.6 {
                let am = 0.7 + 0.3 * (2.0 * PI * 3.0 * tf).sin();
                *v += 0.08 * am * voice_phase(shout_ph, 14, 0.6);
            }
            // Impacts every 1.1 s.
            let ph = t % 1.1;
            if ph < 0.04 {
                *v += 0.7 * rng.next() * (-(ph as f32) / 0.008).exp();
            }
        } else if (t % 3.0) < 2.3 {
            let am = 0.6 + 0.4 * (2.0 * PI * 4.0 * tf).sin();
            *v += 0.012 * am * voice_phase(calm_ph, 6, 1.2);
        }
    }
    push_mono(&mut an, rate, &x, 0.0);
    let nf = (DRAMA_S * fps) as usize;
    let mut flash_k = 0;
    for i in 0..nf {
        let t = i as f64 / fps;
        let pic = if in_climax(t) {
            let shot = 10 + (t / 0.5) as u32 % 7;
            let ph = t % 1.5;
            if ph < 2.0 / fps {
                flash_k += 1;
                vec![[245.0; 3]; W * H]
            } else {
                picture(shot, 3.0 * i as f32)
            }
        } else {
            picture((t / 8.0) as u32 % 4, 0.0)
        };
        if an.wants_frame(t) {
            if let Err(e) = an.push_frame(t, &to_i420(&pic).view()) {
                panic!("{e}");
            }
        }
    }
    assert!(flash_k > 4);
    an.finish()
}

fn check_edges(f: &SourceFeatures, start: f64, end: f64) {
    let on_pause = |t: f64| {
        f.pauses
            .iter()
            .any(|p| t >= p.start - 1e-6 && t <= p.end + 1e-6)
    };
    let start_cut = f.shots.iter().any(|b| (b.end - start).abs() < 1e-9);
    let end_cut = f.shots.iter().any(|b| (b.start - end).abs() < 1e-9);
    let start_ok = on_pause(start) || start_cut || start == 0.0;
    let end_ok = on_pause(end) || end_cut || end == f.duration_s;
    assert!(
        start_ok && end_ok,
        "clip {start}..{end} is not on cuts/pauses"
    );
    // Off a cut, an edge lies where nobody speaks (on a cut speech may run across: SPEC section 7).
    let a = f.audio.as_ref().expect("audio");
    assert!(
        (start_cut || !a.speech_at(start)) && (end_cut || !a.speech_at(end - 0.005)),
        "clip {start}..{end} cuts a word"
    );
}

#[test]
fn scene_mode_finds_the_climaxes_first() {
    let f = drama();
    assert!(f.shots.len() > 20, "{}", f.shots.len());
    let opts = HighlightOptions {
        mode: SelectionMode::Scene,
        max_count: Some(4),
        ..HighlightOptions::default()
    };
    let r = find_highlights(std::slice::from_ref(&f), &opts);
    assert_eq!(r.profile, "drama");
    assert!(r.highlights.len() >= 2, "{r:?}");
    let top: Vec<_> = r.highlights.iter().take(2).collect();
    for h in &top {
        let mid = 0.5 * (h.start + h.end);
        assert!(in_climax(mid), "top highlight {h:?} is not a climax");
        assert!(h.score > 0.6, "{h:?}");
        assert!(
            h.reasons.iter().any(|r| r.contains("rapid cutting")),
            "{h:?}"
        );
    }
    assert!(
        top[0].start.max(top[1].start) - top[0].start.min(top[1].start) > 15.0,
        "both in one climax: {top:?}"
    );
    for w in r.highlights.windows(2) {
        assert!(w[0].score >= w[1].score);
    }
    for (i, h) in r.highlights.iter().enumerate() {
        let len = h.end - h.start;
        assert!((1.0..=15.0 + 1e-9).contains(&len), "{h:?}");
        assert!((0.0..=1.0).contains(&h.score));
        check_edges(&f, h.start, h.end);
        for g in &r.highlights[i + 1..] {
            assert!(
                h.end <= g.start + 1e-9 || g.end <= h.start + 1e-9,
                "overlap {h:?} {g:?}"
            );
        }
    }
    // Calm material scores clearly lower than the climaxes.
    let overlaps_climax =
        |h: &reelcut::analysis::Highlight| CLIMAXES.iter().any(|&(a, b)| h.start < b && h.end > a);
    if let Some(calm) = r.highlights.iter().find(|h| !overlaps_climax(h)) {
        assert!(calm.score < top[1].score - 0.2, "{calm:?} vs {:?}", top[1]);
    }
    let tl = &r.timeline[0];
    let at = |t: f64| tl.values[((t - tl.start) / tl.step_s) as usize];
    assert!(
        at(23.0) > at(10.0) + 0.3 && at(47.0) > at(35.0) + 0.3,
        "{:?}",
        tl.values
    );
}

#[test]
fn average_mode_spreads_highlights() {
    let f = drama();
    let opts = HighlightOptions {
        mode: SelectionMode::Average,
        max_count: Some(4),
        ..HighlightOptions::default()
    };
    let r = find_highlights(std::slice::from_ref(&f), &opts);
    assert_eq!(r.highlights.len(), 4, "{r:?}");
    // One highlight per slice: in time order the k-th highlight overlaps slice k and reaches at most
    // half a clip (7.5 s) past its edges (a climax across an edge is taken whole by one slice).
    let slice = DRAMA_S / 4.0;
    let mut by_time = r.highlights.clone();
    by_time.sort_by(|a, b| a.start.total_cmp(&b.start));
    for (k, h) in by_time.iter().enumerate() {
        let (s0, s1) = (k as f64 * slice, (k + 1) as f64 * slice);
        assert!(
            h.start < s1 && h.end > s0 && h.start >= s0 - 7.5 - 1e-9 && h.end <= s1 + 7.5 + 1e-9,
            "{h:?} is not slice {k}'s ({s0}..{s1})"
        );
        check_edges(&f, h.start, h.end);
    }
    // Every climax is a highlight of its own.
    for &(a, b) in &CLIMAXES {
        assert!(
            r.highlights
                .iter()
                .any(|h| h.start < b && h.end > a && in_climax(0.5 * (h.start + h.end))),
            "climax {a}..{b} missing: {r:?}"
        );
    }
    // The slices holding climaxes score higher than the calm ones.
    let best = &r.highlights[0];
    assert!(in_climax(0.5 * (best.start + best.end)), "{best:?}");
}

#[test]
fn target_total_and_ranges_are_respected() {
    let f = drama();
    let opts = HighlightOptions {
        mode: SelectionMode::Scene,
        max_count: Some(10),
        target_total_s: Some(12.0),
        ranges: vec![(30.0, 60.0)],
        ..HighlightOptions::default()
    };
    let r = find_highlights(std::slice::from_ref(&f), &opts);
    let total: f64 = r.highlights.iter().map(|h| h.end - h.start).sum();
    assert!(total <= 12.0 + 1e-9 && !r.highlights.is_empty(), "{r:?}");
    assert!(r
        .highlights
        .iter()
        .all(|h| h.start >= 30.0 && h.end <= 60.0));
    assert!(in_climax(
        0.5 * (r.highlights[0].start + r.highlights[0].end)
    ));
}

#[test]
fn profiles_and_notes() {
    let opts = HighlightOptions::with_content(Some("cats on a sofa"));
    assert_eq!(opts.profile, Profile::Drama);
    let f = drama();
    let r = find_highlights(&[f], &opts);
    assert!(
        r.notes.iter().any(|n| n.contains("'cats on a sofa'")),
        "{:?}",
        r.notes
    );
    assert_eq!(
        HighlightOptions::with_content(Some("meeting")).profile,
        Profile::Meeting
    );
    assert_eq!(Profile::from_content(Some("Sports")).0.name(), "sports");
}

#[test]
fn video_only_and_audio_only_sources() {
    let f = drama();
    let video_only = SourceFeatures {
        audio: None,
        pauses: vec![],
        ..f.clone()
    };
    let audio_only = SourceFeatures {
        frames: vec![],
        shots: vec![],
        ..f
    };
    let opts = HighlightOptions {
        mode: SelectionMode::Scene,
        max_count: Some(2),
        ..HighlightOptions::default()
    };
    for (name, src) in [("video", video_only), ("audio", audio_only)] {
        let r = find_highlights(std::slice::from_ref(&src), &opts);
        assert!(!r.highlights.is_empty(), "{name}: {r:?}");
        let h = &r.highlights[0];
        assert!(in_climax(0.5 * (h.start + h.end)), "{name}: {h:?}");
        assert!(
            r.notes.iter().any(|n| n.contains("no ")),
            "{name}: {:?}",
            r.notes
        );
    }
    let empty = find_highlights(&[SourceFeatures::default()], &opts);
    assert!(empty.highlights.is_empty());
}

mod decode_plan {
    use reelcut::analysis::sampling::DecodePlan;
    use reelcut::media::bitstream::FrameReference::{self, NonReference, Reference};

    /// Feeds `(display index, kind)` in decode order at 30 fps; returns the display indices decoded.
    fn decoded(order: &[(i64, FrameReference)], start_s: f64, end_s: f64) -> Vec<i64> {
        let mut plan = DecodePlan::new(15.0, 30.0, start_s, end_s);
        let mut out: Vec<i64> = order
            .iter()
            .filter(|&&(i, kind)| plan.should_decode(i * 33_333, kind))
            .map(|&(i, _)| i)
            .collect();
        out.sort();
        out
    }

    /// x264's default GOP pattern with a B-pyramid, in decode order: I0 P4 B2(ref) b1 b3 P8 B6 b5 b7 ...
    fn pyramid(groups: i64) -> Vec<(i64, FrameReference)> {
        let mut v = vec![(0, Reference)];
        for g in 0..groups {
            let base = g * 4;
            v.extend([
                (base + 4, Reference),
                (base + 2, Reference),
                (base + 1, NonReference),
                (base + 3, NonReference),
            ]);
        }
        v
    }

    #[test]
    fn a_pyramid_needs_only_its_references_at_15_fps() {
        let kept = decoded(&pyramid(10), 0.0, 100.0);
        assert_eq!(kept, (0..=40).step_by(2).collect::<Vec<_>>());
    }

    #[test]
    fn without_a_pyramid_enough_b_frames_are_kept_to_fill_the_gaps() {
        // I0 P4 b1 b2 b3 P8 b5 b6 b7 ...: references are 133 ms apart, too far for 15 fps.
        let mut order = vec![(0, Reference)];
        for g in 0..10 {
            let b = g * 4;
            order.extend([
                (b + 4, Reference),
                (b + 1, NonReference),
                (b + 2, NonReference),
                (b + 3, NonReference),
            ]);
        }
        let kept = decoded(&order, 0.0, 100.0);
        for pair in kept.windows(2) {
            assert!(
                pair[1] - pair[0] <= 2,
                "gap between {pair:?} is over 2 frames"
            );
        }
        assert!(kept.len() < 41, "some b-frames are skipped: {kept:?}");
    }

    #[test]
    fn non_reference_frames_outside_the_range_are_never_decoded() {
        // All P frames non-reference except every 8th: decoded only inside 1 s..2 s.
        let order: Vec<_> = (0..90)
            .map(|i| (i, if i % 8 == 0 { Reference } else { NonReference }))
            .collect();
        let kept = decoded(&order, 1.0, 2.0);
        assert!(
            kept.iter()
                .filter(|&&i| i % 8 != 0)
                .all(|&i| (31..=60).contains(&i)),
            "{kept:?}"
        ); // frame 30 is at 0.99999 s
        assert!(
            kept.iter().any(|&i| i % 8 != 0),
            "frames inside the range are still sampled"
        );
    }

    #[test]
    fn a_frame_whose_next_reference_is_unknown_is_decoded() {
        // Temporal layers: the non-reference frame arrives before the reference after it.
        let order: Vec<_> = (0..20)
            .map(|i| (i, if i % 2 == 0 { Reference } else { NonReference }))
            .collect();
        assert_eq!(decoded(&order, 0.0, 100.0), (0..20).collect::<Vec<_>>());
    }
}

mod exact_cut {
    use reelcut::analysis::cuts::exact_cut;
    use reelcut::analysis::{FrameView, PixelFormat, PlaneLayout, Thumbnail};

    fn grey(level: u8) -> Thumbnail {
        let (w, h) = (32u32, 18u32);
        let data = vec![level; (w * h * 4) as usize];
        let view = FrameView {
            format: PixelFormat::RGBA,
            width: w,
            height: h,
            data: &data,
            planes: vec![PlaneLayout {
                offset: 0,
                stride: (w * 4) as usize,
            }],
            full_range: true,
        };
        Thumbnail::from_frame(&view).expect("thumbnail")
    }

    #[test]
    fn the_cut_is_the_frame_that_differs_most_from_the_one_before() {
        // Old shot darkening slightly, then the new shot at 1.0 s.
        let frames = vec![
            (0.933, grey(60)),
            (0.967, grey(62)),
            (1.0, grey(200)),
            (1.033, grey(198)),
        ];
        assert_eq!(exact_cut(&frames), Some(1.0));
        assert_eq!(exact_cut(&frames[..1]), None);
    }
}
