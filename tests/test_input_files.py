"""Every file negsim reads is a regular file below a stated size, checked without blocking.

Each test runs negsim as a real process on a real FIFO, device or oversized file: before the
fix, a FIFO hung forever and ``/dev/zero`` was read until memory ran out.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from processes import copy_tiny, negsim, one_line

from sim.inputs import MIB, InputFileError, read_input, read_stream


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    copy_tiny(tmp_path)
    return tmp_path


def test_a_fifo_as_the_scenario_is_refused_at_once(folder: Path) -> None:
    os.mkfifo(folder / "pipe.yaml")
    done = negsim("validate", "pipe.yaml", cwd=folder)
    assert done.returncode == 2
    assert one_line(done.stderr) == "pipe.yaml:1:1: is a FIFO (named pipe), not a regular file"


def test_dev_zero_as_the_scenario_is_refused_without_reading_it(folder: Path) -> None:
    done = negsim("run", "/dev/zero", "--runs", "5", cwd=folder)
    assert done.returncode == 2
    assert one_line(done.stderr) == "/dev/zero:1:1: is a character device, not a regular file"


def test_a_fifo_as_the_moves_file_is_refused_at_once(folder: Path) -> None:
    os.mkfifo(folder / "moves.txt")
    done = negsim("play", "tiny.yaml", "--as", "south", "--moves", "moves.txt", cwd=folder)
    assert done.returncode == 2
    assert one_line(done.stderr) == (
        "moves.txt (the moves file): is a FIFO (named pipe), not a regular file"
    )


def test_dev_zero_as_the_moves_file_or_on_stdin_is_refused(folder: Path) -> None:
    done = negsim("play", "tiny.yaml", "--as", "south", "--moves", "/dev/zero", cwd=folder)
    assert done.returncode == 2
    assert "is a character device, not a regular file" in one_line(done.stderr)
    with Path("/dev/zero").open("rb") as zeros:
        piped = negsim("play", "tiny.yaml", "--as", "south", cwd=folder, stdin=zeros.fileno())
    assert piped.returncode == 2
    assert one_line(piped.stderr) == (
        "standard input (the moves file): is larger than the 1 MiB limit"
    )


def test_a_fifo_or_dev_zero_as_the_data_set_is_refused(folder: Path) -> None:
    os.mkfifo(folder / "pipe.csv")
    done = negsim("forecast", "pipe.csv", cwd=folder)
    assert done.returncode == 2
    assert one_line(done.stderr) == "pipe.csv:1:1: is a FIFO (named pipe), not a regular file"
    (folder / "zero.csv").symlink_to("/dev/zero")
    done = negsim("forecast", "zero.csv", cwd=folder)
    assert done.returncode == 2
    assert one_line(done.stderr) == "zero.csv:1:1: is a character device, not a regular file"


def test_a_fifo_as_a_source_text_is_refused_where_the_scenario_names_it(folder: Path) -> None:
    (folder / "source.txt").unlink()
    os.mkfifo(folder / "source.txt")
    done = negsim("validate", "tiny.yaml", cwd=folder)
    assert done.returncode == 2
    assert "scenario.sources.0.file" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_scenario_over_1_mib_is_refused_with_the_limit(folder: Path) -> None:
    big = folder / "big.yaml"
    big.write_text((folder / "tiny.yaml").read_text() + "#" * MIB + "\n")
    done = negsim("validate", "big.yaml", cwd=folder)
    assert done.returncode == 2
    assert one_line(done.stderr) == (
        "big.yaml:1:1: is larger than the 1 MiB limit for this kind of file"
    )


def test_read_input_never_reads_more_than_the_limit_plus_one(tmp_path: Path) -> None:
    path = tmp_path / "f.txt"
    path.write_bytes(b"x" * 100)
    assert read_input(path, 100) == b"x" * 100
    with pytest.raises(InputFileError, match="larger than the 99 bytes limit"):
        read_input(path, 99)
    with pytest.raises(InputFileError, match="is a directory, not a regular file"):
        read_input(tmp_path, 100)
    with pytest.raises(InputFileError, match="cannot read the file: No such file"):
        read_input(tmp_path / "none", 100)


def test_a_stream_over_its_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "f.txt"
    path.write_bytes(b"y" * 11)
    with (
        path.open("rb") as stream,
        pytest.raises(InputFileError, match="larger than the 10 bytes limit"),
    ):
        read_stream(stream, "standard input", 10)
