//! Encoder negotiation for a job: the candidates of [`crate::media::encoding`] tried in order
//! with `isConfigSupported`; what was used, and why, goes into the job's notes.

use js_sys::Promise;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

use super::codec::{audio_config, js_message, negotiate_video, AudioEncoderBox, AudioEncoderClass};
use crate::engine::RenderSettings;
use crate::job::spec::SegmentSpec;
use crate::media::encoding::{self, AudioCandidate, AudioEncoderKind, VideoCandidate};
use crate::ApiError;

/// What a job's reels are encoded as: the configurations negotiated for the job.
#[derive(Debug, Clone)]
pub struct Encoding {
    pub container: String,
    /// `None`: no video track (`DisableVideo`).
    pub video: Option<VideoCandidate>,
    pub audio: Option<AudioCandidate>,
    /// What makes the audio encoder for `audio` (the browser's, or the wasm AAC one).
    pub audio_class: Option<AudioEncoderClass>,
    pub gop: u32,
    /// HLS/DASH segmentation: key frames are forced where segments start.
    pub segment: Option<SegmentSpec>,
    /// What was chosen instead of what was asked for, and why.
    pub notes: Vec<String>,
}

impl Encoding {
    /// A fresh audio encoder for one output; `None` for a silent one.
    pub fn open_audio(&self) -> Result<Option<AudioEncoderBox>, ApiError> {
        match (&self.audio, &self.audio_class) {
            (Some(candidate), Some(class)) => AudioEncoderBox::open(candidate, class).map(Some),
            _ => Ok(None),
        }
    }
}

/// Tries the candidates for `settings` in order with `isConfigSupported`. `load_wasm_aac` loads
/// the wasm AAC encoder's module (about 1 MB) and gives its class; it is called only when the
/// browser's own `AudioEncoder` has no AAC for an MP4/MOV output.
pub async fn negotiate_encoders(
    settings: &RenderSettings,
    load_wasm_aac: &dyn Fn() -> Result<Promise, JsValue>,
) -> Result<Encoding, ApiError> {
    let mut notes = Vec::new();
    let video = if settings.video_disabled {
        None
    } else {
        let video_req = settings.video_request();
        let (width, height) = (settings.width, settings.height);
        let (candidates, video_notes) = encoding::video_candidates(&video_req);
        notes = video_notes;
        let video = negotiate_video(&candidates).await.ok_or_else(|| {
            ApiError::invalid_parameter(
                "Output.Video",
                format!(
                    "this browser cannot encode {width}x{height} video with H.264, VP9, AV1 or VP8"
                ),
            )
        })?;
        notes.extend(encoding::video_choice_note(&video_req, video.family));
        notes.extend(encoding::crf_note(&video_req, &video));
        Some(video)
    };
    let (audio, audio_class) = match settings.audio_request() {
        Some(req) => {
            let (chosen, class) =
                negotiate_audio(&encoding::audio_candidates(&req), load_wasm_aac, &mut notes)
                    .await
                    .ok_or_else(|| {
                        ApiError::invalid_parameter(
                            "Output.Audio",
                            "this browser cannot encode audio as AAC or Opus",
                        )
                    })?;
            notes.extend(encoding::audio_choice_note(&req, &chosen));
            (Some(chosen), Some(class))
        }
        None => (None, None),
    };
    Ok(Encoding {
        container: settings.container.name().to_string(),
        video,
        audio,
        audio_class,
        gop: settings.gop.max(1),
        segment: settings.segment.clone(),
        notes,
    })
}

/// The first audio candidate an encoder accepts, with the class that makes it. A wasm AAC module
/// that fails to load is a note, and the next candidate (Opus) is tried.
async fn negotiate_audio(
    candidates: &[AudioCandidate],
    load_wasm_aac: &dyn Fn() -> Result<Promise, JsValue>,
    notes: &mut Vec<String>,
) -> Option<(AudioCandidate, AudioEncoderClass)> {
    for c in candidates {
        let class = match c.encoder {
            AudioEncoderKind::WebCodecs => AudioEncoderClass::web_codecs(),
            // At most one candidate is the wasm encoder (`audio_candidates`), so it loads once.
            AudioEncoderKind::WasmAac => wasm_aac_class(load_wasm_aac, notes).await,
        };
        if let Some(class) = class {
            if class.supports(&audio_config(c)).await {
                return Some((c.clone(), class));
            }
        }
    }
    None
}

/// The wasm AAC encoder's class, or `None` with a note when its module does not load.
async fn wasm_aac_class(
    load_wasm_aac: &dyn Fn() -> Result<Promise, JsValue>,
    notes: &mut Vec<String>,
) -> Option<AudioEncoderClass> {
    let loaded = match load_wasm_aac() {
        Ok(p) => JsFuture::from(p).await,
        Err(e) => Err(e),
    };
    let class = loaded
        .map_err(|e| js_message(&e))
        .and_then(|c| AudioEncoderClass::wasm_aac(c).map_err(|e| e.message));
    if let Err(why) = &class {
        notes.push(format!("the wasm AAC encoder could not be loaded: {why}"));
    }
    class.ok()
}
