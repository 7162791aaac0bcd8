//! A WebCodecs `VideoDecoder` owned by Rust: frames land in an [`OutputQueue`] as [`Frame`]s
//! (closed when dropped), backpressure on `decodeQueueSize`, the codec closed on `Drop`.

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CodecState, VideoDecoder, VideoDecoderConfig, VideoDecoderInit, VideoFrame};

use super::chunk::video_chunk;
use super::queue::OutputQueue;
use super::{closed_decoder, decode_error, js_message, Frame};
use crate::media::Packet;
use crate::ApiError;

pub struct VideoDecoderBox {
    decoder: VideoDecoder,
    queue: Rc<OutputQueue<Frame>>,
    codec: String,
    /// Timestamp of the last chunk submitted, for error messages.
    last_pts: Rc<Cell<Option<i64>>>,
    _output: Closure<dyn FnMut(VideoFrame)>,
    _error: Closure<dyn FnMut(JsValue)>,
    _dequeue: Closure<dyn FnMut()>,
}

impl VideoDecoderBox {
    /// `keep(timestamp_us)` decides in the output callback whether a frame is queued or closed at
    /// once, so frames nobody wants never pin a decoder buffer.
    pub fn open(
        config: &VideoDecoderConfig,
        codec_name: &str,
        keep: impl Fn(f64) -> bool + 'static,
    ) -> Result<Self, ApiError> {
        let queue = OutputQueue::new();
        let q = queue.clone();
        let output = Closure::<dyn FnMut(VideoFrame)>::new(move |f: VideoFrame| {
            let frame = Frame::new(f);
            if keep(frame.timestamp_us()) {
                q.push(frame);
            }
        });
        let name = codec_name.to_string();
        // The error callback has no chunk: it names the last one submitted.
        let last_pts = Rc::new(Cell::new(None::<i64>));
        let last = last_pts.clone();
        let error = queue.error_callback(move |e| decode_error("video", &name, last.get(), e));
        let dequeue = queue.dequeue_callback();
        let init = VideoDecoderInit::new(
            error.as_ref().unchecked_ref(),
            output.as_ref().unchecked_ref(),
        );
        let decoder = VideoDecoder::new(&init).map_err(|e| {
            ApiError::unsupported(format!(
                "VideoDecoder could not be created: {}",
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
            .map_err(|e| decode_error("video", codec_name, None, &e))?;
        Ok(this)
    }

    pub fn queue(&self) -> &OutputQueue<Frame> {
        &self.queue
    }

    /// Chunks waiting inside the decoder.
    pub fn pending(&self) -> u32 {
        self.decoder.decode_queue_size()
    }

    pub fn decode(&self, packet: &Packet) -> Result<(), ApiError> {
        self.queue.check()?;
        let at = Some(packet.pts_us);
        self.last_pts.set(at);
        if self.decoder.state() == CodecState::Closed {
            return Err(closed_decoder(self.queue.error(), "video", &self.codec, at));
        }
        let chunk = video_chunk(packet).map_err(|e| decode_error("video", &self.codec, at, &e))?;
        self.decoder
            .decode(&chunk)
            .map_err(|e| decode_error("video", &self.codec, at, &e))
    }

    /// Waits for the next output, dequeue or error (or a short timeout).
    pub async fn wait(&self) {
        self.queue.wait().await;
    }

    /// Emits every frame still inside the decoder.
    pub async fn flush(&self) -> Result<(), ApiError> {
        if self.decoder.state() != CodecState::Configured {
            return self.queue.check();
        }
        let result = self.decoder.flush().await;
        self.queue.check()?;
        result
            .map(|_| ())
            .map_err(|e| decode_error("video", &self.codec, self.last_pts.get(), &e))
    }
}

impl Drop for VideoDecoderBox {
    fn drop(&mut self) {
        self.queue.clear();
        // A `dequeue` event already scheduled must not reach the closure dropped after this.
        self.decoder.set_ondequeue(None);
        if self.decoder.state() != CodecState::Closed {
            let _ = self.decoder.close();
        }
    }
}
