//! Encoder negotiation for a job: the candidates of [`crate::media::encoding`] tried in order
//! with `isConfigSupported`; what was used, and why, goes into the job's notes.

use super::codec::{negotiate_audio, negotiate_video};
use crate::engine::RenderSettings;
use crate::job::spec::SegmentSpec;
use crate::media::encoding::{self, AudioCandidate, VideoCandidate};
use crate::ApiError;

/// What a job's reels are encoded as: the configurations negotiated for the job.
#[derive(Debug, Clone)]
pub struct Encoding {
    pub container: String,
    /// `None`: no video track (`DisableVideo`).
    pub video: Option<VideoCandidate>,
    pub audio: Option<AudioCandidate>,
    pub gop: u32,
    /// HLS/DASH segmentation: key frames are forced where segments start.
    pub segment: Option<SegmentSpec>,
    /// What was chosen instead of what was asked for, and why.
    pub notes: Vec<String>,
}

/// Tries the candidates for `settings` in order with `isConfigSupported`.
pub async fn negotiate_encoders(settings: &RenderSettings) -> Result<Encoding, ApiError> {
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
        Some(video)
    };
    let audio = match settings.audio_request() {
        Some(req) => {
            let chosen = negotiate_audio(&encoding::audio_candidates(&req))
                .await
                .ok_or_else(|| {
                    ApiError::invalid_parameter(
                        "Output.Audio",
                        "this browser cannot encode audio as AAC or Opus",
                    )
                })?;
            notes.extend(encoding::audio_choice_note(&req, chosen.family));
            Some(chosen)
        }
        None => None,
    };
    Ok(Encoding {
        container: settings.container.name().to_string(),
        video,
        audio,
        gop: settings.gop.max(1),
        segment: settings.segment.clone(),
        notes,
    })
}
