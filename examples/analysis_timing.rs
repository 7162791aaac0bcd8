//! Native micro-timing of the analysis' own work (not a test, nothing asserted), each stage alone
//! so a change to one shows in its own figure: 60 s of 48 kHz stereo through the downmix, the
//! 48 -> 16 kHz resampler and the audio feature hops, and the frame features of 900 thumbnails
//! (60 s sampled at 15 fps) of a panning, changing picture.
//!
//! `cargo run --release --example analysis_timing`

use std::time::Instant;

use reelcut::analysis::audio::AudioAnalyzer;
use reelcut::analysis::frames::FrameAnalyzer;
use reelcut::analysis::resample::AudioStream;
use reelcut::analysis::video::{CHROMA_H, CHROMA_W, THUMB_H, THUMB_W};
use reelcut::analysis::Thumbnail;

/// Fastest of `n` runs of `f`, in milliseconds (the machine is shared: the fastest run is the
/// one least disturbed by other processes).
fn fastest(n: usize, mut f: impl FnMut()) -> f64 {
    (0..n)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1e3
        })
        .fold(f64::INFINITY, f64::min)
}

fn main() {
    const RATE: u32 = 48_000;
    const PACKET: usize = 1024;
    let seconds = 60usize;
    // A voiced tone with a slow vibrato plus a little noise: every feature has work to do.
    let mut seed = 1u32;
    let left: Vec<f32> = (0..RATE as usize * seconds)
        .map(|i| {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            let t = i as f32 / RATE as f32;
            let f0 = 160.0 + 20.0 * (0.5 * t).sin();
            0.3 * (std::f32::consts::TAU * f0 * t).sin() + 0.02 * (seed >> 8) as f32 / 16_777_216.0
        })
        .collect();
    let right: Vec<f32> = left.iter().map(|v| 0.8 * v).collect();

    let mut mono16 = Vec::new();
    let resample_ms = fastest(3, || {
        let mut stream = AudioStream::new();
        mono16.clear();
        for (k, (l, r)) in left.chunks(PACKET).zip(right.chunks(PACKET)).enumerate() {
            let t = (k * PACKET) as f64 / RATE as f64;
            stream.push(t, RATE, &[l, r], &mut mono16);
        }
    });
    let features_ms = fastest(3, || {
        let mut analyzer = AudioAnalyzer::new(0.0);
        for block in mono16.chunks(4096) {
            analyzer.push(block);
        }
        std::hint::black_box(analyzer.finish());
    });
    // A textured picture panning right and slowly brightening, with a cut every 4 s.
    let thumbs: Vec<Thumbnail> = (0..900)
        .map(|k| {
            let (shot, pan) = (k / 60, (k % 60) as f32 * 0.4);
            let luma = (0..THUMB_W * THUMB_H)
                .map(|i| {
                    let (x, y) = ((i % THUMB_W) as f32 + pan, (i / THUMB_W) as f32);
                    let v = (x * 0.31 + shot as f32).sin() * (y * 0.23).cos();
                    (128.0 + 90.0 * v + k as f32 * 0.01).clamp(0.0, 255.0)
                })
                .collect();
            let chroma = |c: f32| {
                (0..CHROMA_W * CHROMA_H)
                    .map(|i| c * ((i as f32 * 0.7 + shot as f32).sin()))
                    .collect()
            };
            Thumbnail {
                luma,
                cb: chroma(20.0),
                cr: chroma(-15.0),
            }
        })
        .collect();
    let frames_ms = fastest(3, || {
        let mut analyzer = FrameAnalyzer::new(15.0);
        for (k, th) in thumbs.iter().enumerate() {
            analyzer.push(k as f64 / 15.0, th.clone());
        }
        std::hint::black_box(analyzer.finish());
    });
    println!(
        "{{\"audio_s\": {seconds}, \"downmix_resample_ms\": {resample_ms:.1}, \"audio_features_ms\": {features_ms:.1}, \"frames\": {}, \"frame_features_ms\": {frames_ms:.1}}}",
        thumbs.len()
    );
}
