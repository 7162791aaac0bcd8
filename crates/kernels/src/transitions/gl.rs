//! The gl-transitions the screen-highlights editing engine names, as gl-transitions defines them
//! (default parameters), on I420 planes: `uv` in [0, 1] with y up as in GLSL, `p` (progress) from 0
//! (only A) to 1 (only B). Texture reads clamp to the edge and take the nearest sample. Most
//! shaders mix RGB linearly (or mix with grey constants), which is the same mix on Y, U and V (a grey
//! `g` is `Y = 16 + 219 g`, `U = V = 128`); their bodies are per plane (`gl_wipes.rs`, `gl_warps.rs`).
//! The few that treat R, G and B differently or clip them (`gl_colour.rs`) are computed per pixel in
//! RGB: A and B are converted from BT.709 limited range (nearest luma and chroma samples), the
//! shader runs on RGB in [0, 1], the result is clamped like a framebuffer write and converted back.
//! (Per-plane results are clamped in YUV; that differs from clipping RGB only where a shader
//! extrapolates, as undulatingburnout's `mix(A, B, -1)` rim does.) Not drawn: see
//! [`crate::job::catalog::GL_TRANSITIONS`].
//!
//! | name | what it does |
//! |---|---|
//! | directional | B pushes A out upwards (direction (0, 1)) |
//! | directional-easing | the same push, eased (`sqrt((2 - p) p)`) |
//! | directionalwipe | a soft diagonal wipe towards the bottom right (direction (1, -1), smoothness 0.5) |
//! | directionalwarp | a diagonal wipe towards the top left, A shrinking and B growing at the edge (smoothness 0.1) |
//! | doomscreentransition | A melts down in 30 columns at different speeds, as in Doom (amplitude 2, noise 0.1, frequency 0.5, drip scale 0.5) |
//! | windowslice | ten vertical blinds open from left to right (smoothness 0.5) |
//! | windowblinds | a fade with 100·p horizontal stripes, every other one ahead |
//! | bowtievertical | two triangles from the top and bottom edges grow into B |
//! | bowtiehorizontal | the same from the left and right edges |
//! | bowtiewithparameter | two triangles from the bottom and top close into B, then A's last two triangles from the sides shrink away (adjust 0.5) |
//! | angular | a clock wipe starting at 9 o'clock (starting angle 90°) |
//! | pinwheel | eight pinwheel blades sweep B in (speed 2) |
//! | polar_function | B grows from the centre inside a five-lobed flower (segments 5) |
//! | circle | A shrinks into a circle over dark grey (0.1), then B grows out of it |
//! | undulatingburnout | a wavy circle of B grows from the centre, its rim burning dark (smoothness 0.03, colour black) |
//! | heart | a heart grows from below the centre |
//! | cannabisleaf | a cannabis leaf of B grows from the centre |
//! | starwipe | a five-pointed star grows from the centre, with a thin white border (0.01) |
//! | rectangle | A shrinks into a black centred square, B grows back out of it |
//! | polkadotscurtain | 20 × 20 dots grow, fastest near the bottom-left corner |
//! | randomsquares | a 10 × 10 grid of squares switch in random order (smoothness 0.5) |
//! | randomnoisex | each pixel switches from A to B at a random time |
//! | perlin | B spreads through value-noise blobs (scale 4, smoothness 0.01, seed 12.9898) |
//! | squareswire | a 10 × 10 grid of squares grows in along a diagonal front (direction (1, -0.5), smoothness 1.6) |
//! | crosshatch | B spreads from the centre along random scan lines (threshold 3, fade edge 0.1) |
//! | wind | a soft wipe from left to right with ragged rows (size 0.2) |
//! | tvstatic | grey static between 5 % and 95 % (offset 0.05) |
//! | static_wipe | a wipe from the top down with a band of grey static around the edge (max span 0.5) |
//! | zoomleftwipe | A zooms into its centre and back, then B wipes in from the right |
//! | zoomrigthwipe | the same, B wiping in from the left |
//! | x_axis_translation | A slides right, uncovering a fade from A to B |
//! | leftright | A recedes and darkens while B slides in from the left |
//! | topbottom | A recedes and darkens while B slides up from the bottom |
//! | bounce | A drops out of the frame bouncing three times, a shadow below it (height 0.075) |
//! | doorway | A opens like two doors as B comes forward (reflection 0.4, perspective 0.4, depth 3) |
//! | swap | A swings back to the left as B swings forward from the right, reflected on black (reflection 0.4, perspective 0.2, depth 3) |
//! | cube | A and B as faces of a cube turning left (perspective 0.7, unzoom 0.3, reflection 0.4, floating 3) |
//! | rotatetransition | the picture spins once (wrapping around) while A fades into B |
//! | tangentmotionblur | A swings away about the bottom-right corner with a motion blur, then B swings in (eased) |
//! | hexagonalize | both pictures turn into 20 hexagons across (50 steps) at the middle while they fade |
//! | gridflip | a 4 × 4 grid of tiles, with black dividers, flip from A to B at random times (pause 0.1, divider 0.05, randomness 0.1) |
//! | bookflip | the right half of A turns over like a page onto B's left half, shaded (≥ 0.7) |
//! | rolls | A rotates up about the bottom-right corner, uncovering B (type 0) |
//! | slides | A shrinks towards the middle of the top edge, uncovering B (type 0, out) |
//! | simplezoom | A zooms into its centre, then B fades in (quickness 0.8) |
//! | simplezoomout | B fades in zoomed into its centre and zooms out (quickness 0.8) |
//! | zoomincircles | rings around the centre zoom at different speeds, then B fades in from the centre |
//! | rotate_scale_fade | the picture spins once and zooms in ×8 and out while A fades into B, dark grey (0.15) outside |
//! | rotatescalevanish | A spins and shrinks to nothing over black while B fades in |
//! | ripple | circular ripples from the centre on A while B fades in (amplitude 100, speed 50) |
//! | crazyparametricfun | A ripples along a hypocycloid while B fades in (a 4, b 1, amplitude 120, smoothness 0.1) |
//! | waterdrop | a ripple grows from the centre while A fades into B (amplitude 30, speed 30) |
//! | linearblur | both pictures box-blurred most at the middle while they fade (intensity 0.1, 6 passes) |
//! | crosszoom | a zoom blur towards a centre moving left to right while A fades into B (strength 0.4) |
//! | flyeye | both pictures seen through a grid of lenses, A's R and B split (size 0.04, zoom 50, colour separation 0.3; RGB) |
//! | butterflywavescrawler | both pictures displaced by a butterfly curve, A's R and B split (amplitude 1, waves 30, colour separation 0.3; RGB) |
//! | glitchmemories | a cross-fade with R, G and B shifted apart by a jumping offset (RGB) |
//! | morph | each picture displaced by the colours of both while they fade (strength 0.1; RGB) |
//! | glitchdisplace | each picture displaced by its own red and green, A through a doubled grey of the two (RGB) |
//! | swirl | the picture twists around the centre, most at the middle, while A fades into B |
//! | dreamy | wavy vertical shifts of A and B while they fade |
//! | mosaic | the picture zooms out into a grid of rotated tiles and back in on B |
//! | kaleidoscope | a mirrored kaleidoscope of both pictures, strongest at the middle |
//! | powerkaleido | the picture spins and folds ten times over three mirror lines (120°) while A fades into B (scale 2, z 1.5, speed 5) |
//! | crosswarp | A stretches away to the right while B unfolds from the left |
//! | fadegrayscale | A fades to its grey, the greys cross-fade, B's colour comes back (intensity 0.3); grey (BT.709 weights) is Y kept, U = V = 128 |
//! | squeeze | A squeezes vertically into a line, R and B pulled apart (colour separation 0.04; RGB) |
//! | colorphase | a fade where red goes first and blue last (steps (0, 0.2, 0.4) to (0.6, 0.8, 1); RGB) |
//! | burn | a fade through an orange glow added to both (colour (0.9, 0.4, 0.2); RGB, clipped) |
//! | multiply_blend | A to A·B (multiplied) to B (RGB) |
//! | overexposure | a fade that brightens both pictures, clipping, most at the middle (strength 0.6; RGB) |
//! | colourdistance | each pixel switches once the colours are closer than `p`, then B fades up as `p⁵` (power 5; RGB) |
//! | dreamyzoom | A zooms and turns slightly while it brightens to white, B comes back the same way (rotation 6 × 0.0393 rad, scale 1.2; RGB, clipped) |
//! | edgetransition | A fades into its edges (lit by their strength), crosses to B's edges, B fades back (thickness 0.001, brightness 8; RGB) |
//! | coord-from-in | each picture sampled at coordinates read from the other's red and green (RGB) |
//! | luminance_melt | B melts in from the top-right corner through A's darker pixels (luminance below 0.8), noise-edged; elsewhere a p³ fade (RGB) |
//! | stereoviewer | A zooms out with rounded corners and splits in two like a View-Master slide, then B swings in the same way (zoom 0.88, corner radius 0.22; RGB, screen blend) |
//! | invertedpagecurl | A's page curls over along a slanted cylinder, uncovering B, its back a light grey, with shadows (output alpha ignored; RGB) |
//! | filmburn | a cross-fade behind a random-radius blur, widest at the middle, under moving orange light leaks (seed 2.31; RGB, clipped; `gl_filmburn.rs`) |

use serde::{Deserialize, Serialize};

use super::{gl_colour, gl_filmburn, gl_warps, gl_wipes};
use crate::picture::{rgb_to_yuv_f32, yuv_to_rgb_f32, Picture, Plane};

/// A gl-transition drawn by [`draw`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Gl {
    Directional,
    DirectionalEasing,
    DirectionalWipe,
    DirectionalWarp,
    WindowSlice,
    WindowBlinds,
    BowTieVertical,
    BowTieHorizontal,
    Angular,
    Pinwheel,
    Circle,
    Heart,
    StarWipe,
    Rectangle,
    PolkaDotsCurtain,
    RandomSquares,
    SquaresWire,
    CrossHatch,
    Wind,
    ZoomLeftWipe,
    ZoomRightWipe,
    XAxisTranslation,
    LeftRight,
    TopBottom,
    Bounce,
    Doorway,
    Swap,
    Cube,
    SimpleZoom,
    SimpleZoomOut,
    ZoomInCircles,
    RotateScaleFade,
    RotateScaleVanish,
    Ripple,
    WaterDrop,
    LinearBlur,
    CrossZoom,
    Swirl,
    Dreamy,
    Mosaic,
    Kaleidoscope,
    CrossWarp,
    FadeGrayscale,
    Squeeze,
    ColorPhase,
    Burn,
    MultiplyBlend,
    Overexposure,
    BowTieWithParameter,
    PolarFunction,
    RandomNoiseX,
    Perlin,
    TvStatic,
    StaticWipe,
    RotateTransition,
    Hexagonalize,
    GridFlip,
    BookFlip,
    Rolls,
    Slides,
    FlyEye,
    ColourDistance,
    DreamyZoom,
    EdgeTransition,
    CoordFromIn,
    CannabisLeaf,
    UndulatingBurnOut,
    CrazyParametricFun,
    DoomScreenTransition,
    TangentMotionBlur,
    ButterflyWaveScrawler,
    GlitchMemories,
    Morph,
    GlitchDisplace,
    LuminanceMelt,
    PowerKaleido,
    StereoViewer,
    InvertedPageCurl,
    FilmBurn,
}

/// Catalogue name (lowercase; requests may write `bowTieVertical`) -> transition.
pub const TABLE: &[(&str, Gl)] = &[
    ("directional", Gl::Directional),
    ("directional-easing", Gl::DirectionalEasing),
    ("directionalwipe", Gl::DirectionalWipe),
    ("directionalwarp", Gl::DirectionalWarp),
    ("windowslice", Gl::WindowSlice),
    ("windowblinds", Gl::WindowBlinds),
    ("bowtievertical", Gl::BowTieVertical),
    ("bowtiehorizontal", Gl::BowTieHorizontal),
    ("angular", Gl::Angular),
    ("pinwheel", Gl::Pinwheel),
    ("circle", Gl::Circle),
    ("heart", Gl::Heart),
    ("starwipe", Gl::StarWipe),
    ("rectangle", Gl::Rectangle),
    ("polkadotscurtain", Gl::PolkaDotsCurtain),
    ("randomsquares", Gl::RandomSquares),
    ("squareswire", Gl::SquaresWire),
    ("crosshatch", Gl::CrossHatch),
    ("wind", Gl::Wind),
    ("zoomleftwipe", Gl::ZoomLeftWipe),
    ("zoomrigthwipe", Gl::ZoomRightWipe),
    ("x_axis_translation", Gl::XAxisTranslation),
    ("leftright", Gl::LeftRight),
    ("topbottom", Gl::TopBottom),
    ("bounce", Gl::Bounce),
    ("doorway", Gl::Doorway),
    ("swap", Gl::Swap),
    ("cube", Gl::Cube),
    ("simplezoom", Gl::SimpleZoom),
    ("simplezoomout", Gl::SimpleZoomOut),
    ("zoomincircles", Gl::ZoomInCircles),
    ("rotate_scale_fade", Gl::RotateScaleFade),
    ("rotatescalevanish", Gl::RotateScaleVanish),
    ("ripple", Gl::Ripple),
    ("waterdrop", Gl::WaterDrop),
    ("linearblur", Gl::LinearBlur),
    ("crosszoom", Gl::CrossZoom),
    ("swirl", Gl::Swirl),
    ("dreamy", Gl::Dreamy),
    ("mosaic", Gl::Mosaic),
    ("kaleidoscope", Gl::Kaleidoscope),
    ("crosswarp", Gl::CrossWarp),
    ("fadegrayscale", Gl::FadeGrayscale),
    ("squeeze", Gl::Squeeze),
    ("colorphase", Gl::ColorPhase),
    ("burn", Gl::Burn),
    ("multiply_blend", Gl::MultiplyBlend),
    ("overexposure", Gl::Overexposure),
    ("bowtiewithparameter", Gl::BowTieWithParameter),
    ("polar_function", Gl::PolarFunction),
    ("randomnoisex", Gl::RandomNoiseX),
    ("perlin", Gl::Perlin),
    ("tvstatic", Gl::TvStatic),
    ("static_wipe", Gl::StaticWipe),
    ("rotatetransition", Gl::RotateTransition),
    ("hexagonalize", Gl::Hexagonalize),
    ("gridflip", Gl::GridFlip),
    ("bookflip", Gl::BookFlip),
    ("rolls", Gl::Rolls),
    ("slides", Gl::Slides),
    ("flyeye", Gl::FlyEye),
    ("colourdistance", Gl::ColourDistance),
    ("dreamyzoom", Gl::DreamyZoom),
    ("edgetransition", Gl::EdgeTransition),
    ("coord-from-in", Gl::CoordFromIn),
    ("cannabisleaf", Gl::CannabisLeaf),
    ("undulatingburnout", Gl::UndulatingBurnOut),
    ("crazyparametricfun", Gl::CrazyParametricFun),
    ("doomscreentransition", Gl::DoomScreenTransition),
    ("tangentmotionblur", Gl::TangentMotionBlur),
    ("butterflywavescrawler", Gl::ButterflyWaveScrawler),
    ("glitchmemories", Gl::GlitchMemories),
    ("morph", Gl::Morph),
    ("glitchdisplace", Gl::GlitchDisplace),
    ("luminance_melt", Gl::LuminanceMelt),
    ("powerkaleido", Gl::PowerKaleido),
    ("stereoviewer", Gl::StereoViewer),
    ("invertedpagecurl", Gl::InvertedPageCurl),
    ("filmburn", Gl::FilmBurn),
];

impl Gl {
    pub fn from_name(name: &str) -> Option<Self> {
        TABLE
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, k)| *k)
    }

    /// Whether the shader runs on RGB (`gl_colour.rs`) rather than per plane.
    fn is_rgb(self) -> bool {
        matches!(
            self,
            Gl::Squeeze
                | Gl::ColorPhase
                | Gl::Burn
                | Gl::MultiplyBlend
                | Gl::Overexposure
                | Gl::FlyEye
                | Gl::ColourDistance
                | Gl::DreamyZoom
                | Gl::EdgeTransition
                | Gl::CoordFromIn
                | Gl::ButterflyWaveScrawler
                | Gl::GlitchMemories
                | Gl::Morph
                | Gl::GlitchDisplace
                | Gl::LuminanceMelt
                | Gl::StereoViewer
                | Gl::InvertedPageCurl
        )
    }
}

/// One plane of A and of B, read at GL coordinates, with what the per-plane shaders need to know
/// about it.
pub struct TexRef<'a> {
    a: Plane<'a>,
    b: Plane<'a>,
    /// 0 = Y, 1 = U, 2 = V.
    plane: usize,
    /// Width / height of the picture (GLSL `ratio`).
    pub(super) ratio: f32,
}

fn read(plane: Plane<'_>, u: f32, v: f32) -> f32 {
    let (w, h) = (plane.width, plane.height);
    // `as usize` truncates and saturates (negative and NaN to 0): on the clamped range that is
    // floor followed by the edge clamp, without a floor call.
    let x = ((u * w as f32) as usize).min(w - 1);
    let y = (((1.0 - v) * h as f32) as usize).min(h - 1);
    f32::from(plane.data[y * w + x])
}

impl<'a> TexRef<'a> {
    pub fn new(a: Plane<'a>, b: Plane<'a>, plane: usize, ratio: f32) -> Self {
        Self { a, b, plane, ratio }
    }
    pub(super) fn from(&self, u: f32, v: f32) -> f32 {
        read(self.a, u, v)
    }
    pub(super) fn to(&self, u: f32, v: f32) -> f32 {
        read(self.b, u, v)
    }
    /// This plane's value of the RGB grey `g` (0 = black, 1 = white).
    pub(super) fn grey(&self, g: f32) -> f32 {
        if self.plane == 0 {
            16.0 + 219.0 * g
        } else {
            128.0
        }
    }
    /// This plane's value of the grey (Rec. 709 weights) of a colour whose value here is `c`.
    pub(super) fn grayscale(&self, c: f32) -> f32 {
        if self.plane == 0 {
            c
        } else {
            128.0
        }
    }
}

/// A and B as RGB in [0, 1], read at GL coordinates (for `gl_colour.rs`).
pub struct RgbTex<'a> {
    a: [Plane<'a>; 3],
    b: [Plane<'a>; 3],
    /// Width / height of the picture (GLSL `ratio`).
    pub(super) ratio: f32,
}

impl<'a> RgbTex<'a> {
    pub fn new(a: &'a Picture, b: &'a Picture) -> Self {
        Self {
            a: [a.plane(0), a.plane(1), a.plane(2)],
            b: [b.plane(0), b.plane(1), b.plane(2)],
            ratio: a.width() as f32 / a.height().max(1) as f32,
        }
    }
    fn read(planes: &[Plane<'_>; 3], u: f32, v: f32) -> [f32; 3] {
        let yuv = [0, 1, 2].map(|i| read(planes[i], u, v));
        // An 8-bit RGB texture holds [0, 1].
        yuv_to_rgb_f32(yuv).map(|c| (c / 255.0).clamp(0.0, 1.0))
    }
    pub(super) fn from(&self, u: f32, v: f32) -> [f32; 3] {
        Self::read(&self.a, u, v)
    }
    pub(super) fn to(&self, u: f32, v: f32) -> [f32; 3] {
        Self::read(&self.b, u, v)
    }
}

pub(super) fn mix(x: f32, y: f32, a: f32) -> f32 {
    x * (1.0 - a) + y * a
}

pub(super) fn smoothstep(e0: f32, e1: f32, x: f32) -> f32 {
    super::smoothstep(e0, e1, x)
}

/// GLSL `step(edge, x)`: 0 below the edge, else 1.
pub(super) fn step(edge: f32, x: f32) -> f32 {
    if x < edge {
        0.0
    } else {
        1.0
    }
}

pub(super) fn fract(x: f32) -> f32 {
    x - x.floor()
}

/// GLSL `mod(x, y)` (sign of `y`).
pub(super) fn modulo(x: f32, y: f32) -> f32 {
    x - y * (x / y).floor()
}

/// Strictly inside the unit square (the `inBounds` of several gl-transitions).
pub(super) fn in_bounds(x: f32, y: f32) -> bool {
    x > 0.0 && y > 0.0 && x < 1.0 && y < 1.0
}

/// gl-transitions' `rand`: `fract(sin(dot(v, (12.9898, 78.233))) * 43758.5453)` (in f32).
pub(super) fn rand(x: f32, y: f32) -> f32 {
    fract((x * 12.9898 + y * 78.233).sin() * 43_758.547)
}

/// The value of per-plane transition `kind` at GL coordinates `(u, v)` and progress `p`.
pub fn value(kind: Gl, t: &TexRef<'_>, u: f32, v: f32, p: f32) -> f32 {
    use Gl::*;
    match kind {
        DirectionalWipe | WindowSlice | WindowBlinds | BowTieVertical | BowTieHorizontal
        | BowTieWithParameter | Angular | Pinwheel | PolarFunction | Circle | Heart | StarWipe
        | Rectangle | PolkaDotsCurtain | RandomSquares | RandomNoiseX | Perlin | SquaresWire
        | CrossHatch | Wind | TvStatic | StaticWipe | ZoomLeftWipe | ZoomRightWipe
        | XAxisTranslation | FadeGrayscale | CannabisLeaf | UndulatingBurnOut => {
            gl_wipes::value(kind, t, u, v, p)
        }
        _ if kind.is_rgb() || kind == FilmBurn => unreachable!("{kind:?} is drawn in RGB"),
        _ => gl_warps::value(kind, t, u, v, p),
    }
}

/// Draws `kind` between `a` and `b` (same size) at progress `p` (0 = A, 1 = B) into `out`.
pub fn draw(kind: Gl, a: &Picture, b: &Picture, p: f32, out: &mut Picture) {
    let p = if p.is_nan() { 0.0 } else { p.clamp(0.0, 1.0) };
    let ratio = a.width() as f32 / a.height().max(1) as f32;
    if kind == Gl::FilmBurn {
        // RGB too, but with its own loop: its blur reads a cross-faded RGB copy made once a frame.
        return gl_filmburn::draw(a, b, p, out);
    }
    if kind.is_rgb() {
        return draw_rgb(kind, a, b, p, out);
    }
    for (i, mut dst) in out.planes_mut().into_iter().enumerate() {
        let tex = TexRef::new(a.plane(i), b.plane(i), i, ratio);
        let (w, h) = (dst.width as f32, dst.height as f32);
        for y in 0..dst.height {
            let v = 1.0 - (y as f32 + 0.5) / h;
            let row = dst.row_mut(y);
            for (x, d) in row.iter_mut().enumerate() {
                let u = (x as f32 + 0.5) / w;
                *d = value(kind, &tex, u, v, p).round().clamp(0.0, 255.0) as u8;
            }
        }
    }
}

/// [`draw`] for the RGB shaders: luma from the RGB result at each luma sample, chroma from the
/// result at each chroma sample.
fn draw_rgb(kind: Gl, a: &Picture, b: &Picture, p: f32, out: &mut Picture) {
    let tex = RgbTex::new(a, b);
    let to_yuv = |u: f32, v: f32| {
        let rgb = gl_colour::value(kind, &tex, u, v, p).map(|c| c.clamp(0.0, 1.0) * 255.0);
        rgb_to_yuv_f32(rgb).map(|c| c.round().clamp(0.0, 255.0) as u8)
    };
    let [mut py, mut pu, mut pv] = out.planes_mut();
    let (w, h) = (py.width as f32, py.height as f32);
    for y in 0..py.height {
        let v = 1.0 - (y as f32 + 0.5) / h;
        for (x, d) in py.row_mut(y).iter_mut().enumerate() {
            *d = to_yuv((x as f32 + 0.5) / w, v)[0];
        }
    }
    let (w, h) = (pu.width as f32, pu.height as f32);
    for y in 0..pu.height {
        let v = 1.0 - (y as f32 + 0.5) / h;
        let (ru, rv) = (pu.row_mut(y), pv.row_mut(y));
        for (x, (du, dv)) in ru.iter_mut().zip(rv.iter_mut()).enumerate() {
            let c = to_yuv((x as f32 + 0.5) / w, v);
            (*du, *dv) = (c[1], c[2]);
        }
    }
}
