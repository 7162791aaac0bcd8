//! Muxer round trips: real encoded streams made by ffmpeg are muxed by reelcut's writers and the
//! result is checked with ffprobe/ffmpeg; plus the writers' invariants and byte layouts.
//!
//! ffmpeg and ffprobe must be at /usr/bin; without them these tests fail (they never skip).

use reelcut::media::mux::{
    AudioCodec, AudioTrack, OpusConfig, TrackConfig, VideoCodec, VideoTrack, VpxConfig,
};
use reelcut::media::mux_mp4::{Mp4Writer, Sample};
use reelcut::media::mux_webm::{DocType, WebmWriter};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

const FFMPEG: &str = "/usr/bin/ffmpeg";
const FFPROBE: &str = "/usr/bin/ffprobe";
const TOLERANCE_S: f64 = 0.05;

// ---------------------------------------------------------------------------------------------
// Encoded input

/// One encoded frame or audio packet of an elementary stream.
#[derive(Debug, Clone)]
struct Frame {
    pts_us: i64,
    dts_us: i64,
    duration_us: i64,
    is_key: bool,
    data: Vec<u8>,
}

/// An elementary stream ready to mux.
#[derive(Debug, Clone)]
struct Stream {
    config: TrackConfig,
    frames: Vec<Frame>,
    /// Presented duration of the input in seconds (what the output must show).
    duration_s: f64,
}

struct Inputs {
    h264_baseline: Stream,
    h264_high_bframes: Stream,
    aac: Stream,
    opus: Stream,
    vp9: Stream,
    vp8: Stream,
    av1: Stream,
    dir: PathBuf,
}

fn tool(path: &str) -> &str {
    assert!(
        Path::new(path).exists(),
        "{path} not found: the muxer tests need ffmpeg and ffprobe at /usr/bin (apt-get install ffmpeg)"
    );
    path
}

fn run(cmd: &str, args: &[&str]) -> std::process::Output {
    let out = Command::new(tool(cmd))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd}: {e}"));
    assert!(
        out.status.success(),
        "{cmd} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn ffmpeg(args: &[&str]) {
    let mut all = vec!["-v", "error", "-y"];
    all.extend_from_slice(args);
    run(FFMPEG, &all);
}

fn inputs() -> &'static Inputs {
    static INPUTS: OnceLock<Inputs> = OnceLock::new();
    INPUTS.get_or_init(make_inputs)
}

fn make_inputs() -> Inputs {
    let dir = std::env::temp_dir().join(format!("reelcut-mux-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create temp dir");
    let p = |name: &str| dir.join(name).to_string_lossy().into_owned();
    let video_src = [
        "-f",
        "lavfi",
        "-i",
        "testsrc=size=160x120:rate=25:duration=2",
    ];
    let audio_src = |rate: &str| {
        [
            "-f".to_string(),
            "lavfi".into(),
            "-i".into(),
            format!("sine=frequency=440:sample_rate={rate}:duration=2"),
        ]
    };

    // H.264 without reordering, as WebCodecs produces it; timestamps are the frame index.
    let args: Vec<&str> = video_src
        .iter()
        .copied()
        .chain([
            "-c:v",
            "libx264",
            "-profile:v",
            "baseline",
            "-pix_fmt",
            "yuv420p",
            "-g",
            "25",
        ])
        .chain(["-x264-params", "aud=1", "-f", "h264"])
        .collect();
    let base_path = p("base.h264");
    ffmpeg(&[&args[..], &[base_path.as_str()]].concat());
    let h264_baseline = parse_annexb(&std::fs::read(&base_path).expect("read h264"), None, 40_000);

    // H.264 High with B-frames: timestamps come from ffprobe of an intermediate MP4.
    let high_mp4 = p("high.mp4");
    let args: Vec<&str> = video_src
        .iter()
        .copied()
        .chain([
            "-c:v",
            "libx264",
            "-profile:v",
            "high",
            "-pix_fmt",
            "yuv420p",
            "-g",
            "25",
            "-bf",
            "2",
        ])
        .chain(["-x264-params", "aud=1"])
        .collect();
    ffmpeg(&[&args[..], &[high_mp4.as_str()]].concat());
    let high_h264 = p("high.h264");
    ffmpeg(&[
        "-i",
        &high_mp4,
        "-c:v",
        "copy",
        "-bsf:v",
        "h264_mp4toannexb",
        "-f",
        "h264",
        &high_h264,
    ]);
    let probe = probe_json(Path::new(&high_mp4));
    let times: Vec<(i64, i64)> = probe["packets"]
        .as_array()
        .expect("packets")
        .iter()
        .map(|pk| (secs_us(&pk["pts_time"]), secs_us(&pk["dts_time"])))
        .collect();
    let h264_high_bframes = parse_annexb(
        &std::fs::read(&high_h264).expect("read h264"),
        Some(&times),
        40_000,
    );

    let aac_path = p("a.aac");
    let a = audio_src("44100");
    let args: Vec<&str> = a
        .iter()
        .map(String::as_str)
        .chain(["-ac", "2", "-c:a", "aac", "-b:a", "64k", "-f", "adts"])
        .collect();
    ffmpeg(&[&args[..], &[aac_path.as_str()]].concat());
    let aac = parse_adts(&std::fs::read(&aac_path).expect("read aac"));

    let opus_path = p("a.ogg");
    let a = audio_src("48000");
    let args: Vec<&str> = a
        .iter()
        .map(String::as_str)
        .chain(["-ac", "2", "-c:a", "libopus", "-b:a", "48k", "-f", "ogg"])
        .collect();
    ffmpeg(&[&args[..], &[opus_path.as_str()]].concat());
    let opus = parse_ogg_opus(&std::fs::read(&opus_path).expect("read ogg"));

    let vpx = |codec: &str, name: &str| {
        let path = p(name);
        let args: Vec<&str> = video_src
            .iter()
            .copied()
            .chain([
                "-c:v",
                codec,
                "-g",
                "25",
                "-b:v",
                "200k",
                "-deadline",
                "realtime",
                "-cpu-used",
                "8",
            ])
            .chain(["-auto-alt-ref", "0", "-f", "ivf"])
            .collect();
        ffmpeg(&[&args[..], &[path.as_str()]].concat());
        parse_ivf(&std::fs::read(&path).expect("read ivf"))
    };
    let vp9 = vpx("libvpx-vp9", "v9.ivf");
    let vp8 = vpx("libvpx", "v8.ivf");
    let av1_path = p("av1.ivf");
    let args: Vec<&str> = video_src
        .iter()
        .copied()
        .chain([
            "-c:v",
            "libaom-av1",
            "-usage",
            "realtime",
            "-cpu-used",
            "8",
            "-g",
            "25",
            "-b:v",
            "200k",
        ])
        .chain(["-f", "ivf"])
        .collect();
    ffmpeg(&[&args[..], &[av1_path.as_str()]].concat());
    let av1 = av1_from_ivf(parse_ivf(&std::fs::read(&av1_path).expect("read ivf")));
    Inputs {
        av1,
        h264_baseline,
        h264_high_bframes,
        aac,
        opus,
        vp9,
        vp8,
        dir,
    }
}

fn secs_us(v: &Value) -> i64 {
    let s: f64 = v
        .as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not a time: {v}"));
    (s * 1e6).round() as i64
}

/// Splits Annex-B H.264 into access units (x264 writes an AUD before each), converts them to
/// 4-byte length-prefixed NALs without AUD/SPS/PPS, and builds the avcC from the SPS and PPS.
fn parse_annexb(data: &[u8], times: Option<&[(i64, i64)]>, frame_us: i64) -> Stream {
    let mut nals = Vec::new();
    let mut i = 0;
    let mut start = None;
    while i + 3 <= data.len() {
        if data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1 {
            if let Some(s) = start {
                let mut end = i;
                while end > s && data[end - 1] == 0 {
                    end -= 1;
                }
                nals.push(&data[s..end]);
            }
            i += 3;
            start = Some(i);
        } else {
            i += 1;
        }
    }
    if let Some(s) = start {
        nals.push(&data[s..]);
    }
    let (mut sps, mut pps) = (None, None);
    // (is_key, has a slice, length-prefixed data). An access unit starts at an AUD, or at
    // SEI/SPS/PPS or a slice with first_mb_in_slice == 0 once the current one has a slice.
    let mut aus: Vec<(bool, bool, Vec<u8>)> = Vec::new();
    for nal in nals {
        let t = nal[0] & 0x1F;
        let first_slice = matches!(t, 1 | 5) && nal[1] & 0x80 != 0;
        let current_has_slice = aus.last().is_some_and(|au| au.1);
        if aus.is_empty() || t == 9 || (current_has_slice && (matches!(t, 6..=8) || first_slice)) {
            aus.push((false, false, Vec::new()));
        }
        match t {
            7 => sps = sps.or(Some(nal.to_vec())),
            8 => pps = pps.or(Some(nal.to_vec())),
            9 => {}
            _ => {
                let au = aus.last_mut().expect("an access unit is open");
                au.0 |= t == 5;
                au.1 |= matches!(t, 1 | 5);
                au.2.extend_from_slice(&(nal.len() as u32).to_be_bytes());
                au.2.extend_from_slice(nal);
            }
        }
    }
    aus.retain(|au| au.1);
    let (sps, pps) = (sps.expect("SPS"), pps.expect("PPS"));
    let mut avcc = vec![1, sps[1], sps[2], sps[3], 0xFF, 0xE1];
    avcc.extend_from_slice(&(sps.len() as u16).to_be_bytes());
    avcc.extend_from_slice(&sps);
    avcc.push(1);
    avcc.extend_from_slice(&(pps.len() as u16).to_be_bytes());
    avcc.extend_from_slice(&pps);
    if matches!(sps[1], 100 | 110 | 122 | 144) {
        avcc.extend_from_slice(&[0xFD, 0xF8, 0xF8, 0]); // 4:2:0, 8-bit, no SPS extensions
    }
    if let Some(t) = times {
        assert_eq!(t.len(), aus.len(), "ffprobe packets vs access units");
    }
    let frames: Vec<Frame> = aus
        .into_iter()
        .enumerate()
        .map(|(i, (is_key, _, data))| {
            let (pts_us, dts_us) =
                times.map_or((i as i64 * frame_us, i as i64 * frame_us), |t| t[i]);
            Frame {
                pts_us,
                dts_us,
                duration_us: frame_us,
                is_key,
                data,
            }
        })
        .collect();
    let duration_s = frames.len() as f64 * frame_us as f64 / 1e6;
    let config = TrackConfig::Video(VideoTrack {
        codec: VideoCodec::Avc { avcc },
        width: 160,
        height: 120,
        timescale: 90_000,
    });
    Stream {
        config,
        frames,
        duration_s,
    }
}

fn parse_adts(data: &[u8]) -> Stream {
    const RATES: [u32; 13] = [
        96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350,
    ];
    let mut frames = Vec::new();
    let mut i = 0;
    let mut asc = None;
    let mut rate = 0;
    while i + 7 <= data.len() {
        assert!(
            data[i] == 0xFF && data[i + 1] & 0xF0 == 0xF0,
            "ADTS sync lost at {i}"
        );
        let header_len = if data[i + 1] & 1 == 1 { 7 } else { 9 };
        let profile = data[i + 2] >> 6;
        let sr_index = (data[i + 2] >> 2) & 0xF;
        let channels = ((data[i + 2] & 1) << 2) | (data[i + 3] >> 6);
        let len = (usize::from(data[i + 3] & 3) << 11)
            | (usize::from(data[i + 4]) << 3)
            | usize::from(data[i + 5] >> 5);
        rate = RATES[usize::from(sr_index)];
        let object_type = profile + 1;
        asc.get_or_insert_with(|| {
            let v = (u16::from(object_type) << 11)
                | (u16::from(sr_index) << 7)
                | (u16::from(channels) << 3);
            (v.to_be_bytes().to_vec(), channels)
        });
        let n = frames.len() as i64;
        let ts = |k: i64| (k * 1024 * 1_000_000 + i64::from(rate) / 2) / i64::from(rate);
        frames.push(Frame {
            pts_us: ts(n),
            dts_us: ts(n),
            duration_us: ts(n + 1) - ts(n),
            is_key: true,
            data: data[i + header_len..i + len].to_vec(),
        });
        i += len;
    }
    let (asc, channels) = asc.expect("at least one ADTS frame");
    let duration_s = frames.len() as f64 * 1024.0 / f64::from(rate);
    let config = TrackConfig::Audio(AudioTrack {
        codec: AudioCodec::Aac {
            audio_specific_config: asc,
        },
        sample_rate: rate,
        channels: u16::from(channels),
    });
    Stream {
        config,
        frames,
        duration_s,
    }
}

/// Samples at 48 kHz in an Opus packet, from its TOC byte (RFC 6716 section 3.1).
fn opus_packet_samples(p: &[u8]) -> i64 {
    let config = p[0] >> 3;
    let frame = match config {
        0..=11 => [480, 960, 1920, 2880][usize::from(config % 4)],
        12..=15 => [480, 960][usize::from(config % 2)],
        _ => [120, 240, 480, 960][usize::from(config % 4)],
    };
    let count = match p[0] & 3 {
        0 => 1,
        1 | 2 => 2,
        _ => i64::from(p[1] & 0x3F),
    };
    frame * count
}

fn parse_ogg_opus(data: &[u8]) -> Stream {
    let mut packets: Vec<Vec<u8>> = Vec::new();
    let mut partial = Vec::new();
    let mut last_granule = 0;
    let mut i = 0;
    while i + 27 <= data.len() {
        assert_eq!(&data[i..i + 4], b"OggS", "Ogg sync lost at {i}");
        let granule = i64::from_le_bytes(data[i + 6..i + 14].try_into().expect("8 bytes"));
        let nsegs = usize::from(data[i + 26]);
        let table = &data[i + 27..i + 27 + nsegs];
        let mut pos = i + 27 + nsegs;
        for &lace in table {
            partial.extend_from_slice(&data[pos..pos + usize::from(lace)]);
            pos += usize::from(lace);
            if lace < 255 {
                packets.push(std::mem::take(&mut partial));
            }
        }
        if granule >= 0 {
            last_granule = granule;
        }
        i = pos;
    }
    let head = OpusConfig::from_opus_head(&packets[0]).expect("OpusHead");
    let channels = u16::from(packets[0][9]);
    assert_eq!(&packets[1][..8], b"OpusTags");
    let mut t = 0i64;
    let mut frames = Vec::new();
    for p in &packets[2..] {
        let n = opus_packet_samples(p);
        frames.push(Frame {
            pts_us: t * 1_000_000 / 48_000,
            dts_us: t * 1_000_000 / 48_000,
            duration_us: n * 1_000_000 / 48_000,
            is_key: true,
            data: p.clone(),
        });
        t += n;
    }
    // The last page's granule position trims the encoder's end padding.
    if let Some(last) = frames.last_mut() {
        let end = last_granule.clamp(t - opus_packet_samples(&last.data) + 1, t);
        last.duration_us = (end - (t - opus_packet_samples(&last.data))) * 1_000_000 / 48_000;
    }
    let duration_s = (last_granule - i64::from(head.pre_skip)) as f64 / 48_000.0;
    let config = TrackConfig::Audio(AudioTrack {
        codec: AudioCodec::Opus(head),
        sample_rate: 48_000,
        channels,
    });
    Stream {
        config,
        frames,
        duration_s,
    }
}

fn parse_ivf(data: &[u8]) -> Stream {
    assert_eq!(&data[..4], b"DKIF");
    let fourcc = &data[8..12];
    let u16_at = |i: usize| u16::from_le_bytes([data[i], data[i + 1]]);
    let u32_at = |i: usize| u32::from_le_bytes(data[i..i + 4].try_into().expect("4 bytes"));
    let (width, height) = (u32::from(u16_at(12)), u32::from(u16_at(14)));
    let (rate, scale) = (i64::from(u32_at(16)), i64::from(u32_at(20)));
    let is_vp9 = fourcc == b"VP90";
    let is_av1 = fourcc == b"AV01";
    let mut frames: Vec<Frame> = Vec::new();
    let mut i = usize::from(u16_at(6));
    while i + 12 <= data.len() {
        let size = u32_at(i) as usize;
        let pts = i64::from_le_bytes(data[i + 4..i + 12].try_into().expect("8 bytes"));
        let frame = data[i + 12..i + 12 + size].to_vec();
        let is_key = if is_av1 {
            false // decided by `av1_from_ivf`
        } else if is_vp9 {
            // frame_marker(2) profile(2) show_existing_frame(1) frame_type(1): 0 = key frame.
            frame[0] & 0x08 == 0 && frame[0] & 0x04 == 0
        } else {
            frame[0] & 1 == 0
        };
        let ts = pts * scale * 1_000_000 / rate;
        frames.push(Frame {
            pts_us: ts,
            dts_us: ts,
            duration_us: scale * 1_000_000 / rate,
            is_key,
            data: frame,
        });
        i += 12 + size;
    }
    let duration_s = frames.len() as f64 * (scale as f64 / rate as f64);
    let codec = if is_vp9 {
        VideoCodec::Vp9(VpxConfig::from_codec_string("vp09.00.10.08").expect("codec"))
    } else {
        VideoCodec::Vp8
    };
    Stream {
        config: TrackConfig::Video(VideoTrack {
            codec,
            width,
            height,
            timescale: 90_000,
        }),
        frames,
        duration_s,
    }
}

/// AV1 temporal units from IVF: drops temporal delimiters (not stored in MP4/Matroska), marks
/// units carrying a sequence header as key frames (libaom repeats it on each key frame) and
/// builds the av1C from the first sequence header (4:2:0 8-bit main profile).
fn av1_from_ivf(mut stream: Stream) -> Stream {
    let mut seq_header = None;
    for f in &mut stream.frames {
        let mut kept = Vec::new();
        let mut pos = 0;
        let mut has_seq = false;
        while pos < f.data.len() {
            let header = f.data[pos];
            let obu_type = (header >> 3) & 0xF;
            assert!(header & 0x02 != 0, "OBUs carry sizes");
            let mut p = pos + 1 + usize::from(header & 0x04 != 0);
            let (mut size, mut shift) = (0usize, 0);
            loop {
                let b = f.data[p];
                p += 1;
                size |= usize::from(b & 0x7F) << shift;
                shift += 7;
                if b & 0x80 == 0 {
                    break;
                }
            }
            let obu = &f.data[pos..p + size];
            if obu_type == 1 {
                has_seq = true;
                seq_header.get_or_insert_with(|| obu.to_vec());
            }
            if obu_type != 2 {
                kept.extend_from_slice(obu);
            }
            pos = p + size;
        }
        f.data = kept;
        f.is_key = has_seq;
    }
    let mut av1c = vec![0x81, 0x00, 0x0C, 0x00];
    av1c.extend(seq_header.expect("a sequence header"));
    if let TrackConfig::Video(v) = &mut stream.config {
        v.codec = VideoCodec::Av1 { av1c };
    }
    stream
}

// ---------------------------------------------------------------------------------------------
// Muxing

/// All frames of all streams in the order a live encoder would deliver them: by decode time.
fn interleave(streams: &[&Stream]) -> Vec<(usize, Frame)> {
    let mut all: Vec<(usize, Frame)> = streams
        .iter()
        .enumerate()
        .flat_map(|(t, s)| s.frames.iter().map(move |f| (t, f.clone())))
        .collect();
    all.sort_by_key(|(t, f)| (f.dts_us, *t));
    all
}

fn mux_mp4(streams: &[&Stream]) -> Vec<u8> {
    let configs: Vec<TrackConfig> = streams.iter().map(|s| s.config.clone()).collect();
    let mut w = Mp4Writer::new(&configs).expect("mp4 writer");
    let mut payload = Vec::new();
    for (t, f) in interleave(streams) {
        let sample = Sample {
            pts_us: f.pts_us,
            dts_us: f.dts_us,
            duration_us: f.duration_us,
            is_key: f.is_key,
            size: f.data.len() as u32,
        };
        let offset = w.push(t, sample).expect("push");
        assert_eq!(
            offset,
            payload.len() as u64,
            "push returns the payload offset"
        );
        payload.extend_from_slice(&f.data);
    }
    let mut file = w.finish().expect("finish");
    file.extend_from_slice(&payload);
    file
}

fn mux_webm(doc_type: DocType, streams: &[&Stream]) -> Vec<u8> {
    mux_webm_ended(doc_type, streams, None)
}

/// [`mux_webm`], with track `end.0`'s presentation ended at `end.1` us (`WebmWriter::end_at`).
fn mux_webm_ended(doc_type: DocType, streams: &[&Stream], end: Option<(usize, i64)>) -> Vec<u8> {
    let configs: Vec<TrackConfig> = streams.iter().map(|s| s.config.clone()).collect();
    let mut w = WebmWriter::new(doc_type, &configs).expect("webm writer");
    let mut body = Vec::new();
    for (t, f) in interleave(streams) {
        body.extend(
            w.push(t, f.pts_us, f.duration_us, f.is_key, &f.data)
                .expect("push"),
        );
    }
    assert_eq!(w.body_len(), body.len() as u64);
    if let Some((track, end_us)) = end {
        w.end_at(track, end_us).expect("end");
    }
    let (mut file, tail) = w.finish().expect("finish");
    file.extend_from_slice(&body);
    file.extend_from_slice(&tail);
    file
}

// ---------------------------------------------------------------------------------------------
// Checking with ffprobe / ffmpeg

fn probe_json(path: &Path) -> Value {
    let out = run(
        FFPROBE,
        &[
            "-v",
            "error",
            "-show_format",
            "-show_streams",
            "-show_packets",
            "-of",
            "json",
            &path.to_string_lossy(),
        ],
    );
    serde_json::from_slice(&out.stdout).expect("ffprobe json")
}

fn num(v: &Value) -> Option<f64> {
    v.as_str()
        .and_then(|s| s.parse().ok())
        .or_else(|| v.as_f64())
}

/// Writes `file`, then checks it with ffprobe and a full ffmpeg decode against the inputs.
fn check(name: &str, file: &[u8], streams: &[(&str, &Stream)]) -> Value {
    let path = inputs().dir.join(name);
    std::fs::write(&path, file).expect("write output");
    let decode = Command::new(tool(FFMPEG))
        .args([
            "-v",
            "error",
            "-i",
            &path.to_string_lossy(),
            "-f",
            "null",
            "-",
        ])
        .output()
        .expect("run ffmpeg");
    let errors = String::from_utf8_lossy(&decode.stderr);
    assert!(
        decode.status.success() && errors.trim().is_empty(),
        "{name}: ffmpeg decode reported: {errors}"
    );

    let probe = probe_json(&path);
    let probed = probe["streams"].as_array().expect("streams");
    assert_eq!(probed.len(), streams.len(), "{name}: stream count");
    let packets = probe["packets"].as_array().expect("packets");
    assert_eq!(
        packets
            .first()
            .and_then(|p| p["flags"].as_str())
            .map(|f| f.contains('K')),
        Some(true),
        "{name}: first packet must be a key frame"
    );
    let mut durations = Vec::new();
    for (i, ((codec, input), st)) in streams.iter().zip(probed).enumerate() {
        assert_eq!(
            st["codec_name"].as_str(),
            Some(*codec),
            "{name}: stream {i} codec"
        );
        let mine: Vec<&Value> = packets
            .iter()
            .filter(|p| p["stream_index"].as_u64() == Some(i as u64))
            .collect();
        assert_eq!(
            mine.len(),
            input.frames.len(),
            "{name}: stream {i} packet count"
        );
        assert!(
            mine[0]["flags"].as_str().unwrap_or("").contains('K'),
            "{name}: stream {i} starts with a key frame"
        );
        let mut last = f64::NEG_INFINITY;
        for p in &mine {
            let t = num(&p["dts_time"])
                .or_else(|| num(&p["pts_time"]))
                .expect("packet time");
            assert!(
                t > last,
                "{name}: stream {i} timestamps not increasing ({last} then {t})"
            );
            last = t;
        }
        let keys = mine
            .iter()
            .filter(|p| p["flags"].as_str().unwrap_or("").contains('K'))
            .count();
        assert_eq!(
            keys,
            input.frames.iter().filter(|f| f.is_key).count(),
            "{name}: stream {i} key frames"
        );
        let pts: Vec<f64> = mine.iter().filter_map(|p| num(&p["pts_time"])).collect();
        let start = pts.iter().copied().fold(f64::INFINITY, f64::min);
        let duration = match num(&st["duration"]) {
            Some(d) => d,
            None => {
                // Matroska has no per-stream duration: end of the last packet.
                let frame = input.frames[0].duration_us as f64 / 1e6;
                mine.iter()
                    .filter_map(|p| {
                        Some(
                            num(&p["pts_time"])?
                                + num(&p["duration_time"])
                                    .filter(|d| *d > 0.0)
                                    .unwrap_or(frame),
                        )
                    })
                    .fold(f64::NEG_INFINITY, f64::max)
                    - start.max(0.0)
            }
        };
        assert!(
            (duration - input.duration_s).abs() <= TOLERANCE_S,
            "{name}: stream {i} lasts {duration} s, input {} s",
            input.duration_s
        );
        if st["codec_type"] == "video" {
            assert!(
                start.abs() < 0.002,
                "{name}: video must start at 0, starts at {start}"
            );
        }
        durations.push(duration);
    }
    let longest = streams
        .iter()
        .map(|(_, s)| s.duration_s)
        .fold(0.0, f64::max);
    let format_duration = num(&probe["format"]["duration"]).expect("format duration");
    assert!(
        (format_duration - longest).abs() <= TOLERANCE_S,
        "{name}: file lasts {format_duration} s, inputs {longest} s"
    );
    if streams.len() == 2
        && (streams[0].1.duration_s - streams[1].1.duration_s).abs() <= TOLERANCE_S
    {
        assert!(
            (durations[0] - durations[1]).abs() <= TOLERANCE_S,
            "{name}: A/V durations differ: {durations:?}"
        );
    }
    probe
}

/// Top-level MP4 boxes as (type, offset, size).
fn top_boxes(file: &[u8]) -> Vec<(String, u64, u64)> {
    let mut out = Vec::new();
    let mut pos = 0u64;
    while pos + 8 <= file.len() as u64 {
        let p = pos as usize;
        let mut size = u64::from(u32::from_be_bytes(file[p..p + 4].try_into().expect("4")));
        if size == 1 {
            size = u64::from_be_bytes(file[p + 8..p + 16].try_into().expect("8"));
        }
        out.push((
            String::from_utf8_lossy(&file[p + 4..p + 8]).into_owned(),
            pos,
            size,
        ));
        assert!(size >= 8, "box size {size} at {pos}");
        pos += size;
    }
    assert_eq!(pos, file.len() as u64, "boxes cover the file exactly");
    out
}

fn assert_moov_first(file: &[u8]) {
    let names: Vec<String> = top_boxes(file).into_iter().map(|b| b.0).collect();
    assert_eq!(names, ["ftyp", "moov", "mdat"], "progressive layout");
}

/// Finds a box by path (e.g. `moov/trak`), `nth` among siblings of the last component.
fn find_box<'a>(data: &'a [u8], path: &[&str], nth: usize) -> Option<&'a [u8]> {
    let container_skip = |name: &str| match name {
        "stsd" => 8,
        "avc1" | "vp09" | "vp08" | "av01" => 78,
        "mp4a" | "Opus" => 28,
        _ => 0,
    };
    let mut body = data;
    for (depth, name) in path.iter().enumerate() {
        let want = if depth + 1 == path.len() { nth } else { 0 };
        let mut seen = 0;
        let mut pos = 0;
        let mut found = None;
        while pos + 8 <= body.len() {
            let size = u32::from_be_bytes(body[pos..pos + 4].try_into().ok()?) as usize;
            if size < 8 || pos + size > body.len() {
                return None;
            }
            if &body[pos + 4..pos + 8] == name.as_bytes() {
                if seen == want {
                    found = Some(&body[pos + 8 + container_skip(name)..pos + size]);
                    break;
                }
                seen += 1;
            }
            pos += size;
        }
        body = found?;
    }
    Some(body)
}

fn be32(b: &[u8], at: usize) -> u32 {
    u32::from_be_bytes(b[at..at + 4].try_into().expect("4 bytes"))
}

// ---------------------------------------------------------------------------------------------
// Round trips through ffmpeg

#[test]
fn h264_aac_mp4() {
    let i = inputs();
    let file = mux_mp4(&[&i.h264_baseline, &i.aac]);
    assert_moov_first(&file);
    check(
        "h264_aac.mp4",
        &file,
        &[("h264", &i.h264_baseline), ("aac", &i.aac)],
    );
}

#[test]
fn h264_bframes_opus_mp4() {
    let i = inputs();
    assert!(
        i.h264_high_bframes
            .frames
            .iter()
            .any(|f| f.pts_us != f.dts_us),
        "input has reordering"
    );
    let file = mux_mp4(&[&i.h264_high_bframes, &i.opus]);
    assert_moov_first(&file);
    let moov = find_box(&file, &["moov"], 0).expect("moov");
    assert!(
        find_box(moov, &["trak", "mdia", "minf", "stbl", "ctts"], 0).is_some(),
        "ctts for B-frames"
    );
    // Opus: dOps carries the pre-skip and the edit list starts the media there, as ffmpeg does.
    let AudioCodec::Opus(opus) = (match &i.opus.config {
        TrackConfig::Audio(a) => a.codec.clone(),
        TrackConfig::Video(_) => unreachable!(),
    }) else {
        unreachable!()
    };
    let audio = find_box(moov, &["trak"], 1).expect("audio trak");
    let dops = find_box(audio, &["mdia", "minf", "stbl", "stsd", "Opus", "dOps"], 0).expect("dOps");
    assert_eq!(u16::from_be_bytes([dops[2], dops[3]]), opus.pre_skip);
    let elst = find_box(audio, &["edts", "elst"], 0).expect("audio elst");
    assert_eq!(be32(elst, 4), 1, "one edit");
    assert_eq!(
        be32(elst, 12) as u16,
        opus.pre_skip,
        "elst media_time = pre-skip"
    );
    check(
        "h264_opus.mp4",
        &file,
        &[("h264", &i.h264_high_bframes), ("opus", &i.opus)],
    );
}

#[test]
fn vp9_opus_webm() {
    let i = inputs();
    let file = mux_webm(DocType::Webm, &[&i.vp9, &i.opus]);
    check_ebml_layout(&file, "webm");
    check(
        "vp9_opus.webm",
        &file,
        &[("vp9", &i.vp9), ("opus", &i.opus)],
    );
}

/// Decoded samples per channel of `file`'s audio (ffmpeg applies CodecDelay and DiscardPadding,
/// as players do).
fn decoded_audio_samples(file: &Path) -> usize {
    let out = run(
        FFMPEG,
        &[
            "-v",
            "error",
            "-i",
            file.to_str().expect("path"),
            "-vn",
            "-ac",
            "1",
            "-f",
            "s16le",
            "-",
        ],
    );
    out.stdout.len() / 2
}

#[test]
fn webm_and_mkv_audio_end_where_told_by_discard_padding() {
    let i = inputs();
    for (doc, name) in [
        (DocType::Webm, "ended.webm"),
        (DocType::Matroska, "ended.mkv"),
    ] {
        let full = mux_webm(doc, &[&i.vp9, &i.opus]);
        let full_path = i.dir.join(format!("full-{name}"));
        std::fs::write(&full_path, &full).expect("write");
        let full_samples = decoded_audio_samples(&full_path);
        // End the audio 12 ms (576 samples at 48 kHz) before its last packet does. Block times
        // include the pre-skip; `end_at` takes presentation time.
        let TrackConfig::Audio(AudioTrack {
            codec: AudioCodec::Opus(opus),
            ..
        }) = &i.opus.config
        else {
            panic!("the opus input is Opus");
        };
        let pre_skip_us = i64::from(opus.pre_skip) * 1_000_000 / 48_000;
        let last = i.opus.frames.last().expect("frames");
        let end_us = last.pts_us + last.duration_us - pre_skip_us - 12_000;
        let file = mux_webm_ended(doc, &[&i.vp9, &i.opus], Some((1, end_us)));
        check_ebml_layout(
            &file,
            if doc == DocType::Webm {
                "webm"
            } else {
                "matroska"
            },
        );
        let path = i.dir.join(name);
        std::fs::write(&path, &file).expect("write");
        let samples = decoded_audio_samples(&path);
        assert_eq!(
            full_samples - samples,
            576,
            "{name}: {full_samples} samples whole, {samples} ended early"
        );
        // The file still decodes cleanly.
        let decode = run(
            FFMPEG,
            &[
                "-v",
                "error",
                "-i",
                path.to_str().expect("path"),
                "-f",
                "null",
                "-",
            ],
        );
        assert!(
            decode.stderr.is_empty(),
            "{}",
            String::from_utf8_lossy(&decode.stderr)
        );
    }
}

#[test]
fn vp8_opus_webm() {
    let i = inputs();
    let file = mux_webm(DocType::Webm, &[&i.vp8, &i.opus]);
    check_ebml_layout(&file, "webm");
    check(
        "vp8_opus.webm",
        &file,
        &[("vp8", &i.vp8), ("opus", &i.opus)],
    );
}

#[test]
fn h264_aac_mkv() {
    let i = inputs();
    let file = mux_webm(DocType::Matroska, &[&i.h264_baseline, &i.aac]);
    check_ebml_layout(&file, "matroska");
    check(
        "h264_aac.mkv",
        &file,
        &[("h264", &i.h264_baseline), ("aac", &i.aac)],
    );
}

#[test]
fn vp9_aac_mp4() {
    let i = inputs();
    let file = mux_mp4(&[&i.vp9, &i.aac]);
    assert_moov_first(&file);
    check("vp9_aac.mp4", &file, &[("vp9", &i.vp9), ("aac", &i.aac)]);
}

// ---------------------------------------------------------------------------------------------
// EBML layout: SeekHead and Cues point where they say

/// Reads an EBML ID and a size at `pos`; returns (id, data start, data size).
fn ebml_element(b: &[u8], pos: usize) -> (u32, usize, u64) {
    let id_len = b[pos].leading_zeros() as usize + 1;
    let id = b[pos..pos + id_len]
        .iter()
        .fold(0u32, |a, &x| (a << 8) | u32::from(x));
    let p = pos + id_len;
    let size_len = b[p].leading_zeros() as usize + 1;
    let mut size = u64::from(b[p]) & ((1u64 << (8 - size_len)) - 1);
    for &x in &b[p + 1..p + size_len] {
        size = (size << 8) | u64::from(x);
    }
    (id, p + size_len, size)
}

fn ebml_children(b: &[u8], start: usize, end: usize) -> Vec<(u32, usize, u64)> {
    let mut out = Vec::new();
    let mut pos = start;
    while pos < end {
        let e = ebml_element(b, pos);
        out.push(e);
        pos = e.1 + e.2 as usize;
    }
    assert_eq!(pos, end, "children fill their parent exactly");
    out
}

fn ebml_uint(b: &[u8], e: (u32, usize, u64)) -> u64 {
    b[e.1..e.1 + e.2 as usize]
        .iter()
        .fold(0, |a, &x| (a << 8) | u64::from(x))
}

fn check_ebml_layout(file: &[u8], doc_type: &str) {
    let top = ebml_children(file, 0, file.len());
    assert_eq!(top.len(), 2, "EBML header + one Segment, sizes exact");
    let header = ebml_children(file, top[0].1, top[0].1 + top[0].2 as usize);
    let dt = header.iter().find(|e| e.0 == 0x4282).expect("DocType");
    assert_eq!(&file[dt.1..dt.1 + dt.2 as usize], doc_type.as_bytes());
    let seg = top[1].1;
    let children = ebml_children(file, seg, seg + top[1].2 as usize);
    let seek_head = children[0];
    assert_eq!(seek_head.0, 0x114D_9B74, "SeekHead first");
    let mut targets = 0;
    for seek in ebml_children(file, seek_head.1, seek_head.1 + seek_head.2 as usize) {
        let parts = ebml_children(file, seek.1, seek.1 + seek.2 as usize);
        let id = &file[parts[0].1..parts[0].1 + parts[0].2 as usize];
        let pos = ebml_uint(file, parts[1]) as usize;
        let at = ebml_element(file, seg + pos).0;
        assert_eq!(
            at.to_be_bytes()[4 - id.len()..],
            *id,
            "SeekHead entry points at its element"
        );
        targets += 1;
    }
    assert_eq!(targets, 3, "Info, Tracks, Cues");
    let clusters: Vec<usize> = children
        .iter()
        .filter(|e| e.0 == 0x1F43_B675)
        .map(|e| e.1)
        .collect();
    assert!(
        clusters.len() >= 2,
        "2 s with a key frame every second gives several clusters"
    );
    let cues = children.iter().find(|e| e.0 == 0x1C53_BB6B).expect("Cues");
    for point in ebml_children(file, cues.1, cues.1 + cues.2 as usize) {
        let parts = ebml_children(file, point.1, point.1 + point.2 as usize);
        let positions = ebml_children(file, parts[1].1, parts[1].1 + parts[1].2 as usize);
        let cluster_pos = ebml_uint(
            file,
            *positions
                .iter()
                .find(|e| e.0 == 0xF1)
                .expect("CueClusterPosition"),
        );
        let cluster = ebml_element(file, seg + cluster_pos as usize);
        assert_eq!(cluster.0, 0x1F43_B675, "Cue points at a Cluster");
        let ts = ebml_children(file, cluster.1, cluster.1 + cluster.2 as usize)[0];
        assert_eq!(
            ebml_uint(file, ts),
            ebml_uint(file, parts[0]),
            "CueTime = cluster timestamp"
        );
        // The cluster's first block is a key frame of the cued track.
        let block = ebml_children(file, cluster.1, cluster.1 + cluster.2 as usize)[1];
        assert_eq!(block.0, 0xA3);
        assert_eq!(
            file[block.1 + 3] & 0x80,
            0x80,
            "cued cluster starts with a key frame"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Invariants

fn video(codec: VideoCodec) -> TrackConfig {
    TrackConfig::Video(VideoTrack {
        codec,
        width: 64,
        height: 48,
        timescale: 90_000,
    })
}

fn aac() -> TrackConfig {
    TrackConfig::Audio(AudioTrack {
        codec: AudioCodec::Aac {
            audio_specific_config: vec![0x12, 0x10],
        },
        sample_rate: 44_100,
        channels: 2,
    })
}

fn sample(t_us: i64, is_key: bool, size: u32) -> Sample {
    Sample {
        pts_us: t_us,
        dts_us: t_us,
        duration_us: 40_000,
        is_key,
        size,
    }
}

const AVCC: [u8; 7] = [1, 0x42, 0, 0x1E, 0xFF, 0xE0, 0];

#[test]
fn mp4_refuses_bad_samples() {
    let mut w = Mp4Writer::new(&[
        video(VideoCodec::Avc {
            avcc: AVCC.to_vec(),
        }),
        aac(),
    ])
    .expect("writer");
    let e = w
        .push(0, sample(0, false, 10))
        .expect_err("non-key first video sample");
    assert_eq!(e.code, "Internal");
    assert!(e.message.contains("key frame"), "{}", e.message);
    assert!(w.push(0, sample(0, true, 0)).is_err(), "empty sample");
    assert!(w.push(2, sample(0, true, 10)).is_err(), "no such track");
    assert_eq!(w.push(0, sample(0, true, 10)), Ok(0));
    assert_eq!(w.push(0, sample(40_000, false, 5)), Ok(10));
    let e = w
        .push(0, sample(40_000, false, 5))
        .expect_err("repeated dts");
    assert!(e.message.contains("does not increase"), "{}", e.message);
    assert!(
        w.push(0, sample(20_000, false, 5)).is_err(),
        "dts going back"
    );
    // Audio needs no key-frame start, and a track's order is independent of the other's.
    assert_eq!(w.push(1, sample(0, true, 7)), Ok(15));
    assert!(w.finish().is_ok());
    // A track without samples is an error, not a silent empty track.
    let w = Mp4Writer::new(&[video(VideoCodec::Vp8), aac()]).expect("writer");
    assert!(w.finish().is_err());
}

#[test]
fn unsupported_codecs_are_refused_clearly() {
    let mp3 = TrackConfig::Audio(AudioTrack {
        codec: AudioCodec::Other("mp3".into()),
        sample_rate: 44_100,
        channels: 2,
    });
    let e = Mp4Writer::new(&[video(VideoCodec::Vp8), mp3.clone()]).expect_err("mp3");
    assert_eq!(e.code, "InvalidMedia.Unsupported");
    assert!(e.message.contains("mp3"), "{}", e.message);
    assert!(WebmWriter::new(DocType::Matroska, &[mp3]).is_err());
    let e = WebmWriter::new(
        DocType::Webm,
        &[video(VideoCodec::Avc {
            avcc: AVCC.to_vec(),
        })],
    )
    .expect_err("h264 in webm");
    assert_eq!(e.code, "InvalidMedia.Unsupported");
    assert!(
        e.message.contains("H.264") && e.message.contains("WebM"),
        "{}",
        e.message
    );
    let e = WebmWriter::new(
        DocType::Webm,
        &[video(VideoCodec::Vp9(VpxConfig::default())), aac()],
    )
    .expect_err("aac in webm");
    assert!(e.message.contains("AAC"), "{}", e.message);
    assert!(WebmWriter::new(
        DocType::Matroska,
        &[
            video(VideoCodec::Avc {
                avcc: AVCC.to_vec()
            }),
            aac()
        ]
    )
    .is_ok());
    assert!(
        Mp4Writer::new(&[video(VideoCodec::Avc { avcc: vec![0, 1] })]).is_err(),
        "malformed avcC"
    );
    assert!(
        Mp4Writer::new(&[video(VideoCodec::Av1 {
            av1c: vec![1, 2, 3, 4]
        })])
        .is_err(),
        "malformed av1C"
    );
}

#[test]
fn webm_refuses_bad_frames() {
    let opus = TrackConfig::Audio(AudioTrack {
        codec: AudioCodec::Opus(OpusConfig::simple(312, 48_000)),
        sample_rate: 48_000,
        channels: 2,
    });
    let mut w = WebmWriter::new(
        DocType::Webm,
        &[video(VideoCodec::Vp9(VpxConfig::default())), opus],
    )
    .expect("writer");
    let e = w
        .push(0, 0, 40_000, false, &[1])
        .expect_err("non-key first video frame");
    assert_eq!(e.code, "Internal");
    assert!(e.message.contains("key frame"), "{}", e.message);
    assert!(w.push(0, 0, 40_000, true, &[]).is_err(), "empty frame");
    assert!(
        w.push(0, -1, 40_000, true, &[1]).is_err(),
        "negative timestamp"
    );
    assert!(
        w.push(0, 0, 40_000, true, &[1]).expect("key").is_empty(),
        "cluster still open"
    );
    assert!(w.push(0, 80_000, 40_000, false, &[1]).is_ok());
    assert!(
        w.push(0, 40_000, 40_000, false, &[1]).is_err(),
        "timestamp going back"
    );
    assert!(
        w.push(1, 0, 20_000, true, &[1]).is_ok(),
        "tracks are ordered independently"
    );
    // A key frame a second later closes the first cluster and hands it out.
    let body = w.push(0, 1_000_000, 40_000, true, &[1]).expect("key");
    assert_eq!(&body[..4], [0x1F, 0x43, 0xB6, 0x75], "a completed Cluster");
    assert!(w.finish().is_ok());
}

#[test]
fn mp4_switches_to_co64_beyond_4_gib() {
    let small = {
        let mut w = Mp4Writer::new(&[video(VideoCodec::Vp8)]).expect("writer");
        w.push(0, sample(0, true, 100)).expect("push");
        w.finish().expect("finish")
    };
    let moov = find_box(&small, &["moov"], 0).expect("moov");
    assert!(
        find_box(moov, &["trak", "mdia", "minf", "stbl", "stco"], 0).is_some(),
        "small files use stco"
    );
    assert!(find_box(moov, &["trak", "mdia", "minf", "stbl", "co64"], 0).is_none());

    // Three 3.75 GiB video samples interleaved with audio: chunk offsets pass 4 GiB.
    let mut w = Mp4Writer::new(&[video(VideoCodec::Vp8), aac()]).expect("writer");
    let big = 0xF000_0000u32;
    let mut offsets: [Vec<u64>; 2] = [Vec::new(), Vec::new()];
    for k in 0..3 {
        offsets[0].push(w.push(0, sample(k * 40_000, k == 0, big)).expect("video"));
        offsets[1].push(w.push(1, sample(k * 40_000, true, 300)).expect("audio"));
    }
    let payload = w.payload_len();
    assert_eq!(payload, 3 * (u64::from(big) + 300));
    let header = w.finish().expect("finish");
    let boxes = top_boxes(&{
        // Lay out the header as if followed by the payload, without allocating 11 GiB.
        let mut h = header.clone();
        let mdat = h.len() - 16;
        assert_eq!(be32(&h, mdat), 1, "mdat uses a 64-bit largesize");
        assert_eq!(&h[mdat + 4..mdat + 8], b"mdat");
        assert_eq!(
            u64::from_be_bytes(h[mdat + 8..mdat + 16].try_into().expect("8")),
            payload + 16
        );
        h.truncate(mdat);
        h
    });
    assert_eq!(
        boxes.iter().map(|b| b.0.as_str()).collect::<Vec<_>>(),
        ["ftyp", "moov"]
    );
    let moov = find_box(&header, &["moov"], 0).expect("moov");
    for (track, offs) in offsets.iter().enumerate() {
        let stbl = find_box(moov, &["trak"], track)
            .and_then(|t| find_box(t, &["mdia", "minf", "stbl"], 0))
            .expect("stbl");
        assert!(find_box(stbl, &["stco"], 0).is_none(), "no 32-bit offsets");
        let co64 = find_box(stbl, &["co64"], 0).expect("co64");
        assert_eq!(be32(co64, 4), 3, "one chunk per run");
        for (k, &off) in offs.iter().enumerate() {
            let at = 8 + 8 * k;
            let abs = u64::from_be_bytes(co64[at..at + 8].try_into().expect("8"));
            assert_eq!(
                abs,
                header.len() as u64 + off,
                "track {track} chunk {k} offset"
            );
        }
        let stsc = find_box(stbl, &["stsc"], 0).expect("stsc");
        assert_eq!(
            (be32(stsc, 4), be32(stsc, 8), be32(stsc, 12)),
            (1, 1, 1),
            "one sample per chunk"
        );
    }
}

#[test]
fn mp4_edit_list_for_late_start_and_reordering() {
    // Video starting at 0.5 s gets an empty edit; dts before pts gets a media_time and ctts.
    let mut w = Mp4Writer::new(&[video(VideoCodec::Vp8)]).expect("writer");
    let s = |pts: i64, dts: i64, key| Sample {
        pts_us: pts,
        dts_us: dts,
        duration_us: 40_000,
        is_key: key,
        size: 9,
    };
    w.push(0, s(500_000, 460_000, true)).expect("push");
    w.push(0, s(580_000, 500_000, false)).expect("push");
    w.push(0, s(540_000, 540_000, false)).expect("push");
    let header = w.finish().expect("finish");
    let trak = find_box(&header, &["moov", "trak"], 0).expect("trak");
    let elst = find_box(trak, &["edts", "elst"], 0).expect("elst");
    assert_eq!(be32(elst, 4), 2, "empty edit + media edit");
    assert_eq!(
        (be32(elst, 8), be32(elst, 12) as i32),
        (500, -1),
        "500 ms empty edit"
    );
    // media_time: pts 0.5 s is composition time 0.04 s after the first dts = 3600 ticks.
    assert_eq!((be32(elst, 20), be32(elst, 24)), (120, 3600));
    let ctts = find_box(trak, &["mdia", "minf", "stbl", "ctts"], 0).expect("ctts");
    assert_eq!(ctts[0], 0, "no negative offsets: version 0");
    let stss = find_box(trak, &["mdia", "minf", "stbl", "stss"], 0).expect("stss");
    assert_eq!((be32(stss, 4), be32(stss, 8)), (1, 1));
}

#[test]
fn vp8_opus_mp4() {
    let i = inputs();
    let file = mux_mp4(&[&i.vp8, &i.opus]);
    assert_moov_first(&file);
    check("vp8_opus.mp4", &file, &[("vp8", &i.vp8), ("opus", &i.opus)]);
}

#[test]
fn av1_opus_webm() {
    let i = inputs();
    let file = mux_webm(DocType::Webm, &[&i.av1, &i.opus]);
    check_ebml_layout(&file, "webm");
    check(
        "av1_opus.webm",
        &file,
        &[("av1", &i.av1), ("opus", &i.opus)],
    );
}

#[test]
fn av1_aac_mp4() {
    let i = inputs();
    let file = mux_mp4(&[&i.av1, &i.aac]);
    assert_moov_first(&file);
    check("av1_aac.mp4", &file, &[("av1", &i.av1), ("aac", &i.aac)]);
}
