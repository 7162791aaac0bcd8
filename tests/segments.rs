//! Segmented outputs (HLS/DASH): real H.264 + AAC / Opus streams made by ffmpeg, demuxed by
//! reelcut, written by the fragmented MP4 writer with a playlist or manifest, then read back by
//! ffprobe/ffmpeg (playlist and manifest), by `m3u8-rs` (the playlist's content) and by reelcut's
//! own demuxer (init + segments as one fragmented file).
//!
//! ffmpeg and ffprobe must be at /usr/bin; without them these tests fail (they never skip).

use std::path::{Path, PathBuf};
use std::process::Command;

use reelcut::job::spec::SegmentFormat;
use reelcut::media::mux::{
    AudioCodec, AudioTrack, OpusConfig, TrackConfig, VideoCodec, VideoTrack,
};
use reelcut::media::mux_fmp4::{FragmentedMp4Writer, FragmentedStream, Layout, SegmentClock};
use reelcut::media::mux_mp4::Sample;
use reelcut::media::playlist::{dash_manifest, hls_playlist, DashMedia, SegmentNames};
use reelcut::media::{FileSource, Packet, TrackKind};
use serde_json::Value;

fn run(cmd: &str, args: &[&str]) -> std::process::Output {
    assert!(
        Path::new(cmd).exists(),
        "{cmd} not found: apt-get install ffmpeg"
    );
    let out = Command::new(cmd).args(args).output().expect("run tool");
    assert!(
        out.status.success(),
        "{cmd} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("reelcut-seg-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// 5 s of 48 kHz stereo 440 Hz sound in `audio` (`aac`, `libopus`), with `video` under it:
/// 640x360 25 fps H.264 (a key frame every second, no B-frames), or none (the sound alone).
fn make_source(dir: &Path, video: bool, audio: &str) -> PathBuf {
    let file = dir.join(if video { "src.mp4" } else { "sound.mp4" });
    let f = file.to_str().expect("path");
    let mut args = vec!["-v", "error", "-y"];
    if video {
        args.extend([
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=640x360:rate=25:duration=5",
        ]);
    }
    args.extend([
        "-f",
        "lavfi",
        "-i",
        "sine=frequency=440:sample_rate=48000:duration=5",
        "-ac",
        "2",
    ]);
    if video {
        args.extend([
            "-c:v", "libx264", "-bf", "0", "-g", "25", "-pix_fmt", "yuv420p",
        ]);
    }
    args.extend(["-c:a", audio, "-b:a", "96k", f]);
    run("/usr/bin/ffmpeg", &args);
    file
}

/// Video and sound.
fn source(dir: &Path, audio: &str) -> PathBuf {
    make_source(dir, true, audio)
}

/// The sound alone.
fn audio_source(dir: &Path, audio: &str) -> PathBuf {
    make_source(dir, false, audio)
}

/// Demuxes `file` with reelcut and writes it as segments of `segment_s`.
fn segment(
    file: &Path,
    segment_s: f64,
    layout: Layout,
) -> (Vec<FragmentedStream>, Vec<u8>, Vec<TrackConfig>, usize) {
    let mut demuxer =
        reelcut::media::open(Box::new(FileSource::open(file).expect("open"))).expect("demux");
    let info = demuxer.info().clone();
    let mut ids = Vec::new();
    let mut tracks = Vec::new();
    for t in [info.video_track(), info.audio_track()]
        .into_iter()
        .flatten()
    {
        ids.push(t.id);
        tracks.push(match t.kind {
            TrackKind::Video => {
                let v = t.video.as_ref().expect("video info");
                TrackConfig::Video(VideoTrack {
                    codec: VideoCodec::Avc {
                        avcc: v.description.clone().expect("avcC"),
                    },
                    width: v.coded_width,
                    height: v.coded_height,
                    timescale: 90_000,
                })
            }
            _ => {
                let a = t.audio.as_ref().expect("audio info");
                let codec = if a.codec.starts_with("mp4a") {
                    AudioCodec::Aac {
                        audio_specific_config: a.description.clone().expect("ASC"),
                    }
                } else {
                    AudioCodec::Opus(
                        OpusConfig::from_opus_head(a.description.as_deref().expect("OpusHead"))
                            .expect("OpusHead"),
                    )
                };
                TrackConfig::Audio(AudioTrack {
                    codec,
                    sample_rate: a.sample_rate,
                    channels: a.channels as u16,
                })
            }
        });
    }
    let mut packets: Vec<(usize, Packet)> = Vec::new();
    while let Some(p) = demuxer.next_packet().expect("packet") {
        if let Some(i) = ids.iter().position(|&id| id == p.track_id) {
            packets.push((i, p));
        }
    }
    // Interleaved by time, video first at equal times, as the browser's muxer feeds it.
    packets.sort_by_key(|(i, p)| (p.pts_us.max(0), *i));
    let mut writer = FragmentedMp4Writer::new(&tracks, segment_s).expect("writer");
    let mut body = Vec::new();
    for (i, p) in &packets {
        writer
            .push(
                *i,
                Sample {
                    pts_us: p.pts_us,
                    dts_us: p.pts_us,
                    duration_us: p.duration_us,
                    is_key: p.is_key,
                    size: p.data.len() as u32,
                },
            )
            .expect("push");
        body.extend_from_slice(&p.data);
    }
    assert_eq!(writer.payload_len(), body.len() as u64);
    let video_packets = packets.iter().filter(|(i, _)| *i == 0).count();
    (
        writer.finish(layout).expect("finish"),
        body,
        tracks,
        video_packets,
    )
}

/// The bytes of one segment file.
fn segment_bytes(s: &reelcut::media::mux_fmp4::MediaSegment, body: &[u8]) -> Vec<u8> {
    let mut bytes = s.header.clone();
    for &(start, len) in &s.pieces {
        bytes.extend_from_slice(&body[start as usize..(start + len) as usize]);
    }
    assert_eq!(bytes.len() as u64, s.size());
    bytes
}

/// Writes a stream's files beside the playlist.
fn write_stream(dir: &Path, stream: &FragmentedStream, body: &[u8], names: &SegmentNames) {
    std::fs::write(dir.join(names.init()), &stream.init).expect("write init");
    for (k, s) in stream.segments.iter().enumerate() {
        std::fs::write(dir.join(names.media(k)), segment_bytes(s, body)).expect("write segment");
    }
}

fn probe(path: &Path) -> Value {
    let p = path.to_str().expect("path");
    let out = run(
        "/usr/bin/ffprobe",
        &[
            "-v",
            "error",
            "-allowed_extensions",
            "ALL",
            "-show_format",
            "-show_streams",
            "-of",
            "json",
            p,
        ],
    );
    serde_json::from_slice(&out.stdout).expect("probe json")
}

/// ffmpeg decodes every stream through the playlist without a single error line; returns the
/// decoded video frames.
fn decode_frames(path: &Path) -> usize {
    let p = path.to_str().expect("path");
    let out = run(
        "/usr/bin/ffmpeg",
        &["-v", "error", "-i", p, "-map", "0", "-f", "framemd5", "-"],
    );
    assert!(
        out.stderr.is_empty(),
        "ffmpeg printed errors: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.starts_with("0,"))
        .count()
}

fn codecs(probe: &Value) -> Vec<String> {
    probe["streams"]
        .as_array()
        .expect("streams")
        .iter()
        .map(|s| s["codec_name"].as_str().unwrap_or("").to_string())
        .collect()
}

fn check_segments(file: &FragmentedStream, expected: &[f64]) {
    let got: Vec<f64> = file.segments.iter().map(|s| s.duration_s).collect();
    assert_eq!(got.len(), expected.len(), "segment durations {got:?}");
    for (g, e) in got.iter().zip(expected) {
        assert!(
            (g - e).abs() < 1e-6,
            "segment durations {got:?}, expected {expected:?}"
        );
    }
    let sum: f64 = got.iter().sum();
    assert!(
        (sum - file.duration_s).abs() < 0.001,
        "segments add up to {sum}, stream {}",
        file.duration_s
    );
}

/// Reads init + segments as one fragmented MP4 with reelcut's own demuxer: every video packet
/// comes back, key frames where each segment starts.
fn demux_back(dir: &Path, file: &FragmentedStream, body: &[u8], video_packets: usize) {
    let mut whole = file.init.clone();
    for s in &file.segments {
        whole.extend_from_slice(&segment_bytes(s, body));
    }
    let path = dir.join("whole.mp4");
    std::fs::write(&path, &whole).expect("write whole");
    let mut d =
        reelcut::media::open(Box::new(FileSource::open(&path).expect("open"))).expect("demux fMP4");
    let info = d.info().clone();
    assert!(
        (info.duration_s - file.duration_s).abs() < 0.05,
        "demuxed {} s",
        info.duration_s
    );
    let video_id = info.video_track().expect("video").id;
    let mut video = Vec::new();
    while let Some(p) = d.next_packet().expect("packet") {
        if p.track_id == video_id {
            video.push((p.pts_us, p.is_key));
        }
    }
    assert_eq!(video.len(), video_packets);
    for s in &file.segments {
        let t = (s.start_ticks as f64 / f64::from(file.timescale) * 1e6).round() as i64;
        let at = video
            .iter()
            .find(|(pts, _)| (pts - t).abs() <= 1)
            .expect("segment start frame");
        assert!(at.1, "segment at {t} us starts on a key frame");
    }
}

#[test]
fn hls_h264_aac_round_trip() {
    let dir = temp_dir("hls");
    let (streams, body, _, video_packets) = segment(&source(&dir, "aac"), 2.0, Layout::Muxed);
    assert_eq!(streams.len(), 1);
    let file = &streams[0];
    assert_eq!(file.tracks, [0, 1]);
    check_segments(file, &[2.0, 2.0, 1.0]);
    // Muxed segments are contiguous ranges of the body, in order.
    let mut at = 0;
    for s in &file.segments {
        assert_eq!(s.pieces.len(), 1);
        assert_eq!(s.pieces[0].0, at);
        at += s.pieces[0].1;
    }
    assert_eq!(at, body.len() as u64);
    let names = SegmentNames::new(
        Some("https://host/out/reel.m3u8?sig=1"),
        SegmentFormat::Hls,
        7,
    );
    let text = hls_playlist(file, &names);
    // The playlist as an independent parser reads it.
    let parsed = m3u8_rs::parse_media_playlist_res(text.as_bytes()).expect("m3u8-rs reads it");
    assert_eq!(parsed.version, Some(7));
    assert_eq!(parsed.media_sequence, 7);
    assert_eq!(parsed.target_duration, 2);
    assert!(parsed.end_list);
    let uris: Vec<&str> = parsed.segments.iter().map(|s| s.uri.as_str()).collect();
    assert_eq!(uris, ["reel_7.m4s", "reel_8.m4s", "reel_9.m4s"]);
    assert_eq!(
        parsed.segments[0].map.as_ref().map(|m| m.uri.as_str()),
        Some("reel_init.mp4")
    );
    let total: f32 = parsed.segments.iter().map(|s| s.duration).sum();
    assert!((total - 5.0).abs() < 1e-4, "EXTINF total {total}");

    write_stream(&dir, file, &body, &names);
    let playlist = dir.join(names.playlist());
    std::fs::write(&playlist, &text).expect("write playlist");
    let p = probe(&playlist);
    let duration: f64 = p["format"]["duration"]
        .as_str()
        .expect("duration")
        .parse()
        .expect("number");
    assert!((duration - 5.0).abs() < 0.001, "ffprobe reads {duration} s");
    assert_eq!(codecs(&p), ["h264", "aac"]);
    assert_eq!(decode_frames(&playlist), 125);
    demux_back(&dir, file, &body, video_packets);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn dash_h264_opus_round_trip() {
    let dir = temp_dir("dash");
    // Key frames every second: the boundary at 2.5 s waits for the key frame at 3 s.
    let (streams, body, tracks, video_packets) =
        segment(&source(&dir, "libopus"), 2.5, Layout::PerTrack);
    assert_eq!(streams.len(), 2);
    check_segments(&streams[0], &[3.0, 2.0]);
    // The audio segments follow the video's cuts and add up to the audio's own length.
    assert_eq!(streams[1].segments.len(), 2);
    let audio_total: f64 = streams[1].segments.iter().map(|s| s.duration_s).sum();
    assert!(
        (audio_total - 5.0).abs() < 0.03,
        "audio segments {audio_total} s"
    );
    let channels = match &tracks[1] {
        TrackConfig::Audio(a) => u32::from(a.channels),
        TrackConfig::Video(_) => 0,
    };
    let names = SegmentNames::new(Some("opfs:/reels/ep.mpd"), SegmentFormat::Dash, 0);
    let video = DashMedia::Video {
        codec: "avc1.64001e".into(),
        width: 640,
        height: 360,
        fps: 25.0,
    };
    let audio = DashMedia::Audio {
        codec: "opus".into(),
        sample_rate: 48_000,
        channels,
    };
    let text = dash_manifest(&[
        (&streams[0], video, names.stream("video")),
        (&streams[1], audio, names.stream("audio")),
    ]);
    assert!(text.contains("media=\"ep_video_$Number$.m4s\"") && text.contains("startNumber=\"1\""));
    assert!(
        text.contains("mediaPresentationDuration=\"PT5.000S\""),
        "{text}"
    );
    write_stream(&dir, &streams[0], &body, &names.stream("video"));
    write_stream(&dir, &streams[1], &body, &names.stream("audio"));
    let manifest = dir.join(names.playlist());
    std::fs::write(&manifest, &text).expect("write manifest");
    assert!(dir.join("ep_video_2.m4s").exists() && dir.join("ep_audio_2.m4s").exists());
    let p = probe(&manifest);
    let duration: f64 = p["format"]["duration"]
        .as_str()
        .expect("duration")
        .parse()
        .expect("number");
    assert!((duration - 5.0).abs() < 0.001, "ffprobe reads {duration} s");
    assert_eq!(codecs(&p), ["h264", "opus"]);
    assert_eq!(decode_frames(&manifest), 125);
    demux_back(&dir, &streams[0], &body, video_packets);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn segments_start_on_key_frames_and_follow_the_clock() {
    let clock = SegmentClock::new(2.0);
    // 30 fps: frame 60 (at 2 s, rounded) starts the second segment, frame 59 does not.
    let t = |i: i64| (i as f64 * 1e6 / 30.0).round() as i64;
    assert!(clock.starts_segment(None, 0));
    assert!(!clock.starts_segment(Some(t(58)), t(59)));
    assert!(clock.starts_segment(Some(t(59)), t(60)));
    // A boundary without a key frame waits for the next key frame.
    let video = TrackConfig::Video(VideoTrack {
        codec: VideoCodec::Vp8,
        width: 64,
        height: 64,
        timescale: 90_000,
    });
    let mut w = FragmentedMp4Writer::new(&[video], 1.0).expect("writer");
    for i in 0..100 {
        let pts = i * 40_000; // 25 fps
        let key = i % 30 == 0; // keys at 0, 1.2, 2.4, 3.6 s
        w.push(
            0,
            Sample {
                pts_us: pts,
                dts_us: pts,
                duration_us: 40_000,
                is_key: key,
                size: 10,
            },
        )
        .expect("push");
    }
    let f = w.finish(Layout::Muxed).expect("finish").remove(0);
    let starts: Vec<f64> = f
        .segments
        .iter()
        .map(|s| s.start_ticks as f64 / 90_000.0)
        .collect();
    assert_eq!(starts, [0.0, 1.2, 2.4, 3.6]);
    assert!((f.duration_s - 4.0).abs() < 1e-9);
}

/// The duration ffprobe reads from a playlist or manifest, and its streams' types.
fn probe_audio_only(path: &Path) -> f64 {
    let p = probe(path);
    let kinds: Vec<&str> = p["streams"]
        .as_array()
        .expect("streams")
        .iter()
        .map(|s| s["codec_type"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(kinds, ["audio"], "only an audio stream");
    // Stream 0 is the audio: its frames decode without an error line.
    assert!(decode_frames(path) > 200, "audio frames decoded");
    p["format"]["duration"]
        .as_str()
        .expect("duration")
        .parse()
        .expect("number")
}

#[test]
fn hls_audio_only_cuts_at_audio_frames() {
    let dir = temp_dir("hls-audio");
    let (streams, body, _, _) = segment(&audio_source(&dir, "aac"), 2.0, Layout::Muxed);
    assert_eq!(streams.len(), 1);
    let file = &streams[0];
    assert_eq!(file.tracks, [0]);
    // Cut at the first AAC frame (1024 samples) of each 2 s interval; the presented lengths
    // (priming left out by the edit list) add up to the stream's.
    assert_eq!(file.segments.len(), 3);
    let frame_s = 1024.0 / 48_000.0;
    for s in &file.segments[..2] {
        assert!((s.duration_s - 2.0).abs() < frame_s, "{}", s.duration_s);
    }
    check_segments(
        file,
        &file
            .segments
            .iter()
            .map(|s| s.duration_s)
            .collect::<Vec<_>>(),
    );
    assert!(
        (file.duration_s - 5.0).abs() < frame_s,
        "{}",
        file.duration_s
    );
    let names = SegmentNames::new(Some("opfs:/a/sound.m3u8"), SegmentFormat::Hls, 0);
    let text = hls_playlist(file, &names);
    m3u8_rs::parse_media_playlist_res(text.as_bytes()).expect("m3u8-rs reads it");
    write_stream(&dir, file, &body, &names);
    let playlist = dir.join(names.playlist());
    std::fs::write(&playlist, &text).expect("write playlist");
    let duration = probe_audio_only(&playlist);
    assert!(
        (duration - file.duration_s).abs() < 0.001,
        "ffprobe reads {duration} s of {}",
        file.duration_s
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn dash_audio_only_manifest() {
    let dir = temp_dir("dash-audio");
    let (streams, body, _, _) = segment(&audio_source(&dir, "libopus"), 2.0, Layout::PerTrack);
    assert_eq!(streams.len(), 1);
    let file = &streams[0];
    // Opus frames of 20 ms fall on the 2 s boundaries.
    assert_eq!(file.segments.len(), 3);
    let names = SegmentNames::new(Some("opfs:/a/sound.mpd"), SegmentFormat::Dash, 0);
    let audio = DashMedia::Audio {
        codec: "opus".into(),
        sample_rate: 48_000,
        channels: 2,
    };
    let text = dash_manifest(&[(file, audio, names.stream("audio"))]);
    assert!(
        text.contains("contentType=\"audio\" mimeType=\"audio/mp4\"")
            && text.contains("codecs=\"opus\""),
        "{text}"
    );
    assert!(!text.contains("video"), "{text}");
    assert!(
        text.contains(&format!(
            "mediaPresentationDuration=\"PT{:.3}S\"",
            file.duration_s
        )),
        "{text}"
    );
    write_stream(&dir, file, &body, &names.stream("audio"));
    let manifest = dir.join(names.playlist());
    std::fs::write(&manifest, &text).expect("write manifest");
    let duration = probe_audio_only(&manifest);
    // ffmpeg's DASH reader keeps the duration in whole seconds.
    assert_eq!(
        duration,
        file.duration_s.floor(),
        "ffprobe reads {duration} s"
    );
    assert!((file.duration_s - 5.0).abs() < 0.021, "{}", file.duration_s);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn audio_end_trims_the_encoders_padding() {
    // 251 Opus frames of 20 ms carry 5 s of sound after a 312-sample pre-skip: the last frame is
    // mostly padding, and the presentation ends where the sound does.
    let opus = TrackConfig::Audio(AudioTrack {
        codec: AudioCodec::Opus(OpusConfig::simple(312, 48_000)),
        sample_rate: 48_000,
        channels: 2,
    });
    let mut w = FragmentedMp4Writer::new(&[opus], 2.0).expect("writer");
    for i in 0..251 {
        let pts = i * 20_000;
        w.push(
            0,
            Sample {
                pts_us: pts,
                dts_us: pts,
                duration_us: 20_000,
                is_key: false,
                size: 100,
            },
        )
        .expect("push");
    }
    w.end_at(0, 5_000_000).expect("end");
    let f = w.finish(Layout::Muxed).expect("finish").remove(0);
    // Audio frames are sync samples whatever the caller says: cut at 2 s and 4 s.
    check_segments(&f, &[2.0 - 312.0 / 48_000.0, 2.0, 1.0 + 312.0 / 48_000.0]);
    assert!((f.duration_s - 5.0).abs() < 1e-9, "{}", f.duration_s);
}
