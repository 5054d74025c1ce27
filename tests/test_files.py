from __future__ import annotations

from pathlib import Path

import pytest

from sim.errors import NegsimError
from sim.files import atomic_stream, atomic_write


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_stream_appears_only_when_it_is_complete(tmp_path: Path) -> None:
    target = tmp_path / "runs.csv"
    with atomic_stream(target) as handle:
        handle.write("run\n")
        assert not target.exists()
        handle.write("0\n")
    assert target.read_text() == "run\n0\n"
    assert _leftovers(tmp_path) == ["runs.csv"]


def test_a_stream_cut_short_leaves_nothing_behind(tmp_path: Path) -> None:
    target = tmp_path / "runs.csv"
    with pytest.raises(KeyboardInterrupt), atomic_stream(target) as handle:
        handle.write("run\n")
        raise KeyboardInterrupt
    assert _leftovers(tmp_path) == []


def test_a_stream_never_replaces_a_file_unless_asked(tmp_path: Path) -> None:
    target = tmp_path / "runs.csv"
    target.write_text("earlier\n")
    with pytest.raises(NegsimError, match="already exists"), atomic_stream(target):
        pass
    with atomic_stream(target, overwrite=True) as handle:
        handle.write("later\n")
    assert target.read_text() == "later\n"
    assert _leftovers(tmp_path) == ["runs.csv"]


def test_atomic_write_writes_bytes_and_text_exactly(tmp_path: Path) -> None:
    atomic_write(tmp_path / "a.bin", b"\x00\xff")
    atomic_write(tmp_path / "b.txt", "é\n")
    assert (tmp_path / "a.bin").read_bytes() == b"\x00\xff"
    assert (tmp_path / "b.txt").read_bytes() == "é\n".encode()
