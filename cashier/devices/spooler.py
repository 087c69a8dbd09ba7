"""A print queue with one worker thread, so a slow or dead printer never blocks a sale.

Jobs that fail are kept (with the ``PrintError``) until they are reprinted or discarded. Status
callbacks run on the worker thread; the UI bridge moves them to the GUI thread.
"""

from __future__ import annotations

import enum
import itertools
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from cashier.devices.printer import PrintError

log = logging.getLogger(__name__)


class Sender(Protocol):
    """Anything that prints a whole job or raises ``PrintError`` (``ReceiptPrinter``)."""

    def send(self, data: bytes) -> None: ...


class JobState(enum.Enum):
    QUEUED = "queued"
    PRINTING = "printing"
    PRINTED = "printed"
    FAILED = "failed"


@dataclass
class PrintJob:
    """One receipt (or report) to print; ``error`` holds why the last attempt failed."""

    job_id: int
    data: bytes
    description: str
    state: JobState = JobState.QUEUED
    attempts: int = 0
    error: PrintError | None = None
    created: float = field(default_factory=time.time)

    @property
    def message(self) -> str:
        """What to tell the cashier about this job."""
        if self.state is JobState.FAILED and self.error is not None:
            return f"{self.error} The {self.description} is kept for reprint."
        return f"The {self.description} is {self.state.value}."


_STOP = object()


class PrintSpooler:
    """Queue print jobs; ``start()`` the worker, ``stop()`` joins it. Thread-safe."""

    def __init__(
        self, printer: Sender, on_status: Callable[[PrintJob], None] | None = None
    ) -> None:
        self._printer = printer
        self._on_status = on_status
        self._queue: queue.Queue[object] = queue.Queue()
        self._lock = threading.Lock()
        self._failed: dict[int, PrintJob] = {}
        self._ids = itertools.count(1)
        self._thread: threading.Thread | None = None
        self._idle = threading.Event()
        self._idle.set()
        self._pending = 0
        self._stopping = False

    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="print-spooler", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Finish the job being printed, keep the rest as failed (for reprint), join the worker."""
        if self._thread is None:
            return
        self._stopping = True
        self._queue.put(_STOP)
        self._thread.join(timeout)
        self._thread = None
        self._stopping = False

    def submit(self, data: bytes, description: str = "receipt") -> PrintJob:
        """Queue bytes for printing and return at once."""
        job = PrintJob(job_id=next(self._ids), data=data, description=description)
        self._enqueue(job)
        return job

    def reprint(self, job_id: int) -> PrintJob:
        """Queue a failed job again (``KeyError`` if no failed job has that id)."""
        with self._lock:
            job = self._failed.pop(job_id)
        job.state = JobState.QUEUED
        self._enqueue(job)
        return job

    def discard(self, job_id: int) -> None:
        with self._lock:
            self._failed.pop(job_id, None)

    def failed_jobs(self) -> list[PrintJob]:
        """Jobs that did not print, oldest first; each can be reprinted."""
        with self._lock:
            return sorted(self._failed.values(), key=lambda job: job.job_id)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until every queued job has been tried (for the CLI and tests)."""
        return self._idle.wait(timeout)

    def _enqueue(self, job: PrintJob) -> None:
        with self._lock:
            self._pending += 1
            self._idle.clear()
        self._notify(job)
        self._queue.put(job)

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is _STOP:
                return
            assert isinstance(item, PrintJob)
            if self._stopping:
                self._fail(item, PrintError("unknown", "Not printed: the printer queue stopped."))
            else:
                self._print(item)
            with self._lock:
                self._pending -= 1
                if self._pending == 0:
                    self._idle.set()

    def _print(self, job: PrintJob) -> None:
        job.state = JobState.PRINTING
        job.attempts += 1
        self._notify(job)
        try:
            self._printer.send(job.data)
        except PrintError as exc:
            self._fail(job, exc)
        except Exception as exc:  # noqa: BLE001 - a printer bug must not kill the queue
            log.exception("unexpected error printing job %s", job.job_id)
            self._fail(job, PrintError("unknown", f"Printing failed unexpectedly: {exc}"))
        else:
            job.state = JobState.PRINTED
            job.error = None
            self._notify(job)

    def _fail(self, job: PrintJob, error: PrintError) -> None:
        log.warning("print job %s (%s) failed: %s", job.job_id, job.description, error)
        job.state = JobState.FAILED
        job.error = error
        with self._lock:
            self._failed[job.job_id] = job
        self._notify(job)

    def _notify(self, job: PrintJob) -> None:
        if self._on_status is None:
            return
        try:
            self._on_status(job)
        except Exception:  # noqa: BLE001 - a listener's bug must not stop printing
            log.exception("print status callback failed")
