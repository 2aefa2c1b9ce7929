"""The child's frames: length-prefixed `marshal` dumps, read until the stream ends or a frame is
cut short (a child killed mid-write)."""

import io
import marshal

from annotator.imports.sandbox import _frames


def _frame(records: list) -> bytes:
    data = marshal.dumps(records)
    return len(data).to_bytes(4, "big") + data


def test_frames_are_read_whole_and_in_order():
    stream = io.BytesIO(_frame([{"t": "row", "quote": "é 😀"}]) + _frame([{"t": "end"}]))
    assert [marshal.loads(f) for f in _frames(stream)] == [  # noqa: S302 - our own frames
        [{"t": "row", "quote": "é 😀"}],
        [{"t": "end"}],
    ]


def test_a_cut_frame_ends_the_stream():
    whole = _frame([{"t": "row"}])
    stream = io.BytesIO(whole + _frame([{"t": "end"}])[:-3])
    assert len(list(_frames(stream))) == 1
    assert list(_frames(io.BytesIO(b"\x00\x00"))) == []
