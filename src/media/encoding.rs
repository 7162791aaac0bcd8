//! What an output is encoded as: the candidate encoder configurations for a request, in the
//! documented fallback order, for the browser to try with `isConfigSupported`.
//!
//! Video: the requested codec first, then H.264 High (level from size and rate), VP9, AV1, VP8;
//! WebM holds only VP9, AV1 and VP8. Audio: AAC-LC from the browser's `AudioEncoder`, then (MP4
//! and MOV) AAC-LC from the wasm encoder the package ships, then Opus; WebM holds only Opus.

use serde::{Deserialize, Serialize};

use crate::job::spec::{AudioCodec, Container, VideoCodec};

/// Video bitstream families an encoder can produce here (and the muxers can store).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VideoFamily {
    Avc,
    Vp9,
    Av1,
    Vp8,
}

/// Audio bitstream families an encoder can produce here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AudioFamily {
    Aac,
    Opus,
}

impl VideoFamily {
    pub fn name(self) -> &'static str {
        match self {
            VideoFamily::Avc => "avc",
            VideoFamily::Vp9 => "vp9",
            VideoFamily::Av1 => "av1",
            VideoFamily::Vp8 => "vp8",
        }
    }
    fn from_request(codec: VideoCodec) -> Option<Self> {
        match codec {
            VideoCodec::H264 => Some(VideoFamily::Avc),
            VideoCodec::Vp9 => Some(VideoFamily::Vp9),
            VideoCodec::Av1 => Some(VideoFamily::Av1),
            VideoCodec::H265 => None,
        }
    }
}

impl AudioFamily {
    pub fn name(self) -> &'static str {
        match self {
            AudioFamily::Aac => "aac",
            AudioFamily::Opus => "opus",
        }
    }
}

/// Which encoder produces the audio: the browser's WebCodecs `AudioEncoder`, or AAC-LC encoded
/// in wasm (libavcodec's `aac` through `@mediabunny/aac-encoder`, www/src/aac/), for browsers whose
/// `AudioEncoder` has no AAC (Chromium on Linux). Both are driven through the same
/// `AudioEncoder`-shaped calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub enum AudioEncoderKind {
    WebCodecs,
    WasmAac,
}

impl AudioEncoderKind {
    /// How the output record names it (`AudioEncoder`).
    pub fn label(self) -> &'static str {
        match self {
            AudioEncoderKind::WebCodecs => "WebCodecs",
            AudioEncoderKind::WasmAac => "wasm AAC (@mediabunny/aac-encoder, libavcodec)",
        }
    }
}

/// One video encoder configuration to try (fields as in WebCodecs' `VideoEncoderConfig`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VideoCandidate {
    pub family: VideoFamily,
    pub codec: String,
    pub width: u32,
    pub height: u32,
    pub framerate: f64,
    /// The target bit rate; with a quantizer, the size estimate for memory budgets only.
    pub bitrate: u64,
    /// A fixed per-frame quantizer (`bitrateMode: 'quantizer'`), on the codec's own scale, when a
    /// request's CRF drives it (see [`quantizer_for_crf`]).
    pub quantizer: Option<u32>,
}

/// One audio encoder configuration to try (fields as in WebCodecs' `AudioEncoderConfig`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AudioCandidate {
    pub family: AudioFamily,
    pub encoder: AudioEncoderKind,
    pub codec: String,
    pub sample_rate: u32,
    pub number_of_channels: u32,
    pub bitrate: u64,
}

/// H.264 levels: (level_idc, max frame size in macroblocks, max macroblocks per second).
const AVC_LEVELS: [(u32, u64, u64); 11] = [
    (0x1e, 1620, 40500),
    (0x1f, 3600, 108000),
    (0x20, 5120, 216000),
    (0x28, 8192, 245760),
    (0x2a, 8704, 522240),
    (0x32, 22080, 589824),
    (0x33, 36864, 983040),
    (0x34, 36864, 2073600),
    (0x3c, 139264, 4177920),
    (0x3d, 139264, 8355840),
    (0x3e, 139264, 16711680),
];

/// `avc1.6400LL`: High profile at the smallest level that fits the frame size and rate.
pub fn avc_codec_string(width: u32, height: u32, fps: f64) -> String {
    let mbs = u64::from(width.div_ceil(16)) * u64::from(height.div_ceil(16));
    let level = AVC_LEVELS
        .iter()
        .find(|&&(_, frame, rate)| mbs <= frame && (mbs as f64) * fps <= rate as f64)
        .map_or(0x3e, |l| l.0);
    format!("avc1.6400{level:02x}")
}

/// `vp09.00.LL.08`: profile 0, 8 bit, level from the picture size.
pub fn vp9_codec_string(width: u32, height: u32) -> String {
    let px = u64::from(width) * u64::from(height);
    const LEVELS: [(u64, u32); 7] = [
        (36864, 10),
        (122880, 20),
        (245760, 21),
        (552960, 30),
        (983040, 31),
        (2228224, 40),
        (8912896, 50),
    ];
    let level = LEVELS
        .iter()
        .find(|&&(max, _)| px <= max)
        .map_or(60, |l| l.1);
    format!("vp09.00.{level}.08")
}

/// `av01.0.LLM.08`: Main profile, 8 bit, level from the picture size.
pub fn av1_codec_string(width: u32, height: u32) -> String {
    let px = u64::from(width) * u64::from(height);
    const LEVELS: [(u64, u32); 6] = [
        (147456, 0),
        (278784, 1),
        (665856, 4),
        (1065024, 5),
        (2359296, 8),
        (8912896, 12),
    ];
    let level = LEVELS
        .iter()
        .find(|&&(max, _)| px <= max)
        .map_or(16, |l| l.1);
    format!("av01.0.{level:02}M.08")
}

/// Bit rate for a CRF value. WebCodecs has no CRF, so it maps to bits per pixel per frame: about
/// 0.1 at CRF 23 for H.264, halving every 6 CRF steps as x264's rate roughly does; VP9 and AV1
/// need about 70 % of that for the same quality.
pub fn bitrate_for_crf(crf: u32, width: u32, height: u32, fps: f64, family: VideoFamily) -> u64 {
    let efficiency = match family {
        VideoFamily::Avc | VideoFamily::Vp8 => 1.0,
        VideoFamily::Vp9 | VideoFamily::Av1 => 0.7,
    };
    let bpp = 0.1 * 2f64.powf((23.0 - f64::from(crf)) / 6.0) * efficiency;
    let bps = bpp * f64::from(width) * f64::from(height) * fps;
    bps.round().clamp(200_000.0, 60_000_000.0) as u64
}

/// The per-frame quantizer a CRF means for `family`, where WebCodecs has one (`avc`: 0..=51, the
/// scale x264's CRF is also on; `vp9`, `av1`: 0..=63, reached by scaling the 0..=51 CRF range
/// onto it). VP8 has none: it keeps the bit-rate mapping of [`bitrate_for_crf`].
pub fn quantizer_for_crf(crf: u32, family: VideoFamily) -> Option<u32> {
    let crf = crf.min(51);
    match family {
        VideoFamily::Avc => Some(crf),
        VideoFamily::Vp9 | VideoFamily::Av1 => Some((f64::from(crf) * 63.0 / 51.0).round() as u32),
        VideoFamily::Vp8 => None,
    }
}

/// What the output's video should be, as the request says.
#[derive(Debug, Clone, PartialEq)]
pub struct VideoRequest {
    pub container: Container,
    pub codec: Option<VideoCodec>,
    pub width: u32,
    pub height: u32,
    pub fps: f64,
    pub bitrate_bps: Option<u64>,
    pub crf: Option<u32>,
}

/// The configurations to try, best first, and the notes that explain a request that cannot be
/// honoured whatever the browser supports (H.265, a codec the container cannot hold).
pub fn video_candidates(req: &VideoRequest) -> (Vec<VideoCandidate>, Vec<String>) {
    let order: &[VideoFamily] = if req.container == Container::Webm {
        &[VideoFamily::Vp9, VideoFamily::Av1, VideoFamily::Vp8]
    } else {
        &[
            VideoFamily::Avc,
            VideoFamily::Vp9,
            VideoFamily::Av1,
            VideoFamily::Vp8,
        ]
    };
    let mut notes = Vec::new();
    let wanted = req.codec.and_then(VideoFamily::from_request);
    if req.codec == Some(VideoCodec::H265) {
        notes.push("H.265 encoding is not available in WebCodecs here; used the first supported codec instead".into());
    }
    let mut families: Vec<VideoFamily> = Vec::new();
    match wanted {
        Some(w) if order.contains(&w) => families.push(w),
        Some(w) => notes.push(format!(
            "{} cannot go into {}; used the first supported codec instead",
            w.name(),
            req.container.name()
        )),
        None => {}
    }
    let rest: Vec<VideoFamily> = order
        .iter()
        .copied()
        .filter(|f| !families.contains(f))
        .collect();
    families.extend(rest);
    // A CRF without a bit rate asks for constant quality: each family's quantizer mode first,
    // then the same family by the bit-rate mapping, for an encoder that has no quantizer mode.
    let quantizers = |family| match (req.crf, req.bitrate_bps) {
        (Some(crf), None) => quantizer_for_crf(crf, family),
        _ => None,
    };
    let candidates = families
        .into_iter()
        .flat_map(|family| {
            let base = VideoCandidate {
                family,
                codec: match family {
                    VideoFamily::Avc => avc_codec_string(req.width, req.height, req.fps),
                    VideoFamily::Vp9 => vp9_codec_string(req.width, req.height),
                    VideoFamily::Av1 => av1_codec_string(req.width, req.height),
                    VideoFamily::Vp8 => "vp8".into(),
                },
                width: req.width,
                height: req.height,
                framerate: req.fps,
                bitrate: req.bitrate_bps.unwrap_or_else(|| {
                    bitrate_for_crf(
                        req.crf.unwrap_or(23),
                        req.width,
                        req.height,
                        req.fps,
                        family,
                    )
                }),
                quantizer: None,
            };
            let fixed = quantizers(family).map(|q| VideoCandidate {
                quantizer: Some(q),
                ..base.clone()
            });
            fixed.into_iter().chain(std::iter::once(base))
        })
        .collect();
    (candidates, notes)
}

/// How a request's CRF was honoured by the configuration the browser accepted: as the encoder's
/// quantizer, or (no quantizer mode) as a bit rate. `None` when no CRF was asked for.
pub fn crf_note(req: &VideoRequest, chosen: &VideoCandidate) -> Option<String> {
    let crf = req.crf?;
    if req.bitrate_bps.is_some() {
        return Some(format!(
            "CRF {crf} is not used: the request also gives a bit rate, which the encoder follows"
        ));
    }
    Some(match chosen.quantizer {
        Some(q) => format!(
            "CRF {crf} drives the {} encoder's quantizer: {q} for every frame (bitrateMode quantizer)",
            chosen.family.name()
        ),
        None => format!(
            "this browser's {} encoder has no quantizer mode; CRF {crf} is mapped to {} kbit/s",
            chosen.family.name(),
            chosen.bitrate / 1000
        ),
    })
}

/// The note for the video configuration the browser accepted, when it is not what was asked.
pub fn video_choice_note(req: &VideoRequest, chosen: VideoFamily) -> Option<String> {
    let wanted = req.codec.and_then(VideoFamily::from_request)?;
    (wanted != chosen).then(|| {
        format!(
            "{} encoding is not supported by this browser; used {}",
            wanted.name(),
            chosen.name()
        )
    })
}

/// What the output's audio should be, as the request says.
#[derive(Debug, Clone, PartialEq)]
pub struct AudioRequest {
    pub container: Container,
    pub codec: Option<AudioCodec>,
    pub sample_rate: Option<u32>,
    pub channels: Option<u32>,
    pub bitrate_bps: Option<u64>,
}

/// The configurations to try, best first. Opus always runs at 48 kHz (the mixer resamples).
/// The wasm AAC encoder is offered for MP4 and MOV, where players and upload pipelines expect
/// AAC; Matroska takes Opus as readily, so it falls back to Opus without loading it.
pub fn audio_candidates(req: &AudioRequest) -> Vec<AudioCandidate> {
    use AudioEncoderKind::{WasmAac, WebCodecs};
    let channels = req.channels.unwrap_or(2);
    let order: &[(AudioFamily, AudioEncoderKind)] = match req.container {
        Container::Webm => &[(AudioFamily::Opus, WebCodecs)],
        Container::Mp4 | Container::Mov => &[
            (AudioFamily::Aac, WebCodecs),
            (AudioFamily::Aac, WasmAac),
            (AudioFamily::Opus, WebCodecs),
        ],
        // Matroska, and the cloud containers validation refuses before anything is encoded.
        _ => &[
            (AudioFamily::Aac, WebCodecs),
            (AudioFamily::Opus, WebCodecs),
        ],
    };
    // A requested codec the container holds goes first (the rest stay as fallbacks, with a note).
    let wanted = match req.codec {
        Some(AudioCodec::Aac) => Some(AudioFamily::Aac),
        Some(AudioCodec::Opus) => Some(AudioFamily::Opus),
        _ => None,
    };
    let (mut order, rest): (Vec<_>, Vec<_>) = order
        .iter()
        .partition(|(family, _)| Some(*family) == wanted);
    order.extend(rest);
    order
        .into_iter()
        .map(|(family, encoder)| AudioCandidate {
            family,
            encoder,
            codec: match family {
                AudioFamily::Aac => "mp4a.40.2".into(),
                AudioFamily::Opus => "opus".into(),
            },
            sample_rate: match family {
                AudioFamily::Opus => 48000,
                AudioFamily::Aac => req.sample_rate.unwrap_or(48000),
            },
            number_of_channels: channels,
            bitrate: req
                .bitrate_bps
                .unwrap_or(if channels > 2 { 256_000 } else { 128_000 }),
        })
        .collect()
}

/// The note for the audio configuration the browser accepted, when it is not what was asked or
/// not the container's first choice.
pub fn audio_choice_note(req: &AudioRequest, chosen: &AudioCandidate) -> Option<String> {
    let first = audio_candidates(&AudioRequest {
        codec: None,
        ..req.clone()
    })
    .first()
    .map(|c| c.family)?;
    match req.codec {
        Some(codec) if codec_name(codec) != chosen.family.name() => Some(format!(
            "audio codec {} is not available for {} in this browser; used {}",
            codec_name(codec),
            req.container.name(),
            chosen.family.name()
        )),
        _ if chosen.encoder == AudioEncoderKind::WasmAac => Some(format!(
            "this browser's AudioEncoder has no AAC; AAC is encoded by the {}",
            chosen.encoder.label()
        )),
        None if chosen.family != first => Some(format!(
            "{} encoding is not available in this browser; audio is {}",
            // The names are ASCII: `str::to_uppercase` would link the Unicode case tables.
            first.name().to_ascii_uppercase(),
            chosen.family.name()
        )),
        _ => None,
    }
}

fn codec_name(codec: AudioCodec) -> &'static str {
    match codec {
        AudioCodec::Aac => "aac",
        AudioCodec::Opus => "opus",
        AudioCodec::Mp3 => "mp3",
        AudioCodec::Vorbis => "vorbis",
        AudioCodec::Flac => "flac",
    }
}
