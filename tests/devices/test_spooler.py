"""The print queue: printing never blocks the caller, failed jobs are kept for reprint."""

from __future__ import annotations

import threading

from cashier.devices.printer import PrinterSettings, ReceiptPrinter
from cashier.devices.spooler import JobState, PrintJob, PrintSpooler

from .conftest import FakeNetworkPrinter


def test_jobs_print_in_order_through_a_network_printer(network_printer) -> None:
    printer = ReceiptPrinter(PrinterSettings(kind="network", address=network_printer.address,
                                             timeout=1.0))
    seen: list[tuple[int, JobState]] = []
    spooler = PrintSpooler(printer, on_status=lambda job: seen.append((job.job_id, job.state)))
    spooler.start()
    try:
        first = spooler.submit(b"receipt one", "sale 1")
        second = spooler.submit(b"receipt two", "sale 2")
        assert spooler.wait_idle(3)
    finally:
        spooler.stop()
    assert network_printer.wait_jobs(2) == [b"receipt one", b"receipt two"]
    assert first.state is second.state is JobState.PRINTED
    assert (first.job_id, JobState.PRINTED) in seen and spooler.failed_jobs() == []


def test_printer_down_keeps_the_job_and_reprint_works_when_it_is_back(closed_port: int) -> None:
    settings = PrinterSettings(kind="network", address=f"127.0.0.1:{closed_port}", timeout=0.5)
    failures: list[PrintJob] = []
    spooler = PrintSpooler(
        ReceiptPrinter(settings),
        on_status=lambda job: failures.append(job) if job.state is JobState.FAILED else None,
    )
    spooler.start()
    try:
        job = spooler.submit(b"the only copy", "sale 7")
        assert spooler.wait_idle(3)
        assert job.state is JobState.FAILED and job.error is not None
        assert job.error.kind == "offline" and "Printer offline" in str(job.error)
        assert spooler.failed_jobs() == [job] and failures == [job]
        assert job.message.endswith("The sale 7 is kept for reprint.")

        # The printer comes back (same address): reprint the kept job, same queue.
        fake = FakeNetworkPrinter(port=closed_port)
        try:
            assert spooler.reprint(job.job_id) is job
            assert spooler.wait_idle(3)
            assert fake.wait_jobs(1) == [b"the only copy"]
        finally:
            fake.close()
        assert job.state is JobState.PRINTED and job.attempts == 2 and job.error is None
        assert spooler.failed_jobs() == []
    finally:
        spooler.stop()


class SlowPrinter:
    """Blocks in send until released, like a printer that takes its time."""

    def __init__(self) -> None:
        self.started = threading.Event()  # a job is in send
        self.release = threading.Event()
        self.printed: list[bytes] = []

    def send(self, data: bytes) -> None:
        self.started.set()
        self.release.wait(2)
        self.printed.append(data)


def test_submit_returns_at_once_while_the_printer_is_busy() -> None:
    printer = SlowPrinter()
    spooler = PrintSpooler(printer)
    spooler.start()
    try:
        job = spooler.submit(b"a")
        assert job.state in (JobState.QUEUED, JobState.PRINTING)
        assert not spooler.wait_idle(0.05)
        printer.release.set()
        assert spooler.wait_idle(2)
        assert printer.printed == [b"a"]
    finally:
        spooler.stop()


def test_stop_keeps_unprinted_jobs_for_reprint() -> None:
    printer = SlowPrinter()
    spooler = PrintSpooler(printer)
    spooler.start()
    printing = spooler.submit(b"printing now")
    waiting = spooler.submit(b"still queued")
    assert printer.started.wait(10)  # the first job is printing, the second still queued
    assert printing.state is JobState.PRINTING
    threading.Timer(0.05, printer.release.set).start()
    spooler.stop()
    assert printer.printed == [b"printing now"]
    assert spooler.failed_jobs() == [waiting] and waiting.state is JobState.FAILED


def test_a_crashing_printer_or_listener_does_not_kill_the_queue() -> None:
    class Broken:
        def send(self, data: bytes) -> None:
            raise RuntimeError("driver bug")

    def bad_listener(job: PrintJob) -> None:
        raise ValueError("ui bug")

    spooler = PrintSpooler(Broken(), on_status=bad_listener)
    spooler.start()
    try:
        job = spooler.submit(b"x")
        assert spooler.wait_idle(2)
        assert job.error is not None and job.error.kind == "unknown"
        assert spooler.reprint(job.job_id) is job
        assert spooler.wait_idle(2) and job.attempts == 2
    finally:
        spooler.stop()
