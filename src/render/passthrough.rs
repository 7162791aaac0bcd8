//! When an output frame is exactly one decoded frame: the common same-size case, where the
//! decoded frame can go to the encoder as it is, with no copy and no composing.

use super::{FrameOps, Rect, RenderPlan};

/// The `(clip, source time)` whose decoded frame output frame `ops` is identical to, if it is
/// one: a single opaque layer without a pixel effect drawing the whole, unrotated, unblurred picture onto the whole
/// output, from a source whose frames are the output's size. The caller still checks the
/// decoded frame itself (a stream can change size midway).
pub fn passthrough_source(ops: &FrameOps, plan: &RenderPlan) -> Option<(usize, f64)> {
    if !ops.overlays.is_empty() {
        // Overlays are drawn on the composed picture.
        return None;
    }
    let [layer] = ops.layers.as_slice() else {
        return None;
    };
    let clip = layer.clip?;
    let [op] = layer.draws.as_slice() else {
        return None;
    };
    if layer.opacity < 1.0
        || layer.fill_after.is_some()
        || layer.dissolve.is_some()
        || layer.vfx.is_some()
        || layer.clip_rect.is_some()
        || layer.offset_x != 0.0
        || layer.offset_y != 0.0
        || op.rotation != 0
        || op.blur_px > 0.0
    {
        return None;
    }
    let geo = plan.sources.get(op.source)?;
    let square = geo.pixel_aspect.0 == geo.pixel_aspect.1
        || geo.pixel_aspect.0 == 0
        || geo.pixel_aspect.1 == 0;
    if (geo.coded_w, geo.coded_h) != (plan.width, plan.height) || !square {
        return None;
    }
    let whole = |r: &Rect, w: u32, h: u32| {
        r.x == 0.0 && r.y == 0.0 && r.w == f64::from(w) && r.h == f64::from(h)
    };
    (whole(&op.src_rect, geo.coded_w, geo.coded_h) && whole(&op.dst_rect, plan.width, plan.height))
        .then_some((clip, op.source_time_s))
}
