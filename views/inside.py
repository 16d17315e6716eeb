"""Inside the network: what the hidden layers compute, live while the run trains.

While a run trains, a probes.LiveProbe registered on the job computes every view in
the training thread (throttled; 200 rows) and this page only draws its last result.
A paused or finished run is read from job.model_copy() (weights of an epoch boundary).
"""
import streamlit as st

from playground.figures import inside as inside_figs
from playground.inspect import layers, live
from playground.status import Status
from ui import state
from ui.status import status_line

T = state.T()
cfg = state.config()
job = state.job()
PROBE = "inside"          # this page's name in snapshot().probes

st.title(T("inside.title"))
st.caption(T("inside.subtitle"))


@st.cache_data(show_spinner=False)
def activation_curves():
    return layers.activation_curves()


def explainer(chosen: str) -> None:
    st.subheader(T("inside.act_header"))
    st.plotly_chart(inside_figs.activation_functions_figure(activation_curves(), chosen, T), key="act_fns")
    st.markdown(T("inside.act_text", act=T.get(f"choice.activation.{chosen}", chosen)))
    if chosen == "linear":
        st.warning(T("inside.linear_note"), icon=":material/warning:")
    st.markdown(T("inside.why_nonlinear"))
    st.latex(r"W_2\,(W_1 x + b_1) + b_2 \;=\; (W_2 W_1)\,x + (W_2 b_1 + b_2)")
    st.caption(T("inside.why_nonlinear_try"))


if job is None:
    st.info(T("inside.no_job"), icon=":material/info:")
    st.page_link("views/train.py", label=T("inside.go_train"), icon=":material/model_training:")
    explainer(cfg.activation)
    st.stop()

active = job.snapshot().active


def live_probe(j):
    """This session's probe for job j, registered on it once (a new run gets a new one)."""
    held = st.session_state.get("inside_probe")
    if held and held[0] is j:
        return held[1]
    if j.prepared is None:
        return None
    probe = live.LiveProbe(j.prepared, j.cfg.activation)
    j.set_probe(PROBE, probe)
    st.session_state["inside_probe"] = (j, probe)
    return probe


def current_view(j, s):
    """(view, None) or (None, (kind, message)). While the run trains, the probe's last result;
    paused, finished, or before the probe's first result: computed here from a copy of the
    model (never switching the live model's train/eval mode from this thread)."""
    probe = live_probe(j)
    if s.status == Status.ERROR:
        return None, ("error", s.error)
    if probe is None or j.prepared is None:
        return None, ("info", T("inside.collecting"))
    probe.touch()   # heartbeat: the probe works only while someone looks
    got = s.probes.get(PROBE)
    if isinstance(got and got[1], Exception):
        return None, ("error", T("inside.probe_failed", why=f"{type(got[1]).__name__}: {got[1]}"))
    if s.status == Status.RUNNING and got and got[1] is not None:
        return got[1], None
    key = (id(j), s.epoch, s.status)
    cached = st.session_state.get("inside_cache")
    if cached and cached[0] == key:
        return cached[1], None
    net = j.model_copy()
    if net is None:
        return None, ("info", T("inside.collecting"))
    view = live.inspect(net, j.prepared, j.cfg.activation, probe.sample, probe.picks)
    view.update(epoch=s.epoch, grad_norms=list(s.grad_norms))
    st.session_state["inside_cache"] = (key, view)
    return view, None


def controls(j, s) -> None:
    """Pause / step / stop right here: pause to study one epoch, step to see what one more changes."""
    st.session_state["_inside_status"] = s.status
    c1, c2, c3, _ = st.columns([1.2, 1.2, 1.2, 4])
    if s.status == Status.PAUSED:
        if c1.button(T("train.resume"), icon=":material/resume:", key="inside_resume", width="stretch"):
            j.resume()
            st.rerun()
    elif c1.button(T("train.pause"), icon=":material/pause:", key="inside_pause", width="stretch",
                   disabled=not s.active):
        j.pause()
        st.rerun()
    if c2.button(T("train.step"), icon=":material/skip_next:", key="inside_step", width="stretch",
                 disabled=s.status != Status.PAUSED, help=T("train.step_help")):
        j.step()
        st.rerun()
    if c3.button(T("train.stop"), icon=":material/stop:", key="inside_stop", width="stretch", disabled=not s.active):
        j.stop()
        st.rerun()


def chart(name: str, view: dict, build, *depends) -> None:
    """A plotly chart built once per view (and layer / sample / language): live polls
    between two probe results only re-send what is already built."""
    memo = st.session_state.setdefault("inside_figs", {})
    sig = (id(view), view["epoch"], state.lang(), depends)
    if name not in memo or memo[name][0] != sig:
        memo[name] = (sig, build())
    st.plotly_chart(memo[name][1], key=name)


def remembered_select(label: str, options: list, name: str, format_func, **kw):
    """A selectbox whose choice survives new runs and language switches. The key includes
    the language: Streamlit keeps showing the old labels of a keyed selectbox whose
    format_func output changed (streamlit/streamlit PR #13788)."""
    prev = st.session_state.get(name)
    value = st.selectbox(label, options, index=options.index(prev) if prev in options else 0,
                         key=f"{name}_{state.lang()}", format_func=format_func, **kw)
    st.session_state[name] = value
    return value


def pick_layer(view) -> str:
    return remembered_select(T("inside.layer"), list(view["layers"]), "inside_layer",
                             lambda n: inside_figs.layer_title(n, T), help=T("inside.layer_help"))


def activations_section(view, layer, j) -> None:
    prep, lv = j.prepared, view["layers"][layer]
    st.subheader(T("inside.act_section"))
    left, right = st.columns([3, 2])
    with left:
        chart("heatmap", view, lambda: inside_figs.activation_heatmap(lv, view["y"], view["groups"], prep.task,
                                                             prep.class_names, T, layer), layer)
        note = T("inside.heat_cut", shown=len(lv["shown"]), units=lv["units"]) if len(lv["shown"]) < lv["units"] else ""
        st.caption(T("inside.heat_caption", n=len(view["y"])) + " " + note)
    with right:
        chart("hist", view, lambda: inside_figs.histogram_figure(lv, T, layer), layer)
        dead = lv["dead"]
        if dead is None:
            st.caption(T("inside.dead_na", act=T.get(f"choice.activation.{j.cfg.activation}", j.cfg.activation)))
        else:
            st.metric(T("inside.dead_share"), f"{dead.mean():.0%}", help=T("inside.dead_help"),
                      delta=T("inside.dead_count", dead=int(dead.sum()), units=len(dead)), delta_color="off",
                      delta_arrow="off")
            others = [f"{inside_figs.layer_title(n, T)}: {v['dead'].mean():.0%}" for n, v in view["layers"].items()
                      if v["dead"] is not None]
            st.caption(T("inside.dead_all", list=" · ".join(others)))


def drives_section(view, layer, j) -> None:
    prep = j.prepared
    st.markdown(f"**{T('inside.drives_title')}**")
    if "cnn" in view:
        cnn = view["cnn"]
        names = [prep.class_names[view["y"][p]] for p in cnn["picks"]]
        k = remembered_select(T("inside.pick_sample"), list(range(len(names))), "inside_pick",
                              lambda i: T("inside.sample_of", cls=names[i]))
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


def panel() -> None:
    j = state.job()
    if j is None:
        return
    s = j.snapshot()
    st.caption(status_line(s, T))
    view, msg = current_view(j, s)
    if view is None:
        (st.error if msg[0] == "error" else st.info)(msg[1])
    else:
        prep = j.prepared
        st.subheader(T("inside.net_section"))
        st.caption(T("inside.view_epoch", epoch=view["epoch"]) + " · " + T("inside.net_caption"))
        chart("network", view, lambda: inside_figs.network_figure(view["graph"], T))

        if view["layers"]:
            layer = pick_layer(view)
            activations_section(view, layer, j)
            st.subheader(T("inside.repr_section"))
            left, right = st.columns(2)
            with left:
                lv = view["layers"][layer]
                chart("repr", view, lambda: inside_figs.representation_figure(lv["repr"], view["y"], prep.task,
                                                                     prep.class_names or [], T, layer), layer)
                st.caption(T("inside.repr_caption_" + lv["repr"]["kind"]))
            with right:
                drives_section(view, layer, j)
        else:
            st.info(T("inside.no_hidden"), icon=":material/info:")

        if "plane" in view:
            st.subheader(T("inside.thumbs_section"))
            chart("thumbs", view, lambda: inside_figs.thumbnails_figure(view["plane"], T))
            st.caption(T("inside.thumbs_caption"))

        st.subheader(T("inside.grad_section"))
        if view["grad_norms"]:
            chart("grads", view, lambda: inside_figs.grad_norms_figure(view["grad_norms"], T))
        st.caption(T("inside.grad_caption"))
    if s.status != st.session_state.get("_inside_status"):
        st.rerun()   # paused, resumed or finished since the buttons were drawn: redraw them (and stop polling)


controls(job, job.snapshot())
st.fragment(panel, run_every=live.LIVE_SECONDS if active else None)()
explainer(job.cfg.activation)
