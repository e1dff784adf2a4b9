"""Where a report may be written: regular files and new paths only, symlinks followed like cp.

Issue 12 item 1: the old writer renamed a temp file over whatever was at ``-o``, so a device
node (``/dev/full`` as root), a FIFO or a symlink was replaced by a regular file. These tests
use special files made inside ``tmp_path``, never the real ``/dev`` nodes.
"""

from __future__ import annotations

import os
import socket
import stat
import time
from pathlib import Path

import pytest

from metalwatch.errors import OutputError
from metalwatch.reporting.output_path import write_bytes

DATA = b"%PDF-1.7 fake report\n"


def one_line(exc: pytest.ExceptionInfo[OutputError]) -> str:
    text = str(exc.value)
    assert "\n" not in text
    return text


def test_fifo_is_refused_and_kept(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.pdf"
    os.mkfifo(fifo)
    with pytest.raises(OutputError, match=r"fifo.pdf: it is a FIFO \(named pipe\)") as exc:
        write_bytes(fifo, DATA)
    one_line(exc)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fifo.pdf"]  # no temp file left


@pytest.mark.skipif(os.geteuid() != 0, reason="mknod needs root")
def test_device_node_is_refused_and_kept(tmp_path: Path) -> None:
    """The /dev/full case, on a private copy of the device node (char 1,7)."""
    dev = tmp_path / "full"
    os.mknod(dev, 0o600 | stat.S_IFCHR, os.makedev(1, 7))
    with pytest.raises(OutputError, match="full: it is a character device, not a regular file"):
        write_bytes(dev, DATA)
    assert stat.S_ISCHR(os.lstat(dev).st_mode)


def test_socket_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.sock"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(path))
        with pytest.raises(OutputError, match="s.sock: it is a socket"):
            write_bytes(path, DATA)
    assert stat.S_ISSOCK(os.lstat(path).st_mode)


def test_directory_is_refused(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    with pytest.raises(OutputError, match="d: it is a directory"):
        write_bytes(tmp_path / "d", DATA)


def test_symlink_is_written_through_and_kept(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "target.pdf"
    target.write_bytes(b"old")
    link = tmp_path / "link.pdf"
    link.symlink_to(target)
    written = write_bytes(link, DATA)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_bytes() == DATA
    assert written == target
    assert sorted(p.name for p in (tmp_path / "real").iterdir()) == ["target.pdf"]


def test_symlink_to_a_fifo_is_refused(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "link.pdf").symlink_to(tmp_path / "fifo")
    with pytest.raises(OutputError, match=r"link.pdf \(a symlink to .*fifo\): it is a FIFO"):
        write_bytes(tmp_path / "link.pdf", DATA)
    assert (tmp_path / "link.pdf").is_symlink()


def test_dangling_and_looping_symlinks_are_refused(tmp_path: Path) -> None:
    dangling = tmp_path / "dangling.pdf"
    dangling.symlink_to(tmp_path / "elsewhere" / "x.pdf")
    with pytest.raises(OutputError, match="symlink to .*x.pdf, which does not exist") as exc:
        write_bytes(dangling, DATA)
    one_line(exc)
    assert not (tmp_path / "elsewhere").exists()
    loop = tmp_path / "loop.pdf"
    loop.symlink_to(loop)
    with pytest.raises(OutputError, match="loop.pdf: symlink: Too many levels") as exc:
        write_bytes(loop, DATA)
    one_line(exc)


def test_temp_name_is_unpredictable(tmp_path: Path) -> None:
    """A planted ``.NAME.tmp`` symlink must not redirect the write (the old fixed temp name)."""
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"keep me")
    (tmp_path / ".w.pdf.tmp").symlink_to(victim)
    write_bytes(tmp_path / "w.pdf", DATA)
    assert victim.read_bytes() == b"keep me"
    assert (tmp_path / "w.pdf").read_bytes() == DATA
    assert not (tmp_path / "w.pdf").is_symlink()


def test_mode_is_kept_or_follows_umask(tmp_path: Path) -> None:
    old = tmp_path / "old.pdf"
    old.write_bytes(b"old")
    old.chmod(0o640)
    write_bytes(old, DATA)
    assert stat.S_IMODE(old.stat().st_mode) == 0o640
    mask = os.umask(0o027)
    try:
        write_bytes(tmp_path / "new.pdf", DATA)
    finally:
        os.umask(mask)
    assert stat.S_IMODE((tmp_path / "new.pdf").stat().st_mode) == 0o640


def test_failed_write_leaves_no_temp_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(OutputError, match="w.pdf: No space left on device$"):
        write_bytes(tmp_path / "w.pdf", DATA)
    assert list(tmp_path.iterdir()) == []


def test_check_output_path_is_cheap_and_one_line(tmp_path: Path) -> None:
    from metalwatch.reporting.output_path import check_output_path

    start = time.perf_counter()
    with pytest.raises(OutputError, match="folder .*nope/sub does not exist") as exc:
        check_output_path(tmp_path / "nope" / "sub" / "x.pdf")
    one_line(exc)
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError, match="file is not a folder"):
        check_output_path(tmp_path / "file" / "x.pdf")
    assert check_output_path(tmp_path / "new.pdf") == tmp_path / "new.pdf"
    assert time.perf_counter() - start < 0.5
