"""Serving the web app on several processes, each with its own listening socket.

uvicorn's `--workers` shares one listening socket among its processes, and whichever process is
idle when connections arrive accepts all of them: kept-alive connections (from a proxy, or from
browsers) then stay on that one process while the others idle. Here every process binds its own
socket to the same port with SO_REUSEPORT, so the kernel spreads new connections over the
processes. The parent only supervises: a process that dies is started again, and SIGTERM or
SIGINT stops them all, each finishing its requests in flight (uvicorn's graceful shutdown).

A replacement must answer quickly: spawning a fresh interpreter spent about 6 s importing the
app and loading jieba's dictionary before it listened. The parent therefore does everything that
does not belong to one process before the first fork (imports, the app object, the segmenter's
dictionary, the dummy password hash) and forks each serving process from that warm state; the
child opens its own database connections and search reader in the app's lifespan, as before. The
replacement's socket is bound and listening before the fork, so connections the kernel hands it
queue there while its lifespan finishes, instead of being refused.

A process that keeps dying soon after it starts (a bad DATABASE_URL, a request that kills it
again and again) is restarted after growing delays, capped, instead of in a tight loop; a
process that stayed up long enough counts as healthy again.
"""

from __future__ import annotations

import gc
import importlib
import logging
import multiprocessing
import pkgutil
import signal
import socket
import sys
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from multiprocessing.process import BaseProcess
from typing import Any

log = logging.getLogger("taocity.serving")

APP = "marketplace.asgi:app"
LISTEN_BACKLOG = 2048  # uvicorn's default


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


@dataclass
class Backoff:
    """How long to wait before starting a slot's process again.

    A process that lived at least `stable_s` is restarted at once (a crash now and then costs
    no extra downtime); each further death sooner than that doubles the wait, from `first_s` up
    to `cap_s`."""

    first_s: float = 0.5
    cap_s: float = 30.0
    stable_s: float = 30.0
    quick_deaths: int = 0

    def delay_after(self, lived_s: float) -> float:
        if lived_s >= self.stable_s:
            self.quick_deaths = 0
        delay = 0.0 if self.quick_deaths == 0 else self.first_s * 2 ** (self.quick_deaths - 1)
        self.quick_deaths += 1
        return min(delay, self.cap_s)


def reuseport_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


def warm_up() -> Any:
    """Import and build what every serving process shares; returns the ASGI app.

    Nothing here may open a connection, a file lock or a thread that a forked child would
    inherit half-working: the database and the search index are opened in the app's lifespan,
    in each child."""
    from marketplace import migrations
    from marketplace.accounts import passwords
    from marketplace.asgi import app
    from search import text

    passwords.prepare()
    text.prepare()
    # /healthz reads the migration plan, which imports every migration module
    for module in pkgutil.iter_modules(migrations.__path__):
        importlib.import_module(f"{migrations.__name__}.{module.name}")
    # what is alive now lives as long as the process: keep it out of every child's collections
    # (and its pages shared with the parent, since a collection would touch them)
    gc.collect()
    gc.freeze()
    return app


def _serve_one(app: Any, sock: socket.socket, options: ServeOptions) -> None:
    """One serving process, forked from the warm parent: one uvicorn server on its socket."""
    import uvicorn

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, signal.SIG_DFL)  # the parent's handlers are not this process's
    server = uvicorn.Server(uvicorn.Config(app, **options.uvicorn_kwargs()))
    server.run(sockets=[sock])
    if not server.started:
        sys.exit(3)  # the lifespan failed (database unreachable...): a death, not a clean stop


@dataclass
class Supervisor:
    options: ServeOptions
    backoff: Backoff = field(default_factory=Backoff)
    processes: list[BaseProcess | None] = field(default_factory=list)
    started_at: list[float] = field(default_factory=list)
    due_at: dict[int, float] = field(default_factory=dict)  # slot -> when to start it again
    backoffs: list[Backoff] = field(default_factory=list)
    stopping: bool = False
    app: Any = None

    def _start(self, slot: int) -> BaseProcess:
        sock = reuseport_socket(self.options.host, self.options.port)
        sock.listen(LISTEN_BACKLOG)
        process = multiprocessing.get_context("fork").Process(
            target=_serve_one, args=(self.app, sock, self.options), daemon=False
        )
        process.start()
        sock.close()  # the child has its own copy
        self.processes[slot] = process
        self.started_at[slot] = time.monotonic()
        log.warning("web process %s started in slot %d", process.pid, slot)
        return process

    def _stop(self, signum: int, _frame: object) -> None:
        self.stopping = True
        for process in self.processes:
            if process is not None and process.is_alive() and process.pid is not None:
                process.terminate()

    def _reap(self, slot: int, process: BaseProcess) -> None:
        process.join()
        lived = time.monotonic() - self.started_at[slot]
        delay = self.backoffs[slot].delay_after(lived)
        log.warning("web process %s in slot %d exited (%s) after %.1f s; restarting in %.1f s",
                    process.pid, slot, process.exitcode, lived, delay)  # fmt: skip
        self.processes[slot] = None
        self.due_at[slot] = time.monotonic() + delay

    def run(self) -> None:
        # bind once here first, so a port in use fails loudly before any process starts
        reuseport_socket(self.options.host, self.options.port).close()
        logging.basicConfig(
            level=self.options.log_level.upper(),
            format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        )
        self.app = warm_up()
        log.info("warmed up with %d thread(s)", threading.active_count())
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        n = self.options.workers
        self.processes = [None] * n
        self.started_at = [0.0] * n
        self.backoffs = [Backoff(self.backoff.first_s, self.backoff.cap_s, self.backoff.stable_s)
                         for _ in range(n)]  # fmt: skip
        for slot in range(n):
            self._start(slot)
        log.info("serving on %d processes (SO_REUSEPORT)", n)
        while not self.stopping:
            now = time.monotonic()
            for slot, due in sorted(self.due_at.items()):
                if due <= now and not self.stopping:
                    del self.due_at[slot]
                    self._start(slot)
            running = {p.sentinel: (i, p) for i, p in enumerate(self.processes) if p is not None}
            timeout = min([0.5, *(due - now for due in self.due_at.values())])
            for sentinel in wait(list(running), timeout=max(timeout, 0.0)):
                slot, process = running[sentinel]  # type: ignore[index]
                if not self.stopping:
                    self._reap(slot, process)
        for process in self.processes:
            if process is None:
                continue
            process.join(timeout=30)
            if process.is_alive():
                process.kill()


def serve(options: ServeOptions) -> None:
    if options.workers <= 1 or not hasattr(socket, "SO_REUSEPORT"):
        import uvicorn

        uvicorn.run(APP, workers=max(options.workers, 1), **options.uvicorn_kwargs())
        return
    Supervisor(options).run()
