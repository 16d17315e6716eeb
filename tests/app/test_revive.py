"""A page that stopped polling is found by the registry and rerun by the server (ui.revive;
the real browser's side is in tests/e2e/test_train_browser.py)."""
from apptest import open_app

from ui import revive
from ui.registry import QUIET_SLACK_S, REGISTRY, Registry


def test_a_connected_page_quiet_for_two_polls_is_found_once_per_quiet_spell():
    connected = {"a": True, "b": True, "gone": False}
    reg = Registry(connected=lambda sid: connected.get(sid, True))
    for sid in connected:
        reg.count_rerun(sid)
        reg.expect_polls(sid, 1.0)
    reg.expect_polls("b", 8.0)                      # a page's shortest poll counts
    t0 = max(s.last for s in reg.sessions().values())
    assert reg.quiet_sessions(now=t0 + 1.0 + QUIET_SLACK_S - 0.1) == []
    assert sorted(sid for sid, *_ in reg.quiet_sessions(now=t0 + 1.0 + QUIET_SLACK_S + 0.1)) == ["a", "b"]   # not the closed tab
    assert reg.quiet_sessions(now=t0 + 1.0 + QUIET_SLACK_S + 0.2) == []     # rerun: quiet again only later
    assert reg.sessions()["a"].revived == 1


def test_a_page_without_a_poll_is_never_quiet():
    reg = Registry(connected=lambda sid: True)
    reg.count_rerun("reading")
    reg.expect_polls("reading", 1.0)
    reg.expect_polls("reading", None)               # its next full run set up no poll (the run ended)
    assert reg.quiet_sessions(now=reg.sessions()["reading"].last + 3600) == []


def test_the_lab_expects_the_polls_it_set_up_a_slow_one_when_the_run_ended_then_none():
    from ui import pacing
    from ui.session import Key
    at = open_app("train.py", query={"dataset": "circle", "epochs": "0", "lang": "en"})
    next(b for b in at.button if b.label == "Train").click().run()
    job = at.session_state[Key.JOB]
    session = next(e.session for _, e in REGISTRY.runs() if e.job is job)      # this page's session
    mine = REGISTRY.sessions()[session]
    assert mine.pace == at.session_state[Key.PACES]["train"] is not None   # the watch's run_every
    job.stop()
    job.join(30)
    at.run()
    # the run's end drawn: a slow poll shows that it arrived (a page that lost it is found quiet)
    assert mine.pace == pacing.CONFIRM and not at.exception
    at.run()                                      # the page's next full run (a click, or the server's rerun)
    assert mine.pace is None                      # the ended run's page polls nothing: never "quiet"


def test_without_a_live_session_nothing_is_rerun():
    assert revive.rerun_session("no-such-session") is False
