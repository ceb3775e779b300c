"""A real `uvicorn` serving the app in a child process, on a free loopback port, for browser tests.

A child process keeps the server's database connections and event loop apart from the test
process's own, exactly as in production.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    def __init__(self, database_url: str, city_dir: Path, log_path: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "CITY_DIR": str(city_dir),
            "SESSION_SECRET": "browser-test-session-secret-0123456789",
            # every browser signs up and in from this one loopback address
            "SIGNUP_MAX_PER_IP": "1000",
            "SEARCH_DIR": str(log_path.parent / "search"),
            "MEDIA_DIR": str(log_path.parent / "media"),
        }
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    def taocity(self, *args: str, stdin: str | None = None) -> str:
        """Run a `taocity` command against the same database and city."""
        done = subprocess.run(
            [sys.executable, "-c", "from marketplace.cli import main; main()", *args],
            env=self.env,
            cwd=REPO,
            input=stdin,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"taocity {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def start(self) -> None:
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "marketplace.asgi:app",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--log-level",
                "warning",
                # the app reads X-Forwarded-For itself (TRUSTED_PROXIES), as `taocity serve` has it
                "--no-proxy-headers",
            ],
            env=self.env,
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.wait_healthy([self.process], 30)

    def wait_healthy(self, processes: list[subprocess.Popen[bytes]], seconds: float) -> None:
        """Until /healthz answers 200; fails at once if one of `processes` exits meanwhile."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if any(p.poll() is not None for p in processes):
                raise RuntimeError(f"server exited: {self.log_path.read_text(errors='replace')}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"server did not answer /healthz within {seconds:g} s")

    @staticmethod
    def end(process: subprocess.Popen[bytes] | None) -> None:
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()

    def stop(self) -> None:
        self.end(self.process)
