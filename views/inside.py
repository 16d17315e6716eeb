"""Inside the network: what the hidden layers compute, live while the run trains.

While a run trains, an inspect.live.LiveProbe registered on the job computes every view
in the training thread (throttled; 200 rows) and this page only draws its last result.
A paused or finished run is read from job.model_copy(record): the weights of the record
this rerun draws.
"""
import streamlit as st

from playground import i18n
from playground.figures import deep_net
from playground.figures import inside as inside_figs
from playground.inspect import layers, live
from playground.status import Status
from ui import data, depth_view, live_chart, pacing, runs, sequence_lab, widgets
from ui.lang import T, lang
from ui.session import Key, inside_chart_key
from ui.status import status_line

PROBE = "inside"          # this page's name in snapshot().probes


@st.cache_data(show_spinner=False)
def activation_curves():
    return layers.activation_curves()


def explainer(chosen: str, hidden_layers: int = 1) -> None:
    st.subheader(T("inside.act_header"))
    st.plotly_chart(inside_figs.activation_functions_figure(activation_curves(), chosen, T), key="act_fns")
    text = "inside.act_text" if hidden_layers else "inside.act_text_none"   # no hidden layer: no activation
    st.markdown(T(text, act=", ".join(T.get(f"choice.activation.{a}", a) for a in chosen.split(","))))
    if chosen == "linear":
        st.warning(T("inside.linear_note"), icon=":material/warning:")
    st.markdown(T("inside.why_nonlinear"))
    st.latex(r"W_2\,(W_1 x + b_1) + b_2 \;=\; (W_2 W_1)\,x + (W_2 b_1 + b_2)")
    st.caption(T("inside.why_nonlinear_try"))


def for_task(key: str, task: str) -> str:
    """A caption's regression variant where it has one: classes mean nothing there."""
    return f"{key}_regression" if task == "regression" and i18n.has(f"{key}_regression") else key


def live_probe(job):
    """This session's probe for the job, registered on it once (a new run gets a new one)."""
    held = st.session_state.get(Key.INSIDE_PROBE)
    if held and held[0] is job:
        return held[1]
    if job.prepared is None:
        return None
    probe = live.LiveProbe(job.prepared, job.cfg.activation)
    job.set_probe(PROBE, probe)
    st.session_state[Key.INSIDE_PROBE] = (job, probe)
    return probe


def current_view(job, s):
    """(view, None) or (None, (st.error or st.info, message)). While the run trains, the
    probe's last result; paused, finished, or before the probe's first result: computed here
    from a copy of the model (never switching the live model's train/eval mode from this thread)."""
    probe = live_probe(job)
    if s.status == Status.ERROR:
        return None, (st.error, s.error)
    if probe is None or job.prepared is None:
        return None, (st.info, T("inside.collecting"))
    probe.touch()   # heartbeat: the probe works only while someone looks
    got = s.probes.get(PROBE)
    if isinstance(got and got[1], Exception):
        return None, (st.error, T("inside.probe_failed", why=f"{type(got[1]).__name__}: {got[1]}"))
    if s.status == Status.RUNNING and got and got[1] is not None:
        return got[1], None
    key = (id(job), s.epoch, s.status)
    cached = st.session_state.get(Key.INSIDE_CACHE)
    if cached and cached[0] == key:
        return cached[1], None
    net = job.model_copy(s)
    if net is None:
        return None, (st.info, T("inside.collecting"))
    view = live.inspect(net, job.prepared, job.cfg.activation, probe.sample, probe.picks)
    view.update(epoch=s.epoch, grad_norms=list(s.grad_norms))
    st.session_state[Key.INSIDE_CACHE] = (key, view)
    return view, None


def chart(name: str, view: dict, build, *depends) -> None:
    """A plotly chart built once per view (and layer / sample / language): live polls
    between two probe results only re-send what is already built."""
    memo = st.session_state.setdefault(Key.INSIDE_FIGS, {})
    sig = (id(view), view["epoch"], lang(), depends)
    if name not in memo or memo[name][0] != sig:
        memo[name] = (sig, build())
    live_chart.chart(memo[name][1], key=inside_chart_key(name), revision=runs.serial())


def pick_layer(view) -> str:
    return widgets.translated_select(st.selectbox, T("inside.layer"), list(view["layers"]), Key.INSIDE_LAYER,
                                     lambda n: inside_figs.layer_title(n, T), help=T("inside.layer_help"),
                                     placeholder=T("select.placeholder"))


def activations_section(view, layer, job) -> None:
    prep, lv = job.prepared, view["layers"][layer]
    st.subheader(T("inside.act_section"))
    left, right = st.columns([3, 2])
    with left:
        chart("heatmap", view, lambda: inside_figs.activation_heatmap(lv, view["y"], view["groups"], prep.task,
                                                                      prep.class_names, T, layer), layer)
        note = T("inside.heat_cut", shown=len(lv["shown"]), units=lv["units"]) if len(lv["shown"]) < lv["units"] else ""
        st.caption(T(for_task("inside.heat_caption", prep.task), n=len(view["y"])) + " " + note)
    with right:
        chart("hist", view, lambda: inside_figs.histogram_figure(lv, T, layer), layer)
        dead = lv["dead"]
        if dead is None:
            st.caption(T("inside.dead_na", act=T.get(f"choice.activation.{job.cfg.activation}", job.cfg.activation)))
        else:
            st.metric(T("inside.dead_share"), f"{dead.mean():.0%}", help=T("inside.dead_help"),
                      delta=T("inside.dead_count", dead=int(dead.sum()), units=len(dead)), delta_color="off",
                      delta_arrow="off")
            others = [f"{inside_figs.layer_title(n, T)}: {v['dead'].mean():.0%}" for n, v in view["layers"].items()
                      if v["dead"] is not None]
            st.caption(T("inside.dead_all", list=" · ".join(others)))


def drives_section(view, layer, job) -> None:
    prep = job.prepared
    st.markdown(f"**{T('inside.drives_title')}**")
    if "cnn" in view:
        cnn = view["cnn"]
        names = [prep.class_names[view["y"][p]] for p in cnn["picks"]]
        k = widgets.translated_select(st.selectbox, T("inside.pick_sample"), list(range(len(names))), Key.INSIDE_PICK,
                                      lambda i: T("inside.sample_of", cls=names[i]),
                                      placeholder=T("select.placeholder"))
        chart("cnn", view, lambda: inside_figs.cnn_figure(cnn, k, prep.image_shape, T), k)
        st.caption(T("inside.cnn_caption"))
    elif "pictures" in view and layer == "hidden1":
        pics = view["pictures"]
        dead = view["layers"]["hidden1"]["dead"]
        chart("pictures", view, lambda: inside_figs.pictures_figure(pics, T, dead))
        st.caption(T("inside.pictures_caption", shown=len(pics["images"]), units=pics["units"])
                   + (" " + T("inside.pictures_dead") if dead is not None and dead.any() else ""))
    if layer in view.get("weights", {}):
        chart("weights", view, lambda: inside_figs.input_weights_figure(view["weights"][layer], T, layer), layer)
        st.caption(T("inside.weights_caption"))
    elif "cnn" not in view and not ("pictures" in view and layer == "hidden1"):
        st.caption(T("inside.weights_wide"))


def layers_section(view, job) -> None:
    prep = job.prepared
    layer = pick_layer(view)
    activations_section(view, layer, job)
    st.subheader(T("inside.repr_section"))
    left, right = st.columns(2)
    with left:
        lv = view["layers"][layer]
        chart("repr", view, lambda: inside_figs.representation_figure(lv["repr"], view["y"], prep.task,
                                                                      prep.class_names or [], T, layer), layer)
        st.caption(T(for_task("inside.repr_caption_" + lv["repr"]["kind"], prep.task)))
    with right:
        drives_section(view, layer, job)


def whole_view(view, job, s) -> None:
    st.subheader(T("inside.net_section"))
    st.caption(T("inside.view_epoch", epoch=view["epoch"]) + " · " + T("inside.net_caption"))
    chart("network", view, lambda: deep_net.whole_network_figure(view["graph"], T))
    if view["layers"]:
        layers_section(view, job)
    else:
        st.info(T("inside.no_hidden"), icon=":material/info:")
    if "plane" in view:
        st.subheader(T("inside.thumbs_section"))
        chart("thumbs", view, lambda: inside_figs.thumbnails_figure(view["plane"], T))
        st.caption(T(for_task("inside.thumbs_caption", job.prepared.task)))
    depth_view.gradient_section(view, job.cfg, s.history, chart)   # per layer, per epoch; seconds per epoch


def panel() -> None:
    pacing.tick()
    job = runs.training_job()
    if job is None:
        return
    s = runs.record(job)
    st.caption(status_line(s))
    if sequence_lab.is_sequence(job.prepared):     # a recurrent network: its memory per step
        sequence_lab.inside_panel(s, job)
        view, msg = None, None
    else:
        view, msg = current_view(job, s)
    if view is None and msg is not None:
        tone, message = msg
        tone(message)
    elif view is not None:
        whole_view(view, job, s)
    if widgets.controls_outdated(s) or pacing.pace_changed("inside", s, live.LIVE_SECONDS):
        st.rerun()   # redraw the buttons (and stop polling once the run is over), or poll at a new pace


def render() -> None:
    st.title(T("inside.title"))
    st.caption(T("inside.subtitle"))
    job = runs.training_job()
    if job is None:
        st.info(T("inside.no_job"), icon=":material/info:")
        st.page_link("views/train.py", label=T("inside.go_train"), icon=":material/model_training:")
        explainer(data.config().activation, len(data.config().hidden))
        return
    snap = runs.record(job)
    widgets.run_controls(job, snap)   # pause to study one epoch, step to see what one more changes
    st.fragment(panel, run_every=pacing.drawn_pace("inside", snap, live.LIVE_SECONDS))()
    explainer(job.cfg.activation, len(job.cfg.hidden))


render()
