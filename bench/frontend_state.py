"""What Streamlit 1.67's frontend keeps for a page, for bench/light_students.py: a widget's
state when it is first drawn, the text an element shows, and the ForwardMsg cache (its
hashes go with every rerun). Read from the frontend's bundle (streamlit/static/static/js)."""
from __future__ import annotations

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.Slider_pb2 import Slider
from streamlit.proto.WidgetStates_pb2 import WidgetState


def widget_state(kind: str, w) -> WidgetState | None:
    """The state the frontend keeps for a widget (its element's `kind` proto `w`) when it is
    first drawn: the value the server set (set_value), else the default, in the wire type
    the server's deserializer reads. None for buttons (their triggers are one-shot), kinds
    not mimicked (a chart's selection, camera and audio inputs) and inputs without a value."""
    ws = WidgetState(id=w.id)
    if kind == "checkbox":
        ws.bool_value = w.value if w.set_value else w.default
    elif kind == "slider":
        values = list(w.value if w.set_value and w.value else w.default)
        if w.type != Slider.SELECT_SLIDER:
            ws.double_array_value.data[:] = values
        else:        # a select slider's state: its options' labels, not their indices
            ws.string_array_value.data[:] = w.raw_value if w.set_value and w.raw_value else \
                [w.options[int(i)] for i in values]
    elif kind in ("selectbox", "radio", "text_input", "text_area", "number_input"):
        field = "raw_value" if kind in ("selectbox", "radio") else "value"
        if w.set_value and w.HasField(field):
            value = getattr(w, field)
        elif w.HasField("default"):
            value = w.options[w.default] if field == "raw_value" else w.default
        else:
            return None
        field = "string_value" if kind != "number_input" else "int_value" if w.data_type == w.INT else "double_value"
        setattr(ws, field, int(value) if field == "int_value" else value)
    elif kind in ("multiselect", "button_group"):
        labels = [o.content for o in w.options] if kind == "button_group" else w.options
        ws.string_array_value.data[:] = w.raw_values if w.set_value else [labels[i] for i in w.default]
    elif kind == "file_uploader":
        ws.file_uploader_state_value.SetInParent()    # no files: an empty state, as a browser's
    else:
        return None
    return ws


def element_text(kind: str, w) -> str:
    """The text an element shows (what the watcher's textContent would read)."""
    if kind in ("markdown", "text", "alert", "heading"):
        return w.body
    return w.text if kind == "progress" else ""


class MessageCache:
    """The frontend's ForwardMsg cache: cacheable messages by hash, each with the run count
    when last used and its fragment; the hashes go with every rerun."""

    def __init__(self):
        self.entries: dict[str, list] = {}    # hash -> [message, run count, fragment id]
        self.runs = 0

    def keep(self, msg: ForwardMsg) -> None:
        if msg.metadata.cacheable and msg.hash:      # a new entry, or one used again: younger
            self.entries.setdefault(msg.hash, [msg, 0, msg.delta.fragment_id])[1] = self.runs

    def resolve(self, ref: ForwardMsg) -> ForwardMsg | None:
        """The cached message a ref_hash names, with the reference's metadata (its place)."""
        if (entry := self.entries.get(ref.ref_hash)) is None:
            return None
        entry[1] = self.runs
        msg = ForwardMsg()
        msg.CopyFrom(entry[0])
        msg.metadata.CopyFrom(ref.metadata)
        return msg

    def age(self, max_age: int, fragment_ids: list[str]) -> None:
        """A run finished: entries unused for more than max_age runs go (a fragment run ages
        only its fragments' entries)."""
        self.runs += 1
        for h, (_msg, used, fragment) in list(self.entries.items()):
            if (not fragment_ids or fragment in fragment_ids) and self.runs - used > max_age:
                del self.entries[h]
