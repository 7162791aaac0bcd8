//! Capability gating: validation answers "is this a correct request"; this answers "can this build
//! do it", so a valid request for an effect not built yet is refused with "… is not supported yet",
//! never accepted and ignored.

use super::catalog;
use super::error::ApiError;
use super::reader::{num, Result};
use super::spec::{Api, Container, EffectMode, JobKind, JobSpec, MusicMode, PlotPacing};

/// What this build of reelcut can actually do. A parameter whose effect is not built is refused
/// with `InvalidParameter.<Field>` and a message "… is not supported yet" — never accepted and
/// silently ignored. The render work extends this struct and [`check_capabilities`].
#[derive(Debug, Clone, PartialEq)]
pub struct Capabilities {
    /// Writing media files at all: Concat/Compose, screen-highlights reels, per-highlight exports,
    /// output width/height.
    pub render: bool,
    /// Transition names that can be rendered (canonical lowercase catalogue names).
    pub transitions: Vec<String>,
    /// Visual effects (`VfxEffectMode` other than Closed): each listed name must also be one
    /// [`catalog::render_vfx`] draws.
    pub vfx: bool,
    /// Background music.
    pub music: bool,
    /// Titles, subheadings and stickers drawn over the reel (ICE arrays).
    pub overlays: bool,
    /// Opening/ending clips and background images (ICE arrays).
    pub overlay_media: bool,
    /// HLS/DASH segmented output.
    pub segment: bool,
    /// Playback speed other than 1.
    pub speed: bool,
    /// Explicit video/audio encoding settings (codec, bit rate, CRF, frame rate, GOP, scale type,
    /// pixel format, disabling a track, audio format).
    pub transcode: bool,
    /// A gain on the sources' own audio (ICE `MediaConfig.Volume` other than 1).
    pub source_volume: bool,
    /// Audio-only output (`TranscodeVideo.DisableVideo`).
    pub audio_only: bool,
    /// Containers that can be written.
    pub containers: Vec<Container>,
    /// ICE `PlotPacingType` other than `Normal` (`Fast`, `Slow`: see `plan::pacing`).
    pub plot_pacing: bool,
}

impl Capabilities {
    /// What exists now: analysis and Retrieval results, no rendering of any kind.
    pub fn retrieval_only() -> Self {
        Capabilities {
            render: false,
            transitions: Vec::new(),
            vfx: false,
            music: false,
            overlays: false,
            overlay_media: false,
            segment: false,
            speed: false,
            transcode: false,
            source_volume: false,
            audio_only: false,
            containers: Vec::new(),
            plot_pacing: false,
        }
    }

    /// What the render issue adds: Compose/Concat/screen-highlights reels and per-highlight exports
    /// in mp4/mov/webm/mkv, encoding settings, and the transitions of
    /// [`catalog::render_transitions`], the visual effects of [`catalog::render_vfx`], the sources'
    /// own audio gain, `Speed`, background music, audio-only output, titles, subheadings and
    /// stickers, openings, endings and background images, HLS/DASH segments, every
    /// `PlotPacingType`.
    pub fn with_render() -> Self {
        Capabilities {
            render: true,
            speed: true,
            segment: true,
            transitions: catalog::render_transitions()
                .map(|s| s.to_string())
                .collect(),
            vfx: catalog::render_vfx().next().is_some(),
            transcode: true,
            source_volume: true,
            music: true,
            overlays: true,
            overlay_media: true,
            audio_only: true,
            plot_pacing: true,
            containers: vec![
                Container::Mp4,
                Container::Mov,
                Container::Webm,
                Container::Mkv,
            ],
        }
    }
}

pub(super) fn kind_name(kind: JobKind) -> &'static str {
    match kind {
        JobKind::Retrieval => "Retrieval",
        JobKind::Concat => "Concat",
        JobKind::Compose => "Compose",
        JobKind::ScreenHighlights => "ScreenHighlights",
    }
}

/// Refuses, with "… is not supported yet", every requested effect `caps` says this build cannot
/// produce. Runs after validation, so it only sees correct requests. Error codes name the request
/// field the user wrote (they differ per API). The render work extends this one function.
pub fn check_capabilities(spec: &JobSpec, caps: &Capabilities) -> Result<()> {
    let ice = spec.api == Api::ScreenMediaHighlights;
    let field =
        |ice_name: &'static str, imm_name: &'static str| if ice { ice_name } else { imm_name };

    // 1. Writing files at all.
    if !caps.render {
        match spec.kind {
            JobKind::ScreenHighlights => {
                return Err(ApiError::invalid_parameter(
                    "OutputConfig",
                    "SubmitScreenMediaHighlightsJob renders reels, and rendering reels is not supported yet by this build of reelcut (it finds highlights: use CreateHighlightTask with Type 'Retrieval')",
                ))
            }
            JobKind::Concat | JobKind::Compose => {
                return Err(ApiError::not_supported_yet(
                    "Type",
                    format!("'{}' (rendering a video)", kind_name(spec.kind)),
                ))
            }
            JobKind::Retrieval => {
                if let Some(c) = spec.outputs.container {
                    return Err(ApiError::invalid_parameter(
                        "Output.Container",
                        format!(
                            "Output.Container is '{}': exporting each highlight as a file is not supported yet by reelcut; omit Output.Container to list highlights only",
                            c.name()
                        ),
                    ));
                }
            }
        }
    }
    let container_field = field("OutputConfig.MediaURL", "Output.Container");
    if let Some(c) = spec.outputs.container {
        if !c.browser_writable() {
            return Err(ApiError::invalid_parameter(
                container_field,
                format!("{container_field}: container '{}' cannot be written in the browser; use mp4, mov, webm or mkv", c.name()),
            ));
        }
        if !caps.containers.contains(&c) {
            return Err(ApiError::not_supported_yet(
                container_field,
                format!("container '{}'", c.name()),
            ));
        }
    }
    if !caps.render && spec.outputs.width.is_some() {
        return Err(ApiError::not_supported_yet(
            field(
                "OutputConfig.Width",
                "Output.Video.TranscodeVideo.Resolution",
            ),
            "(resizing output)",
        ));
    }

    if spec.outputs.video.disabled && !caps.audio_only {
        return Err(ApiError::not_supported_yet(
            "Output.Video.DisableVideo",
            "(audio-only output)",
        ));
    }

    // 2. Effects.
    if spec.transitions.mode != EffectMode::Closed {
        let mode_field = field(
            "EditingConfig.ProcessConfig.AllowTransition",
            "Edit.TransitionMode",
        );
        if caps.transitions.is_empty() {
            return Err(ApiError::not_supported_yet(
                mode_field,
                format!("'{:?}' (transitions)", spec.transitions.mode),
            ));
        }
        if spec.transitions.mode != EffectMode::Auto {
            let item_field = field(
                "EditingConfig.ProcessConfig.TransitionList",
                "Edit.Transitions.Transition",
            );
            if let Some(t) = spec
                .transitions
                .list
                .iter()
                .find(|t| !caps.transitions.contains(&t.name))
            {
                return Err(ApiError::invalid_parameter(
                    item_field,
                    format!(
                        "transition '{}' is not supported yet by reelcut; this build renders: {}",
                        t.name,
                        caps.transitions.join(", ")
                    ),
                ));
            }
        }
    }
    if spec.vfx.mode != EffectMode::Closed {
        if !caps.vfx {
            return Err(ApiError::not_supported_yet(
                "Edit.VfxEffectMode",
                format!("'{:?}' (visual effects)", spec.vfx.mode),
            ));
        }
        if let Some(v) = spec
            .vfx
            .list
            .iter()
            .find(|v| !catalog::render_vfx().any(|r| r == v.name))
        {
            return Err(ApiError::invalid_parameter(
                "Edit.VfxEffects.VfxEffect",
                format!(
                    "visual effect '{}' is not supported yet by reelcut; this build renders: {}",
                    v.name,
                    catalog::render_vfx().collect::<Vec<_>>().join(", ")
                ),
            ));
        }
    }
    if spec.music.mode != MusicMode::Closed && !caps.music {
        return Err(ApiError::not_supported_yet(
            field(
                "InputConfig.BackgroundMusicArray",
                "Edit.BackgroundMusicMode",
            ),
            format!("'{:?}' (background music)", spec.music.mode),
        ));
    }
    let o = &spec.overlays;
    let drawn = [
        ("InputConfig.TitleArray", o.titles.len()),
        ("InputConfig.SubHeadingArray", o.subheadings.len()),
        ("InputConfig.StickerArray", o.stickers.len()),
    ];
    let media = [
        ("InputConfig.OpeningArray", o.openings.len()),
        ("InputConfig.EndingArray", o.endings.len()),
        (
            "InputConfig.BackgroundImageArray",
            o.background_images.len(),
        ),
    ];
    let refused = (!caps.overlays)
        .then_some(&drawn[..])
        .into_iter()
        .chain((!caps.overlay_media).then_some(&media[..]))
        .flatten();
    if let Some((f, n)) = refused.into_iter().find(|(_, n)| *n > 0) {
        return Err(ApiError::not_supported_yet(f, format!("({n} entries)")));
    }
    if spec.outputs.video.disabled {
        // The background image is drawn too (openings and endings still bring their sound).
        let pictures = drawn.iter().chain(&media[2..]);
        if let Some((f, _)) = pictures.into_iter().find(|(_, n)| *n > 0) {
            // Drawn over the picture: an output without one would accept and ignore them.
            return Err(ApiError::invalid_parameter(
                f,
                format!("{f} is drawn over the picture; Output.Video.DisableVideo leaves none"),
            ));
        }
    }
    if let Some(pacing) = spec.plot_pacing.filter(|p| *p != PlotPacing::Normal) {
        if !caps.plot_pacing {
            return Err(ApiError::not_supported_yet(
                "InputConfig.HighlightStrategy.PlotPacingType",
                format!("'{pacing:?}' (the planner has one pacing: Normal)"),
            ));
        }
    }
    if spec.segment.is_some() {
        let segment_field = field("OutputConfig.MediaURL", "Output.Segment");
        if !caps.segment {
            return Err(ApiError::not_supported_yet(
                segment_field,
                "(HLS/DASH segmented output)",
            ));
        }
    }
    if spec.speed != 1.0 && !caps.speed {
        return Err(ApiError::not_supported_yet(
            "Output.Speed",
            format!("{} (changing playback speed)", num(spec.speed)),
        ));
    }
    if spec.outputs.source_volume != 1.0 && !caps.source_volume {
        return Err(ApiError::not_supported_yet(
            "EditingConfig.MediaConfig.Volume",
            format!(
                "{} (a gain on the original audio)",
                num(spec.outputs.source_volume)
            ),
        ));
    }

    // 3. Encoding settings.
    if !caps.transcode {
        if spec.outputs.video.is_set() {
            let f = if ice {
                if spec.outputs.video.bitrate_bps.is_some() {
                    "OutputConfig.Bitrate"
                } else {
                    "OutputConfig.Video.Crf"
                }
            } else {
                "Output.Video"
            };
            return Err(ApiError::not_supported_yet(f, "(video encoding settings)"));
        }
        if spec.outputs.audio.is_set() {
            return Err(ApiError::not_supported_yet(
                "Output.Audio",
                "(audio encoding settings)",
            ));
        }
    }
    Ok(())
}
