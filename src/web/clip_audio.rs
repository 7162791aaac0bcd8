//! One clip's source audio decoded into the mixer: the packets of its audio track inside the clip's
//! range (with margins for the fades) go through a WebCodecs `AudioDecoder` and every decoded block
//! to [`AudioMixer::push_source`]. The clip cursor feeds it the audio packets it meets while
//! decoding the clip's video; the audio-first pass ([`ClipAudioPass`]) reads the clip's packets
//! for it alone, with no video decoder (once per sound pass).

use js_sys::Float32Array;
use wasm_bindgen::JsValue;

use super::codec::{audio_decoder_config, AudioDecoderBox};
use super::job_signal::JobSignal;
use super::source::JsByteSource;
use crate::media::{self, Demuxer, MediaInfo, Packet};
use crate::render::job_budget::DECODE_QUEUE_FRAMES;
use crate::render::AudioMixer;
use crate::ApiError;

/// Audio is decoded this far around the clip, so the mixer's fades have material.
const AUDIO_MARGIN_S: f64 = 0.1;

pub struct ClipAudio {
    clip: usize,
    in_s: f64,
    out_s: f64,
    decoder: AudioDecoderBox,
    track: u32,
    /// Past the clip's range: later packets are not needed.
    done: bool,
    samples: Vec<f32>,
    scratch: Option<Float32Array>,
}

impl ClipAudio {
    /// The decoder of `info`'s audio track for clip `clip` showing `[in_s, out_s)`; `None` when
    /// the source has no audio track or this browser cannot decode it (the clip is then silent).
    pub async fn open(
        info: &MediaInfo,
        clip: usize,
        (in_s, out_s): (f64, f64),
    ) -> Result<Option<Self>, ApiError> {
        let Some(track) = info.audio_track() else {
            return Ok(None);
        };
        let Some(config) = audio_decoder_config(track).await else {
            return Ok(None);
        };
        Ok(Some(Self {
            clip,
            in_s,
            out_s,
            decoder: AudioDecoderBox::open(&config, &track.codec_name)?,
            track: track.id,
            done: false,
            samples: Vec::new(),
            scratch: None,
        }))
    }

    /// Whether the clip's range has been read past.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// Whether `packet` is one of this track's that is still needed.
    pub fn takes(&self, packet: &Packet) -> bool {
        !self.done && packet.track_id == self.track
    }

    /// Decodes an audio packet inside the clip's range (with margins); past it, audio is done.
    pub async fn decode(
        &mut self,
        packet: &Packet,
        mixer: Option<&mut AudioMixer>,
    ) -> Result<(), ApiError> {
        let t = packet.pts_us as f64 / 1e6;
        if t > self.out_s + AUDIO_MARGIN_S {
            self.done = true;
        } else if t + AUDIO_MARGIN_S >= self.in_s {
            self.decoder.room(DECODE_QUEUE_FRAMES).await?;
            self.decoder.decode(packet)?;
        }
        self.drain(mixer)
    }

    /// Hands every decoded audio block to the mixer.
    pub fn drain(&mut self, mixer: Option<&mut AudioMixer>) -> Result<(), ApiError> {
        let Some(mixer) = mixer else {
            return Ok(());
        };
        while let Some(block) = self.decoder.queue().pop() {
            let planes = block.copy_planes(&mut self.scratch, &mut self.samples)?;
            mixer.push_source(self.clip, block.timestamp_s(), block.sample_rate(), &planes)?;
        }
        self.decoder.queue().check()
    }

    /// Reads the rest of the clip's audio from `demuxer` into the mixer (`demux_ended`: nothing is
    /// left to read) and tells the mixer the clip is complete. `each` sees the source time of
    /// every packet of the track read (its error stops the reading: a cancel).
    pub async fn finish(
        &mut self,
        demuxer: &mut dyn Demuxer,
        demux_ended: bool,
        mixer: &mut AudioMixer,
        each: &mut dyn FnMut(f64) -> Result<(), ApiError>,
    ) -> Result<(), ApiError> {
        if !demux_ended {
            while self.read_next(demuxer, mixer, each).await? {}
        }
        self.end(mixer).await
    }

    /// Reads up to the next packet of the track from `demuxer` into the mixer; `false` once the
    /// clip's range has been read past or the file has ended.
    async fn read_next(
        &mut self,
        demuxer: &mut dyn Demuxer,
        mixer: &mut AudioMixer,
        each: &mut dyn FnMut(f64) -> Result<(), ApiError>,
    ) -> Result<bool, ApiError> {
        while !self.done {
            let Some(packet) = demuxer.next_packet()? else {
                break;
            };
            if self.takes(&packet) {
                each(packet.pts_us as f64 / 1e6)?;
                self.decode(&packet, Some(mixer)).await?;
                return Ok(!self.done);
            }
        }
        Ok(false)
    }

    /// No more packets: the decoder's last blocks into the mixer, and the clip is complete.
    async fn end(&mut self, mixer: &mut AudioMixer) -> Result<(), ApiError> {
        self.done = true;
        self.decoder.flush().await?;
        self.drain(Some(mixer))?;
        mixer.finish_clip(self.clip)
    }
}

/// The audio-first pass for one clip: its source opened and sought like the clip cursor does (so
/// the mix is the same sound either way), its audio decoded into the mixer a packet at a time
/// ([`ClipAudioPass::step`]), so the glue can feed the music and encode what the mix made in
/// between.
pub struct ClipAudioPass {
    demuxer: Box<dyn Demuxer>,
    audio: ClipAudio,
    range: (f64, f64),
    reported: f64,
    ended: bool,
}

impl ClipAudioPass {
    /// Opens `reader` for clip `clip` showing `range`; `None` when its audio cannot be decoded
    /// here (the caller marks the clip silent).
    pub async fn open(
        reader: JsValue,
        clip: usize,
        range: (f64, f64),
    ) -> Result<Option<Self>, ApiError> {
        let mut demuxer = media::open(Box::new(JsByteSource::new(reader)?))?;
        let info = demuxer.info().clone();
        let Some(audio) = ClipAudio::open(&info, clip, range).await? else {
            return Ok(None);
        };
        if range.0 > 0.0 {
            demuxer.seek(range.0)?;
        }
        Ok(Some(Self {
            demuxer,
            audio,
            range,
            reported: range.0,
            ended: false,
        }))
    }

    /// Decodes the next packet into `mixer`, checking `job` for a cancel and reporting the
    /// fraction of the clip done to `progress` every second of source; at the end completes the
    /// clip and returns `false`.
    pub async fn step(
        &mut self,
        mixer: &mut AudioMixer,
        job: &JobSignal,
        progress: impl Fn(f64),
    ) -> Result<bool, ApiError> {
        if self.ended {
            return Ok(false);
        }
        let (range, reported) = (self.range, &mut self.reported);
        let mut each = |t: f64| {
            if t - *reported < 1.0 {
                return Ok(());
            }
            *reported = t;
            progress(((t - range.0) / (range.1 - range.0).max(1e-3)).clamp(0.0, 1.0));
            job.check()
        };
        if self
            .audio
            .read_next(self.demuxer.as_mut(), mixer, &mut each)
            .await?
        {
            return Ok(true);
        }
        self.ended = true;
        self.audio.end(mixer).await?;
        Ok(false)
    }
}
