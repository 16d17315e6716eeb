"""The few Streamlit internals the app reads, checked against the installed Streamlit: an
upgrade that moves one fails here, by name, instead of a page silently guessing."""
import inspect

from streamlit.runtime import Runtime
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.session_manager import SessionManager


def test_the_runtime_keeps_its_session_manager_where_the_classroom_reads_it():
    assert "self._session_mgr" in inspect.getsource(Runtime.__init__)     # views/classroom.connected_sessions
    assert callable(getattr(SessionManager, "list_active_sessions", None))
    assert callable(getattr(Runtime, "is_active_session", None))           # ui/registry.browser_connected
    assert callable(getattr(Runtime, "exists", None)) and callable(getattr(Runtime, "instance", None))


def test_the_pages_manager_names_the_page_a_link_asked_for():
    source = inspect.getsource(PagesManager)                                 # ui/unknown_page.requested_path
    assert "intended_page_script_hash" in source and "intended_page_name" in source
