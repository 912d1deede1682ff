"""The Qt binding must be safe to run for months: a reference lost on each signal emit
crashes the interpreter once True's count reaches zero (PySide6 6.12.0 on Python 3.11)."""

import sys

from PySide6.QtCore import QObject, Signal


class Emitter(QObject):
    changed = Signal(int)


def test_emitting_signals_does_not_leak_references_to_booleans(qapp):
    emitter = Emitter()
    received = []
    emitter.changed.connect(received.append)
    before = sys.getrefcount(True), sys.getrefcount(False)
    for value in range(50):
        emitter.changed.emit(value)
    assert (sys.getrefcount(True), sys.getrefcount(False)) == before
    assert received == list(range(50))
