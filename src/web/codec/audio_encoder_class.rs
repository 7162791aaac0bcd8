//! The constructor an audio encoder is made with: the browser's WebCodecs `AudioEncoder`, or the
//! wasm AAC encoder (`www/src/aac/encoder.ts`), which has `AudioEncoder`'s shape (static
//! `isConfigSupported`, `configure`, `encode`, `flush`, `close`, `state`, `encodeQueueSize`,
//! `ondequeue`). web-sys calls those members structurally, so one [`super::AudioEncoderBox`]
//! drives either and negotiation, backpressure and the chunks follow one code path.

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AudioEncoder, AudioEncoderConfig, AudioEncoderInit};

use super::js_message;
use crate::media::encoding::AudioEncoderKind;
use crate::ApiError;

#[derive(Debug, Clone)]
pub struct AudioEncoderClass {
    kind: AudioEncoderKind,
    constructor: Function,
}

impl AudioEncoderClass {
    /// The browser's `AudioEncoder`; `None` where WebCodecs has no audio encoding.
    pub fn web_codecs() -> Option<Self> {
        let constructor = Reflect::get(&js_sys::global(), &"AudioEncoder".into()).ok()?;
        Some(Self {
            kind: AudioEncoderKind::WebCodecs,
            constructor: constructor.dyn_into().ok()?,
        })
    }

    /// The wasm AAC encoder class the worker loaded (`JobIo.loadWasmAac`).
    pub fn wasm_aac(constructor: JsValue) -> Result<Self, ApiError> {
        let constructor = constructor.dyn_into::<Function>().map_err(|v| {
            ApiError::internal(format!("the wasm AAC module gave {v:?}, not a class"))
        })?;
        Ok(Self {
            kind: AudioEncoderKind::WasmAac,
            constructor,
        })
    }

    pub fn kind(&self) -> AudioEncoderKind {
        self.kind
    }

    /// `isConfigSupported(config).supported`; a throw or rejection counts as unsupported.
    pub async fn supports(&self, config: &AudioEncoderConfig) -> bool {
        let Ok(method) = Reflect::get(&self.constructor, &"isConfigSupported".into()) else {
            return false;
        };
        let Ok(method) = method.dyn_into::<Function>() else {
            return false;
        };
        let Ok(promise) = method.call1(&self.constructor, config) else {
            return false;
        };
        let Ok(support) = JsFuture::from(Promise::resolve(&promise)).await else {
            return false;
        };
        Reflect::get(&support, &"supported".into())
            .ok()
            .and_then(|s| s.as_bool())
            .unwrap_or(false)
    }

    /// `new Class(init)`, typed as the `AudioEncoder` whose members it has.
    pub fn construct(&self, init: &AudioEncoderInit) -> Result<AudioEncoder, ApiError> {
        Reflect::construct(&self.constructor, &js_sys::Array::of1(init))
            .map(JsCast::unchecked_into)
            .map_err(|e| {
                ApiError::unsupported(format!(
                    "the audio encoder ({}) could not be created: {}",
                    self.kind.label(),
                    js_message(&e)
                ))
            })
    }
}
