//! A reel's background-music track decoded in the worker: the file is read through the job's
//! readers like any input, demuxed by [`crate::media::audio_file`], decoded by WebCodecs'
//! `AudioDecoder` (WAV PCM is converted in Rust) and pushed into the mixer a packet at a time,
//! only while the mix wants it ([`AudioMixer::wants_music`]). At the track's end the mixer loops
//! it: the file is opened and decoded again from its start (see [`crate::render::music_stream`]),
//! so no more than a few seconds of music are ever held.

use js_sys::Promise;
use wasm_bindgen::JsValue;

use super::codec::{audio_decoder_config, AudioBlock, AudioDecoderBox};
use super::job_signal::JobSignal;
use super::source::{settle, JsByteSource};
use crate::media::audio_file::{open_audio, pcm_planes, AudioPackets};
use crate::media::AudioInfo;
use crate::render::AudioMixer;
use crate::ApiError;

/// Encoded chunks waiting inside the decoder; more only adds memory.
const MAX_DECODE_QUEUE: u32 = 16;

/// One reading of the track, from its start.
struct Decode {
    file: Box<dyn AudioPackets>,
    audio: AudioInfo,
    /// `None` for WAV PCM, converted here.
    decoder: Option<AudioDecoderBox>,
    scratch: Option<js_sys::Float32Array>,
    samples: Vec<f32>,
}

/// The music track of one sound pass, decoded as the mix asks for it.
pub(super) struct MusicFeed<'a> {
    uri: &'a str,
    open_uri: &'a dyn Fn(&str) -> Result<Promise, ApiError>,
    decode: Option<Decode>,
}

impl<'a> MusicFeed<'a> {
    pub fn new(uri: &'a str, open_uri: &'a dyn Fn(&str) -> Result<Promise, ApiError>) -> Self {
        Self {
            uri,
            open_uri,
            decode: None,
        }
    }

    /// One packet of music into `mixer` if it wants more (`false`: it does not), so the glue can
    /// encode what the mix made between packets; errors name the music file.
    pub async fn feed_one(
        &mut self,
        mixer: &mut AudioMixer,
        job: &JobSignal,
    ) -> Result<bool, ApiError> {
        if !mixer.wants_music() {
            return Ok(false);
        }
        job.check()?;
        self.step(mixer).await.map_err(|e| {
            ApiError::new(
                e.code,
                format!("background music {}: {}", self.uri, e.message),
            )
        })?;
        Ok(true)
    }

    /// One packet of the track into `mixer`; at the track's end, tells the mixer (which may then
    /// want it again from the start).
    async fn step(&mut self, mixer: &mut AudioMixer) -> Result<(), ApiError> {
        let d = match self.decode.as_mut() {
            Some(d) => d,
            None => {
                let reader = settle((self.open_uri)(self.uri)).await?;
                self.decode.insert(Decode::open(reader).await?)
            }
        };
        let Some(p) = d.file.next_packet()? else {
            if let Some(decoder) = &d.decoder {
                decoder.flush().await?;
                d.drain(mixer)?;
            }
            self.decode = None;
            return mixer.finish_music();
        };
        match &d.decoder {
            None => {
                let a = &d.audio;
                let planes = pcm_planes(&a.codec, a.channels as usize, &p.data)
                    .ok_or_else(|| ApiError::internal(format!("no PCM reader for {}", a.codec)))?;
                let planes: Vec<&[f32]> = planes.iter().map(Vec::as_slice).collect();
                mixer.push_music(a.sample_rate, &planes)
            }
            Some(decoder) => {
                decoder.room(MAX_DECODE_QUEUE).await?;
                decoder.decode(&p)?;
                d.drain(mixer)
            }
        }
    }
}

impl Decode {
    async fn open(reader: JsValue) -> Result<Self, ApiError> {
        let file = open_audio(Box::new(JsByteSource::new(reader)?))?;
        let track = file
            .info()
            .audio_track()
            .cloned()
            .ok_or_else(|| ApiError::unsupported("the file has no audio track"))?;
        let audio = track
            .audio
            .clone()
            .ok_or_else(|| ApiError::internal("an audio track without its audio description"))?;
        let decoder = if audio.codec.starts_with("pcm-") {
            None
        } else {
            let config = audio_decoder_config(&track).await.ok_or_else(|| {
                ApiError::unsupported(format!(
                    "audio codec {} ({}, {} Hz, {} channels) cannot be decoded by this browser's WebCodecs",
                    track.codec_name, audio.codec, audio.sample_rate, audio.channels
                ))
            })?;
            Some(AudioDecoderBox::open(&config, &track.codec_name)?)
        };
        Ok(Self {
            file,
            audio,
            decoder,
            scratch: None,
            samples: Vec::new(),
        })
    }

    /// Hands every decoded block to the mixer.
    fn drain(&mut self, mixer: &mut AudioMixer) -> Result<(), ApiError> {
        let Some(decoder) = &self.decoder else {
            return Ok(());
        };
        while let Some(block) = decoder.queue().pop() {
            let block: AudioBlock = block;
            let planes = block.copy_planes(&mut self.scratch, &mut self.samples)?;
            mixer.push_music(block.sample_rate(), &planes)?;
        }
        decoder.queue().check()
    }
}
