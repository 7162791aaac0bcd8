//! The effect catalogues of SPEC section 6: every transition and visual-effect name a request may
//! use, in one place, so validation, the planner and the renderer agree on spelling.
//!
//! Names are matched case-insensitively because the sources disagree on case (ffmpeg's `xfade` uses
//! `wipeleft`, gl-transitions uses `wipeLeft`, the screen-highlights docs write `bowTieVertical`);
//! the internal model always carries the lowercase form returned by [`transition`] / [`vfx`].
//! Whether a *valid* name can actually be rendered by this build is a separate question answered by
//! [`super::validate::Capabilities`].

/// Transitions listed by the highlight-task API: the names of ffmpeg's `xfade` filter, which is the
/// reference rendering for each of them.
pub const XFADE_TRANSITIONS: &[&str] = &[
    "fade",
    "fadeblack",
    "fadewhite",
    "colordistance",
    "fadegrays",
    "wipeleft",
    "wiperight",
    "wipeup",
    "wipedown",
    "wipetopleft",
    "wipetopright",
    "wipebottomleft",
    "wipebottomright",
    "slideleft",
    "slideright",
    "slideup",
    "slidedown",
    "smoothleft",
    "smoothright",
    "smoothup",
    "smoothdown",
    "circlecrop",
    "rectanglecrop",
    "circleclose",
    "circleopen",
    "horizontalclose",
    "horizontalopen",
    "verticalclose",
    "verticalopen",
    "diagonalbottomleft",
    "diagonalbottomright",
    "diagonaltopleft",
    "diagonaltopright",
    "horizontalsliceleft",
    "horizontalsliceright",
    "verticalsliceup",
    "verticalslicedown",
    "dissolve",
    "pixelize",
    "radial",
    "horizontalblur",
    "squeezehorizontal",
    "squeezevertical",
    "zoomin",
];

/// Transitions named by the screen-highlights API's editing engine: the gl-transitions collection
/// (shader names, lowercased). Names that also exist in [`XFADE_TRANSITIONS`] (fade, circleopen,
/// pixelize, radial, circlecrop, rectanglecrop, wipe*) are listed there only.
///
/// All are drawn ([`crate::render::transitions::gl`]) except `luma` and `displacement`, refused
/// "not supported yet": each is defined by an external texture (a luminance map, a displacement
/// map) that the request cannot give; any generated one would be a different transition.
pub const GL_TRANSITIONS: &[&str] = &[
    "angular",
    "bookflip",
    "bounce",
    "bowtiehorizontal",
    "bowtievertical",
    "bowtiewithparameter",
    "burn",
    "butterflywavescrawler",
    "cannabisleaf",
    "circle",
    "colorphase",
    "colourdistance",
    "coord-from-in",
    "crazyparametricfun",
    "crosshatch",
    "crosswarp",
    "crosszoom",
    "cube",
    "directional",
    "directional-easing",
    "directionalwarp",
    "directionalwipe",
    "displacement",
    "doomscreentransition",
    "doorway",
    "dreamy",
    "dreamyzoom",
    "edgetransition",
    "fadecolor",
    "fadegrayscale",
    "filmburn",
    "flyeye",
    "glitchdisplace",
    "glitchmemories",
    "gridflip",
    "heart",
    "hexagonalize",
    "invertedpagecurl",
    "kaleidoscope",
    "leftright",
    "linearblur",
    "luma",
    "luminance_melt",
    "morph",
    "mosaic",
    "multiply_blend",
    "overexposure",
    "perlin",
    "pinwheel",
    "polar_function",
    "polkadotscurtain",
    "powerkaleido",
    "randomnoisex",
    "randomsquares",
    "rectangle",
    "ripple",
    "rolls",
    "rotate_scale_fade",
    "rotatescalevanish",
    "rotatetransition",
    "simplezoom",
    "simplezoomout",
    "slides",
    "squareswire",
    "squeeze",
    "starwipe",
    "static_wipe",
    "stereoviewer",
    "swap",
    "swirl",
    "tangentmotionblur",
    "topbottom",
    "tvstatic",
    "undulatingburnout",
    "waterdrop",
    "wind",
    "windowblinds",
    "windowslice",
    "x_axis_translation",
    "zoomincircles",
    "zoomleftwipe",
    "zoomrigthwipe",
];

/// Visual effects (`VfxEffect`) of the highlight-task API. The cloud documentation gives names only;
/// what each does in reelcut is defined by the renderer ([`crate::render::vfx`]; for example
/// `twolayer`: the frame fitted over a blurred, filled copy of itself).
pub const VFX_EFFECTS: &[&str] = &[
    "letterboxed",
    "twolayer",
    "luminance",
    "invert",
    "threelayer",
    "vignette",
    "sigmoidaltransfer",
    "colorshift",
    "vertigo",
];

/// The transitions the renderer draws (the `xfade` subset plus `fadecolor`, which the
/// screen-highlights examples use): one list, owned by the renderer. Used by
/// [`super::validate::Capabilities::with_render`].
pub fn render_transitions() -> impl Iterator<Item = &'static str> {
    crate::render::transitions::supported()
}

/// The visual effects the renderer draws (every one of [`VFX_EFFECTS`], each defined in
/// [`crate::render::vfx`]). Used by [`super::validate::Capabilities::with_render`].
pub fn render_vfx() -> impl Iterator<Item = &'static str> {
    crate::render::vfx::supported()
}

/// Looks `name` up in one list, case-insensitively, returning the catalogue spelling.
fn lookup(list: &'static [&'static str], name: &str) -> Option<&'static str> {
    list.iter()
        .copied()
        .find(|known| known.eq_ignore_ascii_case(name))
}

/// The canonical (lowercase) spelling of a transition name from either catalogue, or `None` if the
/// name is in neither.
pub fn transition(name: &str) -> Option<&'static str> {
    lookup(XFADE_TRANSITIONS, name).or_else(|| lookup(GL_TRANSITIONS, name))
}

/// The canonical (lowercase) spelling of a visual effect name, or `None` if unknown.
pub fn vfx(name: &str) -> Option<&'static str> {
    lookup(VFX_EFFECTS, name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogues_are_lowercase_and_disjoint() {
        for name in XFADE_TRANSITIONS
            .iter()
            .chain(GL_TRANSITIONS)
            .chain(VFX_EFFECTS)
        {
            assert_eq!(*name, name.to_lowercase(), "{name} must be lowercase");
        }
        for name in GL_TRANSITIONS {
            assert!(
                lookup(XFADE_TRANSITIONS, name).is_none(),
                "{name} is listed twice"
            );
        }
        for name in render_transitions() {
            assert!(transition(name).is_some(), "{name} is not in a catalogue");
        }
        for name in render_vfx() {
            assert_eq!(vfx(name), Some(name), "{name} is not in the catalogue");
        }
    }

    #[test]
    fn lookup_ignores_case() {
        assert_eq!(transition("bowTieVertical"), Some("bowtievertical"));
        assert_eq!(transition("wipeLeft"), Some("wipeleft"));
        assert_eq!(vfx("TwoLayer"), Some("twolayer"));
        assert_eq!(transition("nope"), None);
    }
}
