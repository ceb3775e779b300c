"""`taocity serve --workers N`: N serving processes, each listening on its own SO_REUSEPORT socket
(so the kernel spreads connections over them), and a process that dies is replaced."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from datetime import datetime
from itertools import pairwise
from pathlib import Path

import pytest

from marketplace.serving import Backoff
from tests.conftest import CITY_DIR
from tests.support.live_server import REPO, free_port


def _children(parent: int) -> list[int]:
    """The serving processes: every child of the supervisor (they are forked from it)."""
    found = [int(pid) for pid in Path(f"/proc/{parent}/task/{parent}/children").read_text().split()]
    serving = []
    for pid in found:
        try:
            if b"resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_bytes():
                serving.append(pid)
        except OSError:
            continue  # gone meanwhile
    return serving


def _listening_inodes(pid: int, port: int) -> set[str]:
    """Inodes of the sockets process `pid` listens on `port` with (from /proc)."""
    listening = set()
    for line in Path(f"/proc/{pid}/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[3] == "0A" and int(fields[1].split(":")[1], 16) == port:  # 0A: LISTEN
            listening.add(fields[9])
    own = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            own.add(target[8:-1])
    return listening & own


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _wait(predicate: object, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(0.2)
    return False


STARTED = re.compile(r"web process (\d+) started in slot (\d+)")
EXITED = re.compile(
    r"^(\S+ \S+) .*web process \d+ in slot (\d+) exited \(\S+\) after \S+ s; "
    r"restarting in ([\d.]+) s",
    re.M,
)


def _wait_for_start(log: Path, after: list[int]) -> int:
    """The pid of the next process the supervisor reports started, other than `after`."""
    found: list[int] = []

    def started() -> bool:
        found[:] = [int(m[1]) for m in STARTED.finditer(log.read_text()) if int(m[1]) not in after]
        return bool(found)

    assert _wait(started), log.read_text()
    return found[0]


def _serve(
    tmp_path: Path, port: int, database_url: str, *, migrate: bool = True
) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CITY_DIR": str(CITY_DIR),
        "SESSION_SECRET": "serving-test-session-secret-0123456789",
        "SEARCH_DIR": str(tmp_path / "search"),
        "MEDIA_DIR": str(tmp_path / "media"),
    }
    cli = [sys.executable, "-c", "from marketplace.cli import main; main()"]
    if migrate:
        subprocess.run([*cli, "db", "migrate"], env=env, cwd=REPO, check=True, capture_output=True)
    log = (tmp_path / "serve.log").open("wb")
    return subprocess.Popen(
        [*cli, "serve", "--port", str(port), "--workers", "2", "--log-level", "warning"],
        env=env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc (Linux)")
def test_each_serving_process_has_its_own_socket_and_a_dead_one_is_replaced(
    tmp_path: Path,
) -> None:
    port = free_port()
    server = _serve(tmp_path, port, f"sqlite://{tmp_path}/serve.sqlite3")
    url = f"http://127.0.0.1:{port}"
    try:
        assert _wait(lambda: _healthy(url) and len(_children(server.pid)) == 2), (
            tmp_path / "serve.log"
        ).read_text()
        first = _children(server.pid)
        # each binds its socket once its app is imported: wait for both
        assert _wait(lambda: all(len(_listening_inodes(pid, port)) == 1 for pid in first))
        sockets = [_listening_inodes(pid, port) for pid in first]
        # one listening socket each, and not the same one (a shared socket has one inode)
        assert sockets[0] != sockets[1]

        os.kill(first[0], signal.SIGKILL)
        # the supervisor forks the replacement from its warm state with the socket already
        # listening: by the time it says so, the kernel queues connections for the new process
        replacement = _wait_for_start(tmp_path / "serve.log", after=first)
        assert len(_listening_inodes(replacement, port)) == 1
        assert "restarting in 0.0 s" in (tmp_path / "serve.log").read_text()
        # and it serves: once the other original is gone too, only replacements are left
        os.kill(first[1], signal.SIGKILL)
        second = _wait_for_start(tmp_path / "serve.log", after=[*first, replacement])
        assert len(_listening_inodes(second, port)) == 1
        assert set(_children(server.pid)) == {replacement, second}
        assert _wait(lambda: _healthy(url))
    finally:
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=40) == 0
    assert not _healthy(url)


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc (Linux)")
def test_a_process_that_keeps_dying_at_start_is_restarted_after_growing_delays(
    tmp_path: Path,
) -> None:
    """DATABASE_URL names a file that cannot be made: every serving process dies in its
    lifespan. The supervisor keeps trying, but waits longer each time instead of forking in a
    loop."""
    server = _serve(tmp_path, free_port(), "sqlite:///proc/taocity/serve.sqlite3", migrate=False)
    log = tmp_path / "serve.log"
    try:

        def five_exits_in_a_slot() -> bool:
            slots = [m[2] for m in EXITED.finditer(log.read_text())]
            return any(slots.count(slot) >= 5 for slot in slots)

        assert _wait(five_exits_in_a_slot, 120), log.read_text()
    finally:
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=40) == 0
    exits = [(m[1], m[2], float(m[3])) for m in EXITED.finditer(log.read_text())]
    slot = next(s for _, s, _ in exits if sum(1 for e in exits if e[1] == s) >= 5)
    delays = [delay for _, s, delay in exits if s == slot][:5]
    assert delays == [0.0, 0.5, 1.0, 2.0, 4.0]
    # the waits really happened: the next death in the slot came at least the announced delay
    # after the previous one (a lower bound: a slow machine only makes the gaps longer)
    stamps = [datetime.strptime(t, "%Y-%m-%d %H:%M:%S,%f") for t, s, _ in exits if s == slot]
    for (before, after), delay in zip(pairwise(stamps[:5]), delays[:4], strict=True):
        assert (after - before).total_seconds() >= delay


def test_backoff_doubles_up_to_its_cap_and_forgets_after_a_stable_run() -> None:
    backoff = Backoff(first_s=0.5, cap_s=4.0, stable_s=30.0)
    quick = [backoff.delay_after(lived_s=1.0) for _ in range(7)]
    assert quick == [0.0, 0.5, 1.0, 2.0, 4.0, 4.0, 4.0]
    assert backoff.delay_after(lived_s=45.0) == 0.0  # it had stayed up: restart at once
    assert backoff.delay_after(lived_s=2.0) == 0.5
