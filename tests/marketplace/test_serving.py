"""`taocity serve --workers N`: N serving processes, each listening on its own SO_REUSEPORT socket
(so the kernel spreads connections over them), and a process that dies is replaced."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import CITY_DIR
from tests.support.live_server import REPO, free_port


def _children(parent: int) -> list[int]:
    """The serving processes (not multiprocessing's resource tracker)."""
    found = [int(pid) for pid in Path(f"/proc/{parent}/task/{parent}/children").read_text().split()]
    serving = []
    for pid in found:
        try:
            if b"multiprocessing.spawn" in Path(f"/proc/{pid}/cmdline").read_bytes():
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


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc (Linux)")
def test_each_serving_process_has_its_own_socket_and_a_dead_one_is_replaced(
    tmp_path: Path,
) -> None:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite://{tmp_path}/serve.sqlite3",
        "CITY_DIR": str(CITY_DIR),
        "SESSION_SECRET": "serving-test-session-secret-0123456789",
        "SEARCH_DIR": str(tmp_path / "search"),
        "MEDIA_DIR": str(tmp_path / "media"),
    }
    cli = [sys.executable, "-c", "from marketplace.cli import main; main()"]
    subprocess.run([*cli, "db", "migrate"], env=env, cwd=REPO, check=True, capture_output=True)
    log = (tmp_path / "serve.log").open("wb")
    server = subprocess.Popen(
        [*cli, "serve", "--port", str(port), "--workers", "2", "--log-level", "warning"],
        env=env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
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
        assert _wait(lambda: first[0] not in _children(server.pid)
                     and len(_children(server.pid)) == 2)  # fmt: skip
        assert _wait(lambda: _healthy(url))
        replaced = [pid for pid in _children(server.pid) if pid != first[1]]
        assert len(replaced) == 1 and _wait(lambda: len(_listening_inodes(replaced[0], port)) == 1)
    finally:
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=40) == 0
        log.close()
    assert not _healthy(url)
