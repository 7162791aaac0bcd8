//! Background music (src/render/music.rs, music_stream.rs, sound_passes.rs): seamless loop,
//! reel-edge fades, ducking under the dialogue's speech (depth and timing, smooth), the mixer
//! waiting for and laying the music (decoded again for each loop), and the per-reel track choice
//! of each `BackgroundMusicMode`.

use reelcut::engine::music_bed;
use reelcut::job::validate::{parse_request, Capabilities};
use reelcut::render::music::{
    duck_envelope, edge_gain, Loop, Speech, DUCK_DB, FADE_IN_S, FADE_OUT_S,
};
use reelcut::render::sound_passes::PassKind;
use reelcut::render::{AudioMixer, MixClip};
use serde_json::json;

const R: u32 = 48_000;

/// Deterministic stereo noise, uncorrelated between calls with different seeds.
fn noise(seconds: f64, seed: u64, amp: f32) -> Vec<[f32; 2]> {
    let mut s = seed;
    let mut next = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        ((s >> 40) as f32 / (1u64 << 23) as f32 - 1.0) * amp
    };
    (0..(seconds * R as f64) as usize)
        .map(|_| [next(), next()])
        .collect()
}

/// A voice (150 Hz, 12 harmonics, syllables) in `[a, b)` spans, silence elsewhere.
fn dialogue(seconds: f64, spans: &[(f64, f64)]) -> Vec<[f32; 2]> {
    (0..(seconds * R as f64) as usize)
        .map(|i| {
            let t = i as f64 / R as f64;
            if !spans.iter().any(|&(a, b)| t >= a && t < b) {
                return [0.0; 2];
            }
            let syllable = 0.6 - 0.4 * (2.0 * std::f64::consts::PI * 4.0 * t).cos();
            let mut v = 0.0;
            for k in 1..=12 {
                let fk = 150.0 * k as f64;
                let formant = (-((fk - 500.0) / 300.0).powi(2)).exp();
                v += (1.0 / k as f64 + formant) * (2.0 * std::f64::consts::PI * fk * t).sin();
            }
            let s = (0.1 * syllable * v) as f32;
            [s, s]
        })
        .collect()
}

fn rms_db(x: &[[f32; 2]]) -> f32 {
    let p = x.iter().map(|f| f[0] * f[0]).sum::<f32>() / x.len().max(1) as f32;
    10.0 * p.max(1e-20).log10()
}

fn window(x: &[[f32; 2]], a: f64, b: f64) -> &[[f32; 2]] {
    &x[(a * R as f64) as usize..(b * R as f64) as usize]
}

fn planes(x: &[[f32; 2]]) -> (Vec<f32>, Vec<f32>) {
    x.iter().map(|f| (f[0], f[1])).unzip()
}

/// `dialogue` (one clip) with `track` (stereo at `R`) under it at `volume`, through the mixer's
/// passes: each pass pushes the dialogue again, and the music whenever the mix wants it (from
/// the track's start again at its end).
fn with_music(dialogue: &[[f32; 2]], track: &[[f32; 2]], volume: f32) -> Vec<[f32; 2]> {
    let seconds = dialogue.len() as f64 / R as f64;
    let clip = MixClip {
        out_start_s: 0.0,
        in_s: 0.0,
        out_s: seconds,
        fade_in_s: 0.0,
        fade_out_s: 0.0,
        volume: 1.0,
        speed: 1.0,
    };
    let mut m = AudioMixer::new(&[clip], R, 2, seconds)
        .expect("mixer")
        .with_music(volume);
    let mut out = Vec::new();
    loop {
        let mut at = 0;
        for k in (0..dialogue.len()).step_by(4800) {
            let (l, r) = planes(&dialogue[k..(k + 4800).min(dialogue.len())]);
            m.push_source(0, k as f64 / R as f64, R, &[&l, &r])
                .expect("push");
            while m.wants_music() {
                if at == track.len() {
                    m.finish_music().expect("music");
                    at = 0;
                    continue;
                }
                let e = (at + 4096).min(track.len());
                let (l, r) = planes(&track[at..e]);
                m.push_music(R, &[&l, &r]).expect("music");
                at = e;
            }
            while let Some(b) = m.pull(1024) {
                out.extend(b.chunks(2).map(|f| [f[0], f[1]]));
            }
        }
        m.finish_clip(0).expect("finish");
        while let Some(b) = m.pull(1024) {
            out.extend(b.chunks(2).map(|f| [f[0], f[1]]));
        }
        if !m.next_pass().expect("pass") {
            break;
        }
    }
    out
}

#[test]
fn a_short_track_loops_without_a_seam() {
    let track = noise(3.0, 7, 0.3);
    let bed = Loop::new(&track, R);
    let looped: Vec<[f32; 2]> = (0..10 * R as usize).map(|n| bed.at(n)).collect();
    // The first repetition is the track itself.
    assert_eq!(&looped[..R as usize], &track[..R as usize]);
    // Level in 50 ms windows stays within 1.5 dB of the track's all along, seams included.
    let level = rms_db(&track);
    for w in looped.chunks(R as usize / 20) {
        let d = rms_db(w) - level;
        assert!(d.abs() < 1.5, "level {d:.2} dB off the track's");
    }
    // At the middle of each seam both sides play at -3 dB (equal power).
    let p = bed.period();
    let x = track.len() - p;
    assert_eq!(
        x,
        track.len() / 4,
        "a 3 s track crossfades over a quarter of itself"
    );
    let mid = p + x / 2;
    let want = (track[x / 2][0] + track[p + x / 2][0]) * std::f32::consts::FRAC_1_SQRT_2;
    assert!((looped[mid][0] - want).abs() < 1e-3);
}

#[test]
fn music_fades_in_and_out_at_the_reel_ends() {
    let total = 10 * R as usize;
    assert!(edge_gain(0, total, R) < 0.01);
    assert!((edge_gain((FADE_IN_S * R as f64) as usize, total, R) - 1.0).abs() < 1e-6);
    assert!((edge_gain(total / 2, total, R) - 1.0).abs() < 1e-6);
    assert!(edge_gain(total - 1, total, R) < 0.01);
    let fo = (FADE_OUT_S * R as f64) as usize;
    let gains: Vec<f32> = (total - fo..total)
        .map(|n| edge_gain(n, total, R))
        .collect();
    assert!(
        gains.windows(2).all(|w| w[1] <= w[0]),
        "the fade-out only falls"
    );
    // A reel shorter than both fades shares it.
    let short = R as usize;
    assert!((edge_gain(short / 2, short, R) - 1.0).abs() < 1e-3);
}

#[test]
fn speech_is_found_where_the_voice_is() {
    let d = dialogue(10.0, &[(2.0, 4.0), (6.0, 8.0)]);
    let spans = Speech::detect(&d, R).spans();
    assert_eq!(spans.len(), 2, "{spans:?}");
    for (got, want) in spans.iter().zip([(2.0, 4.0), (6.0, 8.0)]) {
        assert!(
            (got.0 - want.0).abs() < 0.15 && (got.1 - want.1).abs() < 0.25,
            "{spans:?}"
        );
    }
}

#[test]
fn music_ducks_under_dialogue_and_comes_back_in_pauses() {
    let speech = [(2.0, 4.0), (6.0, 8.0)];
    let d = dialogue(10.0, &speech);
    let track = noise(4.0, 11, 0.3);
    let mix = with_music(&d, &track, 1.0);
    assert_eq!(mix.len(), d.len());
    let music: Vec<[f32; 2]> = mix
        .iter()
        .zip(&d)
        .map(|(m, v)| [m[0] - v[0], m[1] - v[1]])
        .collect();
    let full = rms_db(window(&music, 1.2, 1.8));
    let ducked = rms_db(window(&music, 2.2, 3.9));
    let pause = rms_db(window(&music, 5.2, 5.8));
    eprintln!(
        "music: {full:.1} dB before speech, {ducked:.1} dB under it, {pause:.1} dB in the pause"
    );
    assert!(full - ducked >= 6.0, "ducked by {:.1} dB", full - ducked);
    assert!((full - ducked - -DUCK_DB).abs() < 1.5, "about {DUCK_DB} dB");
    assert!(
        (full - pause).abs() < 1.0,
        "back in the pause: {:.1} dB",
        full - pause
    );
    // Timing: already down by 6 dB when the voice starts (look-ahead), back within 1 dB a second
    // after it ends.
    let env = duck_envelope(&Speech::detect(&d, R).spans(), d.len(), R);
    let db = |t: f64| 20.0 * env[(t * R as f64) as usize].log10();
    assert!(db(2.05) <= -6.0, "at speech start {:.1} dB", db(2.05));
    assert!(db(5.2) >= -1.0, "1.2 s after speech {:.1} dB", db(5.2));
    // Smooth: no jump in the gain larger than 0.4 dB per millisecond.
    let per_ms = env
        .windows(R as usize / 1000)
        .step_by(R as usize / 1000)
        .map(|w| (20.0 * (w[w.len() - 1] / w[0]).log10()).abs())
        .fold(0.0f32, f32::max);
    eprintln!("ducking: steepest gain change {per_ms:.3} dB/ms");
    assert!(per_ms < 0.4, "steepest gain change {per_ms:.3} dB/ms");
}

#[test]
fn the_mixer_waits_for_the_music_and_lays_it_to_the_end() {
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
        .with_music(0.5);
    // Without dialogue the speech pass is over at once.
    assert_eq!(m.pass().kind, PassKind::Speech);
    m.mark_silent(0).expect("no dialogue");
    assert!(m.next_pass().expect("speech pass done"));
    assert_eq!(m.pass().kind, PassKind::Deliver);
    assert!(m.pull(1024).is_none(), "waits for the music");
    // A 2.5 s track decoded at 44.1 kHz, mono: it loops to fill the 6 s reel, decoded three times.
    let track: Vec<f32> = noise(2.5 * 44_100.0 / R as f64, 3, 0.4)
        .iter()
        .map(|f| f[0])
        .collect();
    let mut decodes = 0;
    let mut out = Vec::new();
    while m.wants_music() {
        decodes += 1;
        for chunk in track.chunks(4096) {
            m.push_music(44_100, &[chunk]).expect("music");
            while let Some(b) = m.pull(1024) {
                out.extend(b.chunks(2).map(|f| [f[0], f[1]]));
            }
        }
        m.finish_music().expect("music");
    }
    while let Some(b) = m.pull(1024) {
        out.extend(b.chunks(2).map(|f| [f[0], f[1]]));
    }
    assert!(m.is_done());
    assert_eq!(decodes, 3);
    assert_eq!(out.len(), 6 * R as usize);
    // At its volume (0.5 = -6 dB of the track's level) in the middle and until the fade-out.
    let level = 10.0 * (0.4f32 * 0.4 / 3.0).log10() - 6.02;
    for (a, b) in [(1.5, 2.0), (2.4, 2.9), (3.5, 3.9)] {
        let d = rms_db(window(&out, a, b)) - level;
        assert!(d.abs() < 1.0, "{a}..{b}: {d:.2} dB off");
    }
    assert!(
        rms_db(window(&out, 5.99, 6.0)) < level - 20.0,
        "faded out at the end"
    );
}

#[test]
fn each_reel_gets_its_track_by_the_mode() {
    let caps = Capabilities {
        music: true,
        ..Capabilities::with_render()
    };
    let request = |mode: &str| {
        json!({
            "InputConfig": { "MediaArray": ["a.mp4"] },
            "EditingConfig": {
                "BackgroundMusicMode": mode,
                "BackgroundMusics": [{ "URI": "one.mp3" }, { "URI": "two.m4a", "Volume": 1.5 }]
            },
            "OutputConfig": { "MediaURL": "r_{index}.mp4", "Count": 3 }
        })
    };
    let spec = parse_request(
        "SubmitScreenMediaHighlightsJob",
        &request("Sequential"),
        &caps,
    )
    .expect("valid");
    let beds: Vec<_> = (0..3)
        .map(|k| music_bed(&spec, k).expect("music"))
        .collect();
    assert_eq!(
        beds.iter().map(|b| b.track).collect::<Vec<_>>(),
        vec![0, 1, 0]
    );
    assert_eq!((beds[0].uri.as_str(), beds[0].volume), ("one.mp3", 0.2));
    assert_eq!((beds[1].uri.as_str(), beds[1].volume), ("two.m4a", 1.5));
    let spec =
        parse_request("SubmitScreenMediaHighlightsJob", &request("Closed"), &caps).expect("valid");
    assert!(music_bed(&spec, 0).is_none());
    let spec =
        parse_request("SubmitScreenMediaHighlightsJob", &request("Random"), &caps).expect("valid");
    let picks: Vec<_> = (0..3)
        .map(|k| music_bed(&spec, k).expect("music").track)
        .collect();
    let again: Vec<_> = (0..3)
        .map(|k| music_bed(&spec, k).expect("music").track)
        .collect();
    assert_eq!(picks, again, "reproducible per request");
}
