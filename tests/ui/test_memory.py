"""Freed heap memory is handed back after a long browse (ui.memory), once every so many rows let go of."""

from __future__ import annotations

import sys

import pytest

from assist_desktop.ui import memory


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
def test_the_heap_is_trimmed_on_linux() -> None:
    assert memory.release_free_memory() is True


def test_a_trim_comes_once_every_so_many_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    trims: list[int] = []
    monkeypatch.setattr(memory, "release_free_memory", lambda: trims.append(1) or True)
    every = memory.TrimEvery(1000)
    for _ in range(9):
        every.released(100)
    assert trims == []
    every.released(100)
    assert trims == [1]
    for _ in range(25):
        every.released(100)
    assert len(trims) == 3


def test_the_registry_list_trims_while_scrolling_through_many_rows(qtbot, demo_db, monkeypatch) -> None:
    """A scroll that lets go of more rows than ten row caches hands the heap back along the way."""
    from assist_desktop.ui.registry import list_model

    trims: list[int] = []
    monkeypatch.setattr(memory, "release_free_memory", lambda: trims.append(1) or True)
    monkeypatch.setattr(list_model, "ROW_CACHE", 10)  # 100 rows let go of between trims
    monkeypatch.setattr(list_model, "BLOCK", 10)
    from assist_desktop.storage.schema import open_database
    from assist_desktop.services.users import authenticate

    with open_database(demo_db) as db:
        with db.session() as s:
            user = authenticate(s, "jingban", "demo12345")
        model = list_model.RegistryModel(db, user, threaded=False)
        model.set_query("")
        while model.canFetchMore(list_model.QModelIndex()):
            model.fetchMore(list_model.QModelIndex())
        for row in range(model.rowCount()):
            model.file_row(row)
        assert model.rowCount() > 200 and model.cached_rows() == 10
    assert len(trims) >= (model.rowCount() - 10) // 100 - 1
