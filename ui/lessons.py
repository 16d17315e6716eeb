"""Lessons in the app: which lesson is open (a link's `?lesson=<id>` or the Lessons page),
this session's progress, the lesson panel the lab shows beside the run, and the goal
check on this session's run (`check_goal`, called by the lab on every poll)."""
from __future__ import annotations

import time

import streamlit as st

from playground import lessons
from playground.config import FIELDS, RunConfig, format_value
from playground.lessons import goals

from . import projector, runs
from .lang import T, lang
from .session import Key

PARAM = "lesson"          # the query parameter that opens a lesson
PAGE = "views/lessons.py"
PAGE_ICONS = {"train": ":material/model_training:", "data": ":material/table_chart:",
              "evaluate": ":material/analytics:", "inside": ":material/hub:", "sketch": ":material/draw:",
              "compare": ":material/compare_arrows:", "lessons": ":material/school:", "glossary": ":material/menu_book:"}


class K:
    """This module's session keys (declared in ui.session.Key)."""
    OPEN, SINCE, DONE, CHECKED = Key.LESSON_OPEN, Key.LESSON_SINCE, Key.LESSONS_DONE, Key.LESSON_CHECKED
    JUST_DONE, UNKNOWN, PANEL = Key.LESSON_JUST_DONE, Key.LESSON_UNKNOWN, Key.LESSON_PANEL
    ANSWER, CLOSE, RESTART = Key.LESSON_ANSWER, Key.LESSON_CLOSE, Key.LESSON_RESTART


# --- which lesson is open ------------------------------------------------------------------------

def current() -> lessons.Lesson | None:
    return lessons.get(st.session_state.get(K.OPEN))


def done() -> dict:
    return st.session_state.setdefault(K.DONE, {})


def _open(lesson: lessons.Lesson) -> None:
    ss = st.session_state
    ss[K.OPEN] = lesson.id
    cv = ss.get(Key.CV_JOB)     # runs started later count, the Compare list's since then, a newer cross-validation
    ss[K.SINCE] = (runs.serial(), time.time(), id(cv) if cv is not None else 0)
    ss.pop(K.CHECKED, None)
    ss.pop(K.PANEL, None)            # a new expander: the steps in view when a lesson opens
    ss.pop(K.ANSWER, None)


def from_link(params: dict) -> dict:
    """ui.url.read's hook: a link naming a lesson opens it, and its preset fills the controls
    under the link's own values (a reloaded lesson page keeps the student's changes)."""
    params = dict(params)
    asked = params.pop(PARAM, None)
    if asked is None:
        return params
    lesson = lessons.get(asked)
    if lesson is None:
        st.session_state[K.UNKNOWN] = asked
        return params
    _open(lesson)
    return {**lesson.preset, **params}


def link_names_another() -> bool:
    """After init_session on every run: True when the address names a lesson that is not the
    open one (a Lessons page link, Restart); the session is then marked for a fresh reading
    of the link, which the app does with ui.sidebar.init_session (as a new link would)."""
    asked = st.query_params.get(PARAM)
    if asked and asked != st.session_state.get(K.OPEN) and lessons.get(asked) is not None:
        st.session_state[Key.INITIALISED] = False
        return True
    return False


def link_params(cfg: RunConfig) -> dict:
    """What the address keeps while a lesson is open: its id and the preset's fields with
    their current values (so a reload restores the student's settings, not the preset's)."""
    lesson = current()
    if lesson is None:
        return {}
    return {PARAM: lesson.id, **{k: format_value(k, getattr(cfg, k)) for k in lesson.preset if k in FIELDS}}


def _close() -> None:
    st.session_state[K.OPEN] = None
    st.query_params.pop(PARAM, None)


def _restart(lesson_id: str) -> None:
    """The lesson's setup again: the address names only the lesson, and the app reopens it (link_names_another)."""
    st.session_state[K.OPEN] = None
    st.query_params.from_dict({PARAM: lesson_id, "lang": lang(), **projector.params()})


# --- the goal ------------------------------------------------------------------------------------

def _since() -> tuple[int, float, int]:
    """(run serial, wall time, the cross-validation job then) when the lesson opened."""
    since = st.session_state.get(K.SINCE, (0, 0.0, 0))
    return (*since, 0, 0.0, 0)[:3] if isinstance(since, tuple) else (since, 0.0, 0)


def _threshold(job) -> float:
    """The learner's threshold on the Evaluate page (binary tasks; 0.5 until they move it)."""
    if job.prepared is None or job.prepared.task != "binary":
        return 0.5
    return float(st.session_state.get(Key.EVAL_THRESHOLD, 0.5))


def _crossval() -> dict | None:
    """This session's last cross-validation (the Evaluate page's) if it started after the
    lesson opened, as the goals read it."""
    cv = st.session_state.get(Key.CV_JOB)
    if cv is None or id(cv) == _since()[2]:
        return None
    s = cv.snapshot()
    return {"dataset": cv.cfg.dataset, "method": s.method, "folds": len(s.folds), "status": str(s.status)}


def _others() -> tuple:
    """Configs of this session's finished runs since the lesson opened (the Compare list)."""
    from . import run_list
    opened = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(_since()[1]))
    return tuple(r.config for r in run_list.records() if r.finished_at[:19] >= opened)


def _params(job) -> int | None:
    from playground.nn.model import count_params
    p = job.prepared
    return count_params(p.n_features, p.n_outputs, job.cfg, p.image_shape) if p is not None else None


def _facts(job, snap) -> goals.RunFacts:
    return goals.RunFacts(job.cfg, list(snap.history), snap.status, snap.weights_epoch,
                          lambda t: goals.val_metrics(job.prepared, snap.val_output, t) if job.prepared else {},
                          threshold=_threshold(job), crossval=_crossval(), others=_others(),
                          params=lambda: _params(job))


def check_goal(job, rerun: bool = True) -> bool:
    """Check the open lesson's goal on this run (started after the lesson opened); mark the
    lesson done the first time a run meets it. True when it was just marked done (with
    `rerun`, the page reruns so the panel and the Lessons page show it)."""
    ss = st.session_state
    lesson = current()
    if lesson is None or job is None or runs.serial() <= _since()[0]:
        return False
    snap = runs.record(job)
    if not snap.history and not snap.finished:
        return False
    facts = _facts(job, snap)
    sig = (lesson.id, id(job), snap.epoch, str(snap.status), job.cfg, facts.threshold,
           repr(facts.crossval), facts.others)
    cached = ss.get(K.CHECKED)
    if cached is not None and cached[0] == sig:
        return False
    checks = goals.check(lesson.goal, facts, lesson.dataset)
    ss[K.CHECKED] = (sig, checks)
    if not all(c.ok for c in checks) or lesson.id in done():
        return False
    done()[lesson.id] = runs.serial()
    ss[K.JUST_DONE] = lesson.id
    if rerun:
        st.rerun()
    return True


def _metric_name(name: str) -> str:
    return T.get(f"lesson.metric.{name}", name)


def _shown(v) -> str:
    if isinstance(v, float):
        return f"{v:.3f}"
    if isinstance(v, tuple):
        return ",".join(map(str, v)) or T("lesson.none")
    if isinstance(v, bool):
        return T("lesson.on") if v else T("lesson.off")
    return T.get(f"lesson.status.{v}", str(v)) if isinstance(v, str) else str(v)


def _check_line(c: goals.Check) -> str:
    mark = ":material/check_circle:" if c.ok else ":material/radio_button_unchecked:"
    if c.kind == "crossval":
        method = T(f"lesson.cv_method.{c.cond['method']}") if "method" in c.cond else T("lesson.cv_any")
        target = f"{c.cond.get('op', '==')} {c.cond['value']}"
        return f"{mark} {T('lesson.check_crossval', method=method, value=c.value, target=target)}"
    if c.kind == "compare":
        what = T.get(f"field.{c.cond['compare']}", c.cond["compare"])
        wanted = ", ".join("/".join(map(_shown, v)) if isinstance(v, list) else _shown(v)     # on / off, not True
                           for v in c.cond.get("values", []))
        if "count" in c.cond:
            wanted = ", ".join(filter(None, [wanted, T("lesson.compare_count", n=c.cond["count"])]))
        shown = ", ".join(_shown(v) for v in c.value)
        return f"{mark} {T('lesson.check_compare', what=what, value=shown, target=wanted or T('lesson.compare_two'))}"
    if c.kind == "metric":
        what = _metric_name(c.cond["metric"])
        target = f"{c.cond.get('op', '==')} {_shown(c.cond['value'])}"
        return f"{mark} {T('lesson.check_value', what=what, value=_shown(c.value) if c.value is not None else '–', target=target)}"
    if c.kind == "status":
        status = T(f"lesson.status.{c.cond['status']}")
        return f"{mark} {T('lesson.check_status', status=status)}"
    name = c.cond["config"]
    what = T(f"lesson.{name}") if name in goals.DERIVED else T.get(f"field.{name}", name)
    target = c.cond["value"]
    target = T("lesson.none") if target == "" else _shown(target) if isinstance(target, bool) else target
    op = c.cond.get("op", "==")
    return f"{mark} {T('lesson.check_value', what=what, value=_shown(c.value), target=f'{op} {target}')}"


# --- the panel beside the lab ----------------------------------------------------------------------

def lesson_link(lesson_id: str, label: str, **kw) -> None:
    """A link that opens a lesson on the Train page (as ?lesson=<id> would)."""
    st.page_link("views/train.py", label=label, query_params={PARAM: lesson_id, **projector.params()}, **kw)


def _step(i: int, step: lessons.Step) -> None:
    st.markdown(f"{i}. {lessons.say(current(), step.text, lang())}")
    if step.page and step.page != "train":
        st.page_link(f"views/{step.page}.py", label=T(f"nav.{step.page}"), icon=PAGE_ICONS.get(step.page))


def _goal_box(lesson: lessons.Lesson) -> None:
    is_done = lesson.id in done()
    goal = lessons.say(lesson, lesson.goal.text, lang())
    if is_done:
        st.success(f"**{T('lesson.goal')}** — {goal}\n\n{T('lesson.done')}", icon=":material/verified:")
    else:
        st.info(f"**{T('lesson.goal')}** — {goal}", icon=":material/flag:")
    cached = st.session_state.get(K.CHECKED)
    if cached and cached[0][0] == lesson.id:
        st.caption(T("lesson.last_run") + "  \n" + "  \n".join(_check_line(c) for c in cached[1]))
    elif not is_done:
        st.caption(T("lesson.no_run_yet"))


def _question(lesson: lessons.Lesson) -> None:
    st.markdown(f"**{T('lesson.question')}** {lessons.say(lesson, lesson.question, lang())}")
    if st.toggle(T("lesson.show_answer"), key=K.ANSWER):
        st.markdown(lessons.say(lesson, lesson.answer, lang()))


def _unknown_note() -> None:
    asked = st.session_state.pop(K.UNKNOWN, None)
    if asked:
        st.warning(T("lesson.unknown", id=asked), icon=":material/link_off:")
        st.page_link(PAGE, label=T("nav.lessons"), icon=PAGE_ICONS["lessons"])


def lesson_panel(job, narrow: bool = False) -> None:
    """The open lesson beside the lab: a collapsible box whose title says the lesson and its
    goal's state; inside, the concept, the steps (with links to the pages they happen on), the
    goal and how the last run measured against it, the question (answer on demand).
    `narrow` (the sidebar): one column."""
    _unknown_note()
    lesson = current()
    if lesson is None:
        return
    check_goal(job, rerun=False)
    if st.session_state.pop(K.JUST_DONE, None) == lesson.id:
        st.toast(T("lesson.done_toast", title=lessons.say(lesson, lesson.title, lang())), icon=":material/celebration:")
        st.balloons()
    is_done = lesson.id in done()
    label = T("lesson.panel_title", n=lesson.number, title=lessons.say(lesson, lesson.title, lang()))
    label += f" — {T('lesson.done_short') if is_done else T('lesson.in_progress')}"
    with st.expander(label, expanded=True, key=K.PANEL, icon=":material/verified:" if is_done else ":material/school:"):
        left, right = (st.container(), st.container()) if narrow else st.columns([3, 2], gap="medium")
        with left:
            st.caption(lessons.say(lesson, lesson.concept, lang()))
            st.markdown(f"**{T('lesson.steps')}**")
            for i, step in enumerate(lesson.steps, 1):
                _step(i, step)
        with right:
            _goal_box(lesson)
            _question(lesson)
            row = st.container(horizontal=True, gap="small")
            row.button(T("lesson.restart"), key=K.RESTART, on_click=_restart, args=(lesson.id,),
                       icon=":material/restart_alt:", help=T("lesson.restart_help"))
            row.button(T("lesson.close"), key=K.CLOSE, on_click=_close, icon=":material/close:")
            with row:
                st.page_link(PAGE, label=T("lesson.all"), icon=PAGE_ICONS["lessons"])
