"""How long the port goes without an answer from a killed serving process's replacement.

    .venv/bin/python benchmarks/restart.py [--city DIR] [--workers 2] [--kills 4] [--pause 31]

Migrates an empty SQLite database in a temporary directory, starts `taocity serve --workers N`
as the Procfile does, waits until every process listens and /healthz answers, then, `--kills`
times: SIGKILLs every serving process at once (so whatever answers next is a replacement) and
measures (1) the time until every replacement has its own listening socket on the port and
(2) the time until /healthz answers 200 again. It prints each measurement, the median and the
maximum.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-c", "from marketplace.cli import main; main()"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def children(parent: int) -> list[int]:
    """The serving processes under the supervisor (not multiprocessing's resource tracker)."""
    serving = []
    for pid in Path(f"/proc/{parent}/task/{parent}/children").read_text().split():
        try:
            if b"resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_bytes():
                serving.append(int(pid))
        except OSError:
            continue
    return serving


def listens(pid: int, port: int) -> bool:
    """Whether process `pid` holds a socket listening on `port` (from /proc)."""
    try:
        listening = set()
        for line in Path(f"/proc/{pid}/net/tcp").read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and int(fields[1].split(":")[1], 16) == port:
                listening.add(fields[9])
        own = {os.readlink(fd)[8:-1] for fd in Path(f"/proc/{pid}/fd").iterdir()}
    except OSError:
        return False
    return bool(listening & own)


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


def until(predicate, seconds: float = 60.0) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    while not predicate():
        if time.perf_counter() - start > seconds:
            raise SystemExit("gave up waiting")
        time.sleep(0.005)
    return time.perf_counter() - start


def kill_all_and_wait(parent: int, port: int, url: str, workers: int) -> tuple[float, float]:
    victims = set(children(parent))
    killed = time.perf_counter()
    for pid in victims:
        os.kill(pid, signal.SIGKILL)

    def replaced() -> bool:
        now = set(children(parent))
        return len(now) == workers and not now & victims and all(listens(p, port) for p in now)

    until(replaced)
    listening = time.perf_counter() - killed
    until(lambda: healthy(url))
    return listening, time.perf_counter() - killed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--city", default=str(REPO / "cities" / "changzhou"))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--kills", type=int, default=4)
    # longer than the supervisor's 30 s "stable" period: every kill is then of healthy
    # processes, restarted at once (a quick second death would be backed off on purpose)
    parser.add_argument("--pause", type=float, default=31.0)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="taocity-restart-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite://{tmp}/db.sqlite3",
        "CITY_DIR": args.city,
        "SESSION_SECRET": "restart-benchmark-session-secret-0123456789",
        "SEARCH_DIR": str(tmp / "search"),
        "MEDIA_DIR": str(tmp / "media"),
        "JOBS_IN_WEB": "false",
    }
    subprocess.run([*CLI, "db", "migrate"], env=env, cwd=REPO, check=True, capture_output=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = (tmp / "serve.log").open("wb")
    server = subprocess.Popen(
        [*CLI, "serve", "--port", str(port), "--workers", str(args.workers),
         "--log-level", "warning"],
        env=env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    listening_s, answering_s = [], []
    try:
        until(lambda: len(children(server.pid)) == args.workers
              and all(listens(p, port) for p in children(server.pid)) and healthy(url))  # fmt: skip
        for _ in range(args.kills):
            listening, answering = kill_all_and_wait(server.pid, port, url, args.workers)
            listening_s.append(listening)
            answering_s.append(answering)
            print(f"kill -9 of every serving process: listening again after {listening:.3f} s, "
                  f"/healthz answering after {answering:.3f} s")  # fmt: skip
            time.sleep(args.pause)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
        log.close()
    print(f"listening: median {statistics.median(listening_s):.3f} s, max {max(listening_s):.3f} s")
    print(f"answering: median {statistics.median(answering_s):.3f} s, max {max(answering_s):.3f} s")
    print(f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
