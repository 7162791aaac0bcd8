//! Draw lists: [`frame_ops`] turns a [`RenderPlan`] and a frame index into [`FrameOps`].
//!
//! Timeline rules (all times in seconds, `t = frame_index / fps`):
//! - clip `i` is on screen for `t` in `[out_start_s, out_start_s + (out_s - in_s) / speed)`;
//! - it shows the source frame at `in_s + (t - out_start_s) * speed` (clamped into `[in_s, out_s)`);
//! - of the clips on screen the one that started last is on top (ties: the later clip);
//! - during the first `duration_s` of the top clip's `transition_in`, the clip below it (the one
//!   that started last before it and still overlaps the transition) is the outgoing clip A, with
//!   `p = (t - out_start_s) / duration_s`; if A already ended (a plan that overlaps too little) it is
//!   held on its last frame; if there is no A at all, a plain black layer stands in for it;
//! - no clip on screen (gaps, or `t >= duration_s`): the black background only.

use super::bookend::uses_backdrop;
use super::layout::{default_placement, place_clip};
use super::vfx::VfxFrame;
use super::{
    FrameOps, Layer, MixClip, Placement, RenderClip, RenderPlan, Transition, XfadeMix, BLACK,
};
use crate::num_text::{clamp, Num};
use crate::ApiError;

/// Tolerance on clip boundaries, so `n / fps` rounding never drops or doubles a frame at a cut.
const EPS_S: f64 = 1e-6;

/// Number of output frames: those with `t = n / fps < duration_s`.
pub fn frame_count(plan: &RenderPlan) -> u64 {
    if !(plan.fps.is_finite()
        && plan.fps > 0.0
        && plan.duration_s.is_finite()
        && plan.duration_s > 0.0)
    {
        return 0;
    }
    (plan.duration_s * plan.fps - EPS_S).ceil().max(0.0) as u64
}

/// Checks everything [`frame_ops`] could object to, so a job fails before it starts rendering:
/// frame rate, output size, source indices and transition names.
pub fn validate_plan(plan: &RenderPlan) -> Result<(), ApiError> {
    if !(plan.fps.is_finite() && plan.fps > 0.0) {
        return Err(ApiError::invalid_parameter(
            "FrameRate",
            format!("frame rate {} must be > 0", Num(plan.fps)),
        ));
    }
    if plan.width == 0 || plan.height == 0 {
        return Err(ApiError::invalid_parameter(
            "Resolution",
            format!(
                "output size {}x{} must not be empty",
                plan.width, plan.height
            ),
        ));
    }
    for (i, c) in plan.clips.iter().enumerate() {
        if c.source >= plan.sources.len() {
            return Err(ApiError::internal(format!(
                "render plan clip {i} names source {} but there are {} sources",
                c.source,
                plan.sources.len()
            )));
        }
        if let Some(tr) = &c.transition_in {
            Transition::parse(tr)?;
        }
    }
    Ok(())
}

fn is_on(c: &RenderClip, t: f64) -> bool {
    t >= c.out_start_s - EPS_S && t < c.out_end_s() - EPS_S
}

/// Seed of the dissolve noise for the transition into clip `i` (different per cut).
fn seed_for(i: usize) -> u32 {
    (i as u32).wrapping_mul(0x9E37_79B9) ^ 0x5EED_1234
}

fn clip_layer(plan: &RenderPlan, i: usize, t: f64) -> Result<Layer, ApiError> {
    let c = &plan.clips[i];
    let g = plan.sources.get(c.source).ok_or_else(|| {
        ApiError::internal(format!(
            "render plan clip {i} names source {} which does not exist",
            c.source
        ))
    })?;
    let last = (c.out_s - EPS_S).max(c.in_s);
    let source_time = clamp(c.source_time(t), c.in_s, last);
    let placement = plan
        .scale
        .unwrap_or_else(|| default_placement(g, plan.width, plan.height));
    // A background image takes the place of the bars and of the blurred copy (layout effects
    // keep their own blurred layers).
    let backdrop = plan.backdrop.is_some()
        && uses_backdrop(placement)
        && !c.vfx.is_some_and(|e| e.is_layout());
    let placement = if backdrop {
        Placement::Letterbox
    } else {
        placement
    };
    let len = c.out_s - c.in_s;
    let progress = if len > 0.0 {
        ((source_time - c.in_s) / len).clamp(0.0, 1.0)
    } else {
        0.0
    };
    Ok(Layer {
        clip: Some(i),
        background: Some(BLACK),
        draws: place_clip(
            c.source,
            g,
            placement,
            c.vfx,
            (plan.width, plan.height),
            source_time,
            c.camera.as_ref().map(|p| p.at(source_time)),
        ),
        vfx: c.vfx.filter(|e| !e.is_layout()).map(|effect| VfxFrame {
            effect,
            progress: progress as f32,
        }),
        backdrop,
        ..colour_layer(BLACK)
    })
}

fn colour_layer(colour: [u8; 4]) -> Layer {
    Layer {
        clip: None,
        background: Some(colour),
        draws: Vec::new(),
        fill_after: None,
        dissolve: None,
        offset_x: 0.0,
        offset_y: 0.0,
        clip_rect: None,
        opacity: 1.0,
        vfx: None,
        backdrop: false,
    }
}

/// The drawing instructions for output frame `frame_index` (at `t = frame_index / fps`).
///
/// Errors (values, never panics): a frame rate that is not positive, a clip naming a missing source,
/// an unsupported transition name ("transition X is not supported yet").
pub fn frame_ops(plan: &RenderPlan, frame_index: u64) -> Result<FrameOps, ApiError> {
    let mut ops = clip_ops(plan, frame_index)?;
    if ops.t < plan.duration_s - EPS_S {
        ops.overlays = super::overlay::on_at(&plan.overlays, ops.t);
    }
    Ok(ops)
}

/// The clips' part of [`frame_ops`]: every layer but the overlays.
fn clip_ops(plan: &RenderPlan, frame_index: u64) -> Result<FrameOps, ApiError> {
    if !(plan.fps.is_finite() && plan.fps > 0.0) {
        return Err(ApiError::invalid_parameter(
            "FrameRate",
            format!("frame rate {} must be > 0", Num(plan.fps)),
        ));
    }
    let t = frame_index as f64 / plan.fps;
    let mut ops = FrameOps {
        t,
        width: plan.width,
        height: plan.height,
        background: BLACK,
        layers: Vec::new(),
        xfade: None,
        overlays: Vec::new(),
    };
    // Written so that a NaN duration also means "nothing to draw".
    let before_end = t < plan.duration_s - EPS_S;
    if !before_end {
        return Ok(ops);
    }
    let order = |i: usize| (plan.clips[i].out_start_s, i);
    let top = (0..plan.clips.len())
        .filter(|&i| is_on(&plan.clips[i], t))
        .max_by(|&x, &y| {
            order(x)
                .partial_cmp(&order(y))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
    let Some(b) = top else {
        return Ok(ops);
    };
    let clip_b = &plan.clips[b];
    let mut layer_b = clip_layer(plan, b, t)?;
    let in_transition = clip_b.transition_in.as_ref().filter(|tr| {
        tr.duration_s.is_finite()
            && tr.duration_s > 0.0
            && t < clip_b.out_start_s + tr.duration_s - EPS_S
    });
    let Some(tr) = in_transition else {
        ops.layers.push(layer_b);
        return Ok(ops);
    };
    let transition = Transition::parse(tr)?;
    let p = ((t - clip_b.out_start_s) / tr.duration_s).clamp(0.0, 1.0);
    // The outgoing clip: started before B and still running when B's transition starts.
    let tr_end = clip_b.out_start_s + tr.duration_s;
    let a = (0..plan.clips.len())
        .filter(|&i| i != b && order(i) < order(b))
        .filter(|&i| {
            let c = &plan.clips[i];
            c.out_end_s() > clip_b.out_start_s + EPS_S && c.out_start_s < tr_end
        })
        .max_by(|&x, &y| {
            order(x)
                .partial_cmp(&order(y))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
    let mut layer_a = match a {
        Some(a) => clip_layer(plan, a, t)?,
        None => colour_layer(BLACK),
    };
    transition.apply(
        &mut layer_a,
        &mut layer_b,
        p,
        plan.width,
        plan.height,
        seed_for(b),
    );
    if let Transition::Pixel(kind) = transition {
        ops.xfade = Some(XfadeMix {
            kind,
            progress: (1.0 - p) as f32,
        });
    }
    ops.layers.push(layer_a);
    ops.layers.push(layer_b);
    Ok(ops)
}

/// Audio view of a plan for the [`super::AudioMixer`]: each clip fades in over its transition and
/// out over the next clip's transition (the overlap), so audio crossfades line up with the video;
/// hard cuts get the mixer's short anti-click ramp.
pub fn mix_clips(plan: &RenderPlan) -> Vec<MixClip> {
    plan.clips
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let fade_in = c
                .transition_in
                .as_ref()
                .map_or(0.0, |tr| tr.duration_s.max(0.0));
            let end = c.out_end_s();
            let fade_out = plan
                .clips
                .iter()
                .enumerate()
                .filter(|&(j, d)| j != i && d.out_start_s > c.out_start_s && d.out_start_s < end)
                .filter_map(|(_, d)| {
                    d.transition_in
                        .as_ref()
                        .map(|tr| tr.duration_s.min(end - d.out_start_s))
                })
                .fold(0.0_f64, f64::max);
            MixClip {
                out_start_s: c.out_start_s,
                in_s: c.in_s,
                out_s: c.out_s,
                fade_in_s: if fade_in.is_finite() { fade_in } else { 0.0 },
                fade_out_s: if fade_out.is_finite() { fade_out } else { 0.0 },
                volume: c.volume,
                speed: c.speed(),
            }
        })
        .collect()
}
