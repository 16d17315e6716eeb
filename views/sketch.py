"""Draw a digit: a canvas beside what a digit model reads in it (this session's run, a
saved .pt file, or a default model made in one click), and "teach it" your handwriting."""
from __future__ import annotations

import dataclasses
import io

import numpy as np
import streamlit as st

from playground.errors import ConfigError
from playground.figures import sketch as sketch_figs
from playground.figures.inside import layer_title
from playground.nn import model
from playground.sketch import digit_model, preprocess, teach
from playground.status import Status
from ui import live_chart, pacing, runs, widgets
from ui.lang import T, lang
from ui.session import Key, canvas_key, sketch_chart_key

try:
    from streamlit_drawable_canvas import st_canvas
    CANVAS_ERROR = None
except Exception as e:  # not installed, or a Streamlit it does not support: a message, not a traceback
    st_canvas, CANVAS_ERROR = None, f"{type(e).__name__}: {str(e)[:160]}"

ss = st.session_state
CANVAS_PX = 280          # 10 canvas pixels per MNIST pixel
SOURCES = ("run", "upload", "default")   # preference order when the chosen one disappears


# --- the models ----------------------------------------------------------------------------------

def _own_copy(dm: digit_model.DigitModel) -> digit_model.DigitModel:
    """Each session reads with its own copy (forward hooks and eval() must not touch a shared net)."""
    net = model.copy_model(dm.model, dm.cfg, dm.n_features, len(dm.class_names), dm.image_shape)
    return dataclasses.replace(dm, model=net)


def _run_model():
    """(DigitModel or None, job): this session's run; its weights are copied once per epoch."""
    j = runs.training_job()
    if j is None:
        return None, j
    snap = runs.record(j)
    if snap.status in (Status.QUEUED, Status.LOADING):
        return None, j
    key = (id(j), snap.epoch, snap.status)
    cached = ss.get(Key.SKETCH_RUN)
    if cached is None or cached[0] != key:
        cached = (key, digit_model.from_job(j))
        ss[Key.SKETCH_RUN] = cached
    return cached[1], j


def _source_id(source: str) -> str:
    """Fine-tuned versions belong to one run / one file."""
    return {"run": f"run:{runs.serial()}", "upload": f"upload:{ss.get(Key.SKETCH_UPLOAD_ID)}"}.get(source, source)


def _original(source: str):
    return {"run": lambda: _run_model()[0], "upload": lambda: ss.get(Key.SKETCH_UPLOAD),
            "default": lambda: ss.get(Key.SKETCH_DEFAULT)}[source]()


def _models() -> tuple[dict, object]:
    run, job = _run_model()
    found = {"run": run, "upload": ss.get(Key.SKETCH_UPLOAD), "default": ss.get(Key.SKETCH_DEFAULT)}
    tuned = ss.setdefault(Key.SKETCH_TUNED, {})
    found = {s: tuned.get(_source_id(s), dm) for s, dm in found.items() if dm is not None}
    return found, job


def _label(source: str, dm) -> str:
    text = {"run": T("sketch.src_run", dataset=dm.name),
            "upload": T("sketch.src_upload", name=dm.name),
            "default": T("sketch.src_default")}[source]
    return text + (T("sketch.src_tuned", n=dm.tuned) if dm.tuned else "")


def _describe(dm) -> str:
    sizes = [*dm.cfg.hidden, len(dm.class_names)]
    arch = ("CNN → " if dm.cfg.model == "cnn" else f"MLP {dm.n_features} → ") + " → ".join(map(str, sizes))
    text = T("sketch.model_caption", arch=arch, h=dm.image_shape[0], w=dm.image_shape[1])
    if dm.test_accuracy is not None:
        text += " · " + T("sketch.model_accuracy", acc=f"{dm.test_accuracy:.1%}")
    if dm.seconds is not None and not dm.tuned:
        text += " · " + T("sketch.model_seconds", s=f"{dm.seconds:.1f}")
    return text


def _train_default_button(primary: bool) -> None:
    if st.button(T("sketch.train_default"), type="primary" if primary else "secondary", icon=":material/bolt:",
                 key=Key.SKETCH_TRAIN_DEFAULT, help=T("sketch.train_default_help")):
        epochs = digit_model.DEFAULT_CONFIG.epochs
        bar = st.progress(0.0, text=T("sketch.training"))

        def progress(frac, logs, in_line):   # in_line: runs sharing the server while it waits
            if in_line:
                bar.progress(0.0, text=T("status.queued", n=in_line))
            elif logs:
                bar.progress(frac, text=T("sketch.training_epoch", epoch=logs["epoch"], epochs=epochs,
                                          acc=f"{logs['val_accuracy']:.1%}"))
        ss[Key.SKETCH_DEFAULT] = _own_copy(digit_model.shared_default(progress))
        ss[Key.SKETCH_PENDING_SOURCE] = "default"
        st.rerun()


def _upload_section() -> None:
    with st.expander(T("sketch.upload_title"), icon=":material/upload_file:"):
        file = st.file_uploader(T("sketch.upload_label"), type=["pt"], key=Key.SKETCH_FILE,
                                help=T("sketch.upload_help"))
        if file is None or ss.get(Key.SKETCH_UPLOAD_ID) == file.file_id:
            return
        try:
            dm = digit_model.from_file(io.BytesIO(file.getvalue()), file.name)
        except ConfigError as e:
            st.error(e.text(lang()))
            return
        ss[Key.SKETCH_UPLOAD], ss[Key.SKETCH_UPLOAD_ID], ss[Key.SKETCH_PENDING_SOURCE] = dm, file.file_id, "upload"
        st.rerun()


def _run_note(job, hint: bool = True) -> None:
    """Why this session's run is not among the models, and what to do about it."""
    if job is None:
        if hint:
            st.caption(T("sketch.run_hint"))
    elif job.cfg.dataset not in digit_model.DIGIT_SETS:
        st.caption(T("sketch.run_not_digits", dataset=job.cfg.dataset))
    elif runs.record(job).active:        # a digit run still loading its data: offer it once it trains
        st.caption(T("sketch.run_starting"))

        @st.fragment(run_every=pacing.expect_polls(pacing.QUEUED))
        def _wait_for_run():
            pacing.tick()
            if _run_model()[0] is not None:
                st.rerun()
        _wait_for_run()


# --- draw and read ------------------------------------------------------------------------------------

def _clear_canvas() -> None:
    ss[Key.SKETCH_CANVAS_N] = ss.get(Key.SKETCH_CANVAS_N, 0) + 1


def _add_sketch(rgba, label) -> None:
    views = {s: preprocess.preprocess(rgba, s) for s in preprocess.SHAPES}
    if label is None or any(v is None for v in views.values()):
        return
    ss.setdefault(Key.SKETCH_COLLECTION, teach.Collection()).add(label, views)
    ss[Key.SKETCH_LABEL] = None
    _clear_canvas()


def _draw_and_read(source: str) -> None:
    pacing.tick()          # a fragment's rerun (a stroke, or the live run's poll): fresh records
    dm = _models()[0].get(source)
    if dm is None:       # the run went away (a new run is loading): redraw the whole page
        st.rerun()
    if source == "run" and not dm.tuned:     # here, not in the model's label: it changes every epoch
        st.caption(T("sketch.run_epoch", epoch=dm.epoch or 0, epochs=dm.cfg.epochs))
    left, right = st.columns([1, 1.3], gap="large")
    with left:
        st.markdown(f"**{T('sketch.draw_here')}**")
        width = st.slider(T("sketch.brush"), 6, 40, 20, key=Key.SKETCH_BRUSH, help=T("sketch.brush_help"))
        result = st_canvas(stroke_width=width, stroke_color="#FFFFFF", background_color="#000000",
                           width=CANVAS_PX, height=CANVAS_PX, drawing_mode="freedraw", update_streamlit=True,
                           return_image_data=True, key=canvas_key(ss.get(Key.SKETCH_CANVAS_N, 0)))
        st.button(T("sketch.clear"), icon=":material/ink_eraser:", on_click=_clear_canvas, key=Key.SKETCH_CLEAR)
        st.caption(T("sketch.toolbar_hint"))
    rgba = result.image_data
    image = preprocess.preprocess(rgba, dm.image_shape)      # (h, w) in model units, None when empty
    reading = digit_model.read(dm, image) if image is not None else None
    with right:
        if reading is None:
            st.info(T("sketch.draw_prompt"), icon=":material/draw:")
        else:
            top = reading.top
            st.markdown(
                f"<div style='display:flex;align-items:center;gap:1.2rem'>"
                f"<span data-testid='sketch-top' style='font-size:5.5rem;font-weight:700;line-height:1'>"
                f"{dm.class_names[top]}</span><span>{T('sketch.prediction')}<br>"
                f"<b style='font-size:1.4rem'>{reading.probs[top]:.0%}</b> {T('sketch.sure')}</span></div>",
                unsafe_allow_html=True)
            st.markdown(f"**{T('sketch.probabilities')}**")
            live_chart.chart(sketch_figs.probabilities_figure(reading.probs, dm.class_names, T),
                             key=sketch_chart_key("probs"), config={"displayModeBar": False})
    if reading is not None:
        _inside(dm, image, reading)
    _teach(dm, source, rgba, image, reading)


def _inside(dm, image, reading) -> None:
    left, right = st.columns([1, 1.3], gap="large")
    with left:
        h, w = dm.image_shape
        st.markdown(f"**{T('sketch.input_title', h=h, w=w)}**")
        live_chart.chart(sketch_figs.input_figure(image, T), key=sketch_chart_key("input"),
                         config={"displayModeBar": False})
        st.caption(T("sketch.input_caption_28" if h == 28 else "sketch.input_caption_8"))
    with right:
        st.markdown(f"**{T('sketch.hidden_title')}**")
        if not reading.activations:
            st.caption(T("sketch.no_hidden"))
        for name, values in reading.activations.items():
            if values.ndim == 3:                          # (C, H, W) after convolution + pooling
                st.caption(T("sketch.layer_maps", name=layer_title(name, T), c=values.shape[0], h=values.shape[1],
                             w=values.shape[2]))
            else:
                st.caption(T("sketch.layer_units", name=layer_title(name, T), n=values.size))
            live_chart.chart(sketch_figs.activation_figure(values, T), key=sketch_chart_key(f"act_{name}"),
                             config={"displayModeBar": False})
        if reading.activations:
            st.caption(T("sketch.hidden_caption"))


def _teach(dm, source: str, rgba, image, reading) -> None:
    source_id = _source_id(source)
    coll: teach.Collection = ss.setdefault(Key.SKETCH_COLLECTION, teach.Collection())
    st.subheader(T("sketch.teach_title"))
    st.caption(T("sketch.teach_help"))
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    with c1:
        label = st.segmented_control(T("sketch.label"), list(range(len(dm.class_names))), key=Key.SKETCH_LABEL,
                                     format_func=lambda i: dm.class_names[i])
    with c2:
        st.button(T("sketch.add"), icon=":material/add:", key=Key.SKETCH_ADD, disabled=image is None or label is None,
                  on_click=_add_sketch, args=(rgba, label), width="stretch")
    if image is not None and label is None:
        st.caption(T("sketch.pick_label"))
    if not len(coll):
        st.caption(T("sketch.empty_collection"))
        return
    counts = coll.counts(len(dm.class_names))
    st.markdown(T("sketch.collection", n=len(coll)) + " — " +
                " · ".join(f"{dm.class_names[i]}: **{c}**" for i, c in enumerate(counts)))
    shape = tuple(dm.image_shape)
    recent = list(range(len(coll)))[-24:]
    up = 56 // shape[0]     # nearest-neighbour upscaling, so thumbnails stay crisp
    st.image([np.kron(coll.images[shape][i], np.ones((up, up))) for i in recent], clamp=True,
             caption=[dm.class_names[coll.labels[i]] for i in recent])
    b1, b2, b3, b4 = st.columns(4)
    if b1.button(T("sketch.finetune"), type="primary", icon=":material/school:", key=Key.SKETCH_FINETUNE,
                 help=T("sketch.finetune_help"), width="stretch"):
        bar = st.progress(0.0, text=T("sketch.finetuning"))
        # always from the untouched model, on the whole collection: clicking twice does not compound
        original = _original(source) or dm
        res = teach.fine_tune(original, coll, progress=lambda f, _logs, in_line: bar.progress(
            f, text=T("status.queued", n=in_line) if in_line else T("sketch.finetuning")))
        ss[Key.SKETCH_TUNED][source_id] = res.model
        ss[Key.SKETCH_TUNE_MSG] = T("sketch.tuned_result", n=len(coll),
                                  before=f"{res.sketches_before:.0%}", after=f"{res.sketches_after:.0%}",
                                  test_before=f"{res.test_before:.1%}", test_after=f"{res.test_after:.1%}")
        st.rerun()
    b2.download_button(T("sketch.download"), coll.to_csv(shape, "digit"),
                       file_name=f"my_digits_{shape[0]}x{shape[1]}.csv", mime="text/csv", icon=":material/download:",
                       on_click="ignore", key=Key.SKETCH_DOWNLOAD,
                       help=T("sketch.download_help"), width="stretch")
    b3.button(T("sketch.remove_last"), icon=":material/undo:", key=Key.SKETCH_REMOVE_LAST, width="stretch",
              on_click=coll.remove_last)
    b4.button(T("sketch.clear_collection"), icon=":material/delete_sweep:", key=Key.SKETCH_CLEAR_COLLECTION,
              width="stretch", on_click=coll.clear)
    if msg := ss.get(Key.SKETCH_TUNE_MSG):
        st.success(msg, icon=":material/school:")
    if source_id in ss.get(Key.SKETCH_TUNED, {}):
        if st.button(T("sketch.untune"), icon=":material/restart_alt:", key=Key.SKETCH_UNTUNE):
            ss[Key.SKETCH_TUNED].pop(source_id, None)
            ss.pop(Key.SKETCH_TUNE_MSG, None)
            st.rerun()


# --- the page -------------------------------------------------------------------------------------------

def _choose_model(models: dict, job) -> str:
    """Which model reads the drawing, with what it is and how to get the others."""
    options = [s for s in SOURCES if s in models]
    if pending := ss.pop(Key.SKETCH_PENDING_SOURCE, None):   # a model just made or read: read with it
        ss[Key.SKETCH_SOURCE] = pending
    source = widgets.translated_select(st.segmented_control, T("sketch.model"), options, Key.SKETCH_SOURCE,
                                       lambda s: _label(s, models[s]), default=options[0], required=True)
    st.caption(_describe(models[source]))
    if source == "run" and job is not None and runs.record(job).active:
        st.caption(T("sketch.run_live"))
    elif "run" not in models:
        _run_note(job)
    if "default" not in models:
        _train_default_button(primary=False)
    _upload_section()
    return source


def render() -> None:
    st.title(T("sketch.title"))
    st.caption(T("sketch.subtitle"))
    models, job = _models()
    with st.container(border=True):
        if not models:
            st.info(T("sketch.no_model"), icon=":material/info:")
            _run_note(job, hint=False)
            _train_default_button(primary=True)
            _upload_section()
            return
        source = _choose_model(models, job)
    if CANVAS_ERROR:
        st.error(T("sketch.no_canvas", why=CANVAS_ERROR))
        return
    live = source == "run" and job is not None and runs.record(job).active
    st.fragment(_draw_and_read, run_every=pacing.expect_polls(1.0 if live else None))(source)


render()
