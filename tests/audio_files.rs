//! Music files (src/media/audio_file/): every format a background-music track comes in, made by
//! ffmpeg, demuxed into the packets WebCodecs decodes, checked against ffprobe's own count of
//! packets and samples; WAV PCM converted against ffmpeg's decode; unknown, damaged and
//! truncated files refused with the right code.

mod common;

use std::path::Path;
use std::process::Command;

use reelcut::media::audio_file::{open_audio, pcm_planes, AudioPackets};
use reelcut::media::FileSource;

/// Makes `name` with ffmpeg from 3 s of a 440 Hz + 1 kHz stereo signal at `rate`, encoded by
/// `args`; `None` (with a message) when this ffmpeg lacks the encoder.
fn make(name: &str, rate: u32, args: &[&str]) -> Option<std::path::PathBuf> {
    let path = common::tmp_path(name);
    let src =
        format!("sine=f=440:r={rate}:d=3[a];sine=f=1000:r={rate}:d=3[b];[a][b]amerge=inputs=2");
    let out = Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-f", "lavfi", "-i", &src])
        .args(args)
        .arg(&path)
        .output()
        .expect("ffmpeg runs");
    if !out.status.success() {
        eprintln!("skipping {name}: {}", String::from_utf8_lossy(&out.stderr));
        return None;
    }
    Some(path)
}

fn open(path: &Path) -> Box<dyn AudioPackets> {
    let src = FileSource::open(path).expect("file opens");
    open_audio(Box::new(src)).unwrap_or_else(|e| panic!("{}: {e:?}", path.display()))
}

/// ffprobe's packet count of the audio stream (header packets excluded, as ffmpeg's demuxers do).
fn ffprobe_packets(path: &Path) -> usize {
    let out = Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-select_streams",
            "a:0",
            "-count_packets",
            "-show_entries",
        ])
        .args(["stream=nb_read_packets", "-of", "csv=p=0"])
        .arg(path)
        .output()
        .expect("ffprobe runs");
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .expect("a count")
}

/// Demuxes everything: (packets, bytes, last pts in seconds).
fn drain(d: &mut dyn AudioPackets) -> (usize, usize, f64) {
    let (mut n, mut bytes, mut last, mut prev) = (0, 0, 0.0, i64::MIN);
    while let Some(p) = d.next_packet().expect("packet") {
        assert!(p.pts_us >= prev, "timestamps do not go back");
        prev = p.pts_us;
        assert!(!p.data.is_empty());
        n += 1;
        bytes += p.data.len();
        last = p.pts_us as f64 / 1e6;
    }
    (n, bytes, last)
}

#[test]
fn every_format_demuxes_like_ffprobe() {
    let cases: &[(&str, u32, &[&str], &str, u32)] = &[
        (
            "music.mp3",
            44100,
            &["-c:a", "libmp3lame", "-b:a", "128k"],
            "mp3",
            44100,
        ),
        (
            "music-v2.mp3",
            22050,
            &["-c:a", "libmp3lame", "-b:a", "64k"],
            "mp3",
            22050,
        ),
        ("music.flac", 44100, &["-c:a", "flac"], "flac", 44100),
        (
            "music-24.flac",
            96000,
            &[
                "-c:a",
                "flac",
                "-sample_fmt",
                "s32",
                "-bits_per_raw_sample",
                "24",
            ],
            "flac",
            96000,
        ),
        (
            "music.opus",
            48000,
            &["-c:a", "libopus", "-b:a", "96k"],
            "opus",
            48000,
        ),
        (
            "music.ogg",
            44100,
            &["-c:a", "libvorbis", "-q:a", "4"],
            "vorbis",
            44100,
        ),
        (
            "music.m4a",
            44100,
            &["-c:a", "aac", "-b:a", "128k"],
            "mp4a.40.2",
            44100,
        ),
        (
            "music.webm",
            48000,
            &["-c:a", "libopus", "-b:a", "96k"],
            "opus",
            48000,
        ),
        ("music.wav", 44100, &["-c:a", "pcm_s16le"], "pcm-s16", 44100),
    ];
    let mut tested = 0;
    for &(name, rate, args, codec, want_rate) in cases {
        let Some(path) = make(name, rate, args) else {
            continue;
        };
        let mut d = open(&path);
        let a = d
            .info()
            .audio_track()
            .and_then(|t| t.audio.clone())
            .expect("an audio track");
        assert_eq!(a.codec, codec, "{name}");
        assert_eq!(a.sample_rate, want_rate, "{name}");
        assert_eq!(a.channels, 2, "{name}");
        let (n, _, last) = drain(d.as_mut());
        if !codec.starts_with("pcm") {
            assert_eq!(n, ffprobe_packets(&path), "{name}: packets vs ffprobe");
        }
        assert!(
            (last - 3.0).abs() < 0.5,
            "{name}: last packet at {last} s of 3 s"
        );
        match codec {
            "flac" => {
                let desc = a.description.expect("STREAMINFO");
                assert_eq!(&desc[..8], b"fLaC\x80\x00\x00\x22", "{name}");
                assert_eq!(desc.len(), 42);
            }
            "vorbis" => {
                let desc = a.description.expect("Xiph headers");
                assert_eq!(desc[0], 2, "{name}: Xiph lacing of three packets");
            }
            "opus" => assert!(a.description.expect("OpusHead").starts_with(b"OpusHead")),
            _ => {}
        }
        tested += 1;
    }
    assert!(tested >= 7, "only {tested} formats could be made");
}

#[test]
fn wav_pcm_matches_ffmpeg() {
    for (name, codec, tag) in [
        ("pcm8.wav", "pcm-u8", "pcm_u8"),
        ("pcm16.wav", "pcm-s16", "pcm_s16le"),
        ("pcm24.wav", "pcm-s24", "pcm_s24le"),
        ("pcm32.wav", "pcm-s32", "pcm_s32le"),
        ("pcmf.wav", "pcm-f32", "pcm_f32le"),
    ] {
        let path = make(name, 32000, &["-c:a", tag]).expect("ffmpeg writes WAV");
        let mut d = open(&path);
        let a = d
            .info()
            .audio_track()
            .and_then(|t| t.audio.clone())
            .expect("audio");
        assert_eq!(a.codec, codec);
        let mut left = Vec::new();
        while let Some(p) = d.next_packet().expect("packet") {
            let planes = pcm_planes(&a.codec, 2, &p.data).expect("pcm");
            left.extend_from_slice(&planes[0]);
        }
        let reference = Command::new("ffmpeg")
            .args(["-v", "error", "-i"])
            .arg(&path)
            .args(["-af", "pan=mono|c0=c0", "-f", "f32le", "-"])
            .output()
            .expect("ffmpeg decodes");
        let want: Vec<f32> = reference
            .stdout
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        assert_eq!(left.len(), want.len(), "{name}: frames");
        let err = left
            .iter()
            .zip(&want)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f32::max);
        assert!(err <= 1.0 / 128.0 + 1e-6, "{name}: max error {err}");
    }
}

#[test]
fn bad_files_are_refused_with_the_right_code() {
    let write = |name: &str, bytes: &[u8]| {
        let p = common::tmp_path(name);
        std::fs::write(&p, bytes).expect("write");
        p
    };
    let code = |p: &Path| {
        open_audio(Box::new(FileSource::open(p).expect("opens")))
            .err()
            .map(|e| e.code)
    };
    let text = write(
        "notes.txt",
        b"these are not the sounds you are looking for, just text",
    );
    let e = open_audio(Box::new(FileSource::open(&text).expect("opens")))
        .err()
        .expect("refused");
    assert_eq!(e.code, "InvalidMedia.Unsupported");
    assert!(
        e.message.contains("unrecognised audio format"),
        "{}",
        e.message
    );
    assert_eq!(
        code(&write("empty.mp3", b"")).as_deref(),
        Some("InvalidMedia.Corrupt")
    );
    // A video-only MP4 has no music in it.
    let video = common::tmp_path("video-only.mp4");
    let made = Command::new("ffmpeg")
        .args([
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=s=64x64:d=1",
            "-c:v",
            "libx264",
        ])
        .arg(&video)
        .status()
        .expect("ffmpeg");
    assert!(made.success());
    assert_eq!(code(&video).as_deref(), Some("InvalidMedia.Unsupported"));
    // MPEG layer II is named and refused.
    if let Some(mp2) = make("music.mp2", 44100, &["-c:a", "mp2", "-f", "mp2"]) {
        let e = open_audio(Box::new(FileSource::open(&mp2).expect("opens")))
            .err()
            .expect("refused");
        assert_eq!(e.code, "InvalidMedia.Unsupported");
        assert!(e.message.contains("layer II"), "{}", e.message);
    }
    // Damage in the middle of each compressed format: the demuxer (or its checksum) says Corrupt.
    for (name, args) in [
        ("damaged.flac", &["-c:a", "flac"][..]),
        ("damaged.ogg", &["-c:a", "libvorbis"][..]),
        ("damaged.mp3", &["-c:a", "libmp3lame"][..]),
    ] {
        let Some(path) = make(name, 44100, args) else {
            continue;
        };
        let mut bytes = std::fs::read(&path).expect("read");
        let mid = bytes.len() / 2;
        // More than a frame, so MP3 (no checksum) loses a frame header too.
        bytes[mid..mid + 2048].fill(0x00);
        std::fs::write(&path, &bytes).expect("write");
        let mut d = open(&path);
        let mut result = Ok(());
        loop {
            match d.next_packet() {
                Ok(Some(_)) => {}
                Ok(None) => break,
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
        }
        let e = result
            .err()
            .unwrap_or_else(|| panic!("{name}: damage noticed"));
        assert_eq!(e.code, "InvalidMedia.Corrupt", "{name}: {}", e.message);
    }
}
