//! Stable-toolchain runner for the fuzz targets in `fuzz/` (same bodies: `reelcut::fuzzing`):
//! seeds (real fixtures, the hostile cases of issue 11) mutated with a fixed-seed generator.
//! `REELCUT_FUZZ_ROUNDS=N cargo test --release --test fuzz` runs N times as many cases.

use std::path::Path;

use reelcut::fuzzing;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn rounds() -> usize {
    std::env::var("REELCUT_FUZZ_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
}

/// Truncations, bit flips, byte overwrites with boundary values, and spliced random runs.
fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut v = seed.to_vec();
    match rng.below(4) {
        0 => v.truncate(rng.below(v.len() + 1)),
        1 => {
            for _ in 0..1 + rng.below(8) {
                if !v.is_empty() {
                    let i = rng.below(v.len());
                    v[i] ^= 1 << rng.below(8);
                }
            }
        }
        2 => {
            for _ in 0..1 + rng.below(4) {
                if v.len() >= 4 {
                    let i = rng.below(v.len() - 3);
                    let x: [u8; 4] =
                        [[0xFF; 4], [0; 4], [0x7F, 0xFF, 0xFF, 0xFF], [0, 0, 0, 1]][rng.below(4)];
                    v[i..i + 4].copy_from_slice(&x);
                }
            }
        }
        _ => {
            let at = rng.below(v.len() + 1);
            let run: Vec<u8> = (0..rng.below(64)).map(|_| rng.next() as u8).collect();
            v.splice(at..at, run);
        }
    }
    v
}

fn run(name: &str, target: fn(&[u8]), seeds: &[Vec<u8>], cases: usize) {
    let mut rng = Rng(0xD1B5_4A32_D192_ED03 ^ name.len() as u64 ^ rounds() as u64);
    for seed in seeds {
        target(seed);
    }
    for i in 0..cases * rounds() {
        let seed = &seeds[i % seeds.len()];
        let input = mutate(&mut rng, seed);
        let copy = input.clone();
        if std::panic::catch_unwind(|| target(&input)).is_err() {
            let dump = std::env::temp_dir().join(format!("reelcut-fuzz-{name}-{i}.bin"));
            let _ = std::fs::write(&dump, &copy);
            panic!(
                "fuzz target {name} panicked (input saved to {})",
                dump.display()
            );
        }
    }
}

fn media_seeds(ext: &[&str]) -> Vec<Vec<u8>> {
    let mut seeds = Vec::new();
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/media"));
    if let Ok(entries) = std::fs::read_dir(dir) {
        let mut files: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        files.sort();
        for f in files {
            let ok = f
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| ext.contains(&e));
            let small = f.metadata().map(|m| m.len() < 3_000_000).unwrap_or(false);
            if ok && small {
                if let Ok(b) = std::fs::read(&f) {
                    seeds.push(b);
                }
            }
        }
    }
    seeds.push(Vec::new());
    seeds
}

/// Small files made by reelcut's own writers (VP8 + Opus, 3 s with a key frame a second): a
/// Matroska seed with Cues and several clusters, and an MP4 seed that is all structure.
fn written_seeds() -> (Vec<u8>, Vec<u8>) {
    use reelcut::media::mux::{
        AudioCodec, AudioTrack, OpusConfig, TrackConfig, VideoCodec, VideoTrack,
    };
    use reelcut::media::mux_mp4::{Mp4Writer, Sample};
    use reelcut::media::mux_webm::{DocType, WebmWriter};
    let tracks = [
        TrackConfig::Video(VideoTrack {
            codec: VideoCodec::Vp8,
            width: 64,
            height: 48,
            timescale: 90_000,
        }),
        TrackConfig::Audio(AudioTrack {
            codec: AudioCodec::Opus(OpusConfig::simple(312, 48_000)),
            sample_rate: 48_000,
            channels: 2,
        }),
    ];
    // (track, time, duration, key) in time order: video at 10 fps, audio every 20 ms.
    let mut frames: Vec<(usize, i64, i64, bool)> = (0..30)
        .map(|i| (0, i * 100_000, 100_000, i % 10 == 0))
        .chain((0..150).map(|i| (1, i * 20_000, 20_000, true)))
        .collect();
    frames.sort_by_key(|f| (f.1, f.0));
    let payload = |i: usize| vec![(i % 251) as u8; 8 + i % 24];
    let mut webm = WebmWriter::new(DocType::Webm, &tracks).expect("webm writer");
    let mut body = Vec::new();
    for (i, &(t, ts, d, key)) in frames.iter().enumerate() {
        body.extend(webm.push(t, ts, d, key, &payload(i)).expect("webm frame"));
    }
    let (head, tail) = webm.finish().expect("webm file");
    let mkv = [head, body, tail].concat();
    let mut mp4 = Mp4Writer::new(&tracks).expect("mp4 writer");
    let mut body = Vec::new();
    for (i, &(t, ts, d, key)) in frames.iter().enumerate() {
        let data = payload(i);
        let sample = Sample {
            pts_us: ts,
            dts_us: ts,
            duration_us: d,
            is_key: key,
            size: data.len() as u32,
        };
        mp4.push(t, sample).expect("mp4 sample");
        body.extend(data);
    }
    let mp4 = [mp4.finish().expect("mp4 head"), body].concat();
    (mkv, mp4)
}

#[test]
fn fuzz_demux_mp4() {
    let mut seeds = media_seeds(&["mp4", "mov", "m4v"]);
    let written = written_seeds().1;
    let opened = reelcut::media::open(Box::new(std::io::Cursor::new(written.clone())));
    assert!(
        opened.is_ok(),
        "the written mp4 seed is a valid file: {:?}",
        opened.err()
    );
    seeds.push(written);
    run("demux_mp4", fuzzing::demux_mp4, &seeds, 300);
}

#[test]
fn fuzz_demux_mkv() {
    let mut seeds = media_seeds(&["webm", "mkv"]);
    let written = written_seeds().0;
    let opened = reelcut::media::open(Box::new(std::io::Cursor::new(written.clone())));
    assert!(
        opened.is_ok(),
        "the written mkv seed is a valid file: {:?}",
        opened.err()
    );
    seeds.push(written);
    run("demux_mkv", fuzzing::demux_mkv, &seeds, 300);
}

#[test]
fn fuzz_audio_file() {
    // The music fixtures (scripts/make_fixtures.sh edge) when made, and minimal headers of each
    // format so the parsers are reached without them.
    let mut seeds = Vec::new();
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/edge/music"));
    if let Ok(entries) = std::fs::read_dir(dir) {
        let mut files: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        files.sort();
        for f in files {
            if f.metadata().map(|m| m.len() < 600_000).unwrap_or(false) {
                if let Ok(b) = std::fs::read(&f) {
                    seeds.push(b);
                }
            }
        }
    }
    let mut flac = b"fLaC\x80\x00\x00\x22".to_vec();
    flac.extend_from_slice(&[0x10, 0, 0x10, 0, 0, 0, 0, 0, 0, 0, 0x0A, 0xC4, 0x42, 0xF0]);
    flac.extend_from_slice(&[0; 20]);
    flac.extend_from_slice(&[0xFF, 0xF8, 0xC9, 0x18, 0x00, 0x00, 0x00]);
    let mut wav = b"RIFF\x00\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x02\x00\x44\xAC\x00\x00\x10\xB1\x02\x00\x04\x00\x10\x00data\x08\x00\x00\x00".to_vec();
    wav.extend_from_slice(&[1, 2, 3, 4, 5, 6, 7, 8]);
    seeds.extend([
        flac,
        wav,
        b"OggS\x00\x02\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x13OpusHead\x01\x02\x38\x01\x80\xBB\x00\x00\x00\x00\x00".to_vec(),
        b"ID3\x04\x00\x00\x00\x00\x00\x00\xFF\xFB\x90\x44".to_vec(),
        Vec::new(),
    ]);
    run("audio_file", fuzzing::audio_file, &seeds, 1500);
}

#[test]
fn fuzz_request() {
    let seeds: Vec<Vec<u8>> = [
        r#"{"Type":"Retrieval","Sources":[{"URI":"a.mp4"}],"Output":{"URI":"memory:"}}"#,
        r#"{"Type":"Concat","Sources":[{"URI":"a.mp4","StartTime":100,"Duration":3}],"Output":{"URI":"../escape_{index}.mp4","Container":"mp4","MaxDuration":0.5}}"#,
        r#"{"Type":"Compose","Sources":[{"URI":"a"}],"Output":{"URI":"a\\b.mp4","Container":"mp4","Video":{"TranscodeVideo":{"Resolution":"65535x65535"}}},"Tags":{"__proto__":"x"}}"#,
    ]
    .iter()
    .map(|s| [&[0u8][..], s.as_bytes()].concat())
    .chain(std::iter::once(
        [&[1u8][..], br#"{"InputConfig":{"MediaArray":["a.mp4"]},"OutputConfig":{"MediaURL":"opfs:/r/{index}.mp4","Count":3,"MaxDuration":0.5}}"#].concat(),
    ))
    .collect();
    run("request", fuzzing::request, &seeds, 3000);
}

#[test]
fn fuzz_mux() {
    let seeds = vec![vec![0u8; 64], (0..=255u8).collect(), vec![0xFF; 300]];
    run("mux", fuzzing::mux, &seeds, 3000);
}
