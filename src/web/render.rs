//! wasm-bindgen exports for the render half: per-frame draw lists, the audio mixer and the
//! container writers (planning and the render plan come from `engine.rs`). Configuration crosses the boundary as JSON; samples as typed arrays.

use wasm_bindgen::prelude::*;

use super::api::{json, planar, to_js};
use crate::media::mux::{
    AudioCodec, AudioTrack, OpusConfig, TrackConfig, VideoCodec, VideoTrack, VpxConfig,
};
use crate::media::mux_mp4::{Mp4Writer, Sample};
use crate::media::mux_webm::{DocType, WebmWriter};
use crate::render::mix::{AudioMixer, MixClip};
use crate::render::{self, RenderPlan};
use crate::ApiError;

pub(super) fn parse<T: serde::de::DeserializeOwned>(what: &str, text: &str) -> Result<T, JsValue> {
    serde_json::from_str(text).map_err(|e| to_js(ApiError::internal(format!("bad {what}: {e}"))))
}

/// One reel's render plan: answers "what to draw" for each output frame.
#[wasm_bindgen]
pub struct WasmRenderer {
    plan: RenderPlan,
}

#[wasm_bindgen]
impl WasmRenderer {
    #[wasm_bindgen(constructor)]
    pub fn new(plan_json: &str) -> Result<WasmRenderer, JsValue> {
        let plan: RenderPlan = parse("render plan", plan_json)?;
        render::draw::validate_plan(&plan).map_err(to_js)?;
        Ok(WasmRenderer { plan })
    }

    #[wasm_bindgen(js_name = frameCount)]
    pub fn frame_count(&self) -> f64 {
        render::draw::frame_count(&self.plan) as f64
    }

    /// `FrameOps` of output frame `index` as JSON.
    #[wasm_bindgen(js_name = frameOps)]
    pub fn frame_ops(&self, index: f64) -> Result<String, JsValue> {
        json(&render::draw::frame_ops(&self.plan, index as u64).map_err(to_js)?)
    }

    /// A mixer whose fades line up with this reel's video transitions.
    pub fn mixer(&self, rate: u32, channels: u32) -> Result<WasmMixer, JsValue> {
        let clips: Vec<MixClip> = render::draw::mix_clips(&self.plan);
        let inner = AudioMixer::new(&clips, rate, channels, self.plan.duration_s).map_err(to_js)?;
        Ok(WasmMixer { inner })
    }
}

/// The reel's audio: decoded source audio in, mixed 48 kHz (by default) blocks out.
#[wasm_bindgen]
pub struct WasmMixer {
    inner: AudioMixer,
}

#[wasm_bindgen]
impl WasmMixer {
    /// Planar f32 audio of `clip` (channel planes end to end in `data`) starting at source time `t_s`.
    #[wasm_bindgen(js_name = pushSource)]
    pub fn push_source(
        &mut self,
        clip: usize,
        t_s: f64,
        rate: u32,
        channels: usize,
        data: &[f32],
    ) -> Result<(), JsValue> {
        match planar(data, channels) {
            Some(planes) => self
                .inner
                .push_source(clip, t_s, rate, &planes)
                .map_err(to_js),
            None => Ok(()),
        }
    }

    /// Every sample of `clip` has been pushed.
    #[wasm_bindgen(js_name = finishClip)]
    pub fn finish_clip(&mut self, clip: usize) -> Result<(), JsValue> {
        self.inner.finish_clip(clip).map_err(to_js)
    }

    /// `clip` has no audio: it contributes silence.
    #[wasm_bindgen(js_name = markSilent)]
    pub fn mark_silent(&mut self, clip: usize) -> Result<(), JsValue> {
        self.inner.mark_silent(clip).map_err(to_js)
    }

    /// Up to `frames` interleaved output frames, once every clip under them is complete.
    pub fn pull(&mut self, frames: usize) -> Option<Vec<f32>> {
        self.inner.pull(frames)
    }

    #[wasm_bindgen(js_name = isDone)]
    pub fn is_done(&self) -> bool {
        self.inner.is_done()
    }

    /// Output frames pulled so far.
    pub fn position(&self) -> f64 {
        self.inner.position() as f64
    }
}

/// A track of the output as the worker describes it after the encoders reported their configs.
#[derive(serde::Deserialize)]
#[serde(
    rename_all = "lowercase",
    rename_all_fields = "camelCase",
    tag = "kind"
)]
enum WebTrack {
    Video {
        family: String,
        codec: String,
        description: Option<Vec<u8>>,
        width: u32,
        height: u32,
        timescale: u32,
    },
    Audio {
        family: String,
        description: Option<Vec<u8>>,
        sample_rate: u32,
        channels: u16,
    },
}

impl WebTrack {
    fn into_config(self) -> Result<TrackConfig, ApiError> {
        let missing = |what: &str| {
            ApiError::internal(format!(
                "the encoder reported no {what} decoder configuration"
            ))
        };
        Ok(match self {
            WebTrack::Video {
                family,
                codec,
                description,
                width,
                height,
                timescale,
            } => {
                let codec = match family.as_str() {
                    "avc" => VideoCodec::Avc {
                        avcc: description.ok_or_else(|| missing("H.264"))?,
                    },
                    "vp9" => VideoCodec::Vp9(VpxConfig::from_codec_string(&codec)?),
                    "av1" => VideoCodec::Av1 {
                        av1c: description.ok_or_else(|| missing("AV1"))?,
                    },
                    "vp8" => VideoCodec::Vp8,
                    other => {
                        return Err(ApiError::internal(format!("unknown video family {other}")))
                    }
                };
                TrackConfig::Video(VideoTrack {
                    codec,
                    width,
                    height,
                    timescale,
                })
            }
            WebTrack::Audio {
                family,
                description,
                sample_rate,
                channels,
            } => {
                let codec = match family.as_str() {
                    "aac" => AudioCodec::Aac {
                        audio_specific_config: description.ok_or_else(|| missing("AAC"))?,
                    },
                    // Chromium's Opus encoder may omit the OpusHead; libopus' usual 312-sample
                    // look-ahead is then assumed.
                    "opus" => AudioCodec::Opus(match description {
                        Some(head) if !head.is_empty() => OpusConfig::from_opus_head(&head)?,
                        _ => OpusConfig::simple(312, sample_rate),
                    }),
                    other => AudioCodec::Other(other.to_string()),
                };
                TrackConfig::Audio(AudioTrack {
                    codec,
                    sample_rate,
                    channels,
                })
            }
        })
    }
}

enum Writer {
    Mp4(Mp4Writer),
    Webm(WebmWriter),
}

/// Container writer. `push` returns the bytes to append to the file body, in order; `finish`
/// returns the head to put before the body (MP4: ftyp+moov+mdat header; WebM: EBML header,
/// Segment, Info, Tracks) and `tail` the bytes after it (WebM: last cluster + Cues).
#[wasm_bindgen]
pub struct WasmMuxer {
    writer: Option<Writer>,
    tail: Vec<u8>,
}

#[wasm_bindgen]
impl WasmMuxer {
    /// `container`: mp4, mov, webm or mkv; `tracks_json`: the tracks in index order.
    #[wasm_bindgen(constructor)]
    pub fn new(container: &str, tracks_json: &str) -> Result<WasmMuxer, JsValue> {
        let tracks: Vec<WebTrack> = parse("tracks", tracks_json)?;
        let tracks = tracks
            .into_iter()
            .map(WebTrack::into_config)
            .collect::<Result<Vec<_>, _>>()
            .map_err(to_js)?;
        let writer = match container {
            "mp4" | "mov" => Writer::Mp4(Mp4Writer::new(&tracks).map_err(to_js)?),
            "webm" => Writer::Webm(WebmWriter::new(DocType::Webm, &tracks).map_err(to_js)?),
            "mkv" => Writer::Webm(WebmWriter::new(DocType::Matroska, &tracks).map_err(to_js)?),
            other => {
                return Err(to_js(ApiError::invalid_parameter(
                    "Output.Container",
                    format!("{other} cannot be written in the browser; use mp4, mov, webm or mkv"),
                )))
            }
        };
        Ok(WasmMuxer {
            writer: Some(writer),
            tail: Vec::new(),
        })
    }

    /// One encoded sample; returns the bytes to append to the body.
    #[allow(clippy::too_many_arguments)] // one argument per EncodedChunk field
    pub fn push(
        &mut self,
        track: usize,
        pts_us: f64,
        dts_us: f64,
        duration_us: f64,
        is_key: bool,
        data: &[u8],
    ) -> Result<Vec<u8>, JsValue> {
        match self.writer.as_mut() {
            Some(Writer::Mp4(w)) => {
                let sample = Sample {
                    pts_us: pts_us as i64,
                    dts_us: dts_us as i64,
                    duration_us: duration_us as i64,
                    is_key,
                    size: data.len() as u32,
                };
                w.push(track, sample).map_err(to_js)?;
                Ok(data.to_vec())
            }
            Some(Writer::Webm(w)) => w
                .push(track, pts_us as i64, duration_us as i64, is_key, data)
                .map_err(to_js),
            None => Err(to_js(ApiError::internal("push after finish"))),
        }
    }

    /// Closes the file; returns the head. Call `tail()` afterwards for the bytes after the body.
    pub fn finish(&mut self) -> Result<Vec<u8>, JsValue> {
        match self.writer.take() {
            Some(Writer::Mp4(w)) => w.finish().map_err(to_js),
            Some(Writer::Webm(w)) => {
                let (head, tail) = w.finish().map_err(to_js)?;
                self.tail = tail;
                Ok(head)
            }
            None => Err(to_js(ApiError::internal("finish called twice"))),
        }
    }

    pub fn tail(&self) -> Vec<u8> {
        self.tail.clone()
    }
}
