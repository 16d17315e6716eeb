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


def test_a_fragment_can_ask_for_another_keyed_fragments_rerun():
    """ui/live_watch.rerun_fragment: the run context's requests, fragment ids and storage."""
    import dataclasses

    from streamlit.runtime.fragment import MemoryFragmentStorage
    from streamlit.runtime.scriptrunner_utils.script_requests import RerunData, ScriptRequests
    from streamlit.runtime.scriptrunner_utils.script_run_context import ScriptRunContext

    fields = {f.name for f in dataclasses.fields(ScriptRunContext)}
    assert {"script_requests", "fragment_ids_this_run", "fragment_storage", "query_string",
            "cached_message_hashes", "context_info"} <= fields
    assert isinstance(getattr(ScriptRunContext, "page_script_hash", None), property)
    assert {"fragment_id_queue", "is_fragment_scoped_rerun"} <= {f.name for f in dataclasses.fields(RerunData)}
    assert callable(getattr(ScriptRequests, "request_rerun", None))
    assert callable(getattr(MemoryFragmentStorage, "resolve_target", None))


def test_a_fragment_knows_its_own_id_while_it_runs():
    """ui/live_watch.in_fragment_rerun: a poll's own rerun, not an enclosing fragment's (the lab's body)."""
    import dataclasses

    from streamlit.runtime.scriptrunner_utils.script_run_context import FragmentThreadState, ThreadState

    assert "fragment_id" in {f.name for f in dataclasses.fields(FragmentThreadState)}
    assert callable(getattr(ThreadState, "get", None))


def test_the_server_can_rerun_a_page_as_run_on_save_does():
    """ui/revive.rerun_session: a session's event loop, its last client state, request_rerun."""
    from streamlit.proto.ClientState_pb2 import ClientState
    from streamlit.runtime.app_session import AppSession

    init = inspect.getsource(AppSession.__init__)
    assert "self._client_state" in init and "self._event_loop" in init
    assert "self.request_rerun(self._client_state)" in inspect.getsource(AppSession)   # run-on-save, the model
    assert callable(getattr(SessionManager, "get_active_session_info", None))
    assert {"fragment_id", "is_auto_rerun"} <= set(ClientState.DESCRIPTOR.fields_by_name)
