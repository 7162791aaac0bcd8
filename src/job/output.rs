//! The IMM `Output` object's nested settings: `Segment`, `Video` (TargetVideo) and `Audio`
//! (TargetAudio).

use super::reader::*;
use super::spec::{
    AudioCodec, AudioSpec, ScaleType, SegmentFormat, SegmentSpec, VideoCodec, VideoSpec,
    DEFAULT_CRF, DEFAULT_GOP_SIZE, DEFAULT_SEGMENT_DURATION_S,
};
use serde_json::Value;

/// `Output.Segment`: `Format` hls|dash (default hls), `Duration` > 0, `StartNumber` >= 0 (hls only).
pub(super) fn segment_spec(value: &Value, at: &At) -> Result<SegmentSpec> {
    let s = Obj::new(value, at, &["Format", "Duration", "StartNumber"])?;
    let format = opt(&s, "Format", |v, a| {
        name(
            v,
            a,
            &[("hls", SegmentFormat::Hls), ("dash", SegmentFormat::Dash)],
        )
    })?
    .unwrap_or(SegmentFormat::Hls);
    let duration_s = opt(&s, "Duration", positive)?.unwrap_or(DEFAULT_SEGMENT_DURATION_S);
    let start_number = match s.get("StartNumber") {
        None => 0,
        Some((v, a)) => {
            if format != SegmentFormat::Hls {
                return Err(a.bad(v, "StartNumber applies only to Segment.Format 'hls'"));
            }
            u32_in(v, &a, 0, u32::MAX)?
        }
    };
    Ok(SegmentSpec {
        format,
        duration_s,
        start_number,
    })
}

/// The playlist extension of a segment format.
pub(super) fn playlist_extension(format: SegmentFormat) -> &'static str {
    match format {
        SegmentFormat::Hls => "m3u8",
        SegmentFormat::Dash => "mpd",
    }
}

/// The segment format an output location's extension names (`.m3u8` HLS, `.mpd` DASH).
pub(super) fn segment_format_of(uri: &str) -> Option<SegmentFormat> {
    let path = uri.split(['?', '#']).next().unwrap_or(uri);
    let last = path.rsplit(['/', ':']).next().unwrap_or(path);
    let (_, ext) = last.rsplit_once('.')?;
    match ext.to_ascii_lowercase().as_str() {
        "m3u8" => Some(SegmentFormat::Hls),
        "mpd" => Some(SegmentFormat::Dash),
        _ => None,
    }
}

/// A segmented output's location names its playlist or manifest (segments land beside it, named
/// after it): `memory:`, or a file whose extension is the format's.
pub(super) fn check_segment_uri(
    uri: &str,
    format: SegmentFormat,
    value: &Value,
    at: &At,
) -> Result<()> {
    if uri.starts_with("memory:") || segment_format_of(uri) == Some(format) {
        return Ok(());
    }
    let ext = playlist_extension(format);
    Err(at.bad(
        value,
        format!("with Segment.Format '{}' it names the playlist: a file ending in .{ext} (the segments are written beside it), or memory:", ext_format_name(format)),
    ))
}

fn ext_format_name(format: SegmentFormat) -> &'static str {
    match format {
        SegmentFormat::Hls => "hls",
        SegmentFormat::Dash => "dash",
    }
}

/// `Output.Video` (TargetVideo): returns (width, height, settings).
pub(super) fn target_video(
    value: &Value,
    at: &At,
) -> Result<(Option<u32>, Option<u32>, VideoSpec)> {
    let tv = Obj::new(value, at, &["DisableVideo", "TranscodeVideo"])?;
    let mut video = VideoSpec {
        disabled: opt(&tv, "DisableVideo", boolean)?.unwrap_or(false),
        ..VideoSpec::default()
    };
    let (mut width, mut height) = (None, None);
    if let Some((v, at)) = tv.get("TranscodeVideo") {
        if video.disabled {
            return Err(at.err("Output.Video.TranscodeVideo is given but Output.Video.DisableVideo is true; give one or the other"));
        }
        let t = Obj::new(
            v,
            &at,
            &[
                "Codec",
                "Bitrate",
                "CRF",
                "FrameRate",
                "Resolution",
                "ScaleType",
                "GOPSize",
                "PixelFormat",
            ],
        )?;
        video.codec = opt(&t, "Codec", |v, a| {
            name(
                v,
                a,
                &[
                    ("h264", VideoCodec::H264),
                    ("h265", VideoCodec::H265),
                    ("vp9", VideoCodec::Vp9),
                    ("av1", VideoCodec::Av1),
                ],
            )
        })?;
        video.bitrate_bps = opt(&t, "Bitrate", positive)?.map(bps);
        video.crf = opt(&t, "CRF", |v, a| u32_in(v, a, 0, 51))?;
        if video.bitrate_bps.is_none() && video.crf.is_none() {
            video.crf = Some(DEFAULT_CRF);
        }
        video.frame_rate = opt(&t, "FrameRate", |v, a| {
            let x = positive(v, a)?;
            if x > 120.0 {
                return Err(a.bad(v, "allowed > 0 and <= 120"));
            }
            Ok(x)
        })?;
        if let Some((v, a)) = t.get("Resolution") {
            let (w, h) = resolution(v, &a)?;
            width = Some(w);
            height = Some(h);
        }
        video.scale_type = opt(&t, "ScaleType", |v, a| {
            name(
                v,
                a,
                &[
                    ("stretch", ScaleType::Stretch),
                    ("crop", ScaleType::Crop),
                    ("fill", ScaleType::Fill),
                    ("fit", ScaleType::Fit),
                ],
            )
        })?;
        video.gop_size =
            Some(opt(&t, "GOPSize", |v, a| u32_in(v, a, 1, 100_000))?.unwrap_or(DEFAULT_GOP_SIZE));
        video.pixel_format = opt(&t, "PixelFormat", |v, a| {
            name(v, a, &[("yuv420p", "yuv420p")])
        })?
        .map(str::to_string);
    }
    Ok((width, height, video))
}

/// `Resolution` "WxH", each side 1..4096.
pub(super) fn resolution(value: &Value, at: &At) -> Result<(u32, u32)> {
    let s = string(value, at)?;
    let allowed = "expected \"WxH\" with each side an integer 1..4096, e.g. \"1280x720\"";
    let (w, h) = s.split_once('x').ok_or_else(|| at.bad(value, allowed))?;
    let side = |t: &str| {
        t.trim()
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=4096).contains(n))
    };
    match (side(w), side(h)) {
        (Some(w), Some(h)) => Ok((w, h)),
        _ => Err(at.bad(value, allowed)),
    }
}

/// `Output.Audio` (TargetAudio).
pub(super) fn target_audio(value: &Value, at: &At) -> Result<AudioSpec> {
    let ta = Obj::new(
        value,
        at,
        &["DisableAudio", "TranscodeAudio", "LoudnessNormalization"],
    )?;
    let mut audio = AudioSpec {
        disabled: opt(&ta, "DisableAudio", boolean)?.unwrap_or(false),
        ..AudioSpec::default()
    };
    audio.loudness_off = !loudness_normalization(&ta, audio.disabled)?;
    if let Some((v, at)) = ta.get("TranscodeAudio") {
        if audio.disabled {
            return Err(at.err("Output.Audio.TranscodeAudio is given but Output.Audio.DisableAudio is true; give one or the other"));
        }
        let t = Obj::new(v, &at, &["Codec", "Bitrate", "SampleRate", "Channel"])?;
        audio.codec = opt(&t, "Codec", |v, a| {
            name(
                v,
                a,
                &[
                    ("aac", AudioCodec::Aac),
                    ("opus", AudioCodec::Opus),
                    ("mp3", AudioCodec::Mp3),
                    ("vorbis", AudioCodec::Vorbis),
                    ("flac", AudioCodec::Flac),
                ],
            )
        })?;
        audio.bitrate_bps = opt(&t, "Bitrate", positive)?.map(bps);
        audio.sample_rate = opt(&t, "SampleRate", |v, a| u32_in(v, a, 8000, 96000))?;
        audio.channels = opt(&t, "Channel", |v, a| u32_in(v, a, 1, 8))?;
    }
    Ok(audio)
}

/// `LoudnessNormalization` (boolean, default true) of `Output.Audio` / ICE `OutputConfig.Audio`:
/// whether the mix is normalised to -14 LUFS. Meaningless, so refused, without an audio track.
pub(super) fn loudness_normalization(audio: &Obj, disabled: bool) -> Result<bool> {
    let on = opt(audio, "LoudnessNormalization", boolean)?;
    if let (Some(_), true) = (on, disabled) {
        return Err(audio.at.key("LoudnessNormalization").err(
            "LoudnessNormalization is given but DisableAudio is true: there is no audio to normalise",
        ));
    }
    Ok(on.unwrap_or(true))
}
