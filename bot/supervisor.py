"""The parent of ``disputebot serve --workers N``: keeps N workers running, stops them on a
signal.

A worker that dies (crash, OOM kill, ``kill -9``) is logged and replaced after a short
backoff, which doubles while workers keep dying young. Workers that die before they ever
listen (port taken, a bug at start) are not retried for ever: after ``START_FAILURES`` in a
row the parent stops the rest and gives up with one line, exit status 1. SIGTERM or SIGINT
stops every worker gracefully (aiohttp drains the requests in flight, then the late replies)
and the parent exits 0.

Workers ask the kernel for SIGTERM when the parent dies (``prctl(PR_SET_PDEATHSIG)``), so a
``kill -9`` of the parent leaves none behind. Chosen over a pipe the workers watch because
the kernel delivers it with no reader task in every worker's event loop and however busy
that loop is; SIGTERM rather than SIGKILL so an orphan still finishes its replies in flight.
Linux only: elsewhere a worker may outlive a killed parent.
"""
from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import signal
import struct
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import wait

log = logging.getLogger("disputebot.supervisor")

START_FAILURES = 3  # workers in a row that died before listening: give up
FIRST_DELAY, LONGEST_DELAY = 0.5, 10.0  # before a replacement starts
YOUNG = 30.0  # a worker dying sooner than this doubles the next delay
STOP_TIMEOUT = 75.0  # aiohttp's 60 s shutdown, then the late replies; SIGKILL after
PR_SET_PDEATHSIG = 1
SIGNALS = {signal.SIGTERM, signal.SIGINT}
PID = struct.Struct("i")

Target = Callable[[Callable[[], None]], None]


def die_with_parent(parent: int) -> None:
    """SIGTERM from the kernel when ``parent`` dies; exit now if it already has."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(0)


def describe_exit(code: int | None) -> str:
    if code is not None and code < 0:
        return f"killed by {signal.Signals(-code).name}"
    return f"exit code {code}"


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    pid: int
    started: float
    listening: bool = False


class Supervisor:
    """Runs ``target(listening)`` in ``count`` forked workers; ``listening()`` tells the
    parent the worker serves (a death before that is a start failure)."""

    def __init__(self, target: Target, count: int):
        self._target, self._count = target, count
        self._context = multiprocessing.get_context("fork")
        self._workers: dict[int, _Worker] = {}  # by sentinel
        self._due: list[float] = []  # when to start replacements
        self._delay = FIRST_DELAY
        self._failed_starts = 0
        self._stop_at: float | None = None
        self._gave_up = False
        self._ready_r, self._ready_w = os.pipe()

    def run(self) -> int:
        """Until a signal (0) or until workers keep failing at start (1)."""
        for signum in SIGNALS:
            signal.signal(signum, self._stop)
        for _ in range(self._count):
            self._start()
        while self._workers or (self._due and self._stop_at is None):
            self._step()
        os.close(self._ready_r)
        os.close(self._ready_w)
        return 1 if self._gave_up else 0

    def _start(self) -> None:
        """Fork with the stop signals blocked, so none reaches the child's copy of our
        handler before it installs its own."""
        parent = os.getpid()
        process = self._context.Process(target=self._child, args=(parent,), daemon=False)
        signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
        try:
            process.start()
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, SIGNALS)
        self._workers[process.sentinel] = _Worker(process, process.pid, time.monotonic())
        log.info("worker started", extra={"worker": process.pid})

    def _child(self, parent: int) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        die_with_parent(parent)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, SIGNALS)
        os.close(self._ready_r)
        self._target(lambda: os.write(self._ready_w, PID.pack(os.getpid())))

    def _step(self) -> None:
        now = time.monotonic()
        if self._stop_at is not None and now >= self._stop_at:
            self._signal_all(signal.SIGKILL)
        wakeups = [*self._due, self._stop_at or now + 1.0, now + 1.0]
        timeout = max(0.0, min(wakeups) - now)
        for ready in wait([*self._workers, self._ready_r], timeout):
            if ready == self._ready_r:
                self._read_listening()
            else:
                self._reap(ready)
        now = time.monotonic()
        while self._due and self._due[0] <= now and self._stop_at is None:
            self._due.pop(0)
            self._start()

    def _read_listening(self) -> None:
        data = os.read(self._ready_r, 4096)
        pids = {PID.unpack_from(data, i)[0] for i in range(0, len(data) - 3, PID.size)}
        for worker in self._workers.values():
            if worker.pid in pids:
                worker.listening = True
                self._failed_starts = 0

    def _reap(self, sentinel: int) -> None:
        worker = self._workers.pop(sentinel)
        worker.process.join()
        status = describe_exit(worker.process.exitcode)
        worker.process.close()
        if self._stop_at is not None:
            return
        uptime = time.monotonic() - worker.started
        if not worker.listening:
            self._failed_starts += 1
            if self._failed_starts >= START_FAILURES:
                self._give_up(status)
                return
        delay = self._delay if uptime < YOUNG else FIRST_DELAY
        self._delay = min(delay * 2, LONGEST_DELAY)
        log.error("worker died; a replacement starts in %.1f s", delay,
                  extra={"worker": worker.pid, "status": status,
                         "duration_ms": int(uptime * 1000), "count": len(self._workers)})
        self._due.append(time.monotonic() + delay)
        self._due.sort()

    def _give_up(self, status: str) -> None:
        print(f"disputebot: {self._failed_starts} workers in a row exited before serving "
              f"(last: {status}); giving up", file=sys.stderr, flush=True)
        self._gave_up = True
        self._stop()

    def _stop(self, _signum=None, _frame=None) -> None:
        if self._stop_at is None:
            self._stop_at = time.monotonic() + STOP_TIMEOUT
            self._due.clear()
            self._signal_all(signal.SIGTERM)

    def _signal_all(self, signum: int) -> None:
        for worker in list(self._workers.values()):
            try:
                os.kill(worker.pid, signum)
            except ProcessLookupError:
                pass
