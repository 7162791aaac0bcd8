//! Native micro-timing of pixel transitions (not a test, nothing asserted): milliseconds per frame
//! of `filmburn`, the heaviest gl-transition, at 1280x720 and 1080x1920 and at the middle of the
//! transition, with `crosszoom` (a 41-tap blur per pixel) and `burn` (RGB, one read per picture)
//! drawn alongside for scale.
//!
//! `cargo run --release -p reelcut-kernels --example transition_timing [name ...]` (default: those
//! three)

use std::time::Instant;

use reelcut_kernels::picture::Picture;
use reelcut_kernels::transitions::Pixel;

/// Median and fastest milliseconds of `n` runs of `f` (the machine is shared: the fastest run is
/// the one least disturbed by other processes).
fn time(n: usize, mut f: impl FnMut()) -> (f64, f64) {
    let mut ms: Vec<f64> = (0..n)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    ms.sort_by(f64::total_cmp);
    (ms[n / 2], ms[0])
}

/// A busy `w x h` picture (every byte varies), shifted by `seed`.
fn picture(w: usize, h: usize, seed: usize) -> Picture {
    let data = (0..w * h * 3 / 2)
        .map(|i| ((i * 7 + i / w * 3 + seed) % 220 + 16) as u8)
        .collect();
    Picture::from_i420(w, h, data).expect("even size")
}

fn main() {
    let mut names: Vec<String> = std::env::args().skip(1).collect();
    if names.is_empty() {
        names = ["filmburn", "crosszoom", "burn"].map(String::from).to_vec();
    }
    for (w, h) in [(1280, 720), (1080, 1920)] {
        let (a, b) = (picture(w, h, 0), picture(w, h, 101));
        let mut out = a.clone();
        for name in &names {
            let kind = Pixel::from_name(name).expect("a pixel transition's name");
            // ffmpeg progress 0.5: the middle, where the blur is widest.
            kind.draw(&a, &b, 0.5, [0, 0, 0], &mut out);
            let (median, best) = time(9, || kind.draw(&a, &b, 0.5, [0, 0, 0], &mut out));
            println!("{name} {w}x{h}: {median:.1} ms/frame median, {best:.1} fastest");
        }
    }
}
