//! Encoder negotiation: codec strings, CRF mapping and the documented fallback order.
#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

use reelcut::job::spec::{AudioCodec, Container, VideoCodec};
use reelcut::media::encoding::*;

fn video(container: Container, codec: Option<VideoCodec>) -> VideoRequest {
    VideoRequest {
        container,
        codec,
        width: 1080,
        height: 1920,
        fps: 30.0,
        bitrate_bps: None,
        crf: None,
    }
}

#[test]
fn avc_level_is_the_smallest_that_fits_size_and_rate() {
    assert_eq!(avc_codec_string(1080, 1920, 30.0), "avc1.640028"); // 8160 MBs at 30 fps: level 4.0
    assert_eq!(avc_codec_string(1080, 1920, 60.0), "avc1.64002a"); // level 4.2
    assert_eq!(avc_codec_string(640, 360, 30.0), "avc1.64001e");
    assert_eq!(avc_codec_string(3840, 2160, 30.0), "avc1.640033");
    assert_eq!(avc_codec_string(8192, 8192, 120.0), "avc1.64003e"); // beyond the table: the top level
}

#[test]
fn vp9_and_av1_levels_follow_picture_size() {
    assert_eq!(vp9_codec_string(1920, 1080), "vp09.00.40.08");
    assert_eq!(vp9_codec_string(320, 180), "vp09.00.20.08");
    assert_eq!(av1_codec_string(1920, 1080), "av01.0.08M.08");
    assert_eq!(av1_codec_string(640, 360), "av01.0.01M.08");
}

#[test]
fn crf_halves_the_rate_every_six_steps_within_bounds() {
    let at23 = bitrate_for_crf(23, 1920, 1080, 30.0, VideoFamily::Avc);
    let at29 = bitrate_for_crf(29, 1920, 1080, 30.0, VideoFamily::Avc);
    assert!(
        (at23 as f64 / at29 as f64 - 2.0).abs() < 0.01,
        "{at23} {at29}"
    );
    assert_eq!(at23, 6_220_800);
    assert!(bitrate_for_crf(23, 1920, 1080, 30.0, VideoFamily::Vp9) < at23);
    assert_eq!(bitrate_for_crf(51, 64, 64, 1.0, VideoFamily::Avc), 200_000);
    assert_eq!(
        bitrate_for_crf(0, 8192, 8192, 120.0, VideoFamily::Avc),
        60_000_000
    );
}

#[test]
fn video_order_puts_the_requested_codec_first_and_respects_webm() {
    let families = |r: &VideoRequest| {
        video_candidates(r)
            .0
            .iter()
            .map(|c| c.family)
            .collect::<Vec<_>>()
    };
    use VideoFamily::*;
    assert_eq!(families(&video(Container::Mp4, None)), [Avc, Vp9, Av1, Vp8]);
    assert_eq!(
        families(&video(Container::Mp4, Some(VideoCodec::Av1))),
        [Av1, Avc, Vp9, Vp8]
    );
    assert_eq!(families(&video(Container::Webm, None)), [Vp9, Av1, Vp8]);
    let (c, notes) = video_candidates(&video(Container::Webm, Some(VideoCodec::H264)));
    assert_eq!(c[0].family, Vp9);
    assert!(notes[0].contains("cannot go into webm"), "{notes:?}");
    let (_, notes) = video_candidates(&video(Container::Mp4, Some(VideoCodec::H265)));
    assert!(notes[0].contains("H.265"), "{notes:?}");
    assert_eq!(
        video_choice_note(&video(Container::Mp4, Some(VideoCodec::Vp9)), Avc).as_deref(),
        Some("vp9 encoding is not supported by this browser; used avc")
    );
    assert_eq!(video_choice_note(&video(Container::Mp4, None), Vp9), None);
}

#[test]
fn an_explicit_bitrate_wins_over_crf() {
    let mut r = video(Container::Mp4, None);
    r.bitrate_bps = Some(4_000_000);
    r.crf = Some(18);
    assert!(video_candidates(&r)
        .0
        .iter()
        .all(|c| c.bitrate == 4_000_000));
}

#[test]
fn audio_is_aac_then_wasm_aac_then_opus_and_opus_runs_at_48k() {
    let req = AudioRequest {
        container: Container::Mp4,
        codec: None,
        sample_rate: Some(44100),
        channels: Some(6),
        bitrate_bps: None,
    };
    let c = audio_candidates(&req);
    assert_eq!(
        c.iter().map(|c| (c.family, c.encoder)).collect::<Vec<_>>(),
        [
            (AudioFamily::Aac, AudioEncoderKind::WebCodecs),
            (AudioFamily::Aac, AudioEncoderKind::WasmAac),
            (AudioFamily::Opus, AudioEncoderKind::WebCodecs)
        ]
    );
    assert_eq!(
        (c[0].sample_rate, c[1].sample_rate, c[2].sample_rate),
        (44100, 44100, 48000)
    );
    assert_eq!(c[0].bitrate, 256_000);
    assert_eq!(audio_choice_note(&req, &c[0]), None);
    assert!(audio_choice_note(&req, &c[1])
        .unwrap()
        .contains("has no AAC; AAC is encoded by the wasm AAC"));
    assert!(audio_choice_note(&req, &c[2])
        .unwrap()
        .starts_with("AAC encoding is not available"));
    // MOV is MP4's structure: the same order. Matroska does not load the wasm encoder.
    let mov = audio_candidates(&AudioRequest {
        container: Container::Mov,
        ..req.clone()
    });
    assert_eq!(mov, c);
    let mkv = audio_candidates(&AudioRequest {
        container: Container::Mkv,
        ..req.clone()
    });
    assert!(mkv.iter().all(|c| c.encoder == AudioEncoderKind::WebCodecs));
    let webm = AudioRequest {
        container: Container::Webm,
        ..req.clone()
    };
    let webm_c = audio_candidates(&webm);
    assert_eq!(webm_c.len(), 1);
    assert_eq!(audio_choice_note(&webm, &webm_c[0]), None);
    let asked = AudioRequest {
        codec: Some(AudioCodec::Aac),
        ..req
    };
    assert!(audio_choice_note(&asked, &c[2])
        .unwrap()
        .contains("audio codec aac is not available for mp4"));
    assert!(audio_choice_note(&asked, &c[1])
        .unwrap()
        .contains("wasm AAC"));
}

#[test]
fn crf_drives_a_quantizer_first_then_the_bit_rate_mapping() {
    let req = VideoRequest {
        crf: Some(30),
        ..video(Container::Mp4, None)
    };
    let (c, _) = video_candidates(&req);
    let order: Vec<_> = c.iter().map(|c| (c.family, c.quantizer)).collect();
    assert_eq!(
        order,
        [
            (VideoFamily::Avc, Some(30)),
            (VideoFamily::Avc, None),
            (VideoFamily::Vp9, Some(37)),
            (VideoFamily::Vp9, None),
            (VideoFamily::Av1, Some(37)),
            (VideoFamily::Av1, None),
            (VideoFamily::Vp8, None),
        ]
    );
    // Both modes keep the bit-rate estimate the memory budget uses.
    assert_eq!(c[0].bitrate, c[1].bitrate);
    assert!(crf_note(&req, &c[0])
        .unwrap()
        .contains("quantizer: 30 for every frame"));
    assert!(crf_note(&req, &c[1])
        .unwrap()
        .contains("has no quantizer mode; CRF 30 is mapped to"));
    assert_eq!(quantizer_for_crf(51, VideoFamily::Vp9), Some(63));
    assert_eq!(quantizer_for_crf(0, VideoFamily::Av1), Some(0));
    assert_eq!(quantizer_for_crf(23, VideoFamily::Vp8), None);
    // A bit rate given as well is the target: no quantizer candidates, and the note says so.
    let both = VideoRequest {
        bitrate_bps: Some(2_000_000),
        ..req.clone()
    };
    let (c, _) = video_candidates(&both);
    assert!(c
        .iter()
        .all(|c| c.quantizer.is_none() && c.bitrate == 2_000_000));
    assert!(crf_note(&both, &c[0]).unwrap().contains("not used"));
    // No CRF, no note, no quantizer.
    let plain = video(Container::Mp4, None);
    let (c, _) = video_candidates(&plain);
    assert!(c.iter().all(|c| c.quantizer.is_none()));
    assert_eq!(crf_note(&plain, &c[0]), None);
}
