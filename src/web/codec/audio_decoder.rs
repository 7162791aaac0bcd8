//! A WebCodecs `AudioDecoder` owned by Rust: decoded blocks land in an [`OutputQueue`] as
//! [`AudioBlock`]s (closed when dropped); the codec is closed on `Drop`.

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{AudioData, AudioDecoder, AudioDecoderConfig, AudioDecoderInit, CodecState};

use super::chunk::audio_chunk;
use super::queue::OutputQueue;
use super::{closed_decoder, decode_error, js_message, AudioBlock};
use crate::media::Packet;
use crate::ApiError;

pub struct AudioDecoderBox {
    decoder: AudioDecoder,
    queue: Rc<OutputQueue<AudioBlock>>,
    codec: String,
    /// Timestamp of the last chunk submitted, for error messages.
    last_pts: Rc<Cell<Option<i64>>>,
    _output: Closure<dyn FnMut(AudioData)>,
    _error: Closure<dyn FnMut(JsValue)>,
    _dequeue: Closure<dyn FnMut()>,
}

impl AudioDecoderBox {
    pub fn open(config: &AudioDecoderConfig, codec_name: &str) -> Result<Self, ApiError> {
        let queue = OutputQueue::new();
        let q = queue.clone();
        let output =
            Closure::<dyn FnMut(AudioData)>::new(move |d: AudioData| q.push(AudioBlock::new(d)));
        let name = codec_name.to_string();
        // The error callback has no chunk: it names the last one submitted.
        let last_pts = Rc::new(Cell::new(None::<i64>));
        let last = last_pts.clone();
        let error = queue.error_callback(move |e| decode_error("audio", &name, last.get(), e));
        let dequeue = queue.dequeue_callback();
        let init = AudioDecoderInit::new(
            error.as_ref().unchecked_ref(),
            output.as_ref().unchecked_ref(),
        );
        let decoder = AudioDecoder::new(&init).map_err(|e| {
            ApiError::unsupported(format!(
                "AudioDecoder could not be created: {}",
                js_message(&e)
            ))
        })?;
        decoder.set_ondequeue(Some(dequeue.as_ref().unchecked_ref()));
        let this = Self {
            decoder,
            queue,
            codec: codec_name.to_string(),
            last_pts,
            _output: output,
            _error: error,
            _dequeue: dequeue,
        };
        this.decoder
            .configure(config)
            .map_err(|e| decode_error("audio", codec_name, None, &e))?;
        Ok(this)
    }

    pub fn queue(&self) -> &OutputQueue<AudioBlock> {
        &self.queue
    }

    pub fn pending(&self) -> u32 {
        self.decoder.decode_queue_size()
    }

    pub fn decode(&self, packet: &Packet) -> Result<(), ApiError> {
        self.queue.check()?;
        let at = Some(packet.pts_us);
        self.last_pts.set(at);
        if self.decoder.state() == CodecState::Closed {
            return Err(closed_decoder(self.queue.error(), "audio", &self.codec, at));
        }
        let chunk = audio_chunk(packet).map_err(|e| decode_error("audio", &self.codec, at, &e))?;
        self.decoder
            .decode(&chunk)
            .map_err(|e| decode_error("audio", &self.codec, at, &e))
    }

    /// Waits until at most `max` chunks are queued in the decoder.
    pub async fn room(&self, max: u32) -> Result<(), ApiError> {
        self.queue.wait_while(|| self.pending() > max).await
    }

    pub async fn flush(&self) -> Result<(), ApiError> {
        if self.decoder.state() != CodecState::Configured {
            return self.queue.check();
        }
        let result = self.decoder.flush().await;
        self.queue.check()?;
        result
            .map(|_| ())
            .map_err(|e| decode_error("audio", &self.codec, self.last_pts.get(), &e))
    }
}

impl Drop for AudioDecoderBox {
    fn drop(&mut self) {
        self.queue.clear();
        // A `dequeue` event already scheduled must not reach the closure dropped after this.
        self.decoder.set_ondequeue(None);
        if self.decoder.state() != CodecState::Closed {
            let _ = self.decoder.close();
        }
    }
}
