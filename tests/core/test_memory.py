"""What a server process makes at startup is kept out of the garbage collector's full collections."""

from __future__ import annotations

import gc

import pytest

from shopwatch.core import memory


def test_startup_objects_are_frozen_once_a_process(monkeypatch: pytest.MonkeyPatch) -> None:
    gc.unfreeze()
    monkeypatch.setattr(memory, "_frozen", False)
    assert gc.get_freeze_count() == 0
    memory.freeze_startup_objects()
    frozen = gc.get_freeze_count()
    assert frozen > 10_000  # the modules, the schema and the ORM's models of this process
    made_since = [[n] for n in range(10)]
    memory.freeze_startup_objects()
    assert gc.get_freeze_count() == frozen, made_since
