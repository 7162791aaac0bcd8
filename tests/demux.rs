//! Demuxer integration tests: the shared real media checked against values measured with
//! `ffprobe -count_packets`, edge-case fixtures generated with ffmpeg, seeking, read batching and a
//! no-panic fuzz pass over random, truncated and bit-flipped inputs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use reelcut::media::{self, ByteSource, Demuxer, FileSource, MediaInfo, TrackKind};
use reelcut::ApiError;

fn media_dir() -> PathBuf {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/media"));
    assert!(
        dir.is_dir(),
        "the shared test media folder {} is missing: these tests need the real files (see shared/media/README.md)",
        dir.display()
    );
    dir
}

fn open_path(path: &Path) -> Result<Box<dyn Demuxer>, ApiError> {
    media::open(Box::new(FileSource::open(path)?))
}

fn open_bytes(data: Vec<u8>) -> Result<Box<dyn Demuxer>, ApiError> {
    media::open(Box::new(std::io::Cursor::new(data)))
}

/// A packet without its payload.
#[derive(Debug, Clone, Copy)]
struct Pkt {
    track: u32,
    pts: i64,
    dur: i64,
    key: bool,
}

fn read_all(d: &mut dyn Demuxer) -> Result<Vec<Pkt>, ApiError> {
    let mut out = Vec::new();
    while let Some(p) = d.next_packet()? {
        assert!(
            !p.data.is_empty() || p.track_id == 0,
            "empty packet on track {}",
            p.track_id
        );
        out.push(Pkt {
            track: p.track_id,
            pts: p.pts_us,
            dur: p.duration_us,
            key: p.is_key,
        });
    }
    Ok(out)
}

fn of_track(pkts: &[Pkt], track: u32) -> Vec<Pkt> {
    pkts.iter().copied().filter(|p| p.track == track).collect()
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

// ---------------------------------------------------------------------------------------------
// Shared media against ffprobe.

struct ExpectVideo {
    codec: &'static str,
    codec_name: &'static str,
    size: (u32, u32),
    rotation: u32,
    display: (u32, u32),
    fps: f64,
    duration: f64,
    packets: usize,
    /// ffprobe's pts (µs) of the first packets, in decode order.
    first_pts: &'static [i64],
}

struct ExpectAudio {
    codec: &'static str,
    rate: u32,
    channels: u32,
    duration: f64,
    packets: usize,
    first_pts: &'static [i64],
}

struct Expect {
    file: &'static str,
    container: &'static str,
    duration: f64,
    video: Option<ExpectVideo>,
    audio: Option<ExpectAudio>,
}

/// Measured with `ffprobe -count_packets -show_entries stream=...` and `-show_packets` (ffmpeg 5.1).
fn expectations() -> Vec<Expect> {
    vec![
        Expect {
            file: "bbb-180p-vp9.webm",
            container: "webm",
            duration: 10.0,
            video: Some(ExpectVideo {
                codec: "vp09.00.10.08",
                codec_name: "vp9",
                size: (320, 180),
                rotation: 0,
                display: (320, 180),
                fps: 30.0,
                duration: 10.0,
                packets: 300,
                first_pts: &[0, 33_000, 67_000, 100_000, 133_000, 167_000],
            }),
            audio: None,
        },
        Expect {
            file: "bbb-720p-surround51.mp4",
            container: "mp4",
            duration: 5.312,
            video: Some(ExpectVideo {
                codec: "avc1.4d401f",
                codec_name: "h264",
                size: (1280, 720),
                rotation: 0,
                display: (1280, 720),
                fps: 25.0,
                duration: 5.28,
                packets: 132,
                first_pts: &[0, 40_000, 80_000, 120_000, 160_000, 200_000],
            }),
            audio: Some(ExpectAudio {
                codec: "mp4a.40.2",
                rate: 48000,
                channels: 6,
                duration: 5.312,
                packets: 249,
                first_pts: &[0, 21_333, 42_667],
            }),
        },
        Expect {
            file: "bbb-rotated-1080p.mp4",
            container: "mp4",
            duration: 2.005333,
            video: Some(ExpectVideo {
                codec: "avc1.640028",
                codec_name: "h264",
                size: (1920, 1080),
                rotation: 90,
                display: (1080, 1920),
                fps: 24.0,
                duration: 1.875,
                packets: 45,
                // ffprobe shows these plus 83 333 µs: without an edit list ffmpeg shifts pts by
                // the largest negative composition offset (its `dts_shift`) so that pts >= dts.
                // ISO 14496-12 (and browsers' MSE) present at dts + cts_offset, as we do, which
                // keeps the video in sync with the audio that starts at 0.
                first_pts: &[0, 83_333, 41_667, 125_000, 166_667, 208_333],
            }),
            audio: Some(ExpectAudio {
                codec: "mp4a.40.2",
                rate: 48000,
                channels: 6,
                duration: 2.005333,
                packets: 94,
                first_pts: &[0, 21_333, 42_667],
            }),
        },
        Expect {
            file: "bikes-noaudio.mp4",
            container: "mp4",
            duration: 10.0,
            video: Some(ExpectVideo {
                codec: "avc1.640015",
                codec_name: "h264",
                size: (640, 272),
                rotation: 0,
                display: (640, 272),
                fps: 25.0,
                duration: 10.0,
                packets: 250,
                first_pts: &[0, 160_000, 80_000, 40_000, 120_000, 320_000],
            }),
            audio: None,
        },
        Expect {
            file: "green-screen-720p.mp4",
            container: "mp4",
            duration: 24.433,
            video: Some(ExpectVideo {
                codec: "avc1.64001f",
                codec_name: "h264",
                size: (1280, 720),
                rotation: 0,
                display: (1280, 720),
                fps: 30.0,
                duration: 24.4,
                packets: 732,
                first_pts: &[0, 133_333, 66_667, 33_333, 100_000, 266_667],
            }),
            audio: Some(ExpectAudio {
                codec: "mp4a.40.2",
                rate: 44100,
                channels: 2,
                duration: 24.432993,
                packets: 1054,
                first_pts: &[-23_220, 0, 23_220],
            }),
        },
        Expect {
            file: "speech-timecode-720p.mp4",
            container: "mp4",
            duration: 42.453333,
            video: Some(ExpectVideo {
                codec: "avc1.4d0029",
                codec_name: "h264",
                size: (1280, 720),
                rotation: 0,
                display: (1280, 720),
                fps: 30.0,
                duration: 42.4,
                packets: 1272,
                first_pts: &[0, 66_667, 33_333, 133_333, 100_000, 200_000],
            }),
            audio: Some(ExpectAudio {
                codec: "mp4a.40.2",
                rate: 48000,
                channels: 2,
                duration: 42.4,
                // 1990 samples in the file; the last two start after the edit list ends (encoder
                // padding), which ffmpeg drops as we do.
                packets: 1988,
                first_pts: &[0, 21_333, 42_667],
            }),
        },
    ]
}

fn check_file(path: &Path, e: &Expect) {
    let name = e.file;
    let mut d = open_path(path).unwrap_or_else(|err| panic!("{name}: {err}"));
    let info: MediaInfo = d.info().clone();
    assert_eq!(info.container, e.container, "{name}: container");
    assert!(
        close(info.duration_s, e.duration, 0.002),
        "{name}: duration {} vs {}",
        info.duration_s,
        e.duration
    );
    let pkts = read_all(d.as_mut()).unwrap_or_else(|err| panic!("{name}: {err}"));
    assert_eq!(
        info.video_track().is_some(),
        e.video.is_some(),
        "{name}: video track presence"
    );
    assert_eq!(
        info.audio_track().is_some(),
        e.audio.is_some(),
        "{name}: audio track presence"
    );
    let tracks_in_packets: Vec<u32> = pkts
        .iter()
        .map(|p| p.track)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut ids: Vec<u32> = info.tracks.iter().map(|t| t.id).collect();
    ids.sort_unstable();
    assert_eq!(
        tracks_in_packets, ids,
        "{name}: packets come only from the listed tracks"
    );

    if let Some(ev) = &e.video {
        let t = info
            .video_track()
            .unwrap_or_else(|| panic!("{name}: no video"));
        let v = t
            .video
            .as_ref()
            .unwrap_or_else(|| panic!("{name}: no video info"));
        assert_eq!(t.codec_name, ev.codec_name, "{name}");
        assert_eq!(v.codec, ev.codec, "{name}");
        assert!(
            v.description.is_some() || ev.codec_name != "h264",
            "{name}: avcC description"
        );
        assert_eq!(
            (v.coded_width, v.coded_height),
            ev.size,
            "{name}: coded size"
        );
        assert_eq!(v.rotation, ev.rotation, "{name}: rotation");
        assert_eq!(
            (v.display_width, v.display_height),
            ev.display,
            "{name}: display size"
        );
        assert!(
            close(v.frame_rate, ev.fps, 0.01),
            "{name}: fps {}",
            v.frame_rate
        );
        assert!(
            close(t.duration_s, ev.duration, 0.002),
            "{name}: video duration {}",
            t.duration_s
        );
        assert_eq!(v.frame_count, ev.packets as u64, "{name}: frame count");
        let vp = of_track(&pkts, t.id);
        assert_eq!(vp.len(), ev.packets, "{name}: video packets");
        assert!(
            vp.first().is_some_and(|p| p.key),
            "{name}: first video packet must be a key frame"
        );
        let first: Vec<i64> = vp.iter().take(ev.first_pts.len()).map(|p| p.pts).collect();
        assert_eq!(first, ev.first_pts, "{name}: first video pts");
        let mut sorted: Vec<i64> = vp.iter().map(|p| p.pts).collect();
        sorted.sort_unstable();
        assert!(
            sorted.windows(2).all(|w| w[0] < w[1]),
            "{name}: video pts must be distinct"
        );
        let last_end = vp.iter().map(|p| p.pts + p.dur).max().unwrap_or(0);
        assert!(
            close(
                last_end as f64 / 1e6,
                sorted[0] as f64 / 1e6 + ev.duration,
                0.05
            ),
            "{name}: last video frame ends at {last_end} µs"
        );
    }
    if let Some(ea) = &e.audio {
        let t = info
            .audio_track()
            .unwrap_or_else(|| panic!("{name}: no audio"));
        let a = t
            .audio
            .as_ref()
            .unwrap_or_else(|| panic!("{name}: no audio info"));
        assert_eq!(a.codec, ea.codec, "{name}");
        assert_eq!(
            (a.sample_rate, a.channels),
            (ea.rate, ea.channels),
            "{name}: audio format"
        );
        assert!(a.description.is_some(), "{name}: AudioSpecificConfig");
        assert!(
            close(t.duration_s, ea.duration, 0.002),
            "{name}: audio duration {}",
            t.duration_s
        );
        let ap = of_track(&pkts, t.id);
        assert_eq!(ap.len(), ea.packets, "{name}: audio packets");
        let first: Vec<i64> = ap.iter().take(ea.first_pts.len()).map(|p| p.pts).collect();
        assert_eq!(first, ea.first_pts, "{name}: first audio pts");
        assert!(
            ap.windows(2).all(|w| w[0].pts < w[1].pts),
            "{name}: audio pts increase"
        );
        assert!(ap.iter().all(|p| p.key), "{name}: audio packets are key");
    }
}

#[test]
fn every_shared_media_file_matches_ffprobe() {
    let dir = media_dir();
    let expect = expectations();
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|n| !n.ends_with(".md"))
        .collect();
    names.sort();
    assert!(!names.is_empty(), "no media in {}", dir.display());
    for name in &names {
        let e = expect.iter().find(|e| e.file == name).unwrap_or_else(|| {
            panic!("{name} has no expectations: measure it with ffprobe and add it here")
        });
        check_file(&dir.join(name), e);
    }
    for e in &expect {
        assert!(
            names.iter().any(|n| n == e.file),
            "{} is missing from {}",
            e.file,
            dir.display()
        );
    }
}

/// Seeks to several times and checks that reading resumes at the last video key frame at or
/// before each, using the key frames seen in a full read as the reference.
fn check_seek(path: &Path, times: &[f64]) {
    let name = path.display();
    let mut d = open_path(path).unwrap_or_else(|e| panic!("{name}: {e}"));
    let info = d.info().clone();
    let vt = info
        .video_track()
        .or(info.tracks.first())
        .map(|t| t.id)
        .unwrap_or(0);
    let all = read_all(d.as_mut()).unwrap_or_else(|e| panic!("{name}: {e}"));
    let keys: Vec<i64> = all
        .iter()
        .filter(|p| p.track == vt && p.key)
        .map(|p| p.pts)
        .collect();
    for &t in times {
        d.seek(t)
            .unwrap_or_else(|e| panic!("{name}: seek {t}: {e}"));
        let after = read_all(d.as_mut()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let first_v = after
            .iter()
            .find(|p| p.track == vt)
            .unwrap_or_else(|| panic!("{name}: nothing after seek {t}"));
        let target = (t * 1e6) as i64;
        let want = keys
            .iter()
            .copied()
            .filter(|&k| k <= target)
            .max()
            .or(keys.first().copied());
        assert!(first_v.key, "{name}: seek {t} must land on a key frame");
        assert_eq!(Some(first_v.pts), want, "{name}: seek {t}");
        let total_v = all.iter().filter(|p| p.track == vt).count();
        let later_v = all
            .iter()
            .filter(|p| p.track == vt && p.pts >= first_v.pts)
            .count();
        let after_v = after.iter().filter(|p| p.track == vt).count();
        assert!(
            after_v >= later_v && after_v <= total_v,
            "{name}: seek {t}: {after_v} video packets after seek"
        );
        if let Some(at) = info.audio_track() {
            let first_a = after.iter().find(|p| p.track == at.id);
            assert!(
                first_a.is_none_or(|a| a.pts + a.dur >= first_v.pts - 100_000),
                "{name}: audio after seek {t} starts near the key frame"
            );
        }
    }
    d.seek(0.0).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(
        read_all(d.as_mut()).map(|p| p.len()).ok(),
        Some(all.len()),
        "{name}: seek(0) restarts"
    );
}

#[test]
fn seeking_shared_media() {
    let dir = media_dir();
    check_seek(
        &dir.join("green-screen-720p.mp4"),
        &[10.0, 0.5, 23.0, 100.0],
    );
    check_seek(&dir.join("bbb-180p-vp9.webm"), &[5.0, 0.0, 9.9, 3.3]);
    check_seek(&dir.join("bbb-rotated-1080p.mp4"), &[1.0, 1.9]);
    check_seek(&dir.join("speech-timecode-720p.mp4"), &[30.0, 2.0]);
}

/// A source that counts the reads reaching it.
struct Counting {
    inner: FileSource,
    reads: std::rc::Rc<std::cell::Cell<u64>>,
}

impl ByteSource for Counting {
    fn len(&self) -> u64 {
        self.inner.len()
    }
    fn read_at(&mut self, offset: u64, len: usize) -> Result<Vec<u8>, ApiError> {
        self.reads.set(self.reads.get() + 1);
        self.inner.read_at(offset, len)
    }
}

#[test]
fn reads_are_batched_by_the_read_ahead_window() {
    let dir = media_dir();
    for name in [
        "green-screen-720p.mp4",
        "bbb-180p-vp9.webm",
        "bbb-rotated-1080p.mp4",
    ] {
        let reads = std::rc::Rc::new(std::cell::Cell::new(0));
        let src = Counting {
            inner: FileSource::open(&dir.join(name)).unwrap_or_else(|e| panic!("{e}")),
            reads: reads.clone(),
        };
        let mut d = media::open(Box::new(src)).unwrap_or_else(|e| panic!("{name}: {e}"));
        let n = read_all(d.as_mut())
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .len();
        assert!(
            reads.get() < 20,
            "{name}: {} source reads for {n} packets",
            reads.get()
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Fixtures generated with ffmpeg.

fn ffmpeg(dir: &Path, args: &str) {
    let mut cmd = Command::new("/usr/bin/ffmpeg");
    cmd.current_dir(dir).args(["-v", "error", "-y"]);
    cmd.args(args.split_whitespace());
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("ffmpeg {args}: {e}"));
    assert!(
        out.status.success(),
        "ffmpeg {args} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Generates the edge-case fixtures once per test run.
fn fixtures() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        assert!(
            Path::new("/usr/bin/ffmpeg").exists(),
            "/usr/bin/ffmpeg is missing: the demuxer edge-case tests generate their fixtures with it"
        );
        let dir = std::env::temp_dir().join(format!("reelcut-demux-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        let v = "-f lavfi -i testsrc2=size=160x120:rate=10:duration=2";
        let a = "-f lavfi -i sine=frequency=440:sample_rate=48000:duration=2";
        let tiny = "-f lavfi -i testsrc2=size=64x64:rate=10:duration=1";
        let jobs = [
            format!("{v} {a} -c:v libx264 -g 10 -bf 2 -pix_fmt yuv420p -c:a aac -ac 2 src.mp4"),
            format!("{v} {a} -c:v libx264 -g 10 -c:a aac -movflags +faststart faststart.mp4"),
            format!("{v} -vf select='not(eq(mod(n\\,3)\\,2))' -fps_mode vfr -c:v libx264 vfr.mp4"),
            format!("{v} -vf setsar=4/3 -c:v libx264 sar.mp4"),
            format!("{v} {a} -c:v libx264 -c:a aac -t 1 clip.mov"),
            format!("{v} {a} -c:v libx264 -g 5 -c:a aac -movflags frag_keyframe+empty_moov frag.mp4"),
            format!(
                "{v} {a} -map 0:v -map 1:a -map 1:a -map 1:a -map 1:a -c:v libx264 -c:a:0 libopus \
                 -c:a:1 libvorbis -c:a:2 flac -c:a:3 aac multi.mkv"
            ),
            format!("{v} {a} -c:v libvpx -b:v 200k -c:a libvorbis vp8.webm"),
            format!("{v} {a} -c:v libvpx-vp9 -g 5 -c:a libopus -live 1 live.webm"),
            format!("{a} -c:a aac audio.m4a"),
            format!("{v} -c:v libx264 -bf 2 -movflags +negative_cts_offsets negcts.mp4"),
            format!("{tiny} -c:v libx265 -x265-params log-level=0 -tag:v hvc1 hevc.mp4"),
            format!("{tiny} -c:v libaom-av1 -cpu-used 8 av1.mp4"),
            format!("{tiny} -c:v libaom-av1 -cpu-used 8 av1.webm"),
            format!("{tiny} {a} -t 1 -c:v libvpx-vp9 -c:a libopus vp9opus.mp4"),
            format!("{a} -c:a flac -strict -2 flac.mp4"),
            format!("{a} -c:a libmp3lame mp3.mp4"),
        ];
        for job in &jobs {
            ffmpeg(&dir, job);
        }
        // A stream copy starting mid-GOP: ffmpeg keeps the GOP and writes an edit list.
        ffmpeg(&dir, "-ss 0.55 -i src.mp4 -c copy cut.mp4");
        dir
    })
}

fn fixture(name: &str) -> (PathBuf, Box<dyn Demuxer>, Vec<Pkt>) {
    let path = fixtures().join(name);
    let mut d = open_path(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
    let pkts = read_all(d.as_mut()).unwrap_or_else(|e| panic!("{name}: {e}"));
    (path, d, pkts)
}

fn video(info: &MediaInfo) -> (&reelcut::media::TrackInfo, &reelcut::media::VideoInfo) {
    let t = info
        .video_track()
        .unwrap_or_else(|| panic!("no video track"));
    (
        t,
        t.video.as_ref().unwrap_or_else(|| panic!("no video info")),
    )
}

fn audio(info: &MediaInfo) -> (&reelcut::media::TrackInfo, &reelcut::media::AudioInfo) {
    let t = info
        .audio_track()
        .unwrap_or_else(|| panic!("no audio track"));
    (
        t,
        t.audio.as_ref().unwrap_or_else(|| panic!("no audio info")),
    )
}

#[test]
fn mp4_with_b_frames_uses_its_edit_list() {
    let (_, d, pkts) = fixture("src.mp4");
    let (vt, v) = video(d.info());
    assert_eq!((v.codec.as_str(), v.frame_count), ("avc1.64000a", 20));
    let vp = of_track(&pkts, vt.id);
    assert!(vp[0].key);
    // The B-frame delay is removed by the edit list: the first shown frame is at 0.
    assert_eq!(vp.iter().map(|p| p.pts).min(), Some(0));
    let (at, a) = audio(d.info());
    assert_eq!((a.sample_rate, a.channels), (48000, 2));
    // AAC priming: the first packet is before 0 (decoded, not shown).
    assert_eq!(of_track(&pkts, at.id).first().map(|p| p.pts), Some(-21_333));
}

#[test]
fn stream_copy_cut_keeps_leading_frames_with_negative_pts() {
    let (path, d, pkts) = fixture("cut.mp4");
    let info = d.info();
    assert!(
        close(info.duration_s, 1.45, 0.02),
        "duration {}",
        info.duration_s
    );
    let (vt, v) = video(info);
    assert!(close(v.frame_rate, 10.0, 0.01), "fps {}", v.frame_rate);
    let vp = of_track(&pkts, vt.id);
    assert_eq!(vp.len(), 20);
    assert!(vp[0].key && vp[0].pts < 0, "first packet {:?}", vp[0]);
    // Edit starts 0.75 s into the media, the first frame is at cts 0.2 s: -0.55 s. (ffmpeg moves
    // video by another -0.05 s so its first shown frame lands on 0; we keep exact A/V timing.)
    assert_eq!(vp[0].pts, -550_000);
    let shown = vp.iter().filter(|p| p.pts >= 0).count();
    assert_eq!(shown, 14);
    check_seek(&path, &[0.0, 0.6]);
}

#[test]
fn ctts_version_1_with_negative_offsets() {
    let (path, d, pkts) = fixture("negcts.mp4");
    let data = std::fs::read(path).unwrap_or_default();
    let at = data.windows(4).position(|w| w == b"ctts").unwrap_or(0);
    assert_eq!(data.get(at + 4), Some(&1), "fixture has a version 1 ctts");
    let (vt, _) = video(d.info());
    let vp = of_track(&pkts, vt.id);
    // ffprobe: 0, 0.2, 0.1, 0.5, 0.3
    let first: Vec<i64> = vp.iter().take(5).map(|p| p.pts).collect();
    assert_eq!(first, vec![0, 200_000, 100_000, 500_000, 300_000]);
    let mut all: Vec<i64> = vp.iter().map(|p| p.pts).collect();
    all.sort_unstable();
    assert_eq!(all, (0..20).map(|i| i * 100_000).collect::<Vec<_>>());
}

#[test]
fn variable_frame_rate_mp4() {
    let (_, d, pkts) = fixture("vfr.mp4");
    let (vt, v) = video(d.info());
    assert_eq!(v.frame_count, 14);
    assert!(close(v.frame_rate, 7.0, 0.01), "fps {}", v.frame_rate);
    let durs: std::collections::BTreeSet<i64> =
        of_track(&pkts, vt.id).iter().map(|p| p.dur).collect();
    assert_eq!(durs.into_iter().collect::<Vec<_>>(), vec![100_000, 200_000]);
    assert!(close(vt.duration_s, 2.0, 0.001));
}

#[test]
fn non_square_pixels_from_pasp() {
    let (_, d, _) = fixture("sar.mp4");
    let (_, v) = video(d.info());
    assert_eq!(v.pixel_aspect, (4, 3));
    assert_eq!((v.coded_width, v.coded_height), (160, 120));
    assert_eq!((v.display_width, v.display_height), (213, 120));
}

#[test]
fn quicktime_mov() {
    let (path, d, pkts) = fixture("clip.mov");
    let head = std::fs::read(&path).unwrap_or_default();
    assert_eq!(
        head.get(8..12),
        Some(&b"qt  "[..]),
        "ffmpeg wrote a QuickTime brand"
    );
    assert_eq!(d.info().container, "mp4");
    let (vt, v) = video(d.info());
    assert!(v.codec.starts_with("avc1."), "{}", v.codec);
    assert_eq!(v.frame_count, 10);
    assert_eq!(of_track(&pkts, vt.id).len(), 10);
    let (at, a) = audio(d.info());
    assert_eq!(a.codec, "mp4a.40.2");
    assert_eq!(of_track(&pkts, at.id).len(), 48);
}

#[test]
fn fragmented_mp4() {
    let (path, d, pkts) = fixture("frag.mp4");
    let data = std::fs::read(&path).unwrap_or_default();
    assert!(
        data.windows(4).filter(|w| w == b"moof").count() >= 4,
        "fixture is fragmented"
    );
    let info = d.info();
    let (vt, v) = video(info);
    assert_eq!(v.frame_count, 20);
    assert!(close(v.frame_rate, 10.0, 0.01));
    assert!(
        close(vt.duration_s, 2.0, 0.001),
        "video duration {}",
        vt.duration_s
    );
    let (at, _) = audio(info);
    assert_eq!(of_track(&pkts, vt.id).len(), 20);
    assert_eq!(of_track(&pkts, at.id).len(), 95);
    // No edit list in empty_moov mode: the B-frame delay shows as a 0.2 s start (as in ffprobe).
    assert_eq!(
        of_track(&pkts, vt.id).first().map(|p| (p.pts, p.key)),
        Some((200_000, true))
    );
    check_seek(&path, &[1.5, 0.0, 0.75, 5.0]);
}

#[test]
fn matroska_with_opus_vorbis_flac_and_aac() {
    let (path, d, pkts) = fixture("multi.mkv");
    let info = d.info();
    assert_eq!(info.container, "matroska");
    assert!(
        close(info.duration_s, 2.022, 0.001),
        "duration {}",
        info.duration_s
    );
    let (vt, v) = video(info);
    assert_eq!(
        (vt.codec_name.as_str(), v.codec.as_str()),
        ("h264", "avc1.64000a")
    );
    assert!(
        v.description
            .as_ref()
            .is_some_and(|d| d.first() == Some(&1)),
        "avcC description"
    );
    assert!(close(v.frame_rate, 10.0, 0.01));
    let audio: Vec<_> = info
        .tracks
        .iter()
        .filter(|t| t.kind == TrackKind::Audio)
        .collect();
    let summary: Vec<(&str, &str)> = audio
        .iter()
        .map(|t| {
            (
                t.codec_name.as_str(),
                t.audio.as_ref().map_or("", |a| a.codec.as_str()),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("opus", "opus"),
            ("vorbis", "vorbis"),
            ("flac", "flac"),
            ("aac", "mp4a.40.2")
        ]
    );
    let desc = |i: usize| {
        audio[i]
            .audio
            .as_ref()
            .and_then(|a| a.description.clone())
            .unwrap_or_default()
    };
    assert!(desc(0).starts_with(b"OpusHead"));
    assert_eq!(
        desc(1).first(),
        Some(&2),
        "Vorbis headers are Xiph-laced (3 packets)"
    );
    assert!(desc(2).starts_with(b"fLaC"));
    assert!(
        desc(3).starts_with(&[0x11, 0x88]),
        "AudioSpecificConfig: LC, 48 kHz, mono"
    );
    for t in &audio {
        let a = t.audio.as_ref().unwrap_or_else(|| panic!("audio info"));
        assert_eq!((a.sample_rate, a.channels), (48000, 1), "{}", t.codec_name);
    }
    let counts: BTreeMap<u32, usize> = pkts.iter().fold(BTreeMap::new(), |mut m, p| {
        *m.entry(p.track).or_default() += 1;
        m
    });
    assert_eq!(
        counts.into_values().collect::<Vec<_>>(),
        vec![20, 101, 96, 21, 95]
    );
    // ffprobe: the first video frame is at 21 ms (the muxer's audio delay).
    assert_eq!(
        of_track(&pkts, vt.id).first().map(|p| (p.pts, p.key)),
        Some((21_000, true))
    );
    check_seek(&path, &[1.0, 0.0]);
}

#[test]
fn webm_vp8_vorbis() {
    let (path, d, pkts) = fixture("vp8.webm");
    let info = d.info();
    assert_eq!(info.container, "webm");
    let (vt, v) = video(info);
    assert_eq!(
        (
            vt.codec_name.as_str(),
            v.codec.as_str(),
            v.coded_width,
            v.coded_height
        ),
        ("vp8", "vp8", 160, 120)
    );
    let (at, a) = audio(info);
    assert_eq!(
        (at.codec_name.as_str(), a.codec.as_str()),
        ("vorbis", "vorbis")
    );
    assert_eq!(of_track(&pkts, vt.id).len(), 20);
    assert_eq!(of_track(&pkts, at.id).len(), 96);
    assert!(close(info.duration_s, 2.003, 0.001));
    check_seek(&path, &[1.0]);
}

/// Reads an EBML id or size at `pos`: (value with marker kept for ids / removed for sizes, length).
fn ebml_vint(data: &[u8], pos: usize, keep_marker: bool) -> (u64, usize) {
    let first = data[pos];
    let len = first.leading_zeros() as usize + 1;
    let mut v = if keep_marker {
        u64::from(first)
    } else {
        u64::from(first) & (0xFF >> len)
    };
    for i in 1..len {
        v = (v << 8) | u64::from(data[pos + i]);
    }
    (v, len)
}

/// Rewrites a WebM the way `MediaRecorder` writes it: unknown-size Segment and Clusters, no
/// Duration, no SeekHead, no Cues.
fn as_media_recorder_output(webm: &[u8]) -> Vec<u8> {
    const UNKNOWN: [u8; 8] = [0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];
    let (_, id_len) = ebml_vint(webm, 0, true);
    let (size, size_len) = ebml_vint(webm, id_len, false);
    let header_end = id_len + size_len + size as usize;
    let mut out = webm[..header_end].to_vec();
    let (segment_id, id_len) = ebml_vint(webm, header_end, true);
    assert_eq!(segment_id, 0x1853_8067);
    let (_, size_len) = ebml_vint(webm, header_end + id_len, false);
    out.extend_from_slice(&[0x18, 0x53, 0x80, 0x67]);
    out.extend_from_slice(&UNKNOWN);
    let mut pos = header_end + id_len + size_len;
    while pos < webm.len() {
        let (id, id_len) = ebml_vint(webm, pos, true);
        let (size, size_len) = ebml_vint(webm, pos + id_len, false);
        let data = pos + id_len + size_len;
        let end = data + size as usize;
        match id {
            0x1F43_B675 => {
                out.extend_from_slice(&webm[pos..pos + id_len]);
                out.extend_from_slice(&UNKNOWN);
                out.extend_from_slice(&webm[data..end]);
            }
            0x1549_A966 => {
                // Info without Duration (0x4489).
                let mut info = Vec::new();
                let mut p = data;
                while p < end {
                    let (cid, cl) = ebml_vint(webm, p, true);
                    let (cs, sl) = ebml_vint(webm, p + cl, false);
                    let ce = p + cl + sl + cs as usize;
                    if cid != 0x4489 {
                        info.extend_from_slice(&webm[p..ce]);
                    }
                    p = ce;
                }
                out.extend_from_slice(&webm[pos..pos + id_len]);
                out.push(0x01);
                out.extend_from_slice(&(info.len() as u64).to_be_bytes()[1..]);
                out.extend_from_slice(&info);
            }
            0x1654_AE6B => out.extend_from_slice(&webm[pos..end]),
            _ => {} // SeekHead, Cues, Tags, Void
        }
        pos = end;
    }
    out
}

#[test]
fn media_recorder_style_webm_with_unknown_sizes_and_no_duration() {
    let source = std::fs::read(fixtures().join("live.webm")).unwrap_or_default();
    let data = as_media_recorder_output(&source);
    let path = fixtures().join("recorder.webm");
    std::fs::write(&path, &data).unwrap_or_else(|e| panic!("{e}"));
    let unknown_cluster = [
        0x1F, 0x43, 0xB6, 0x75, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    ];
    assert!(
        data.windows(12).any(|w| w == unknown_cluster),
        "fixture has unknown-size clusters"
    );
    let mut d = open_path(&path).unwrap_or_else(|e| panic!("{e}"));
    let pkts = read_all(d.as_mut()).unwrap_or_else(|e| panic!("{e}"));
    let info = d.info();
    assert_eq!(info.container, "webm");
    // Recovered from the last cluster: the last video frame ends at 2.007 s.
    assert!(
        close(info.duration_s, 2.0, 0.05),
        "duration {}",
        info.duration_s
    );
    let (vt, v) = video(info);
    assert_eq!(v.codec, "vp09.00.10.08");
    assert!(close(v.frame_rate, 10.0, 0.5), "fps {}", v.frame_rate);
    assert_eq!(v.frame_count, 20);
    let (at, a) = audio(info);
    assert_eq!((a.codec.as_str(), a.sample_rate), ("opus", 48000));
    assert_eq!(of_track(&pkts, vt.id).len(), 20);
    assert_eq!(of_track(&pkts, at.id).len(), 101);
    // Same packets as the original file.
    let mut orig = open_path(&fixtures().join("live.webm")).unwrap_or_else(|e| panic!("{e}"));
    let orig_pkts = read_all(orig.as_mut()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(format!("{orig_pkts:?}"), format!("{pkts:?}"));
    check_seek(&path, &[1.2, 0.3, 0.0, 1.2]);
    // Truncated mid-cluster, as when a recording is cut off: packets up to the cut, then an error
    // or a clean end, never a panic.
    must_not_panic(
        "recorder.webm truncated",
        data[..data.len() * 2 / 3].to_vec(),
    );
}

#[test]
fn audio_only_m4a() {
    let (_, d, pkts) = fixture("audio.m4a");
    let info = d.info();
    assert!(info.video_track().is_none());
    let (at, a) = audio(info);
    assert_eq!(
        (a.codec.as_str(), a.sample_rate, a.channels),
        ("mp4a.40.2", 48000, 1)
    );
    assert!(close(at.duration_s, 2.0, 0.001));
    assert_eq!(pkts.len(), 95);
}

#[test]
fn codec_strings_of_other_codecs() {
    let (_, d, _) = fixture("hevc.mp4");
    let (t, v) = video(d.info());
    assert_eq!(t.codec_name, "hevc");
    assert!(v.codec.starts_with("hvc1.1.6.L30"), "{}", v.codec);
    for name in ["av1.mp4", "av1.webm"] {
        let (_, d, pkts) = fixture(name);
        let (t, v) = video(d.info());
        assert_eq!(
            (t.codec_name.as_str(), v.codec.as_str()),
            ("av1", "av01.0.00M.08"),
            "{name}"
        );
        assert_eq!(pkts.len(), 10, "{name}");
    }
    let (_, d, _) = fixture("vp9opus.mp4");
    let (_, v) = video(d.info());
    assert_eq!(v.codec, "vp09.00.10.08");
    let (_, a) = audio(d.info());
    assert_eq!(a.codec, "opus");
    assert!(a
        .description
        .as_ref()
        .is_some_and(|d| d.starts_with(b"OpusHead") && d.len() == 19));
    let (_, d, _) = fixture("flac.mp4");
    let (_, a) = audio(d.info());
    assert_eq!(
        (a.codec.as_str(), a.sample_rate, a.channels),
        ("flac", 48000, 1)
    );
    assert!(a
        .description
        .as_ref()
        .is_some_and(|d| d.starts_with(b"fLaC")));
    let (_, d, pkts) = fixture("mp3.mp4");
    let (t, a) = audio(d.info());
    assert_eq!((t.codec_name.as_str(), a.codec.as_str()), ("mp3", "mp3"));
    assert_eq!(pkts.len(), 85);
}

#[test]
fn truncated_files_are_reported_as_truncated() {
    for name in ["src.mp4", "faststart.mp4", "frag.mp4", "vp8.webm"] {
        let data = std::fs::read(fixtures().join(name)).unwrap_or_default();
        for cut in [data.len() / 2, data.len() - 100] {
            let result =
                open_bytes(data[..cut].to_vec()).and_then(|mut d| read_all(d.as_mut()).map(|_| ()));
            let err = result
                .err()
                .unwrap_or_else(|| panic!("{name} cut at {cut} opened without error"));
            assert_eq!(err.code, "InvalidMedia.Corrupt", "{name}: {err}");
            assert!(err.message.contains("truncated"), "{name}: {err}");
        }
    }
    let err = open_bytes(b"hello world, this is not a video".to_vec()).err();
    assert_eq!(
        err.map(|e| e.code),
        Some("InvalidMedia.Unsupported".to_string())
    );
}

// ---------------------------------------------------------------------------------------------
// Fuzz-style robustness: nothing may panic.

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

/// Opens and reads everything (with a packet cap), also trying a seek; errors are fine.
fn exercise(data: Vec<u8>) {
    if let Ok(mut d) = open_bytes(data) {
        let _ = d.info().video_track();
        for _ in 0..20_000 {
            match d.next_packet() {
                Ok(Some(_)) => {}
                _ => break,
            }
        }
        if d.seek(0.7).is_ok() {
            for _ in 0..50 {
                if !matches!(d.next_packet(), Ok(Some(_))) {
                    break;
                }
            }
        }
    }
}

fn must_not_panic(what: &str, data: Vec<u8>) {
    let copy = data.clone();
    if std::panic::catch_unwind(move || exercise(data)).is_err() {
        let dump = std::env::temp_dir().join("reelcut-demux-panic.bin");
        let _ = std::fs::write(&dump, &copy);
        panic!(
            "demuxing panicked on {what} (input saved to {})",
            dump.display()
        );
    }
}

#[test]
fn fuzz_random_truncated_and_bit_flipped_inputs_never_panic() {
    // REELCUT_FUZZ_ROUNDS=N runs N times as many cases (for a longer soak).
    let rounds: usize = std::env::var("REELCUT_FUZZ_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ rounds as u64);
    // Random bytes behind each container signature.
    let magics: [&[u8]; 3] = [
        b"\x00\x00\x00\x18ftypisom",
        b"\x1A\x45\xDF\xA3",
        b"\x00\x00\x00\x08moov",
    ];
    for i in 0..300 * rounds {
        let mut data: Vec<u8> = magics[i % magics.len()].to_vec();
        let n = rng.below(2000);
        data.extend((0..n).map(|_| rng.next() as u8));
        must_not_panic("random bytes", data);
    }
    let mut inputs: Vec<(String, Vec<u8>)> = Vec::new();
    for name in [
        "bbb-180p-vp9.webm",
        "bbb-rotated-1080p.mp4",
        "bikes-noaudio.mp4",
    ] {
        inputs.push((
            name.into(),
            std::fs::read(media_dir().join(name)).unwrap_or_default(),
        ));
    }
    for name in ["multi.mkv", "frag.mp4", "live.webm", "clip.mov", "cut.mp4"] {
        inputs.push((
            name.into(),
            std::fs::read(fixtures().join(name)).unwrap_or_default(),
        ));
    }
    let live = std::fs::read(fixtures().join("live.webm")).unwrap_or_default();
    inputs.push((
        "recorder-style webm".into(),
        as_media_recorder_output(&live),
    ));
    for (name, data) in &inputs {
        assert!(data.len() > 1000, "{name} missing");
        for _ in 0..25 * rounds {
            let cut = rng.below(data.len());
            must_not_panic(&format!("{name} truncated to {cut}"), data[..cut].to_vec());
        }
        // Flip bits in the metadata-heavy regions: the start and the end of the file.
        for _ in 0..60 * rounds {
            let mut d = data.clone();
            for _ in 0..1 + rng.below(4) {
                let region = 8192.min(d.len());
                let pos = if rng.next().is_multiple_of(2) {
                    rng.below(region)
                } else {
                    d.len() - 1 - rng.below(region.max(1))
                };
                if let Some(b) = d.get_mut(pos) {
                    *b ^= 1 << rng.below(8);
                }
            }
            must_not_panic(&format!("{name} bit-flipped"), d);
        }
    }
}

/// Demux speed on a long file: `REELCUT_BENCH_FILE=... cargo test --release --test demux -- --ignored`.
#[test]
#[ignore]
fn bench_demux_speed() {
    let Ok(path) = std::env::var("REELCUT_BENCH_FILE") else {
        panic!("set REELCUT_BENCH_FILE to a media file");
    };
    for _ in 0..3 {
        let t = std::time::Instant::now();
        let mut d = open_path(Path::new(&path)).unwrap_or_else(|e| panic!("{e}"));
        let n = read_all(d.as_mut()).unwrap_or_else(|e| panic!("{e}")).len();
        println!("{path}: {n} packets in {:?}", t.elapsed());
    }
}

// -------------------------------------------------------------------------------------------------
// Issue 11: headers that lie, and tables larger than the file could hold.
// -------------------------------------------------------------------------------------------------

/// Offsets of the payloads of every box of type `fourcc` (found by scanning, good enough for the
/// small ffmpeg fixtures).
fn box_payloads(data: &[u8], fourcc: &[u8; 4]) -> Vec<usize> {
    data.windows(4)
        .enumerate()
        .filter(|(i, w)| *w == fourcc && *i >= 4)
        .map(|(i, _)| i + 4)
        .collect()
}

fn put_u32(data: &mut [u8], at: usize, v: u32) {
    data[at..at + 4].copy_from_slice(&v.to_be_bytes());
}

fn get_u32(data: &[u8], at: usize) -> u32 {
    u32::from_be_bytes(data[at..at + 4].try_into().expect("4 bytes"))
}

/// src.mp4 (2 s) whose `mvhd` claims 10 hours.
fn mp4_mvhd_claiming_10_hours() -> Vec<u8> {
    let mut data = std::fs::read(fixtures().join("src.mp4")).expect("src.mp4");
    let mvhd = box_payloads(&data, b"mvhd")[0];
    assert_eq!(data[mvhd], 0, "version 0 mvhd");
    let timescale = get_u32(&data, mvhd + 12);
    put_u32(&mut data, mvhd + 16, 36_000 * timescale);
    data
}

/// src.mp4 whose `mvhd` and edit lists claim 10 hours.
fn mp4_elst_claiming_10_hours() -> Vec<u8> {
    let mut data = std::fs::read(fixtures().join("src.mp4")).expect("src.mp4");
    let mvhd = box_payloads(&data, b"mvhd")[0];
    let timescale = get_u32(&data, mvhd + 12);
    let mut patched = 0;
    for elst in box_payloads(&data, b"elst") {
        // version/flags, entry count, then (segment duration, media time, rate) for version 0.
        if data[elst] == 0 && get_u32(&data, elst + 4) >= 1 {
            put_u32(&mut data, elst + 8, 36_000 * timescale);
            patched += 1;
        }
    }
    assert!(patched > 0, "src.mp4 has an edit list");
    put_u32(&mut data, mvhd + 16, 36_000 * timescale);
    data
}

/// vp8.webm (2 s) whose Info Duration claims 10 hours.
fn matroska_info_claiming_10_hours() -> Vec<u8> {
    let mut data = std::fs::read(fixtures().join("vp8.webm")).expect("vp8.webm");
    // Duration (0x4489) as an 8-byte float (size 0x88) or a 4-byte one (0x84), in TimecodeScale units.
    let at = data
        .windows(3)
        .position(|w| w[0] == 0x44 && w[1] == 0x89 && (w[2] == 0x88 || w[2] == 0x84))
        .expect("Info Duration");
    let units = 36_000_000.0; // 36000 s at the default 1 ms TimecodeScale
    if data[at + 2] == 0x88 {
        data[at + 3..at + 11].copy_from_slice(&f64::to_be_bytes(units));
    } else {
        data[at + 3..at + 7].copy_from_slice(&(units as f32).to_be_bytes());
    }
    data
}

/// src.mp4 padded to 22 MB with a trailing 'free' box (a budget of 44 MiB), each of its two
/// tracks claiming 1.2 M constant-size samples (38 MiB of tables each): one would fit, two do not.
fn mp4_tracks_over_the_file_budget() -> Vec<u8> {
    let mut data = std::fs::read(fixtures().join("src.mp4")).expect("src.mp4");
    let pad = 22_000_000 - data.len();
    data.extend_from_slice(&(pad as u32).to_be_bytes());
    data.extend_from_slice(b"free");
    data.resize(22_000_000, 0);
    let stsz = box_payloads(&data, b"stsz");
    assert_eq!(stsz.len(), 2, "two tracks");
    for &p in &stsz {
        put_u32(&mut data, p + 4, 1); // constant sample size 1
        put_u32(&mut data, p + 8, 1_200_000); // sample count
    }
    data
}

/// src.mp4 whose sync table marks every video sample as a key frame (P frames included).
fn mp4_every_frame_marked_key() -> Vec<u8> {
    let mut data = std::fs::read(fixtures().join("src.mp4")).expect("src.mp4");
    let stss = box_payloads(&data, b"stss")[0];
    let count = get_u32(&data, stss + 4) as usize;
    // Renumber the listed entries 1..=count: frames that were P frames are now "key".
    for i in 0..count {
        put_u32(&mut data, stss + 8 + 4 * i, i as u32 + 1);
    }
    data
}

#[test]
fn mp4_movie_header_claiming_10_hours_uses_the_samples() {
    let d = open_bytes(mp4_mvhd_claiming_10_hours()).expect("opens");
    let info = d.info();
    assert!(
        close(info.duration_s, 2.0, 0.1),
        "duration {} s, not the header's 36000 s",
        info.duration_s
    );
    assert!(
        info.notes
            .iter()
            .any(|n| n.contains("mvhd") && n.contains("36000")),
        "{:?}",
        info.notes
    );
    let (_, v) = video(info);
    assert_eq!(v.frame_count, 20);
}

#[test]
fn mp4_edit_list_claiming_10_hours_uses_the_samples() {
    let d = open_bytes(mp4_elst_claiming_10_hours()).expect("opens");
    let info = d.info();
    assert!(close(info.duration_s, 2.0, 0.1), "{}", info.duration_s);
    for t in &info.tracks {
        assert!(
            close(t.duration_s, 2.0, 0.1),
            "track {}: {}",
            t.id,
            t.duration_s
        );
    }
    assert!(
        info.notes.iter().any(|n| n.contains("edit list")),
        "{:?}",
        info.notes
    );
}

#[test]
fn mp4_with_an_honest_header_keeps_it_and_notes_nothing() {
    let (_, d, _) = fixture("src.mp4");
    assert!(d.info().notes.is_empty(), "{:?}", d.info().notes);
}

#[test]
fn matroska_info_duration_claiming_10_hours_uses_the_blocks() {
    let d = open_bytes(matroska_info_claiming_10_hours()).expect("opens");
    let info = d.info();
    assert!(close(info.duration_s, 2.0, 0.1), "{}", info.duration_s);
    assert!(
        info.notes.iter().any(|n| n.contains("Info Duration")),
        "{:?}",
        info.notes
    );
    let (_, v) = video(info);
    assert!(
        v.frame_count <= 21,
        "frame count {} from the real duration",
        v.frame_count
    );
}

#[test]
fn one_table_budget_for_all_tracks_of_a_file() {
    let err = open_bytes(mp4_tracks_over_the_file_budget())
        .err()
        .expect("refused");
    assert_eq!(err.code, "InvalidMedia.Corrupt", "{err}");
    assert!(err.to_string().contains("budget of 42 MiB"), "{err}");
}

#[test]
fn table_budget_scales_with_the_file_and_has_a_ceiling() {
    use reelcut::media::budget::{TableBudget, MAX_TABLE_BYTES, MIN_TABLE_BYTES};
    assert_eq!(TableBudget::for_file(1000).total(), MIN_TABLE_BYTES);
    assert_eq!(TableBudget::for_file(50 << 20).total(), 100 << 20);
    assert_eq!(TableBudget::for_file(10 << 30).total(), MAX_TABLE_BYTES);
    let mut b = TableBudget::for_file(1000);
    assert!(b.take(500_000, 32, "a").is_ok());
    assert!(b.take(500_000, 32, "b").is_ok());
    let e = b.take(100_000, 32, "c").expect_err("over");
    assert_eq!(e.code, "InvalidMedia.Corrupt");
}

#[test]
fn codec_failures_are_corrupt_or_unsupported_naming_codec_and_time() {
    use reelcut::media::codec_error::{codec_failure, CodecRole};
    let key = codec_failure(
        CodecRole::Decoder,
        "video",
        "avc1.64001f",
        Some(3_200_000),
        "DataError",
        "EncodedVideoChunk was marked as type key but wasn't a key frame",
    );
    assert_eq!(key.code, "InvalidMedia.Corrupt");
    assert!(
        key.message.contains("avc1.64001f") && key.message.contains("3.200 s"),
        "{}",
        key.message
    );
    let closed = codec_failure(
        CodecRole::Decoder,
        "audio",
        "opus",
        Some(0),
        "InvalidStateError",
        "Cannot call 'decode' on a closed codec.",
    );
    assert_eq!(closed.code, "InvalidMedia.Corrupt");
    let unsupported = codec_failure(
        CodecRole::Decoder,
        "video",
        "hev1.1.6.L93",
        None,
        "NotSupportedError",
        "",
    );
    assert_eq!(unsupported.code, "InvalidMedia.Unsupported");
    assert!(unsupported.message.contains("hev1.1.6.L93"));
    let enc = codec_failure(
        CodecRole::Encoder,
        "video",
        "avc1.640028",
        Some(1_000_000),
        "EncodingError",
        "boom",
    );
    assert_eq!(enc.code, "InvalidMedia.Unsupported");
    assert!(enc.message.contains("avc1.640028") && enc.message.contains("1.000 s of the output"));
    for e in [key, closed, unsupported, enc] {
        assert_ne!(e.code, "Internal");
    }
}

/// An EBML element: `id` (with its marker bits) and an 8-byte size.
fn ebml_element(id: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut v = id.to_vec();
    v.push(0x01);
    v.extend_from_slice(&(payload.len() as u64).to_be_bytes()[1..]);
    v.extend_from_slice(payload);
    v
}

/// A WebM file with one VP8 track, one key frame and `cue_points` CuePoints (13 bytes each).
fn webm_with_cues(cue_points: usize) -> Vec<u8> {
    let el = ebml_element;
    let short = |id: u8, v: u8| [id, 0x81, v];
    let mut point = vec![0xBB, 0x8B];
    point.extend_from_slice(&short(0xB3, 0)); // CueTime
    point.extend_from_slice(&[0xB7, 0x86]); // CueTrackPositions
    point.extend_from_slice(&short(0xF7, 1)); // CueTrack
    point.extend_from_slice(&short(0xF1, 0)); // CueClusterPosition
    assert_eq!(point.len(), 13);
    let cues = point.repeat(cue_points);
    let video = [el(&[0xB0], &[0x01, 0x40]), el(&[0xBA], &[0xF0])].concat();
    let entry = [
        el(&[0xD7], &[1]),
        el(&[0x83], &[1]),
        el(&[0x86], b"V_VP8"),
        el(&[0xE0], &video),
    ]
    .concat();
    let block = [&[0x81, 0, 0, 0x80][..], &[0u8; 32]].concat();
    let cluster = [el(&[0xE7], &[0]), el(&[0xA3], &block)].concat();
    let segment = [
        el(
            &[0x15, 0x49, 0xA9, 0x66],
            &el(&[0x2A, 0xD7, 0xB1], &[0x0F, 0x42, 0x40]),
        ),
        el(&[0x16, 0x54, 0xAE, 0x6B], &el(&[0xAE], &entry)),
        el(&[0x1C, 0x53, 0xBB, 0x6B], &cues),
        el(&[0x1F, 0x43, 0xB6, 0x75], &cluster),
    ]
    .concat();
    [
        el(&[0x1A, 0x45, 0xDF, 0xA3], &el(&[0x42, 0x82], b"webm")),
        el(&[0x18, 0x53, 0x80, 0x67], &segment),
    ]
    .concat()
}

#[test]
fn matroska_cues_count_in_the_file_budget() {
    // A small Cues element is read and used.
    let mut d = open_bytes(webm_with_cues(10)).expect("a file with 10 cue points opens");
    assert_eq!(d.info().tracks.len(), 1);
    d.seek(0.0).expect("seeks with its cues");
    assert!(d.next_packet().expect("reads").is_some());
    // 1.5 M cue points in a 19.5 MB file: under the 64 MiB element limit, but the raw element
    // (19.5 MB) and its index (24 MB) need more than the file's 37 MiB budget.
    let data = webm_with_cues(1_500_000);
    assert!(data.len() < 20_000_000);
    let err = open_bytes(data).err().expect("refused");
    assert_eq!(err.code, "InvalidMedia.Corrupt", "{err}");
    assert!(
        err.message.contains("Cues") && err.message.contains("budget of 38 MiB"),
        "{err}"
    );
}

// -------------------------------------------------------------------------------------------------
// Issue 11: no input of the corpus yields `Internal` (a bug), from opening through planning.
// -------------------------------------------------------------------------------------------------

/// Every code an input may end a job with before it is decoded is the input's or the request's.
fn not_internal(what: &str, step: &str, r: Result<(), ApiError>, failures: &mut Vec<String>) {
    if let Err(e) = r {
        if e.code == "Internal" || !e.code.contains('.') {
            failures.push(format!("{what}: {step}: {e}"));
        }
    }
}

/// Opens, reads, seeks and plans a whole-file Concat and one starting past the real content, as
/// a job would; records any step that ends in `Internal`.
fn through_the_engine(what: &str, data: Vec<u8>, failures: &mut Vec<String>) {
    use reelcut::engine::{length_field, plan_concat, reel_outputs, render_settings, source_input};
    use reelcut::job::validate::{parse_request, Capabilities};
    use reelcut::media::encoding::{audio_candidates, video_candidates};
    use reelcut::plan::SourceMeta;
    use reelcut::render::job_budget::JobMemory;
    let mut d = match open_bytes(data) {
        Ok(d) => d,
        Err(e) => return not_internal(what, "open", Err(e), failures),
    };
    let mut packets = 0;
    let read = loop {
        match d.next_packet() {
            Ok(Some(_)) if packets < 100_000 => packets += 1,
            Ok(_) => break Ok(()),
            Err(e) => break Err(e),
        }
    };
    not_internal(what, "read", read, failures);
    not_internal(what, "seek", d.seek(0.7), failures);
    let info = d.info().clone();
    let Some(input) = source_input(&info, Vec::new()) else {
        return; // no video: refused as InvalidMedia.Unsupported by the job
    };
    for sources in [
        serde_json::json!([{ "URI": "a" }]),
        serde_json::json!([{ "URI": "a", "StartTime": 100, "Duration": 3 }]),
    ] {
        let request = serde_json::json!({ "Type": "Concat", "Sources": sources,
                                          "Output": { "URI": "memory:", "Container": "mp4" } });
        let spec = parse_request(
            "CreateHighlightTask",
            &request,
            &Capabilities::with_render(),
        )
        .expect("a valid request");
        let meta = SourceMeta {
            duration_s: info.duration_s,
            has_audio: info.audio_track().is_some(),
        };
        let planned = plan_concat(&spec, &[meta]).and_then(|plan| {
            let inputs = [input.clone()];
            let settings = render_settings(&spec, &inputs);
            let video = video_candidates(&settings.video_request()).0[0].clone();
            let audio = settings
                .audio_request()
                .map(|r| audio_candidates(&r)[0].clone());
            for out in reel_outputs(&spec, &settings, &inputs, &plan.reels, &Default::default()) {
                if let Some(render) = &out.render {
                    reelcut::render::validate_plan(render)?;
                    JobMemory::check(render, Some(&video), audio.as_ref(), length_field(&spec))?;
                }
            }
            Ok(())
        });
        not_internal(what, &format!("plan {sources}"), planned, failures);
    }
}

#[test]
fn no_input_of_the_corpus_yields_internal() {
    let mut corpus: Vec<(String, Vec<u8>)> = Vec::new();
    let add_dir = |dir: &Path, corpus: &mut Vec<(String, Vec<u8>)>| {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map(|e| {
                e.flatten()
                    .map(|e| e.path())
                    .filter(|p| p.is_file())
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        for f in files {
            if let Ok(b) = std::fs::read(&f) {
                corpus.push((f.display().to_string(), b));
            }
        }
    };
    add_dir(&media_dir(), &mut corpus);
    add_dir(fixtures(), &mut corpus);
    // The generated bad/edge sets, where scripts/make_fixtures.sh has made them (CI makes them
    // after the native tests; the browser test over them is tests/e2e/corpus.test.mjs).
    let repo_fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    add_dir(&repo_fixtures.join("bad"), &mut corpus);
    add_dir(&repo_fixtures.join("edge"), &mut corpus);
    let src = std::fs::read(fixtures().join("src.mp4")).expect("src.mp4");
    let faststart = std::fs::read(fixtures().join("faststart.mp4")).expect("faststart.mp4");
    let live = std::fs::read(fixtures().join("live.webm")).expect("live.webm");
    let crafted: Vec<(&str, Vec<u8>)> = vec![
        ("mvhd claiming 10 hours", mp4_mvhd_claiming_10_hours()),
        ("edit lists claiming 10 hours", mp4_elst_claiming_10_hours()),
        (
            "Info Duration claiming 10 hours",
            matroska_info_claiming_10_hours(),
        ),
        (
            "two tracks over the file budget",
            mp4_tracks_over_the_file_budget(),
        ),
        ("every frame marked key", mp4_every_frame_marked_key()),
        ("Cues over the file budget", webm_with_cues(1_500_000)),
        ("a small crafted WebM", webm_with_cues(10)),
        ("MediaRecorder-style WebM", as_media_recorder_output(&live)),
        (
            "moov first, cut to 40%",
            faststart[..faststart.len() * 2 / 5].to_vec(),
        ),
        (
            "moov at the end, cut inside mdat",
            src[..src.len() / 2].to_vec(),
        ),
        ("64 KiB of random bytes", {
            let mut rng = Rng(20240607);
            (0..65536).map(|_| rng.next() as u8).collect()
        }),
        ("an empty file", Vec::new()),
    ];
    corpus.extend(crafted.into_iter().map(|(n, b)| (n.to_string(), b)));
    assert!(corpus.len() >= 30, "corpus of {} inputs", corpus.len());
    let mut failures = Vec::new();
    for (what, data) in corpus {
        through_the_engine(&what, data, &mut failures);
    }
    assert!(
        failures.is_empty(),
        "Internal errors:\n{}",
        failures.join("\n")
    );
}
