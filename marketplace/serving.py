"""Serving the web app on several processes, each with its own listening socket.

uvicorn's `--workers` shares one listening socket among its processes, and whichever process is
idle when connections arrive accepts all of them: kept-alive connections (from a proxy, or from
browsers) then stay on that one process while the others idle. Here every process binds its own
socket to the same port with SO_REUSEPORT, so the kernel spreads new connections over the
processes. The parent only supervises: a process that dies is started again, and SIGTERM or
SIGINT stops them all, each finishing its requests in flight (uvicorn's graceful shutdown).
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import socket
import time
from dataclasses import dataclass, field
from multiprocessing.process import BaseProcess
from typing import Any

log = logging.getLogger("taocity.serving")

APP = "marketplace.asgi:app"
RESTART_PAUSE_S = 1.0  # between restarts of a process that keeps dying at start-up


@dataclass(frozen=True)
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    forwarded_allow_ips: str = "127.0.0.1"
    log_level: str = "info"

    def uvicorn_kwargs(self) -> dict[str, Any]:
        return {
            "host": self.host,
            "port": self.port,
            "proxy_headers": True,
            "forwarded_allow_ips": self.forwarded_allow_ips,
            "log_level": self.log_level,
        }


def reuseport_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


def _serve_one(options: ServeOptions) -> None:
    """One serving process: its own socket, one uvicorn server on it."""
    import uvicorn

    sock = reuseport_socket(options.host, options.port)
    config = uvicorn.Config(APP, **options.uvicorn_kwargs())
    uvicorn.Server(config).run(sockets=[sock])


@dataclass
class Supervisor:
    options: ServeOptions
    processes: list[BaseProcess] = field(default_factory=list)
    stopping: bool = False

    def _start(self) -> BaseProcess:
        # spawn, not fork: each process imports the app itself, with no state from this one
        process = multiprocessing.get_context("spawn").Process(
            target=_serve_one, args=(self.options,), daemon=False
        )
        process.start()
        return process

    def _stop(self, signum: int, _frame: object) -> None:
        self.stopping = True
        for process in self.processes:
            if process.is_alive() and process.pid is not None:
                process.terminate()

    def run(self) -> None:
        # bind once here first, so a port in use fails loudly before any process starts
        reuseport_socket(self.options.host, self.options.port).close()
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        self.processes = [self._start() for _ in range(self.options.workers)]
        log.info("serving on %d processes (SO_REUSEPORT)", len(self.processes))
        while not self.stopping:
            for i, process in enumerate(self.processes):
                if not process.is_alive() and not self.stopping:
                    log.warning("web process %s exited (%s); starting another", process.pid,
                                process.exitcode)  # fmt: skip
                    time.sleep(RESTART_PAUSE_S)
                    self.processes[i] = self._start()
            time.sleep(0.2)
        for process in self.processes:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()


def serve(options: ServeOptions) -> None:
    if options.workers <= 1 or not hasattr(socket, "SO_REUSEPORT"):
        import uvicorn

        uvicorn.run(APP, workers=max(options.workers, 1), **options.uvicorn_kwargs())
        return
    Supervisor(options).run()
