"""Golden-file comparison shared by the tests: compare, or rewrite with --update-golden."""

from __future__ import annotations

from pathlib import Path


def check_golden(path: Path, actual: str, update: bool) -> None:
    """Assert *actual* equals the golden file at *path*; rewrite it instead when *update*."""
    if update or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        if not update:
            raise AssertionError(f"golden file {path} was missing and has been written; rerun")
        return
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"output differs from {path}; rerun with --update-golden if intended"
