"""Where a report (or its appendix) may be written, and writing it there atomically.

Rules, checked by :func:`check_output_path` before anything is rendered and again by
:func:`write_bytes` just before the file is replaced:

* a new path in an existing folder, or an existing **regular file**, is written;
* a **symlink** is followed, as ``cp`` does: the file it points to is written by the same rules
  and the link itself is kept. A dangling symlink is refused (GNU ``cp`` refuses it too:
  writing through it would create a file wherever the link points);
* a directory, character or block device (``/dev/full``, ``/dev/null``, ``/dev/stdout`` on a
  terminal), FIFO or socket is **refused** with a one-line :class:`OutputError`: the file is
  written to a temp file and renamed over the target, which would replace the device node or
  pipe by a regular file rather than write into it.

The temp file is created in the target's folder with an unpredictable name
(:func:`tempfile.mkstemp`), gets the mode the target has (or ``0666 & ~umask`` for a new file),
is flushed to disk, then renamed over the target, so a reader never sees half a PDF. A path
swapped for a device between the check and the rename is not caught (that takes write access
to the folder).
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path

from metalwatch.errors import OutputError

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
)


def file_kind(mode: int) -> str:
    """What a non-regular ``st_mode`` is, in words ('a character device', ...)."""
    for test, name in _KINDS:
        if test(mode):
            return name
    return "not a regular file"


def _refuse(path: Path, via: str, mode: int) -> OutputError:
    return OutputError(f"cannot write {path}{via}: it is {file_kind(mode)}, not a regular file")


def _check_new(path: Path, given: Path, via: str) -> Path:
    parent = path.parent
    try:
        st = os.stat(parent)
    except OSError:
        raise OutputError(f"cannot write {given}{via}: folder {parent} does not exist") from None
    if not stat.S_ISDIR(st.st_mode):
        raise OutputError(f"cannot write {given}{via}: {parent} is not a folder")
    return path


def check_output_path(path: str | os.PathLike[str]) -> Path:
    """The file a report for ``path`` will be written to, or a one-line :class:`OutputError`.

    Cheap (a few ``stat`` calls): run it before building a report so a bad ``-o`` fails at
    once. Returns ``path`` itself for a regular file or a new path, and the file a symlink
    points to for a symlink.
    """
    given = Path(path)
    try:
        st = os.lstat(given)
    except (FileNotFoundError, NotADirectoryError):
        return _check_new(given, given, "")
    except OSError as exc:
        raise OutputError(f"cannot write {given}: {exc.strerror or exc}") from None
    if stat.S_ISREG(st.st_mode):
        return given
    if not stat.S_ISLNK(st.st_mode):
        raise _refuse(given, "", st.st_mode)
    try:
        target = Path(os.path.realpath(given, strict=True))
    except OSError as exc:
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            raise OutputError(
                f"cannot write {given}: it is a symlink to {os.readlink(given)}, which does not "
                "exist (a dangling link is not written through)"
            ) from None
        raise OutputError(f"cannot write {given}: symlink: {exc.strerror or exc}") from None
    via = f" (a symlink to {target})"
    st = os.stat(target)
    if not stat.S_ISREG(st.st_mode):
        raise _refuse(given, via, st.st_mode)
    return target


def _umask() -> int:
    try:  # Linux: read it without changing it (os.umask() to read it races other threads)
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_bytes(output: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``output`` atomically, by the rules above; returns the file written.

    Raises a one-line :class:`OutputError` when the path is refused or the write fails (the
    temp file is removed).
    """
    given = Path(output)
    target = check_output_path(given)
    try:
        mode = os.stat(target).st_mode & 0o777
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    except OSError as exc:
        raise OutputError(f"cannot write {given}: {exc.strerror or exc}") from None
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name[:64]}.", suffix=".tmp")
    except OSError as exc:
        raise OutputError(f"cannot write {given}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fchmod(f.fileno(), mode)
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write {given}: {exc.strerror or exc}") from exc
        raise
    return target
