"""Output paths are checked before the simulation and written together, or not at all.

Each test reproduces a failure that used to end in a traceback (exit 1), often after the whole
simulation had run, or that wrote one output and then failed on the next. Where the failure is
about the file system itself (a full disk, a read-only place, a device node) negsim runs as a
real process.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import stat
from pathlib import Path

import pytest
from processes import copy_tiny, is_root, leftovers, negsim, one_line
from typer.testing import CliRunner

from sim.cli import app
from sim.files import HTML, Output, OutputError, Staging, check_distinct, plan_output, write_outputs

runner = CliRunner()


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy_tiny(tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["run", "tiny.yaml", "--runs", "5", "--workers", "1", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def _files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_a_directory_as_output_gets_the_default_name_inside_even_with_force(folder: Path) -> None:
    (folder / "out").mkdir()
    code, output = _run("--output", "out", "--force")
    assert code == 0, output
    assert (folder / "out" / "tiny.html").is_file()
    assert "report: out/tiny.html" in output
    code, output = _run("--output", "out")
    assert code == 0, output
    assert (folder / "out" / "tiny-2.html").is_file()


def test_a_path_under_a_regular_file_is_refused_before_any_run(folder: Path) -> None:
    code, output = _run("--output", "tiny.yaml/r.html")
    assert code == 2
    assert one_line(output) == "--output tiny.yaml/r.html: tiny.yaml is not a directory"


def test_a_name_too_long_for_the_file_system_is_refused_before_any_run(folder: Path) -> None:
    code, output = _run("--output", "a" * 300 + ".html")
    assert code == 2
    assert one_line(output).endswith("a name of 305 bytes; at most 255 are allowed")
    assert not (folder / "reports").exists()


def test_a_read_only_place_is_refused_before_any_run_as_a_real_process(folder: Path) -> None:
    done = negsim("run", "tiny.yaml", "--runs", "5", "--output", "/sys/r.html", cwd=folder)
    assert done.returncode == 2
    assert one_line(done.stderr).startswith("/sys/r.html: cannot write: ")
    assert done.stdout == ""  # refused before the simulation: no table was printed


def test_a_full_disk_is_one_line_and_exit_2_and_leaves_nothing(folder: Path) -> None:
    def small_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails: EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))

    done = negsim(
        "run", "tiny.yaml", "--runs", "5", "--export", "runs.csv", cwd=folder, preexec_fn=small_disk
    )
    assert done.returncode == 2
    assert one_line(done.stderr) == "reports/tiny.html: cannot write: File too large"
    assert not (folder / "runs.csv").exists()
    assert not (folder / "reports" / "tiny.html").exists()
    assert leftovers(folder) == []


def test_an_unwritable_export_is_refused_before_the_report_is_written(folder: Path) -> None:
    code, output = _run("--export", "/sys/runs.csv")
    assert code == 2
    assert one_line(output).startswith("/sys/runs.csv: cannot write: ")
    assert not (folder / "reports").exists()


def test_export_equal_to_output_is_refused_before_anything_is_written(folder: Path) -> None:
    code, output = _run("--output", "same.html", "--export", "same.html")
    assert code == 2
    assert "--export same.html: writes CSV" in one_line(output)
    code, output = _run("--output", "-", "--export", "-")
    assert code == 2
    assert one_line(output) == (
        "--export standard output: also given as --output; every output needs a place of its own"
    )
    assert _files(folder) == ["source.txt", "tiny.yaml"]


def test_an_output_over_the_scenario_itself_is_refused(folder: Path) -> None:
    (folder / "tiny.html").symlink_to(folder / "tiny.yaml")
    code, output = _run("--output", "tiny.html", "--force")
    assert code == 2
    assert "is a symbolic link; --force replaces only regular files" in output


def test_an_extension_that_does_not_match_the_format_is_refused(folder: Path) -> None:
    code, output = _run("--output", "r.png")
    assert code == 2
    assert one_line(output) == (
        "--output r.png: writes HTML, so the name must end in .html or .htm (or name an "
        "existing directory, or be - for standard output)"
    )
    for command in (["handout", "tiny.yaml"], ["schema"]):
        result = runner.invoke(app, [*command, "--output", "x.txt"])
        assert result.exit_code == 2, result.output
        assert "so the name must end in" in result.output


def test_force_never_replaces_a_fifo_or_a_link_to_a_device(folder: Path) -> None:
    os.mkfifo(folder / "runs.csv")
    (folder / "full.csv").symlink_to("/dev/full")
    for name, kind in (("runs.csv", "a FIFO (named pipe)"), ("full.csv", "a symbolic link")):
        code, output = _run("--export", name, "--force")
        assert code == 2
        assert one_line(output) == (
            f"--export {name}: is {kind}; --force replaces only regular files"
        )
    assert stat.S_ISFIFO((folder / "runs.csv").lstat().st_mode)
    assert (folder / "full.csv").is_symlink()


@pytest.mark.skipif(not is_root(), reason="making a device node needs root (CI runs as root)")
def test_force_never_replaces_a_device_node_as_a_real_process(folder: Path) -> None:
    os.mknod(folder / "full.csv", 0o666 | stat.S_IFCHR, os.makedev(1, 7))  # /dev/full
    done = negsim("run", "tiny.yaml", "--runs", "5", "--export", "full.csv", "--force", cwd=folder)
    assert done.returncode == 2
    assert one_line(done.stderr) == (
        "--export full.csv: is a character device; --force replaces only regular files"
    )
    assert stat.S_ISCHR((folder / "full.csv").lstat().st_mode)


def test_a_dash_means_standard_output_for_every_output_option(folder: Path) -> None:
    result = runner.invoke(app, ["run", "tiny.yaml", "--runs", "5", "--export", "-"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("run,primary,peak_rung")
    assert "per-run table: standard output" in result.stderr
    result = runner.invoke(app, ["run", "tiny.yaml", "--runs", "5", "--output", "-"])
    assert result.stdout.startswith("<!DOCTYPE html>")
    result = runner.invoke(app, ["schema", "--output", "-"])
    assert json.loads(result.stdout)["title"] == "negsim scenario"
    assert not (folder / "-").exists()
    result = runner.invoke(app, ["handout", "tiny.yaml", "--output", "-"])
    assert result.stdout.startswith("<!DOCTYPE html>")
    assert _files(folder) == ["reports", "reports/tiny.html", "source.txt", "tiny.yaml"]


def test_outputs_land_together_or_none_and_a_replaced_file_is_restored(tmp_path: Path) -> None:
    keep = tmp_path / "keep.html"
    keep.write_text("earlier")
    first = plan_output(keep, option="--output", kind=HTML, default=keep, force=True)
    second = Output("--export", tmp_path / "x.csv")
    with pytest.raises(OutputError, match=r"x\.csv: already exists"), Staging([first, second]) as s:
        s.write(first, "new")
        s.write(second, "rows")
        (tmp_path / "x.csv").write_text("someone else's")  # the second name is taken meanwhile
        s.install()
    assert keep.read_text() == "earlier"
    assert (tmp_path / "x.csv").read_text() == "someone else's"
    assert leftovers(tmp_path) == []


def test_the_same_path_twice_is_refused(tmp_path: Path) -> None:
    outputs = [Output("--output", tmp_path / "a.html"), Output("--export", tmp_path / "a.html")]
    with pytest.raises(OutputError, match=r"--export .*a\.html: also given as --output"):
        check_distinct(outputs)
    write_outputs([(outputs[0], "x")])
    assert (tmp_path / "a.html").read_text() == "x"
