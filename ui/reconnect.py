"""A page whose connection Streamlit gave up on reloads itself, and finds its run again.

Streamlit's frontend closes its websocket for good (DISCONNECTED_FOREVER, close code 1005)
when it fails to process a message. With a class of 30 on one 2-core server a page did,
on "Bad delta path index 2 (should be between [0, 1])": a fragment's delta arriving for an
element tree the page no longer had (bench/classroom.py keeps each page's console). The
page then shows its last drawing forever; the server has nothing to rerun. Streamlit marks
that state on its root element (data-test-connection-state="DISCONNECTED_FOREVER"; a page
that is reconnecting is CONNECTING or PINGING_SERVER, and reconnects by itself). This
script, once per page, reloads the page as soon as it sees that state and the server
answers its health check. The address carries the run's token (?run=), so the reloaded
page follows the same run, as a reload by the student would; a running run goes on if the
reload comes within the closed-tab grace (PLAYGROUND_CLOSED_TAB_GRACE, 15 s by default).
At most MAX_RELOADS in RELOAD_WINDOW_S per tab, so a page that keeps failing stays as it is
rather than reloading in a loop.
"""
from __future__ import annotations

import streamlit as st

CHECK_EVERY_S = 1
MAX_RELOADS = 3
RELOAD_WINDOW_S = 600

# setTimeout, not setInterval: Streamlit's polls are the page's interval timers (the tests count them)
SCRIPT = f"""<script>
(() => {{
  if (window.__nnpReconnect) return;
  window.__nnpReconnect = true;
  const KEY = "nnp-reloads", app = () => document.querySelector('[data-testid="stApp"]');
  const gaveUp = () => app()?.getAttribute("data-test-connection-state") === "DISCONNECTED_FOREVER";
  let reloading = false;
  const reload = async () => {{
    if (reloading || !gaveUp()) return;
    const now = Date.now(), recent = JSON.parse(sessionStorage.getItem(KEY) || "[]")
      .filter(t => now - t < {RELOAD_WINDOW_S * 1000});
    if (recent.length >= {MAX_RELOADS}) return;            // give up: no reload loop
    reloading = true;
    try {{
      const base = location.pathname.replace(/[^/]*$/, "");
      if ((await fetch(base + "_stcore/health", {{cache: "no-store"}})).ok) {{
        sessionStorage.setItem(KEY, JSON.stringify([...recent, now]));
        location.reload();
        return;
      }}
    }} catch (e) {{}}                                       // the server is away: try again later
    reloading = false;
  }};
  // at once when Streamlit gives up (its root's state attribute), and once a second besides
  if (app()) new MutationObserver(reload).observe(app(), {{attributeFilter: ["data-test-connection-state"]}});
  const tick = () => {{ reload(); setTimeout(tick, {CHECK_EVERY_S * 1000}); }};
  setTimeout(tick, {CHECK_EVERY_S * 1000});
}})();
</script>"""


def install() -> None:
    """The watchdog, in this page (it installs itself once; the element draws nothing)."""
    st.html(SCRIPT, unsafe_allow_javascript=True)
