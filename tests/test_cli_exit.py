"""The console script leaves without tearing the interpreter down (issue 13): the exit handlers
run and the output is flushed, then the process ends; a thread still running gets the normal
exit, which waits for it.
"""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

CHILD = """
import atexit, sys, threading, time
from pathlib import Path
from metalwatch.cli import leave

out = Path({out!r})

class Torn:
    def __del__(self):
        (out / "torn-down").write_text("freed at teardown")

kept = Torn()  # freed only by a teardown
atexit.register(lambda: (out / "exit-handler").write_text("ran"))
if {thread!r}:
    def late():
        time.sleep(0.3)
        (out / "thread").write_text("finished")
    threading.Thread(target=late).start()
print("last line", flush=False)
leave({code!r})
"""


def child(tmp_path: Path, *, code: int = 0, thread: bool = False) -> subprocess.CompletedProcess:
    src = CHILD.format(out=str(tmp_path), code=code, thread=thread)
    return subprocess.run(
        [sys.executable, "-c", src], capture_output=True, text=True, timeout=60, check=False
    )


def test_leave_runs_the_exit_handlers_flushes_and_skips_the_teardown(tmp_path: Path):
    done = child(tmp_path, code=3)
    assert done.returncode == 3
    assert done.stdout == "last line\n"  # buffered, flushed before the end
    assert (tmp_path / "exit-handler").read_text() == "ran"
    assert not (tmp_path / "torn-down").exists()  # no teardown: the object was never freed


def test_a_running_thread_gets_the_normal_exit(tmp_path: Path):
    done = child(tmp_path, code=4, thread=True)
    assert done.returncode == 4
    assert (tmp_path / "thread").read_text() == "finished"  # waited for
    assert (tmp_path / "exit-handler").read_text() == "ran"
    assert (tmp_path / "torn-down").read_text() == "freed at teardown"


def test_the_console_script_is_run():
    (script,) = entry_points(group="console_scripts", name="metalwatch")
    assert script.value == "metalwatch.cli:run"


def test_a_command_through_run_prints_everything_and_its_exit_code(store_path: Path):
    ok = subprocess.run(
        [sys.executable, "-m", "metalwatch.cli", "--store", str(store_path), "moves"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    assert "COMEX.GC" in ok.stdout
    assert ok.stdout.endswith("\n")
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "metalwatch.cli",
            "--store",
            str(store_path),
            "moves",
            "--week",
            "someday",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert bad.returncode == 2
    assert bad.stderr.startswith("metalwatch: error: ")
