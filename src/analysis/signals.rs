//! Per-source score signals on a fixed 0.1 s grid, normalised so profiles can weight them.
//!
//! Level-like signals (loudness, motion, pitch, brightness, colour) are robust z-scores against the
//! source's own median and MAD, so a quiet film and a loud one are judged by their own standards.
//! Event-like signals (loudness jumps in LU, cuts per second, flashes, zoom rate) use fixed physical
//! scales, so calm material does not get inflated. Every signal is clamped to 0..3.

use super::shots::BoundaryKind;
use super::SourceFeatures;

/// Grid step in seconds.
pub const CELL_S: f64 = 0.1;
/// Silence at least this long is "long silence": no highlight may contain it.
pub const LONG_SILENCE_S: f64 = 2.0;
/// Window over which cuts are counted for the cut rate.
pub const CUT_WINDOW_S: f64 = 4.0;

/// How far above the source's typical loudness (LU) an onset's body must be to count as an impact.
pub const IMPACT_OVER_TYPICAL_LU: f32 = 10.0;
/// Shouting: at least this much louder (LU) than the source's typical loudness ...
pub const SHOUT_OVER_TYPICAL_LU: f32 = 6.0;
/// ... with a pitch at least this ratio above the speaking register (the 75th percentile of voiced
/// pitch at normal level, so the higher of two voices in a dialogue is the reference) ...
pub const SHOUT_PITCH_RATIO: f32 = 1.15;
/// ... and a spectral centroid this many robust deviations above its typical voiced centroid.
pub const SHOUT_BRIGHT_Z: f32 = 1.0;
/// Music sting: tonal, spectrally stable sound fills at least this share of the second after ...
pub const STING_PRESENCE: f32 = 0.5;
/// ... while the loudness jumps by at least this much (LU, against what was heard before) ...
pub const STING_JUMP_LU: f32 = 4.0;
/// ... and the envelope of the following half second holds steady (amplitude coefficient of
/// variation below this): speech, even on one held pitch, is modulated by its syllables.
pub const STING_MAX_MODULATION: f32 = 0.2;
/// The loudness-jump signal is 0 at +6 LU and rises one unit per this many LU. K-weighting reads a
/// bright, raised voice 3-5 LU above its unweighted level, so on LU the scale is wider than the
/// 6 dB it had on unweighted levels: an outburst's first 200 ms must not outweigh the outburst.
pub const JUMP_SIG_SCALE_LU: f32 = 9.0;
/// Seconds over which a sting's envelope must hold.
const STING_HOLD_S: f64 = 0.5;

/// Number of signals (see [`Sig`]).
pub const N_SIG: usize = 16;

/// Indexes of the signals in [`Grid::sig`], matching the fields of `profile::Weights`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Sig {
    Loudness,
    LoudJump,
    Impact,
    Shout,
    PitchVar,
    Speech,
    MusicSting,
    CutRate,
    Motion,
    MotionBurst,
    Flash,
    Zoom,
    Stillness,
    HighPitch,
    QuietBeat,
    Colour,
}

impl Sig {
    /// All signals in index order.
    pub const ALL: [Sig; N_SIG] = [
        Sig::Loudness,
        Sig::LoudJump,
        Sig::Impact,
        Sig::Shout,
        Sig::PitchVar,
        Sig::Speech,
        Sig::MusicSting,
        Sig::CutRate,
        Sig::Motion,
        Sig::MotionBurst,
        Sig::Flash,
        Sig::Zoom,
        Sig::Stillness,
        Sig::HighPitch,
        Sig::QuietBeat,
        Sig::Colour,
    ];

    /// The profile weight of this signal.
    pub fn weight(self, w: &super::profile::Weights) -> f64 {
        match self {
            Sig::Loudness => w.loudness,
            Sig::LoudJump => w.loud_jump,
            Sig::Impact => w.impact,
            Sig::Shout => w.shout,
            Sig::PitchVar => w.pitch_var,
            Sig::Speech => w.speech,
            Sig::MusicSting => w.music_sting,
            Sig::CutRate => w.cut_rate,
            Sig::Motion => w.motion,
            Sig::MotionBurst => w.motion_burst,
            Sig::Flash => w.flash,
            Sig::Zoom => w.zoom,
            Sig::Stillness => w.stillness,
            Sig::HighPitch => w.high_pitch,
            Sig::QuietBeat => w.quiet_beat,
            Sig::Colour => w.colour,
        }
    }
}

/// Raw measurements per cell (kept for the reasons' numbers).
#[derive(Debug, Clone, Copy, Default)]
pub struct Cell {
    /// Loudness (LUFS, mean K-weighted power of the cell's hops), -120 when no audio.
    pub loudness_lufs: f32,
    /// Largest loudness jump (LU).
    pub jump_lu: f32,
    /// Strongest impact: its body's loudness above the source's typical loudness (LU), 0 if none.
    pub impact_lu: f32,
    /// Mean voiced pitch (Hz), 0 if none.
    pub pitch_hz: f32,
    /// Mean centroid of active hops (Hz).
    pub centroid_hz: f32,
    /// Share of hops that are active sound.
    pub active: f32,
    /// Share of hops with speech.
    pub speech: f32,
    /// Music presence 0..1.
    pub music: f32,
    /// Mean motion (0..255).
    pub motion: f32,
    /// Shot boundaries starting in this cell.
    pub cuts: u16,
    /// Flash frames.
    pub flashes: u16,
    /// Summed |ln scale| of zoom.
    pub zoom: f32,
    /// Colourfulness.
    pub colour: f32,
    /// Share of black frames.
    pub black: f32,
    /// Share of frozen frames.
    pub frozen: f32,
}

/// One source's grid.
#[derive(Debug, Clone, Default)]
pub struct Grid {
    /// Source time of cell 0.
    pub start: f64,
    /// Number of cells.
    pub n: usize,
    /// Raw measurements per cell.
    pub cells: Vec<Cell>,
    /// Normalised signals, `sig[k][i]` for signal k in cell i (0..3).
    pub sig: Vec<Vec<f32>>,
    /// Cells a highlight must not contain (long silence, black, frozen picture without sound).
    pub bad: Vec<bool>,
    /// Score penalty per cell (a frozen picture under ongoing sound: allowed, but avoided).
    pub penalty: Vec<f32>,
    /// Median loudness of active cells (LUFS), for reasons.
    pub median_lufs: f32,
    /// Median motion, for reasons.
    pub median_motion: f32,
    /// Speaking register (Hz): 75th percentile of voiced pitch at normal level, for shouting.
    pub speaking_pitch_hz: f32,
    /// Per cell, the amplitude coefficient of variation over the next [`STING_HOLD_S`] (how
    /// modulated the sound is: syllables vs a held chord).
    pub modulation: Vec<f32>,
    /// Whether the source has audio / video features.
    pub has_audio: bool,
    /// See `has_audio`.
    pub has_video: bool,
    /// Length (s) of the silence ending at each cell that precedes a reveal (for reasons), else 0.
    pub quiet_len: Vec<f32>,
}

impl Grid {
    /// Time of the start of cell `i`.
    pub fn time(&self, i: usize) -> f64 {
        self.start + i as f64 * CELL_S
    }

    /// Cell containing `t` (clamped into the grid).
    pub fn cell(&self, t: f64) -> usize {
        let i = ((t - self.start) / CELL_S).floor();
        if i.is_finite() && i > 0.0 {
            (i as usize).min(self.n.saturating_sub(1))
        } else {
            0
        }
    }
}

/// Median and robust spread (1.4826 MAD, at least `min_scale`) of the values where `mask` is true.
fn robust(values: &[f32], mask: impl Fn(usize) -> bool, min_scale: f32) -> (f32, f32) {
    let v: Vec<f32> = values
        .iter()
        .enumerate()
        .filter(|&(i, x)| mask(i) && x.is_finite())
        .map(|(_, &x)| x)
        .collect();
    let med = super::audio::quantile(&v, 0.5);
    let dev: Vec<f32> = v.iter().map(|x| (x - med).abs()).collect();
    (
        med,
        (1.4826 * super::audio::quantile(&dev, 0.5)).max(min_scale),
    )
}

fn clamp3(x: f32) -> f32 {
    if x.is_finite() {
        x.clamp(0.0, 3.0)
    } else {
        0.0
    }
}

/// Builds the grid for `src` over the range `[a, b)` (source seconds).
pub fn build(src: &SourceFeatures, a: f64, b: f64) -> Grid {
    let n = (((b - a) / CELL_S).ceil().max(0.0) as usize).min(10_000_000);
    let mut g = Grid {
        start: a,
        n,
        cells: vec![Cell::default(); n],
        ..Default::default()
    };
    g.sig = vec![vec![0.0; n]; N_SIG];
    g.bad = vec![false; n];
    g.penalty = vec![0.0; n];
    g.quiet_len = vec![0.0; n];
    if n == 0 {
        return g;
    }
    let in_grid = |t: f64| t >= a && t < b;
    // Audio into cells.
    let mut hops = vec![0u32; n];
    if let Some(au) = src.audio.as_ref().filter(|x| !x.is_empty()) {
        g.has_audio = true;
        let mut pw = vec![0f64; n];
        let mut pitch_n = vec![0u32; n];
        let mut cen_n = vec![0u32; n];
        for h in 0..au.len() {
            let t = au.time(h);
            if !in_grid(t) {
                continue;
            }
            let i = g.cell(t);
            let c = &mut g.cells[i];
            hops[i] += 1;
            pw[i] += 10f64.powf(au.loudness_lufs[h] as f64 / 10.0);
            c.jump_lu = c.jump_lu.max(au.jump_lu[h]);
            if au.active[h] {
                c.active += 1.0;
                c.centroid_hz += au.centroid_hz[h];
                cen_n[i] += 1;
                if au.pitch_hz[h] > 0.0 {
                    c.pitch_hz += au.pitch_hz[h];
                    pitch_n[i] += 1;
                }
            }
            c.speech += au.speech[h] as u32 as f32;
            c.music += au.music[h];
        }
        // Impacts are broadband (a voiced syllable after a pause also rises sharply, but is tonal)
        // and carry energy well above both this source's typical sound and its usual onsets (a
        // click of a few milliseconds has little body, syllables are the usual onsets).
        let noisy = |t: f64| {
            au.hop_at(t).is_some_and(|h| {
                au.flatness[h..(h + 2).min(au.len())]
                    .iter()
                    .any(|&f| f >= 0.15)
            })
        };
        let typical = super::audio::typical_loudness(au);
        let bodies: Vec<f32> = au.onsets.iter().map(|o| o.body_lufs).collect();
        let (omed, osc) = robust(&bodies, |_| true, 3.0);
        let impact_floor = (omed + 3.0 * osc).max(typical + IMPACT_OVER_TYPICAL_LU);
        for o in &au.onsets {
            if in_grid(o.t) && noisy(o.t) && o.body_lufs >= impact_floor {
                let i = g.cell(o.t);
                g.cells[i].impact_lu = g.cells[i].impact_lu.max(o.body_lufs - typical);
            }
        }
        for i in 0..n {
            let c = &mut g.cells[i];
            let k = hops[i].max(1) as f32;
            c.loudness_lufs = if hops[i] > 0 {
                (10.0 * (pw[i] / hops[i] as f64 + 1e-12).log10()) as f32
            } else {
                -120.0
            };
            c.active /= k;
            c.speech /= k;
            c.music /= k;
            c.pitch_hz = if pitch_n[i] > 0 {
                c.pitch_hz / pitch_n[i] as f32
            } else {
                0.0
            };
            c.centroid_hz = if cen_n[i] > 0 {
                c.centroid_hz / cen_n[i] as f32
            } else {
                0.0
            };
        }
    }
    g.modulation = vec![1.0; n];
    if let Some(au) = src.audio.as_ref().filter(|x| !x.is_empty()) {
        let hold = (STING_HOLD_S / au.hop_s).round().max(2.0) as usize;
        let amp: Vec<f64> = au
            .rms_db
            .iter()
            .map(|&d| 10f64.powf(d as f64 / 20.0))
            .collect();
        let (mut s1, mut s2) = (vec![0f64; amp.len() + 1], vec![0f64; amp.len() + 1]);
        for (h, &x) in amp.iter().enumerate() {
            s1[h + 1] = s1[h] + x;
            s2[h + 1] = s2[h] + x * x;
        }
        for i in 0..n {
            // From 50 ms after the cell starts: an attack is not modulation.
            if let Some(h) = au.hop_at(g.time(i) + 0.05) {
                let e = (h + hold).min(amp.len());
                let k = (e - h).max(1) as f64;
                let m = (s1[e] - s1[h]) / k;
                let var = ((s2[e] - s2[h]) / k - m * m).max(0.0);
                g.modulation[i] = if m > 0.0 {
                    (var.sqrt() / m) as f32
                } else {
                    1.0
                };
            }
        }
    }
    // Video into cells (cells without a frame carry the previous cell's picture state).
    let mut frames_n = vec![0u32; n];
    if !src.frames.is_empty() {
        g.has_video = true;
        for f in src.frames.iter().filter(|f| in_grid(f.t)) {
            let i = g.cell(f.t);
            let c = &mut g.cells[i];
            frames_n[i] += 1;
            c.motion += f.motion;
            c.colour += f.colour;
            c.flashes += f.flash as u16;
            c.black += f.black as u32 as f32;
            c.frozen += f.frozen as u32 as f32;
            if f.hist_diff < 0.3 && !f.flash {
                c.zoom += f.zoom.abs();
            }
        }
        let mut last = Cell::default();
        for (c, &fc) in g.cells.iter_mut().zip(&frames_n) {
            if fc > 0 {
                let k = fc as f32;
                c.motion /= k;
                c.colour /= k;
                c.black /= k;
                c.frozen /= k;
                last = *c;
            } else {
                c.motion = last.motion;
                c.colour = last.colour;
                c.black = last.black;
                c.frozen = last.frozen;
            }
        }
        for s in src.shots.iter().filter(|s| in_grid(s.t)) {
            let i = g.cell(s.t);
            g.cells[i].cuts += 1;
            if s.kind == BoundaryKind::Cut {
                // A cut's frames are not zoom evidence.
                g.cells[i].zoom = 0.0;
            }
        }
    }
    normalise(&mut g);
    g
}

/// Windowed sum helper over a prefix-sum array: sum of cells in `[i - back, i + fwd]`.
fn window(ps: &[f32], i: usize, back: usize, fwd: usize) -> f32 {
    let a = i.saturating_sub(back);
    let b = (i + fwd + 1).min(ps.len() - 1);
    ps[b] - ps[a]
}

fn prefix(v: impl Iterator<Item = f32>) -> Vec<f32> {
    let mut ps = vec![0.0];
    let mut acc = 0.0;
    for x in v {
        acc += x;
        ps.push(acc);
    }
    ps
}

fn put(sig: &mut [Vec<f32>], s: Sig, i: usize, v: f32) {
    sig[s as usize][i] = clamp3(v);
}

/// Turns the raw cells into normalised signals and the "bad" mask.
fn normalise(g: &mut Grid) {
    let n = g.n;
    let cells = g.cells.clone();
    let cps = (1.0 / CELL_S).round() as usize; // cells per second
    let mut sig = std::mem::take(&mut g.sig);
    if g.has_audio {
        let levels: Vec<f32> = cells.iter().map(|c| c.loudness_lufs).collect();
        let (lmed, lsc) = robust(&levels, |i| cells[i].active > 0.5, 3.0);
        g.median_lufs = lmed;
        let normal: Vec<f32> = cells
            .iter()
            .filter(|c| c.pitch_hz > 0.0 && c.loudness_lufs < lmed + 3.0)
            .map(|c| c.pitch_hz)
            .collect();
        let speaking = super::audio::quantile(&normal, 0.75);
        g.speaking_pitch_hz = speaking;
        let cents: Vec<f32> = cells.iter().map(|c| c.centroid_hz).collect();
        // Brightness of typical speech from its louder half: in quiet syllables room tone (flat,
        // bright) pulls the centroid up, which would make every voice look "dark" beside it.
        let (cmed, csc) = robust(
            &cents,
            |i| cells[i].active > 0.5 && cells[i].pitch_hz > 0.0 && cells[i].loudness_lufs >= lmed,
            150.0,
        );
        // Pitch variation: spread (semitones) of voiced pitch over +-1 s.
        let semis: Vec<f32> = cells
            .iter()
            .map(|c| {
                if c.pitch_hz > 0.0 {
                    12.0 * (c.pitch_hz / 100.0).log2()
                } else {
                    0.0
                }
            })
            .collect();
        let voiced = prefix(cells.iter().map(|c| (c.pitch_hz > 0.0) as u32 as f32));
        let s1 = prefix(semis.iter().copied());
        let s2 = prefix(semis.iter().map(|x| x * x));
        let pv: Vec<f32> = (0..n)
            .map(|i| {
                let k = window(&voiced, i, cps, cps);
                if k < 5.0 {
                    return 0.0;
                }
                let m = window(&s1, i, cps, cps) / k;
                (window(&s2, i, cps, cps) / k - m * m).max(0.0).sqrt()
            })
            .collect();
        let (pvmed, pvsc) = robust(&pv, |i| pv[i] > 0.0, 1.0);
        let music = prefix(cells.iter().map(|c| c.music));
        for i in 0..n {
            let c = &cells[i];
            put(&mut sig, Sig::Loudness, i, (c.loudness_lufs - lmed) / lsc);
            put(
                &mut sig,
                Sig::LoudJump,
                i,
                (c.jump_lu - 6.0) / JUMP_SIG_SCALE_LU,
            );
            if c.impact_lu > 0.0 {
                put(&mut sig, Sig::Impact, i, 1.0 + (c.impact_lu - 10.0) / 10.0);
            }
            if c.pitch_hz > 0.0 {
                let ratio = c.pitch_hz / speaking.max(50.0);
                let cz = (c.centroid_hz - cmed) / csc;
                let over = c.loudness_lufs - lmed;
                // Raised voice only when loud, high and bright together: a high-pitched speaker at
                // normal level, or bright consonants, are not shouting.
                if over >= SHOUT_OVER_TYPICAL_LU
                    && ratio >= SHOUT_PITCH_RATIO
                    && cz >= SHOUT_BRIGHT_Z
                {
                    let v = (over / SHOUT_OVER_TYPICAL_LU + ratio / SHOUT_PITCH_RATIO + cz) / 3.0;
                    put(&mut sig, Sig::Shout, i, v);
                }
                put(&mut sig, Sig::HighPitch, i, (c.pitch_hz - 330.0) / 60.0);
            }
            if c.active > 0.5 && c.centroid_hz > 3000.0 {
                let v = sig[Sig::HighPitch as usize][i].max((c.centroid_hz - 3000.0) / 1000.0);
                put(&mut sig, Sig::HighPitch, i, v);
            }
            put(&mut sig, Sig::PitchVar, i, (pv[i] - pvmed) / pvsc);
            put(&mut sig, Sig::Speech, i, c.speech);
            let after = window(&music, i, 0, cps) / (cps + 1) as f32;
            // The rise of the music share itself is no evidence: a voice on a held pitch is tonal
            // and stable too; its syllables' modulation is what tells it apart.
            if after >= STING_PRESENCE
                && c.jump_lu >= STING_JUMP_LU
                && g.modulation[i] < STING_MAX_MODULATION
            {
                put(&mut sig, Sig::MusicSting, i, 1.0 + c.jump_lu / 10.0);
            }
        }
        // Quiet beat: a silence of 0.4..2 s ended by a loudness jump or a cut within 0.3 s.
        let mut i = 0;
        while i < n {
            if cells[i].active > 0.1 {
                i += 1;
                continue;
            }
            let s = i;
            while i < n && cells[i].active <= 0.1 {
                i += 1;
            }
            let len = (i - s) as f64 * CELL_S;
            let reveal = (i..(i + 4).min(n)).any(|j| cells[j].jump_lu >= 10.0 || cells[j].cuts > 0);
            if (0.4..LONG_SILENCE_S).contains(&len) && reveal {
                for j in s..(i + cps).min(n) {
                    put(&mut sig, Sig::QuietBeat, j, 1.5);
                }
                g.quiet_len[i.min(n - 1)] = len as f32;
            }
            if len >= LONG_SILENCE_S {
                g.bad[s..i].iter_mut().for_each(|b| *b = true);
            }
        }
        // Footage that is silent throughout: the silence rule would exclude everything.
        if g.bad.iter().filter(|&&b| b).count() * 5 > n * 4 {
            g.bad.iter_mut().for_each(|b| *b = false);
        }
    }
    if g.has_video {
        let motion: Vec<f32> = cells.iter().map(|c| c.motion).collect();
        let (mmed, msc) = robust(&motion, |_| true, 1.0);
        g.median_motion = mmed;
        let colour: Vec<f32> = cells.iter().map(|c| c.colour).collect();
        let (cmed, csc) = robust(&colour, |_| true, 2.0);
        let cuts = prefix(cells.iter().map(|c| c.cuts as f32));
        let mps = prefix(motion.iter().copied());
        let zps = prefix(cells.iter().map(|c| c.zoom));
        let half = (CUT_WINDOW_S / 2.0 / CELL_S).round() as usize;
        let frozen_share = cells.iter().filter(|c| c.frozen > 0.5).count();
        let ignore_frozen = frozen_share * 5 > n * 4;
        for (i, c) in cells.iter().enumerate() {
            put(&mut sig, Sig::Motion, i, (c.motion - mmed) / msc);
            let prev = window(&mps, i.saturating_sub(1), cps, 0) / (cps + 1) as f32;
            put(
                &mut sig,
                Sig::MotionBurst,
                i,
                (c.motion - prev) / prev.max(2.0) - 0.5,
            );
            let k = window(&cuts, i, half, half - 1);
            put(&mut sig, Sig::CutRate, i, (k - 1.0) / 2.0);
            if c.flashes > 0 {
                put(&mut sig, Sig::Flash, i, 2.0);
            }
            // Zoom rate over +-0.25 s in ln(scale) per second; 0.3/s is a brisk push-in.
            let zr = window(&zps, i, 2, 2) / (5.0 * CELL_S as f32);
            put(&mut sig, Sig::Zoom, i, (zr - 0.15) / 0.15);
            put(&mut sig, Sig::Colour, i, (c.colour - cmed) / csc);
            // Without sound a frozen picture is dead footage; with a soundtrack it may be a deliberately
            // static shot or a still under voice-over, so it is only avoided (long silence is excluded
            // on its own).
            if c.black > 0.5 || (c.frozen > 0.5 && !ignore_frozen && !g.has_audio) {
                g.bad[i] = true;
            } else if c.frozen > 0.5 && !ignore_frozen {
                g.penalty[i] = 1.0;
            }
            if g.has_audio && c.speech > 0.5 && c.motion < mmed.max(0.5) && c.frozen < 0.5 {
                put(&mut sig, Sig::Stillness, i, 1.0);
            }
        }
    }
    g.sig = sig;
}
