//! `runJob`: a validated job from its inputs to its result, in Rust. Analysis, highlights,
//! planning, rendering and the record are driven here; the worker supplies only what the
//! browser shell owns ([`JobIo`]: readers, sinks, delivery, progress, the cancel signal).

use js_sys::{Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::analyse::analyse;
use super::api::{to_js, to_value};
use super::encoders::{negotiate_encoders, Encoding};
use super::job_signal::JobSignal;
use super::overlays::{probe_overlay_media, OverlayPictures};
use super::render_reel::{render_reel, Sources};
use super::segmented::segment_files;
use super::sink::OutputSink;
use super::source::{js_error, js_error_to_api, settle, JsByteSource};
use crate::analysis::score::{find_highlights, HighlightReport};
use crate::analysis::SourceFeatures;
use crate::engine::progress::{self, Split};
use crate::engine::{self, Delivery, JobResult, Purpose, ReelOutput, SourceInput};
use crate::job::spec::{Container, JobKind, JobSpec};
use crate::media::{self, MediaInfo};
use crate::plan::{CutPoints, Reel};
use crate::render::job_budget::JobMemory;
use crate::ApiError;

#[wasm_bindgen(typescript_custom_section)]
const JOB_IO: &str = r#"
/** Where a delivered file went (`www/src/deliver.ts` `Delivered`). */
export interface DeliveryReport {
  /** The URI, `memory:` or, after a failed upload, the file's OPFS path. */
  location: string;
  blob?: Blob;
  uploadAttempts?: number;
  error?: { Code: string; Message: string };
}

/** What the worker lends a running job (`www/src/jobs.ts`). */
export interface JobIo {
  /** The job's cancel signal. */
  signal: AbortSignal;
  /** A reader over a source (`www/src/io.ts` SyncReader). */
  open(uri: string): Promise<unknown>;
  /** Progress of the whole job, 0..1, by stage. */
  progress(stage: string, fraction: number): void;
  /** Where output `index` (1-based) to `uri` (`null`: memory) is written as it is produced. */
  openSink(uri: string | null, index: number): Promise<OutputSink>;
  /** Delivers a finished file; never throws for a failed upload (see `Delivered`). */
  deliver(uri: string | null, blob: Blob): Promise<DeliveryReport>;
  /** Delivers the files of an HLS/DASH output in order, the playlist last; after a failed upload
   *  the rest are only kept in the outbox (see `DeliveredFiles`). */
  deliverFiles(files: { uri: string | null; blob: Blob }[]): Promise<DeliveryReport & { files: DeliveryReport[] }>;
  /** Removes an OPFS file an earlier output of a failed job wrote. */
  removeOpfs(path: string): Promise<void>;
  /** Loads the wasm AAC encoder (`www/src/aac/encoder.ts`) and gives its class; asked only when
   *  the browser's AudioEncoder has no AAC for an MP4/MOV output. */
  loadWasmAac(): Promise<unknown>;
}
"#;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(typescript_type = "JobIo")]
    #[derive(Clone)]
    pub type JobIo;
    #[wasm_bindgen(method, getter)]
    fn signal(this: &JobIo) -> JsValue;
    #[wasm_bindgen(method, catch)]
    fn open(this: &JobIo, uri: &str) -> Result<Promise, JsValue>;
    #[wasm_bindgen(method)]
    fn progress(this: &JobIo, stage: &str, fraction: f64);
    #[wasm_bindgen(method, catch, js_name = openSink)]
    fn open_sink(this: &JobIo, uri: Option<String>, index: u32) -> Result<Promise, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn deliver(this: &JobIo, uri: Option<String>, blob: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(method, catch, js_name = deliverFiles)]
    fn deliver_files(this: &JobIo, files: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(method, catch, js_name = removeOpfs)]
    fn remove_opfs(this: &JobIo, path: &str) -> Result<Promise, JsValue>;
    #[wasm_bindgen(method, catch, js_name = loadWasmAac)]
    fn load_wasm_aac(this: &JobIo) -> Result<Promise, JsValue>;
}

#[wasm_bindgen]
extern "C" {
    /// What `deliver` / `deliverFiles` resolve to, read through typed getters: deserialising it
    /// with serde-wasm-bindgen would link a struct visitor for these few fields.
    #[wasm_bindgen(typescript_type = "DeliveryReport")]
    type DeliveryReport;
    #[wasm_bindgen(method, getter)]
    fn location(this: &DeliveryReport) -> Option<String>;
    #[wasm_bindgen(method, getter)]
    fn blob(this: &DeliveryReport) -> JsValue;
    #[wasm_bindgen(method, getter, js_name = uploadAttempts)]
    fn upload_attempts(this: &DeliveryReport) -> Option<u32>;
    #[wasm_bindgen(method, getter)]
    fn error(this: &DeliveryReport) -> Option<DeliveryReportError>;
    #[wasm_bindgen(method, getter)]
    fn files(this: &DeliveryReport) -> Option<js_sys::Array>;

    #[wasm_bindgen(typescript_type = "DeliveryReport['error']")]
    type DeliveryReportError;
    #[wasm_bindgen(method, getter, js_name = Code)]
    fn code(this: &DeliveryReportError) -> Option<String>;
    #[wasm_bindgen(method, getter, js_name = Message)]
    fn message(this: &DeliveryReportError) -> Option<String>;
}

/// Where a delivered file went (`www/src/deliver.ts` `Delivered`).
struct Delivered {
    location: String,
    blob: JsValue,
    upload_attempts: Option<u32>,
    error: Option<DeliveryError>,
    /// `deliverFiles`: each file's own delivery, in order.
    files: Vec<DeliveredFile>,
}

/// Where one file of a segmented output went.
struct DeliveredFile {
    location: String,
    blob: JsValue,
}

struct DeliveryError {
    code: String,
    message: String,
}

impl Delivered {
    /// The shell's report; one without a location is the shell's bug, reported as such.
    fn read(value: JsValue) -> Result<Self, ApiError> {
        let report: DeliveryReport = value.unchecked_into();
        let location = |r: &DeliveryReport| {
            r.location()
                .ok_or_else(|| ApiError::internal("bad delivery report: no location"))
        };
        let files = match report.files() {
            Some(list) => list
                .iter()
                .map(|f| {
                    let f: DeliveryReport = f.unchecked_into();
                    Ok(DeliveredFile {
                        location: location(&f)?,
                        blob: f.blob(),
                    })
                })
                .collect::<Result<_, ApiError>>()?,
            None => Vec::new(),
        };
        Ok(Self {
            location: location(&report)?,
            blob: report.blob(),
            upload_attempts: report.upload_attempts(),
            error: report.error().map(|e| DeliveryError {
                code: e.code().unwrap_or_default(),
                message: e.message().unwrap_or_default(),
            }),
            files,
        })
    }
}

/// Runs a job to its result (the fields a finished job adds to its record). It takes the request
/// as submitted, not the JobSpec `validateRequest` gave, and validates it again (microseconds):
/// the JobSpec then only ever leaves the module, and deserialising it from JS (serde-wasm-bindgen
/// visitors for every type of the job model, 57 KB of the module) is not linked.
#[wasm_bindgen(js_name = runJob, unchecked_return_type = "JobResult")]
pub async fn run_job(
    action: &str,
    #[wasm_bindgen(unchecked_param_type = "unknown")] request: JsValue,
    io: JobIo,
) -> Result<JsValue, JsValue> {
    let spec = super::api::validate(action, request)?;
    let job = Job {
        spec: &spec,
        io,
        pictures: OverlayPictures::default(),
    };
    let (result, blobs) = match spec.kind {
        JobKind::Retrieval => job.retrieval().await,
        JobKind::Concat => job.concat().await,
        _ => job.compose().await,
    }
    .map_err(to_js)?;
    let value = to_value(&result).map_err(to_js)?;
    attach_blobs(&value, &blobs);
    Ok(value)
}

/// `memory:` outputs carry their file: a `Blob` set on the output's record, by position (and on
/// each entry of a segmented output's `Files`, by the file's position there).
fn attach_blobs(result: &JsValue, blobs: &[Attached]) {
    for key in ["Outputs", "SubJobList"] {
        let Ok(list) = Reflect::get(result, &key.into()) else {
            continue;
        };
        if list.is_undefined() || list.is_null() {
            continue;
        }
        for (i, file, blob) in blobs {
            let Ok(mut entry) = Reflect::get(&list, &JsValue::from(*i as u32)) else {
                continue;
            };
            if let Some(f) = file {
                let files = Reflect::get(&entry, &"Files".into()).unwrap_or(JsValue::UNDEFINED);
                match Reflect::get(&files, &JsValue::from(*f as u32)) {
                    Ok(e) if e.is_object() => entry = e,
                    _ => continue,
                }
            }
            let _ = Reflect::set(&entry, &"Blob".into(), blob);
        }
    }
}

/// Awaits an output step of the shell (`what`: "opening the output sink", ...): a failure that
/// carries no code of its own is the engine's (`Internal`), naming the step.
async fn shell_step(what: &str, promise: Result<Promise, JsValue>) -> Result<JsValue, ApiError> {
    let fail = |e| js_error(e, |m| ApiError::internal(format!("{what} failed: {m}")));
    JsFuture::from(promise.map_err(fail)?).await.map_err(fail)
}

/// The analysed inputs of a job.
struct Analysed {
    features: Vec<SourceFeatures>,
    infos: Vec<MediaInfo>,
    ranges: Vec<(f64, f64)>,
    result: JobResult,
}

/// A delivered output: frames, loudness, render seconds, bytes, the delivery, its files.
type Finished = (
    u32,
    Option<crate::render::loudness::LoudnessReport>,
    f64,
    f64,
    Delivered,
    Vec<engine::OutputFile>,
);

struct Job<'a> {
    spec: &'a JobSpec,
    io: JobIo,
    /// Overlay pictures, shared by the job's outputs.
    pictures: OverlayPictures,
}

/// A `memory:` file to attach to the record: output position, file position (segmented outputs'
/// `Files`), the `Blob`.
type Attached = (usize, Option<usize>, JsValue);

type Outcome = Result<(JobResult, Vec<Attached>), ApiError>;

impl Job<'_> {
    fn signal(&self, stage: &'static str, from: f64, to: f64) -> JobSignal {
        let io = self.io.clone();
        JobSignal::new(self.io.signal(), move |f| {
            io.progress(stage, from + f.clamp(0.0, 1.0) * (to - from))
        })
    }

    /// Reads every input's headers, naming the input in any error: a missing or unreadable input
    /// fails the job before any analysis, and the facts give the progress split ([`Split`]).
    async fn probe_all(&self) -> Result<Vec<MediaInfo>, ApiError> {
        let mut infos = Vec::with_capacity(self.spec.sources.len());
        for src in &self.spec.sources {
            let named = |e: ApiError| {
                if e.message.starts_with(&src.uri) {
                    e
                } else {
                    ApiError::new(e.code, format!("{}: {}", src.uri, e.message))
                }
            };
            let reader = settle(self.io.open(&src.uri).map_err(js_error_to_api))
                .await
                .map_err(named)?;
            let demuxer =
                media::open(Box::new(JsByteSource::new(reader).map_err(named)?)).map_err(named)?;
            infos.push(demuxer.info().clone());
        }
        Ok(infos)
    }

    /// Probes the inputs and shares the job's progress between its stages by their estimated
    /// costs. An input without video gets no share: its analysis fails at once.
    async fn progress_split(&self) -> Result<Split, ApiError> {
        let infos = self.probe_all().await?;
        let probed: Vec<SourceInput> = infos
            .iter()
            .filter_map(|i| engine::source_input(i, Vec::new()))
            .collect();
        if probed.len() != infos.len() {
            return Ok(Split {
                analysis: progress::spans(&vec![1.0; infos.len()], 0.0, 0.5),
                render_from: 0.5,
            });
        }
        let settings = engine::render_settings(self.spec, &probed);
        Ok(progress::split(self.spec, &probed, &settings))
    }

    /// Analyses every source in order, source `i`'s progress covering `spans[i]`.
    async fn analyse_all(&self, spans: &[(f64, f64)]) -> Result<Analysed, ApiError> {
        let n = self.spec.sources.len();
        let mut out = Analysed {
            features: Vec::with_capacity(n),
            infos: Vec::with_capacity(n),
            ranges: Vec::with_capacity(n),
            result: JobResult::default(),
        };
        for (i, src) in self.spec.sources.iter().enumerate() {
            let (from, to) = spans.get(i).copied().unwrap_or((0.0, 0.0));
            let job = self.signal("analyse", from, to);
            let named = |e: ApiError| ApiError::new(e.code, format!("{}: {}", src.uri, e.message));
            let reader = settle(self.io.open(&src.uri).map_err(js_error_to_api))
                .await
                .map_err(named)?;
            let a = analyse(reader, src.start_s, src.duration_s, &job)
                .await
                .map_err(named)?;
            out.result.sources.push(engine::analysed_source_summary(
                &src.uri,
                &a.info,
                &a.features,
                (a.frames, a.decoded),
            ));
            out.result.notes.extend(a.notes.iter().map(|m| {
                if n > 1 {
                    format!("source {i}: {m}")
                } else {
                    m.clone()
                }
            }));
            out.ranges.push(a.range);
            out.infos.push(a.info);
            out.features.push(a.features);
        }
        Ok(out)
    }

    fn highlights(&self, a: &Analysed, purpose: Purpose) -> HighlightReport {
        let request = engine::highlight_request(self.spec, purpose, a.ranges.clone());
        find_highlights(&a.features, &request.options())
    }

    async fn retrieval(&self) -> Outcome {
        let exporting = self.spec.outputs.container.is_some();
        let split = self.progress_split().await?;
        let mut a = self.analyse_all(&split.analysis).await?;
        self.io.progress("score", split.render_from);
        let report = self.highlights(&a, Purpose::Retrieval);
        let mut result = std::mem::take(&mut a.result);
        result.highlights = Some(engine::highlight_records(self.spec, &report));
        result.profile = Some(report.profile.clone());
        engine::attach_score_curves(&mut result.sources, &report);
        result.notes.extend(report.notes.iter().cloned());
        let mut blobs = Vec::new();
        if exporting {
            let candidates: Vec<_> = report.highlights.iter().map(Into::into).collect();
            let reels = engine::export_reels(&candidates);
            let inputs = self.inputs(&a.infos, Some(&a.features))?;
            let (outputs, b) = self
                .render_all(&inputs, &reels, split.render_from, &mut result.notes)
                .await?;
            if let Some(list) = result.highlights.as_mut() {
                for (h, o) in list.iter_mut().zip(&outputs) {
                    h.output = o.uri.clone();
                }
            }
            result.set_outputs(self.spec, outputs);
            blobs = b;
        }
        Ok((result, blobs))
    }

    async fn compose(&self) -> Outcome {
        let split = self.progress_split().await?;
        let mut a = self.analyse_all(&split.analysis).await?;
        self.io.progress("plan", split.render_from);
        let report = self.highlights(&a, Purpose::Planning);
        let cuts: Vec<CutPoints> = a
            .features
            .iter()
            .enumerate()
            .map(|(source, f)| CutPoints {
                source,
                times: f.cut_points(),
            })
            .collect();
        let inputs = self.inputs(&a.infos, Some(&a.features))?;
        let metas: Vec<_> = inputs.iter().map(SourceInput::meta).collect();
        let candidates: Vec<_> = report.highlights.iter().map(Into::into).collect();
        let plan = engine::plan_reels(self.spec, &metas, &candidates, &cuts);
        let mut result = std::mem::take(&mut a.result);
        result.profile = Some(report.profile.clone());
        engine::attach_score_curves(&mut result.sources, &report);
        result.notes.extend(report.notes.iter().cloned());
        result.notes.extend(plan.notes.iter().cloned());
        if plan.reels.iter().all(|r| r.clips.is_empty()) {
            return Err(ApiError::unsupported(
                "no highlight could be found to make a reel from (the inputs may be silent, black or too short)",
            ));
        }
        let (outputs, blobs) = self
            .render_all(&inputs, &plan.reels, split.render_from, &mut result.notes)
            .await?;
        result.set_outputs(self.spec, outputs);
        Ok((result, blobs))
    }

    async fn concat(&self) -> Outcome {
        let infos = self.probe_all().await?;
        let mut result = JobResult::default();
        for (src, info) in self.spec.sources.iter().zip(&infos) {
            if info.video_track().is_none() {
                return Err(ApiError::unsupported(format!(
                    "{}: the input has no video track",
                    src.uri
                )));
            }
            result
                .sources
                .push(engine::source_summary(&src.uri, info, 0, None));
        }
        let inputs = self.inputs(&infos, None)?;
        let metas: Vec<_> = inputs.iter().map(SourceInput::meta).collect();
        let plan = engine::plan_concat(self.spec, &metas)?;
        result.notes.extend(plan.notes.iter().cloned());
        let (outputs, blobs) = self
            .render_all(&inputs, &plan.reels, 0.01, &mut result.notes)
            .await?;
        result.set_outputs(self.spec, outputs);
        Ok((result, blobs))
    }

    /// What the engine needs of each input; `features` adds the analysis' hard cuts and subject
    /// points.
    fn inputs(
        &self,
        infos: &[MediaInfo],
        features: Option<&[SourceFeatures]>,
    ) -> Result<Vec<SourceInput>, ApiError> {
        infos
            .iter()
            .enumerate()
            .map(|(i, info)| {
                let analysed = features.and_then(|f| f.get(i));
                let cuts = analysed
                    .map(SourceFeatures::cut_windows)
                    .unwrap_or_default();
                let input = engine::source_input(info, cuts)
                    .ok_or_else(|| ApiError::unsupported("the input has no video track"))?;
                Ok(SourceInput {
                    subject: analysed.map(SourceFeatures::subject_track),
                    ..input
                })
            })
            .collect()
    }

    /// Renders and delivers every reel, each output's progress span its share of the render
    /// cost within `[from, 1]`. A failed job leaves no partial outputs behind in OPFS.
    async fn render_all(
        &self,
        inputs: &[SourceInput],
        reels: &[Reel],
        from: f64,
        notes: &mut Vec<String>,
    ) -> Result<(Vec<engine::OutputRecord>, Vec<Attached>), ApiError> {
        let io = self.io.clone();
        let open_uri = move |uri: &str| io.open(uri).map_err(js_error_to_api);
        let bookends =
            probe_overlay_media(&self.spec.overlays, reels.len(), &self.pictures, &open_uri)
                .await?;
        let settings = engine::render_settings(self.spec, inputs);
        let settings = engine::with_bookend_sound(settings, self.spec, &bookends);
        if settings.video_disabled && settings.audio.is_none() {
            return Err(ApiError::unsupported(
                "Output.Video.DisableVideo is true and no input has an audio track (nor is there background music): the output would be empty",
            ));
        }
        let outputs = engine::reel_outputs(self.spec, &settings, inputs, reels, &bookends);
        let encoding = negotiate_encoders(&settings, &|| self.io.load_wasm_aac()).await?;
        notes.extend(encoding.notes.iter().cloned());
        // Every output's memory is checked before the first is rendered.
        let field = engine::length_field(self.spec);
        let memory = outputs
            .iter()
            .map(|out| {
                out.render
                    .as_ref()
                    .map(|plan| {
                        JobMemory::check(
                            plan,
                            encoding.video.as_ref(),
                            encoding.audio.as_ref(),
                            field,
                        )
                    })
                    .transpose()
            })
            .collect::<Result<Vec<_>, ApiError>>()?;
        let mut written = Vec::new();
        let mut records = Vec::with_capacity(outputs.len());
        let mut blobs = Vec::new();
        let costs: Vec<f64> = outputs
            .iter()
            .map(|o| {
                o.render
                    .as_ref()
                    .map_or(0.0, |p| progress::render_cost(p, inputs, &settings))
            })
            .collect();
        let spans = progress::spans(&costs, from, 1.0);
        for ((out, memory), (start, end)) in outputs.iter().zip(memory).zip(spans) {
            // The audio-first pass's part of this output's progress, by its share of the cost.
            let audio_share = out
                .render
                .as_ref()
                .map_or(0.0, |p| progress::audio_pass_share(p, inputs, &settings));
            let progress = (start, end - start, audio_share);
            match self
                .render_one(out, inputs, &encoding, memory, progress, notes)
                .await
            {
                Ok(None) => records.push(engine::unrendered_output(out)),
                Ok(Some((delivery, delivered))) => {
                    for f in &delivered.files {
                        if f.location.starts_with("opfs:") {
                            written.push(f.location.clone());
                        }
                    }
                    if delivered.files.is_empty() && delivered.location.starts_with("opfs:") {
                        written.push(delivered.location.clone());
                    }
                    if delivered.blob.is_object() {
                        blobs.push((records.len(), None, delivered.blob.clone()));
                    }
                    for (j, f) in delivered.files.iter().enumerate() {
                        if f.blob.is_object() {
                            blobs.push((records.len(), Some(j), f.blob.clone()));
                        }
                    }
                    records.push(engine::rendered_output(out, &settings, delivery));
                }
                Err(e) => {
                    for path in &written {
                        let _ = shell_step("removing a partial output", self.io.remove_opfs(path))
                            .await;
                    }
                    return Err(e);
                }
            }
        }
        Ok((records, blobs))
    }

    async fn render_one(
        &self,
        out: &ReelOutput,
        inputs: &[SourceInput],
        encoding: &Encoding,
        memory: Option<JobMemory>,
        (start, span, audio_share): (f64, f64, f64),
        notes: &mut Vec<String>,
    ) -> Result<Option<(Delivery, Delivered)>, ApiError> {
        let (Some(plan), Some(memory)) = (&out.render, memory) else {
            return Ok(None);
        };
        self.io.progress("render", start);
        let began = js_sys::Date::now();
        let sink: OutputSink = shell_step(
            "opening the output sink",
            self.io.open_sink(out.uri.clone(), out.index),
        )
        .await?
        .unchecked_into();
        let rendered = self
            .render_to(
                plan,
                inputs,
                encoding,
                memory,
                &sink,
                (start, span, audio_share),
            )
            .await;
        let delivered = match rendered {
            Ok(reel) => {
                self.finish_and_deliver(out, encoding, &sink, reel, began, (start, span), notes)
                    .await
            }
            Err(e) => Err(e),
        };
        // The sink's work file goes whatever happened (a delivered file no longer needs it).
        sink.dispose().await;
        let (frames, loudness, render_seconds, size, delivered, files) = delivered?;
        let delivery = Delivery {
            frames,
            render_seconds,
            size,
            video_codec: encoding.video.as_ref().map(|v| v.codec.clone()),
            audio_codec: encoding.audio.as_ref().map(|a| a.codec.clone()),
            audio_encoder: encoding.audio.as_ref().map(|a| a.encoder),
            upload_attempts: delivered.upload_attempts,
            loudness,
            error: delivered.error.as_ref().map(|e| {
                (
                    ApiError::new(e.code.clone(), e.message.clone()),
                    delivered.location.clone(),
                )
            }),
            files,
        };
        Ok(Some((delivery, delivered)))
    }

    /// Closes the rendered file (or, for HLS/DASH, composes its segment files and playlist from
    /// the body) and delivers it.
    #[allow(clippy::too_many_arguments)]
    async fn finish_and_deliver(
        &self,
        out: &ReelOutput,
        encoding: &Encoding,
        sink: &OutputSink,
        reel: super::render_reel::RenderedReel,
        began: f64,
        (start, span): (f64, f64),
        notes: &mut Vec<String>,
    ) -> Result<Finished, ApiError> {
        let mime = match (
            Container::from_name(&encoding.container),
            encoding.video.is_some(),
        ) {
            (Some(c), true) => c.mime(),
            (Some(c), false) => c.audio_mime(),
            (None, _) => "video/mp4",
        };
        let blob = sink.finish(&reel.head, &reel.tail, mime).await?;
        let render_seconds = (js_sys::Date::now() - began) / 1000.0;
        self.io.progress("deliver", start + 0.95 * span);
        if reel.readbacks > 0 {
            notes.push(format!("output {}: {} decoded frames had no CPU pixel layout and were read back through a canvas", out.index, reel.readbacks));
        }
        let (Some(streams), Some(segment)) = (&reel.streams, &encoding.segment) else {
            let size = Reflect::get(&blob, &"size".into())
                .ok()
                .and_then(|v| v.as_f64())
                .unwrap_or(0.0);
            let d = self.deliver(out, &blob).await?;
            return Ok((
                reel.frames,
                reel.loudness,
                render_seconds,
                size,
                d,
                Vec::new(),
            ));
        };
        let files = segment_files(
            out.uri.as_deref(),
            segment,
            streams,
            blob.unchecked_ref(),
            encoding,
        )?;
        let list = js_sys::Array::new();
        for f in &files {
            let entry = js_sys::Object::new();
            let uri = f.uri.as_deref().map_or(JsValue::NULL, JsValue::from_str);
            let _ = Reflect::set(&entry, &"uri".into(), &uri);
            let _ = Reflect::set(&entry, &"blob".into(), &f.blob);
            list.push(&entry);
        }
        let value = shell_step("delivering the output", self.io.deliver_files(&list)).await?;
        let delivered = Delivered::read(value)?;
        let records = files
            .iter()
            .zip(&delivered.files)
            .map(|(f, d)| engine::OutputFile {
                name: f.name.clone(),
                uri: f.uri.clone().unwrap_or_else(|| "memory:".into()),
                size: f.size,
                duration: f.duration_s.map(|d| (d * 1e6).round() / 1e6),
                location: (d.location.starts_with("opfs:")
                    && f.uri.as_deref() != Some(d.location.as_str()))
                .then(|| d.location.clone()),
            })
            .collect();
        let size = files.iter().map(|f| f.size).sum();
        Ok((
            reel.frames,
            reel.loudness,
            render_seconds,
            size,
            delivered,
            records,
        ))
    }

    async fn render_to(
        &self,
        plan: &crate::render::RenderPlan,
        inputs: &[SourceInput],
        encoding: &Encoding,
        memory: JobMemory,
        sink: &OutputSink,
        (start, span, audio_share): (f64, f64, f64),
    ) -> Result<super::render_reel::RenderedReel, ApiError> {
        let io = self.io.clone();
        let uris: Vec<String> = self.spec.sources.iter().map(|s| s.uri.clone()).collect();
        let open = move |i: usize| {
            let uri = uris
                .get(i)
                .ok_or_else(|| ApiError::internal(format!("no source {i}")))?;
            io.open(uri).map_err(js_error_to_api)
        };
        let io = self.io.clone();
        let open_uri = move |uri: &str| io.open(uri).map_err(js_error_to_api);
        let sources = Sources {
            open: &open,
            open_uri: &open_uri,
            has_audio: inputs.iter().map(|s| s.has_audio).collect(),
            pictures: &self.pictures,
        };
        let job = self.signal("render", start, start + 0.95 * span);
        render_reel(
            plan,
            encoding,
            &sources,
            sink.clone(),
            &job,
            audio_share,
            memory,
        )
        .await
    }

    async fn deliver(&self, out: &ReelOutput, blob: &JsValue) -> Result<Delivered, ApiError> {
        let value = shell_step(
            "delivering the output",
            self.io.deliver(out.uri.clone(), blob),
        )
        .await?;
        Delivered::read(value)
    }
}
