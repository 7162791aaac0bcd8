//! Shot cuts on the decoder's exact frames: short synthetic sequences with known cut frames, fed
//! as the browser feeds them (sampled frames analysed, the skipped ones held and handed over when
//! the next analysed frame may be a cut).

use super::episodes::{i420, texture};
use reelcut::analysis::{
    BoundaryKind, FrameView, PixelFormat, ShotBoundary, SourceAnalyzer, SourceFeatures,
};

const W: usize = 96;
const H: usize = 54;

/// A sequence of `n` frames at `fps`: shot `k` starts at frame `cuts[k - 1]` (texture `k`, drifting
/// 2 px a frame); `flashes` are (first frame, length) of white frames.
struct Sequence<'a> {
    fps: f64,
    n: usize,
    cuts: &'a [usize],
    flashes: &'a [(usize, usize)],
}

impl Sequence<'_> {
    fn frame(&self, i: usize) -> (Vec<u8>, Vec<reelcut::analysis::PlaneLayout>) {
        let shot = self.cuts.iter().filter(|&&c| c <= i).count() as u32;
        let mut pic = Vec::new();
        texture(3 * shot + 1, 2.0 * i as f32, W, H, &mut pic);
        if self.flashes.iter().any(|&(f, len)| i >= f && i < f + len) {
            pic.iter_mut().for_each(|p| *p = [245.0; 3]);
        }
        i420(&pic, W, H)
    }

    /// Analyses the sequence; `between`: whether skipped frames are handed over when asked. Also
    /// returns how many were asked for.
    fn analyse(&self, between: bool) -> (SourceFeatures, usize) {
        let mut an = SourceAnalyzer::new(self.n as f64 / self.fps, self.fps);
        let mut held = Vec::new();
        let mut handed = 0;
        for i in 0..self.n {
            let t = i as f64 / self.fps;
            if !an.wants_frame(t) {
                held.push(i);
                continue;
            }
            let buf = self.frame(i);
            an.push_frame(t, &view(&buf)).unwrap();
            if between && an.wants_between_frames() {
                for &j in &held {
                    let buf = self.frame(j);
                    an.push_between_frame(j as f64 / self.fps, &view(&buf))
                        .unwrap();
                    handed += 1;
                }
            }
            held.clear();
        }
        (an.finish(), handed)
    }
}

fn view(buf: &(Vec<u8>, Vec<reelcut::analysis::PlaneLayout>)) -> FrameView<'_> {
    FrameView {
        format: PixelFormat::I420,
        width: W as u32,
        height: H as u32,
        data: &buf.0,
        planes: buf.1.clone(),
        full_range: false,
    }
}

fn cuts(f: &SourceFeatures) -> Vec<&ShotBoundary> {
    f.shots
        .iter()
        .filter(|b| b.kind == BoundaryKind::Cut)
        .collect()
}

/// Cuts 25, 40, then a run of 3-, 3- and 1-frame shots, and 70: at 30 fps (one frame skipped
/// between analysed ones) and at 60 fps (three skipped; the shots twice as long in frames).
#[test]
fn cuts_land_on_their_exact_frames() {
    for (fps, scale) in [(30.0, 1), (60.0, 2)] {
        let truth: Vec<usize> = [25, 40, 43, 46, 47, 70].iter().map(|c| c * scale).collect();
        let seq = Sequence {
            fps,
            n: 90 * scale,
            cuts: &truth,
            flashes: &[],
        };
        let (f, handed) = seq.analyse(true);
        let found: Vec<(f64, f64)> = cuts(&f).iter().map(|b| (b.start, b.end)).collect();
        let want: Vec<(f64, f64)> = truth
            .iter()
            .map(|&c| (c as f64 / fps, c as f64 / fps))
            .collect();
        assert_eq!(
            found.len(),
            truth.len(),
            "{fps} fps: found {found:?}, want {want:?}"
        );
        for (a, b) in &found {
            assert!(
                want.iter()
                    .any(|w| (w.0 - a).abs() < 1e-9 && (w.1 - b).abs() < 1e-9),
                "{fps} fps: cut {a}-{b} is not on a true cut frame ({want:?})"
            );
        }
        // Only candidates ask for the skipped frames: a few around each cut, not every frame.
        let skipped = seq.n - f.frames.len();
        assert!(
            handed > 0 && handed <= 3 * truth.len() * scale,
            "{handed} of {skipped}"
        );
    }
}

/// Without the skipped frames a cut keeps the window the sampling allows: the old shot's last
/// analysed frame to the new shot's first, which holds the true cut but is not on it.
#[test]
fn without_the_frames_between_a_cut_keeps_its_sampling_window() {
    let truth = [25usize, 40, 70];
    let seq = Sequence {
        fps: 30.0,
        n: 90,
        cuts: &truth,
        flashes: &[],
    };
    let (f, handed) = seq.analyse(false);
    assert_eq!(handed, 0);
    let found = cuts(&f);
    assert_eq!(found.len(), truth.len(), "{found:?}");
    for (b, &c) in found.iter().zip(&truth) {
        let t = c as f64 / 30.0;
        assert!(b.start <= t + 1e-9 && b.end >= t - 1e-9, "{b:?} vs {t}");
    }
    // Odd cut frames fall between two analysed (even) frames: their window is a frame wide.
    assert!(
        found.iter().any(|b| b.end - b.start > 0.5 / 30.0),
        "{found:?}"
    );
}

/// One- and two-frame flashes inside a shot are no cut; a two-frame flash just before a cut
/// leaves one cut, on the new shot's first frame.
#[test]
fn flashes_are_no_cuts_and_a_cut_behind_a_flash_is_found() {
    let seq = Sequence {
        fps: 30.0,
        n: 90,
        cuts: &[60],
        flashes: &[(20, 1), (21 + 12, 2), (58, 2)],
    };
    let (f, _) = seq.analyse(true);
    let found = cuts(&f);
    assert_eq!(found.len(), 1, "{:?}", f.shots);
    assert!((found[0].end - 2.0).abs() < 1e-9, "{:?}", found[0]);
    // The flash belongs to neither shot: the old one ends before it.
    assert!(found[0].start <= 58.0 / 30.0 + 1e-9, "{:?}", found[0]);
    assert!(f.frames.iter().any(|x| x.flash));
}

/// A one-frame flash the sampling skips, just before a cut: found among the frames between, it is
/// left to neither shot (the old shot ends where it begins, the new one starts after it).
#[test]
fn a_flash_between_analysed_frames_belongs_to_neither_shot() {
    let seq = Sequence {
        fps: 30.0,
        n: 90,
        cuts: &[60],
        flashes: &[(59, 1)],
    };
    let (f, _) = seq.analyse(true);
    let found = cuts(&f);
    assert_eq!(found.len(), 1, "{:?}", f.shots);
    assert!((found[0].end - 2.0).abs() < 1e-9, "{:?}", found[0]);
    assert!(
        (found[0].start - 59.0 / 30.0).abs() < 1e-9,
        "{:?}",
        found[0]
    );
}
