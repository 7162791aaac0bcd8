//! Fuzz target bodies (issue 11), shared by the cargo-fuzz targets in `fuzz/` and the stable
//! toolchain runner `tests/fuzz.rs`. Each takes arbitrary bytes and must return without
//! panicking; errors are fine. Kept in the library so both runners exercise the same code.

use crate::job::validate::{parse_request_json, Capabilities};
use crate::media::mux::{AudioCodec, AudioTrack, OpusConfig, TrackConfig, VideoCodec, VideoTrack};
use crate::media::mux_mp4::{Mp4Writer, Sample};
use crate::media::mux_webm::{DocType, WebmWriter};
use crate::media::{self, Demuxer};

/// Opens `data` with the sniffing demuxer and reads it: packets, a seek, more packets.
fn demux(data: Vec<u8>) {
    let Ok(mut d) = media::open(Box::new(std::io::Cursor::new(data))) else {
        return;
    };
    read(d.as_mut());
}

fn read(d: &mut dyn Demuxer) {
    let _ = d.info().video_track();
    for _ in 0..20_000 {
        if !matches!(d.next_packet(), Ok(Some(_))) {
            break;
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

/// MP4 demuxer: the input is given an `ftyp` signature so the bytes reach the MP4 parser.
pub fn demux_mp4(data: &[u8]) {
    let mut v = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2".to_vec();
    if data.starts_with(b"\x00\x00") {
        v = data.to_vec();
    } else {
        v.extend_from_slice(data);
    }
    demux(v);
}

/// Matroska/WebM demuxer: the input gets an EBML signature when it lacks one.
pub fn demux_mkv(data: &[u8]) {
    let v = if data.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]) {
        data.to_vec()
    } else {
        [&[0x1A, 0x45, 0xDF, 0xA3][..], data].concat()
    };
    demux(v);
}

/// The music-file readers (MP3, FLAC, Ogg, WAV, and M4A/WebM through the container demuxers):
/// every packet read, WAV PCM converted.
pub fn audio_file(data: &[u8]) {
    let Ok(mut d) = media::audio_file::open_audio(Box::new(std::io::Cursor::new(data.to_vec())))
    else {
        return;
    };
    let audio = d.info().audio_track().and_then(|t| t.audio.clone());
    for _ in 0..20_000 {
        match d.next_packet() {
            Ok(Some(p)) => {
                if let Some(a) = &audio {
                    let _ = media::audio_file::pcm_planes(&a.codec, a.channels as usize, &p.data);
                }
            }
            _ => break,
        }
    }
}

/// The request parser of both APIs (first byte picks the API, the rest is the JSON text).
pub fn request(data: &[u8]) {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let action = if which & 1 == 0 {
        "CreateHighlightTask"
    } else {
        "SubmitScreenMediaHighlightsJob"
    };
    if let Ok(text) = std::str::from_utf8(rest) {
        let _ = parse_request_json(action, text, &Capabilities::with_render());
    }
}

/// The muxers' inputs: track configurations and sample timing/sizes/flags taken from the bytes.
pub fn mux(data: &[u8]) {
    let mut r = data.iter().copied();
    let mut byte = move || r.next();
    let b = |x: Option<u8>| x.unwrap_or(0);
    let video = TrackConfig::Video(VideoTrack {
        codec: match b(byte()) % 3 {
            0 => VideoCodec::Avc {
                avcc: (0..b(byte()) % 16).map(|_| b(byte())).collect(),
            },
            1 => VideoCodec::Vp8,
            _ => VideoCodec::Av1 {
                av1c: (0..b(byte()) % 8).map(|_| b(byte())).collect(),
            },
        },
        width: u32::from(b(byte())) * 16,
        height: u32::from(b(byte())) * 16,
        timescale: u32::from(b(byte())) * 1000,
    });
    let audio = TrackConfig::Audio(AudioTrack {
        codec: AudioCodec::Opus(OpusConfig::simple(u16::from(b(byte())), 48_000)),
        sample_rate: 48_000,
        channels: u16::from(b(byte()) % 9),
    });
    let tracks = [video, audio];
    let mut samples = Vec::new();
    while samples.len() < 2000 {
        let (Some(t), Some(a), Some(c), Some(d)) = (byte(), byte(), byte(), byte()) else {
            break;
        };
        let ts = i64::from(i16::from_be_bytes([a, c])) * 1000;
        samples.push((
            usize::from(t % 3),
            ts,
            i64::from(d) * 100,
            t & 0x80 != 0,
            u32::from(d),
        ));
    }
    if let Ok(mut w) = Mp4Writer::new(&tracks) {
        for &(track, ts, dur, key, size) in &samples {
            let s = Sample {
                pts_us: ts,
                dts_us: ts,
                duration_us: dur,
                is_key: key,
                size,
            };
            if w.push(track, s).is_err() {
                break;
            }
        }
        let _ = w.finish();
    }
    for doc in [DocType::Webm, DocType::Matroska] {
        if let Ok(mut w) = WebmWriter::new(doc, &tracks) {
            for &(track, ts, dur, key, size) in &samples {
                let payload = vec![0u8; size as usize];
                if w.push(track, ts, dur, key, &payload).is_err() {
                    break;
                }
            }
            let _ = w.finish();
        }
    }
}
