//! A reel's background-music track decoded in the worker: the file is read through the job's
//! readers like any input, demuxed by [`crate::media::audio_file`], decoded by WebCodecs'
//! `AudioDecoder` (WAV PCM is converted in Rust) and pushed into the mixer until it holds as much
//! music as the reel lasts (the mixer loops a shorter track itself).

use wasm_bindgen::JsValue;

use super::codec::{audio_decoder_config, AudioDecoderBox};
use super::job_signal::JobSignal;
use super::source::JsByteSource;
use crate::media::audio_file::{open_audio, pcm_planes};
use crate::render::AudioMixer;
use crate::ApiError;

/// Encoded chunks waiting inside the decoder; more only adds memory.
const MAX_DECODE_QUEUE: u32 = 16;

/// Decodes the music file behind `reader` into `mixer` (which must lay music).
pub(super) async fn decode_music(
    reader: JsValue,
    mixer: &mut AudioMixer,
    job: &JobSignal,
) -> Result<(), ApiError> {
    let mut file = open_audio(Box::new(JsByteSource::new(reader)?))?;
    let track = file
        .info()
        .audio_track()
        .cloned()
        .ok_or_else(|| ApiError::unsupported("the file has no audio track"))?;
    let audio = track
        .audio
        .clone()
        .ok_or_else(|| ApiError::internal("an audio track without its audio description"))?;
    if audio.codec.starts_with("pcm-") {
        while mixer.wants_music() {
            job.check()?;
            let Some(p) = file.next_packet()? else { break };
            let planes = pcm_planes(&audio.codec, audio.channels as usize, &p.data)
                .ok_or_else(|| ApiError::internal(format!("no PCM reader for {}", audio.codec)))?;
            let planes: Vec<&[f32]> = planes.iter().map(Vec::as_slice).collect();
            mixer.push_music(audio.sample_rate, &planes)?;
        }
    } else {
        let config = audio_decoder_config(&track).await.ok_or_else(|| {
            ApiError::unsupported(format!(
                "audio codec {} ({}, {} Hz, {} channels) cannot be decoded by this browser's WebCodecs",
                track.codec_name, audio.codec, audio.sample_rate, audio.channels
            ))
        })?;
        let decoder = AudioDecoderBox::open(&config, &track.codec_name)?;
        let (mut scratch, mut samples) = (None, Vec::new());
        let mut drain = |mixer: &mut AudioMixer| -> Result<(), ApiError> {
            while let Some(block) = decoder.queue().pop() {
                let planes = block.copy_planes(&mut scratch, &mut samples)?;
                mixer.push_music(block.sample_rate(), &planes)?;
            }
            decoder.queue().check()
        };
        loop {
            job.check()?;
            drain(mixer)?;
            if !mixer.wants_music() {
                break;
            }
            let Some(p) = file.next_packet()? else {
                decoder.flush().await?;
                drain(mixer)?;
                break;
            };
            decoder.room(MAX_DECODE_QUEUE).await?;
            decoder.decode(&p)?;
        }
    }
    mixer.finish_music();
    Ok(())
}
