"""Neural Network Playground: `streamlit run app.py`.

The entrypoint draws the shared sidebar (so the controls survive page switches)
and routes to the pages with st.navigation."""
from pathlib import Path

import streamlit as st

from ui import projector

# a teacher's ?projector=1 link opens with the sidebar collapsed (and larger text below). The tab's
# icon is an emoji, drawn by the browser: a ":material/...:" icon is fetched from fonts.gstatic.com
# by every page, and a classroom server may have no internet (tests/e2e/conftest.py checks it)
st.set_page_config(page_icon="🧠", layout="wide", initial_sidebar_state=projector.sidebar_state())

from ui import (class_banners, classroom, heap, lessons, pacing, presence, reconnect, run_list, runs,  # noqa: E402
                sidebar, status, turns_gate, unknown_page, uploader_text)  # (after set_page_config)
from ui.lang import T  # noqa: E402

heap.map_large_blocks()       # once per process: a class's freed blocks go back to the OS (ui/heap.py)

ROOT = Path(__file__).parent
# (file, i18n title key, icon, url path); a page appears once its file exists
PAGES = [
    ("views/train.py", "nav.train", ":material/model_training:", "train"),
    ("views/data.py", "nav.data", ":material/table_chart:", "data"),
    ("views/evaluate.py", "nav.evaluate", ":material/analytics:", "evaluate"),
    ("views/inside.py", "nav.inside", ":material/hub:", "inside"),
    ("views/sketch.py", "nav.sketch", ":material/draw:", "sketch"),
    ("views/compare.py", "nav.compare", ":material/compare_arrows:", "compare"),
    ("views/lessons.py", "nav.lessons", ":material/school:", "lessons"),
    ("views/glossary.py", "nav.glossary", ":material/menu_book:", "glossary"),
    ("views/classroom.py", "nav.classroom", ":material/groups:", "classroom"),   # the teacher's view
]


def main() -> None:
    classroom.read_link()    # ?key= (the teacher) and ?class= (a student), before the sidebar rewrites the address
    classroom.announce()     # the teacher link in the server's log, once
    sidebar.init_session()
    if lessons.link_names_another():   # a Lessons page link (?lesson=<id>) opens its lesson as a link would
        sidebar.init_session()
    run_list.follow()        # the run list a reloaded page's run token names (Compare)
    pacing.tick(full=True)   # a full run sets its polls up anew (ui.revive)
    projector.apply()
    uploader_text.apply()   # the file uploaders speak the session's language
    st.set_page_config(page_title=T("app.page_title"))   # the browser tab, in the chosen language
    pages = [st.Page(str(ROOT / f), title=T(key), icon=icon, url_path=url, default=(i == 0))
             for i, (f, key, icon, url) in enumerate(PAGES) if (ROOT / f).exists()]
    # an unknown path opens the default page with a translated note, not Streamlit's English dialog
    nav = st.navigation(unknown_page.catch_unknown(pages, PAGES[0][3]))
    with st.sidebar:     # the open lesson beside every page: its steps stay in view while the student trains
        lessons.lesson_panel(runs.training_job(), narrow=True)
    presence.on_page(nav.url_path or PAGES[0][3])   # a student's row for the teacher's table
    sidebar.sidebar()
    status.sidebar_status(nav.url_path or PAGES[0][3])   # the default page has no path
    sidebar.link_problems()
    unknown_page.note()
    class_banners.show(nav.url_path or PAGES[0][3], PAGES[0][3])   # join, nickname, the teacher's banners
    nav.run()
    reconnect.install()      # a page whose connection Streamlit gave up on reloads itself (its run is in its address)
    pacing.confirm_drawn()   # after a run's end was drawn: one poll, to know that the page got it (ui.revive)
    runs.warm_up()           # once per process, after the page is drawn (ui.runs.warm_up)


with turns_gate.whole_page_turn():    # a class's whole-page runs one at a time (ui.turns_gate)
    main()
