//! Generated drama-like episodes with ground truth: calm dialogue, fast-cut climaxes, and decoys
//! that fool a naive detector (a click in a calm scene, a slow pan, a door slam without shouting,
//! a quiet reveal after a long pause). Frames are fed at the source rate through
//! `SourceAnalyzer::wants_frame` exactly as the browser's analysis loop does, audio in 1024-sample
//! packets, so what is measured is what the engine would see.

use reelcut::analysis::{FrameView, PixelFormat, PlaneLayout, SourceAnalyzer, SourceFeatures};

/// Deterministic noise in -1..1 and uniform picks.
pub struct Lcg(pub u64);
impl Lcg {
    pub fn next(&mut self) -> f32 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
    }
    /// Uniform in `lo..hi`.
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * 0.5 * (self.next() as f64 + 1.0)
    }
}

pub const RATE: u32 = 16_000;
pub const FPS: f64 = 30.0;

/// What happens in one scene.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SceneKind {
    /// Two people talking softly, a cut every few seconds.
    Calm,
    /// Shouting, impacts, a music sting, cuts every 0.3-0.8 s (with a run of 3-4 frame shots),
    /// fast motion and one- and two-frame flashes (one just before a cut): what an editor picks.
    Climax,
    /// Calm dialogue with one click (a cup on a table).
    Click,
    /// Calm dialogue over one long slow pan, no cut.
    Pan,
    /// Calm dialogue with one door slam, nobody shouts.
    Slam,
    /// Dialogue, 2.5 s of digital silence, then a soft music sting and a cut, then dialogue again.
    Reveal,
}

/// Known events of an episode, in source seconds.
#[derive(Debug, Clone, Default)]
pub struct Truth {
    pub duration_s: f64,
    pub scenes: Vec<(SceneKind, f64, f64)>,
    /// First frame of each new shot after a hard cut.
    pub cuts: Vec<f64>,
    /// Middle of each fade through black / dissolve.
    pub soft: Vec<f64>,
    /// Shouted phrases.
    pub shouting: Vec<(f64, f64)>,
    /// Impacts (climax hits, door slams), not clicks.
    pub impacts: Vec<f64>,
    /// Music stings (start).
    pub stings: Vec<f64>,
    /// White flashes: first frame (seconds) and length in frames (one or two).
    pub flashes: Vec<(f64, u32)>,
    /// Spoken words (normal and shouted).
    pub words: Vec<(f64, f64)>,
    /// The climax placed across an Average slice edge (see [`generate`]): its time span and the
    /// slice edge inside it.
    pub straddle: Option<((f64, f64), f64)>,
}

impl Truth {
    pub fn climaxes(&self) -> Vec<(f64, f64)> {
        self.scenes
            .iter()
            .filter(|s| s.0 == SceneKind::Climax)
            .map(|s| (s.1, s.2))
            .collect()
    }
}

pub struct Episode {
    pub name: String,
    pub features: SourceFeatures,
    pub truth: Truth,
}

/// One shot of picture: texture `id`, horizontal drift in px per frame.
#[derive(Clone, Copy)]
struct ShotSpec {
    start: f64,
    id: u32,
    drift: f32,
}

/// Scene structure of episode `seed`: 9-12 scenes, 2-3 climaxes, each decoy once.
fn structure(rng: &mut Lcg) -> Vec<(SceneKind, f64)> {
    use SceneKind::*;
    let climaxes = 2 + (rng.next() > 0.0) as usize;
    let mut kinds = vec![Click, Pan, Slam, Reveal];
    kinds.extend(std::iter::repeat_n(Climax, climaxes));
    let calm = 9 + (rng.range(0.0, 3.0) as usize).min(2) - kinds.len().min(9);
    kinds.extend(std::iter::repeat_n(Calm, calm.max(3)));
    // Shuffle, then keep climaxes apart and out of the first scene (an episode opens calmly).
    for i in (1..kinds.len()).rev() {
        let j = (rng.range(0.0, (i + 1) as f64) as usize).min(i);
        kinds.swap(i, j);
    }
    let mut fixed = vec![Calm];
    let mut rest = kinds;
    while !rest.is_empty() {
        let last = *fixed.last().unwrap_or(&Calm);
        let k = rest
            .iter()
            .position(|&k| !(k == Climax && last == Climax))
            .unwrap_or(0);
        fixed.push(rest.remove(k));
    }
    fixed
        .into_iter()
        .map(|k| {
            let len = match k {
                Climax => rng.range(6.0, 8.5),
                Reveal => rng.range(8.0, 10.0),
                _ => rng.range(6.5, 10.0),
            };
            (k, len)
        })
        .collect()
}

/// A smooth colourful texture, different per `id`, shifted by `dx` pixels.
pub fn texture(id: u32, dx: f32, w: usize, h: usize, out: &mut Vec<[f32; 3]>) {
    let s = (id % 23) as f32;
    // Separable: one term per column, one per row (cheap enough for debug builds).
    let a: Vec<f32> = (0..w)
        .map(|x| ((x as f32 + dx) * (0.04 + 0.013 * s) + 0.7 * s).sin())
        .collect();
    let b: Vec<f32> = (0..h)
        .map(|y| (y as f32 * (0.05 + 0.011 * (s * 1.7 % 7.0)) - 1.3 * s).cos())
        .collect();
    let base = 50.0 + (37.0 * s) % 110.0;
    out.clear();
    for bv in &b {
        for av in &a {
            out.push([
                (base + 50.0 * av + 30.0 * bv).clamp(0.0, 255.0),
                (base + 40.0 * bv - 25.0 * av + (13.0 * s) % 40.0).clamp(0.0, 255.0),
                (base + 60.0 * (av * bv) + (29.0 * s) % 50.0).clamp(0.0, 255.0),
            ]);
        }
    }
}

/// Harmonic voice sample at fundamental phase `cycles`, harmonics falling as 1/h^tilt.
pub fn voice(cycles: f64, harmonics: usize, tilt: f32) -> f32 {
    (1..=harmonics)
        .map(|h| {
            let cyc = (cycles * h as f64).fract();
            (2.0 * std::f64::consts::PI * cyc).sin() as f32 / (h as f32).powf(tilt)
        })
        .sum()
}

/// Adds a generated sound `(t, k-th sample) -> value` over `[t0, t1)` to the soundtrack.
type Put<'a> = dyn FnMut(f64, f64, &mut dyn FnMut(f64, usize) -> f32) + 'a;

/// Seconds of timeline per Average slice the calibration asks for (one highlight per ~14 s, as an
/// editor's reel of an 80-100 s episode would have).
pub const SLICE_S: f64 = 14.0;

/// Moves the first climax after the opening so that an Average slice edge (of `SLICE_S` slices
/// over the episode) falls on its middle, by lengthening or shortening the scene before it (which
/// moves the edges too). Returns the climax's index, `None` if no climax can be moved there.
fn straddle(scenes: &mut [(SceneKind, f64)]) -> Option<usize> {
    let ci = (2..scenes.len())
        .find(|&i| scenes[i].0 == SceneKind::Climax && scenes[i - 1].0 != SceneKind::Climax)?;
    for _ in 0..6 {
        let d: f64 = scenes.iter().map(|s| s.1).sum();
        let n = (d / SLICE_S).round().max(2.0);
        let mid = scenes[..ci].iter().map(|s| s.1).sum::<f64>() + 0.5 * scenes[ci].1;
        let k = (mid / (d / n)).round().clamp(1.0, n - 1.0);
        let miss = k * d / n - mid;
        if miss.abs() < 0.05 {
            return Some(ci);
        }
        // Lengthening the scene before by x moves the climax by x and the edge by x * k / n.
        let x = miss / (1.0 - k / n);
        scenes[ci - 1].1 = (scenes[ci - 1].1 + x).clamp(4.0, 14.0);
    }
    None
}

/// Audio and picture plan of an episode, then the analysis run over it. With `across_edge`, one
/// climax lies across an Average slice edge with an unclean middle: one long shot (no cut) and
/// one unbroken shout over 2.6 s around the edge, so neither slice's clip can end there cleanly
/// and a calm clip with clean edges in the same slice competes with it (issue 10's failure).
pub fn generate(seed: u64, portrait: bool, across_edge: bool) -> Episode {
    let mut rng = Lcg(seed.wrapping_mul(7919).wrapping_add(17));
    let mut scenes = structure(&mut rng);
    let held = if across_edge {
        straddle(&mut scenes)
    } else {
        None
    };
    let mut truth = Truth::default();
    let mut shots: Vec<ShotSpec> = Vec::new();
    // Soft transitions (start, end, fade through black?, old texture, new texture).
    let mut softs: Vec<(f64, f64, bool, u32, u32)> = Vec::new();
    let mut pending_soft: Option<(f64, bool)> = None;
    let mut t = 0.0;
    let mut next_id = (seed as u32 * 5) % 11;
    let mut new_id = || {
        next_id += 1;
        next_id
    };
    let dur: f64 = scenes.iter().map(|s| s.1).sum();
    let n = (dur * RATE as f64) as usize;
    let mut audio = vec![0f32; n];
    // Digital silences (no room tone), filled in after the scenes.
    let mut silences: Vec<(f64, f64)> = Vec::new();
    let speaker_f0 = [rng.range(105.0, 130.0), rng.range(190.0, 225.0)];
    let frame = |t: f64| (t * FPS).round() / FPS;
    for (si, &(kind, len)) in scenes.iter().enumerate() {
        let (a, b) = (frame(t), frame(t + len));
        truth.scenes.push((kind, a, b));
        // Scene change: mostly a hard cut, sometimes a fade or a dissolve.
        if si > 0 {
            let r = rng.next();
            let moving = |k: SceneKind| matches!(k, SceneKind::Climax | SceneKind::Pan);
            if r > 0.5 && !moving(kind) && !moving(scenes[si - 1].0) {
                pending_soft = Some((a, r > 0.75));
                truth.soft.push(a);
            } else {
                truth.cuts.push(a);
            }
        }
        let id = new_id();
        if let Some((at, fade)) = pending_soft.take() {
            let old = shots.last().map_or(0, |s| s.id);
            softs.push((at - 0.3, at + 0.3, fade, old, id));
        }
        shots.push(ShotSpec {
            start: a,
            id,
            drift: if kind == SceneKind::Pan { 1.2 } else { 0.0 },
        });
        // The unclean middle of the climax across a slice edge: no cut, no breath.
        let hold = (held == Some(si)).then(|| {
            let mid = frame(0.5 * (a + b));
            (mid - 1.3, mid + 1.3)
        });
        if let Some(h) = hold {
            let edge = frame(0.5 * (a + b));
            truth.straddle = Some(((a, b), edge));
            debug_assert!(h.0 > a && h.1 < b);
        }
        match kind {
            SceneKind::Climax => {
                let mut c = a + rng.range(0.3, 0.8);
                // Once per climax a run of very short shots (3, 3 and 4 frames) and once a white
                // flash on the last two frames of a shot, just before the cut.
                let (mut short, mut flash_cut) = (0, false);
                while c < b - 0.3 {
                    if let Some(h) = hold.filter(|h| c > h.0 && c < h.1) {
                        c = h.1 + 0.05;
                        continue;
                    }
                    let c0 = frame(c);
                    shots.push(ShotSpec {
                        start: c0,
                        id: new_id(),
                        drift: 4.0 * rng.next(),
                    });
                    truth.cuts.push(c0);
                    c = if (short == 0 && c0 > a + 2.0) || (1..3).contains(&short) {
                        short += 1;
                        c0 + [3.0, 3.0, 4.0][short - 1] / FPS
                    } else {
                        c0 + rng.range(0.3, 0.8)
                    };
                    if short == 3 && !flash_cut && c < b - 0.3 && c - c0 > 0.3 {
                        flash_cut = true;
                        truth.flashes.push((frame(c) - 2.0 / FPS, 2));
                    }
                }
                // Flashes of one or two frames inside shots.
                let mut fl = a + rng.range(1.0, 1.5);
                let mut len = 1 + (seed % 2) as u32;
                while fl < b - 0.5 {
                    let f0 = frame(fl);
                    if truth.cuts.iter().all(|&c| (c - f0).abs() > 0.15) {
                        truth.flashes.push((f0, len));
                        len = 3 - len;
                    }
                    fl += rng.range(1.4, 2.2);
                }
            }
            SceneKind::Pan => {}
            _ => {
                let mut c = a + rng.range(3.0, 5.0);
                while c < b - 2.0 {
                    let c0 = frame(c);
                    shots.push(ShotSpec {
                        start: c0,
                        id: new_id(),
                        drift: 0.0,
                    });
                    truth.cuts.push(c0);
                    c += rng.range(3.0, 5.0);
                }
            }
        }
        // Sound of the scene.
        let mut put = |t0: f64, t1: f64, f: &mut dyn FnMut(f64, usize) -> f32| {
            let (i0, i1) = (
                (t0 * RATE as f64) as usize,
                ((t1 * RATE as f64) as usize).min(n),
            );
            for (k, i) in (i0..i1).enumerate() {
                audio[i] += f(i as f64 / RATE as f64, k);
            }
        };
        let dialogue = |from: f64, to: f64, rng: &mut Lcg, truth: &mut Truth, put: &mut Put| {
            let mut w = from + rng.range(0.2, 0.5);
            let mut who = (rng.next() > 0.0) as usize;
            while w < to - 0.6 {
                let words = 3 + (rng.range(0.0, 3.0) as usize);
                for _ in 0..words {
                    let wl = rng.range(0.25, 0.45);
                    if w + wl > to - 0.3 {
                        break;
                    }
                    let f0 = speaker_f0[who] * rng.range(0.95, 1.05);
                    truth.words.push((w, w + wl));
                    let mut ph = 0.0;
                    put(w, w + wl, &mut |_, k| {
                        ph += f0 / RATE as f64;
                        let x = k as f32 / (wl as f32 * RATE as f32);
                        let env = (std::f32::consts::PI * x).sin().powf(0.5);
                        0.014 * env * voice(ph, 6, 1.2)
                    });
                    w += wl + rng.range(0.06, 0.14);
                }
                w += rng.range(0.45, 0.9);
                who = 1 - who;
            }
        };
        match kind {
            SceneKind::Climax => {
                // Sting: a loud sustained chord under the first second and a half.
                truth.stings.push(a);
                let f = rng.range(220.0, 300.0);
                put(a, a + 1.6, &mut |t, _| {
                    let x = t - a;
                    let env = (x / 0.05).min(1.0) as f32 * (1.0 - (x / 1.6) as f32).max(0.0);
                    0.06 * env
                        * [1.0, 1.26, 1.5]
                            .iter()
                            .map(|r| (2.0 * std::f64::consts::PI * f * r * t).sin() as f32)
                            .sum::<f32>()
                });
                // Shouted phrases with breaths, high and bright.
                let mut p = a + 0.5;
                while p < b - 0.8 {
                    let mut pl = rng.range(1.0, 1.8).min(b - 0.3 - p);
                    if let Some(h) = hold.filter(|h| p < h.1 && p + pl + 0.5 > h.0) {
                        pl = h.1 - p;
                    }
                    truth.shouting.push((p, p + pl));
                    truth.words.push((p, p + pl));
                    let f0 = speaker_f0[0] * rng.range(2.2, 2.6);
                    let mut ph = 0.0;
                    put(p, p + pl, &mut |t, _| {
                        ph += (f0 + 25.0 * (2.0 * std::f64::consts::PI * 0.9 * t).sin())
                            / RATE as f64;
                        let am = 0.7 + 0.3 * (2.0 * std::f64::consts::PI * 3.0 * t).sin() as f32;
                        0.08 * am * voice(ph, 14, 0.6)
                    });
                    p += pl + rng.range(0.3, 0.5);
                }
                // Hits.
                let mut h = a + rng.range(0.7, 1.2);
                let mut noise = Lcg(seed ^ 0xABCD ^ (si as u64) << 8);
                while h < b - 0.3 {
                    truth.impacts.push(h);
                    put(h, h + 0.12, &mut |t, _| {
                        let x = (t - h) as f32;
                        0.6 * noise.next() * (-x / 0.03).exp()
                            + 0.3
                                * (2.0 * std::f32::consts::PI * 70.0 * x).sin()
                                * (-x / 0.05).exp()
                    });
                    h += rng.range(0.9, 1.4);
                }
            }
            SceneKind::Reveal => {
                let quiet = a + rng.range(2.5, 3.5);
                dialogue(a, quiet, &mut rng, &mut truth, &mut put);
                let resume = quiet + 2.5;
                // Digital silence (no room tone), then a soft sting and a cut, then dialogue.
                silences.push((quiet, resume));
                let cut = frame(resume);
                shots.push(ShotSpec {
                    start: cut,
                    id: new_id(),
                    drift: 0.0,
                });
                truth.cuts.push(cut);
                truth.stings.push(resume);
                let f = rng.range(180.0, 240.0);
                put(resume, resume + 1.5, &mut |t, _| {
                    let x = t - resume;
                    let env = (x / 0.1).min(1.0) as f32 * (1.0 - (x / 1.5) as f32).max(0.0);
                    0.02 * env
                        * [1.0, 1.2, 1.5]
                            .iter()
                            .map(|r| (2.0 * std::f64::consts::PI * f * r * t).sin() as f32)
                            .sum::<f32>()
                });
                dialogue(resume + 1.7, b, &mut rng, &mut truth, &mut put);
            }
            _ => {
                dialogue(a, b, &mut rng, &mut truth, &mut put);
                let at = rng.range(a + 2.0, b - 2.0);
                match kind {
                    SceneKind::Click => {
                        put(at, at + 0.02, &mut |t, _| {
                            let x = (t - at) as f32;
                            0.12 * (2.0 * std::f32::consts::PI * 3000.0 * x).sin()
                                * (-x / 0.002).exp()
                        });
                    }
                    SceneKind::Slam => {
                        truth.impacts.push(at);
                        let mut noise = Lcg(seed ^ 0x5151);
                        put(at, at + 0.25, &mut |t, _| {
                            let x = (t - at) as f32;
                            0.5 * noise.next() * (-x / 0.04).exp()
                                + 0.35
                                    * (2.0 * std::f32::consts::PI * 55.0 * x).sin()
                                    * (-x / 0.08).exp()
                        });
                    }
                    _ => {}
                }
            }
        }
        t += len;
    }
    for (i, v) in audio.iter_mut().enumerate() {
        let t = i as f64 / RATE as f64;
        if !silences.iter().any(|&(a, b)| t >= a && t < b) {
            *v += 0.0015 * rng.next();
        }
    }
    truth.duration_s = frame(dur);
    truth.cuts.sort_by(f64::total_cmp);
    truth.words.sort_by(|x, y| x.0.total_cmp(&y.0));
    // Analysis, frames at the source rate through the sampling rule.
    let (w, h) = if portrait { (90, 160) } else { (160, 90) };
    let mut an = SourceAnalyzer::new(truth.duration_s, FPS);
    for (k, chunk) in audio.chunks(1024).enumerate() {
        an.push_audio((k * 1024) as f64 / RATE as f64, RATE, &[chunk]);
    }
    let nf = (truth.duration_s * FPS).round() as usize;
    let (mut pic, mut other) = (Vec::new(), Vec::new());
    let mut picture = |t: f64| {
        let si = shots.partition_point(|s| s.start <= t + 1e-9).max(1) - 1;
        let s = shots[si];
        let k = ((t - s.start) * FPS) as f32;
        texture(s.id, s.drift * k, w, h, &mut pic);
        if truth
            .flashes
            .iter()
            .any(|&(f, len)| t >= f - 1e-9 && t < f + len as f64 / FPS - 1e-9)
        {
            pic.iter_mut().for_each(|p| *p = [245.0; 3]);
        }
        if let Some(&(s0, s1, fade, old, new)) = softs.iter().find(|x| t >= x.0 && t < x.1) {
            let r = ((t - s0) / (s1 - s0)) as f32;
            texture(old, 0.0, w, h, &mut other);
            texture(new, 0.0, w, h, &mut pic);
            if fade {
                let (k, src) = if r < 0.5 {
                    (1.0 - 2.0 * r, &other)
                } else {
                    (2.0 * r - 1.0, &pic)
                };
                let faded: Vec<[f32; 3]> =
                    src.iter().map(|c| [c[0] * k, c[1] * k, c[2] * k]).collect();
                pic = faded;
            } else {
                for (p, o) in pic.iter_mut().zip(&other) {
                    for c in 0..3 {
                        p[c] = o[c] + r * (p[c] - o[c]);
                    }
                }
            }
        }
        i420(&pic, w, h)
    };
    fn view(buf: &(Vec<u8>, Vec<PlaneLayout>), w: usize, h: usize) -> FrameView<'_> {
        FrameView {
            format: PixelFormat::I420,
            width: w as u32,
            height: h as u32,
            data: &buf.0,
            planes: buf.1.clone(),
            full_range: false,
        }
    }
    // As the browser does: frames the sampling skips are held until the next analysed frame,
    // which asks for them when it may be a cut.
    let mut held = Vec::new();
    for i in 0..nf {
        let t = i as f64 / FPS;
        if !an.wants_frame(t) {
            held.push(t);
            continue;
        }
        if let Err(e) = an.push_frame(t, &view(&picture(t), w, h)) {
            panic!("{e}");
        }
        if an.wants_between_frames() {
            for &b in &held {
                an.push_between_frame(b, &view(&picture(b), w, h)).unwrap();
            }
        }
        held.clear();
    }
    Episode {
        name: format!(
            "seed {seed} {}",
            if portrait { "portrait" } else { "landscape" }
        ),
        features: an.finish(),
        truth,
    }
}

/// BT.709 limited-range I420 of an RGB picture.
pub fn i420(p: &[[f32; 3]], w: usize, h: usize) -> (Vec<u8>, Vec<PlaneLayout>) {
    let q = |v: f32| v.round().clamp(0.0, 255.0) as u8;
    let yuv = |c: [f32; 3]| {
        let y = 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
        [
            16.0 + y * 219.0 / 255.0,
            128.0 + (c[2] - y) / 1.8556 * 224.0 / 255.0,
            128.0 + (c[0] - y) / 1.5748 * 224.0 / 255.0,
        ]
    };
    let (cw, ch) = (w / 2, h / 2);
    let mut data = vec![0u8; w * h + 2 * cw * ch];
    for (i, c) in p.iter().enumerate() {
        data[i] = q(yuv(*c)[0]);
    }
    for y in 0..ch {
        for x in 0..cw {
            let c = yuv(p[2 * y * w + 2 * x]);
            data[w * h + y * cw + x] = q(c[1]);
            data[w * h + cw * ch + y * cw + x] = q(c[2]);
        }
    }
    let planes = vec![
        PlaneLayout {
            offset: 0,
            stride: w,
        },
        PlaneLayout {
            offset: w * h,
            stride: cw,
        },
        PlaneLayout {
            offset: w * h + cw * ch,
            stride: cw,
        },
    ];
    (data, planes)
}
