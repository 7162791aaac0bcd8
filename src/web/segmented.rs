//! The files of an HLS/DASH output, as `Blob`s composed from the rendered body without copying
//! it: each media segment is its header followed by `Blob.slice`s of the body (a work file in
//! OPFS, or Blobs in memory), the init segments and the playlist are small byte strings. Listed
//! in delivery order: init and media segments first, the playlist or manifest last, so a player
//! that finds the playlist finds every file it names. An audio-only output (`DisableVideo`) has
//! one audio stream: its files are `audio/mp4` and its DASH adaptation set is audio.

use js_sys::{Array, Uint8Array};
use wasm_bindgen::JsValue;
use web_sys::{Blob, BlobPropertyBag};

use super::codec::js_message;
use super::encoders::Encoding;
use crate::job::spec::{SegmentFormat, SegmentSpec};
use crate::media::encoding::VideoCandidate;
use crate::media::mux_fmp4::FragmentedStream;
use crate::media::playlist::{dash_manifest, hls_playlist, sibling_uri, DashMedia, SegmentNames};
use crate::ApiError;

/// One file of a segmented output.
pub(super) struct SegmentFile {
    /// Its name beside the playlist (what the playlist calls it).
    pub name: String,
    /// Where it is delivered (`None`: memory).
    pub uri: Option<String>,
    pub blob: Blob,
    pub size: f64,
    /// Media segments: seconds of the stream they hold.
    pub duration_s: Option<f64>,
}

/// The files of the output at `uri` whose body is `body`, playlist last.
pub(super) fn segment_files(
    uri: Option<&str>,
    spec: &SegmentSpec,
    streams: &[FragmentedStream],
    body: &Blob,
    encoding: &Encoding,
) -> Result<Vec<SegmentFile>, ApiError> {
    let names = SegmentNames::new(uri, spec.format, spec.start_number);
    let labelled: Vec<(&FragmentedStream, SegmentNames)> = match spec.format {
        SegmentFormat::Hls => streams.iter().map(|s| (s, names.clone())).collect(),
        SegmentFormat::Dash => streams
            .iter()
            .map(|s| {
                let label = if stream_video(s, encoding).is_some() {
                    "video"
                } else {
                    "audio"
                };
                (s, names.stream(label))
            })
            .collect(),
    };
    // The MIME types of RFC 8216 §3.3 / ISO BMFF for files with a picture, and audio/mp4 without.
    let (init_mime, segment_mime) = if encoding.video.is_some() {
        ("video/mp4", "video/iso.segment")
    } else {
        ("audio/mp4", "audio/mp4")
    };
    let mut files = Vec::new();
    let file = |name: String, blob: Blob, duration_s| SegmentFile {
        uri: sibling_uri(uri, &name),
        size: blob.size(),
        name,
        blob,
        duration_s,
    };
    for (stream, n) in &labelled {
        files.push(file(n.init(), bytes_blob(&stream.init, init_mime)?, None));
        for (k, s) in stream.segments.iter().enumerate() {
            let parts = Array::new();
            parts.push(&Uint8Array::from(s.header.as_slice()));
            for &(start, len) in &s.pieces {
                let piece = body
                    .slice_with_f64_and_f64(start as f64, (start + len) as f64)
                    .map_err(|e| blob_error(&e))?;
                parts.push(&piece);
            }
            let blob = blob_of(&parts, segment_mime)?;
            files.push(file(n.media(k), blob, Some(s.duration_s)));
        }
    }
    let (text, mime) = match spec.format {
        SegmentFormat::Hls => (
            hls_playlist(streams.first().ok_or_else(no_stream)?, &names),
            "application/vnd.apple.mpegurl",
        ),
        SegmentFormat::Dash => {
            let with_media: Vec<_> = labelled
                .into_iter()
                .map(|(s, n)| Ok((s, dash_media(s, encoding)?, n)))
                .collect::<Result<_, ApiError>>()?;
            (dash_manifest(&with_media), "application/dash+xml")
        }
    };
    files.push(file(
        names.playlist(),
        bytes_blob(text.as_bytes(), mime)?,
        None,
    ));
    Ok(files)
}

/// The video encoding, if `stream` is the video: the writer numbers the tracks it has, video
/// first when there is one, so without video track 0 is the audio.
fn stream_video<'a>(
    stream: &FragmentedStream,
    encoding: &'a Encoding,
) -> Option<&'a VideoCandidate> {
    encoding
        .video
        .as_ref()
        .filter(|_| stream.tracks.first() == Some(&0))
}

/// What the manifest says of a DASH stream: its track's codec string and format.
fn dash_media(stream: &FragmentedStream, encoding: &Encoding) -> Result<DashMedia, ApiError> {
    if let Some(video) = stream_video(stream, encoding) {
        return Ok(DashMedia::Video {
            codec: video.codec.clone(),
            width: video.width,
            height: video.height,
            fps: video.framerate,
        });
    }
    let audio = encoding
        .audio
        .as_ref()
        .ok_or_else(|| ApiError::internal("a DASH stream with neither video nor audio"))?;
    Ok(DashMedia::Audio {
        codec: audio.codec.clone(),
        sample_rate: audio.sample_rate,
        channels: audio.number_of_channels,
    })
}

fn no_stream() -> ApiError {
    ApiError::internal("the segmented output has no stream")
}

fn bytes_blob(bytes: &[u8], mime: &str) -> Result<Blob, ApiError> {
    let parts = Array::new();
    parts.push(&Uint8Array::from(bytes));
    blob_of(&parts, mime)
}

fn blob_of(parts: &Array, mime: &str) -> Result<Blob, ApiError> {
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    Blob::new_with_u8_array_sequence_and_options(parts, &options).map_err(|e| blob_error(&e))
}

fn blob_error(e: &JsValue) -> ApiError {
    ApiError::internal(format!(
        "composing a segment file failed: {}",
        js_message(e)
    ))
}
