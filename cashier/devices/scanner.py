"""Serial / USB-CDC barcode scanners: a reader thread that turns bytes into whole codes.

The port is found again on every (re)connect, so a scanner that was unplugged, or came back on
another port, is picked up without restarting the app (``VID:PID[:serial]`` finds it wherever it
is). Callbacks run on the reader thread; the UI bridge moves them to the GUI thread.
"""

from __future__ import annotations

import enum
import logging
import os
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import serial
import serial.tools.list_ports

from cashier.wallets import clean_scan, mask_code

log = logging.getLogger(__name__)

SUFFIXES = {"CR": b"\r", "LF": b"\n", "CRLF": b"\r\n", "NONE": b""}
_USB_SPEC = re.compile(r"^([0-9A-Fa-f]{4}):([0-9A-Fa-f]{4})(?::(.+))?$")


class ScannerStatus(enum.Enum):
    """The reader's state; ``value`` is the text for the status bar."""

    CONNECTED = "scanner connected"
    DISCONNECTED = "scanner disconnected"
    STOPPED = "scanner stopped"


@dataclass(frozen=True)
class SerialSettings:
    """A serial scanner. ``port``: device path, COM name, ``VID:PID[:serial]`` or a pyserial URL.

    ``suffix`` is what the scanner sends after each code: CR, LF, CRLF or NONE (then a code ends
    after ``char_timeout`` seconds without a byte). A partial code left without its suffix for
    ``stale_timeout`` seconds is dropped as noise.
    """

    port: str
    baud: int = 9600
    suffix: str = "CR"
    char_timeout: float = 0.1
    stale_timeout: float = 1.0
    read_timeout: float = 0.05
    reconnect_interval: float = 1.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "suffix", str(self.suffix).upper())  # config's StrEnum too
        if not (self.port or "").strip():
            raise ValueError("Scanner port is empty; give a device path, COM name or VID:PID.")
        if self.suffix.upper() not in SUFFIXES:
            raise ValueError(f"Scanner suffix {self.suffix!r} unknown; use CR, LF, CRLF or NONE.")
        if self.baud <= 0:
            raise ValueError(f"Scanner baud rate {self.baud} must be positive.")
        for name in ("char_timeout", "stale_timeout", "read_timeout", "reconnect_interval"):
            if getattr(self, name) <= 0:
                raise ValueError(f"Scanner {name} must be positive.")

    @classmethod
    def from_section(cls, section: Any | None, *, port: str | None = None,
                     baud: int | None = None, suffix: str | None = None) -> SerialSettings:
        """The settings file's ``[scanner]`` section (anything with ``port``, ``baudrate`` and
        ``suffix``; ``None``: the defaults) as serial settings; ``port``, ``baud``, ``suffix``
        given here win (options on the command line). ``ValueError`` with a sentence when they
        make no scanner."""
        return cls(port=port or getattr(section, "port", None) or "",
                   baud=baud or getattr(section, "baudrate", cls.baud),
                   suffix=suffix or str(getattr(section, "suffix", cls.suffix)))

    @property
    def terminator(self) -> bytes:
        return SUFFIXES[self.suffix]


def serial_ports() -> list[str]:
    """Serial ports present now (device paths / COM names), for a user choosing the scanner's."""
    try:
        return sorted(info.device for info in serial.tools.list_ports.comports())
    except Exception:  # noqa: BLE001 - listing ports must never stop a setup screen or command
        return []


def resolve_port(spec: str) -> str | None:
    """The port to open for ``spec`` now, or ``None`` if that scanner is not there.

    ``VID:PID[:serial]`` (hex) is looked up in the connected USB serial devices; a pyserial URL
    (``loop://``, ``socket://``) is used as is; a path must exist (COM names are tried as is).
    """
    spec = spec.strip()
    match = _USB_SPEC.match(spec)
    if match:
        vid, pid, serial_number = int(match[1], 16), int(match[2], 16), match[3]
        for info in serial.tools.list_ports.comports():
            if info.vid == vid and info.pid == pid:
                if serial_number is None or info.serial_number == serial_number:
                    return info.device
        return None
    if "://" in spec or os.name == "nt":
        return spec
    return spec if os.path.exists(spec) else None


class CodeFramer:
    """Bytes in, complete codes out: splits on the suffix, strips noise, handles split reads."""

    def __init__(self, settings: SerialSettings) -> None:
        self._terminator = settings.terminator
        self._char_timeout = settings.char_timeout
        self._stale_timeout = settings.stale_timeout
        self._buffer = bytearray()
        self._last_byte = 0.0

    def feed(self, data: bytes, now: float) -> list[str]:
        """Add bytes received at ``now`` (monotonic); return the codes they complete."""
        codes = self.tick(now) if data else []
        if not data:
            return codes
        self._buffer += data
        self._last_byte = now
        if self._terminator:
            *complete, rest = bytes(self._buffer).split(self._terminator)
            self._buffer = bytearray(rest)
            codes += [code for code in map(_decode, complete) if code]
        return codes

    def tick(self, now: float) -> list[str]:
        """Codes finished by silence: the whole buffer in NONE mode, stale noise dropped else."""
        if not self._buffer:
            return []
        quiet = now - self._last_byte
        if not self._terminator and quiet >= self._char_timeout:
            code = _decode(bytes(self._buffer))
            self._buffer.clear()
            return [code] if code else []
        if self._terminator and quiet >= self._stale_timeout:
            log.info("dropped %d bytes without a suffix from the scanner", len(self._buffer))
            self._buffer.clear()
        return []


def _decode(raw: bytes) -> str:
    return clean_scan(raw.decode("utf-8", errors="ignore"))


Opener = Callable[[str, SerialSettings], serial.SerialBase]


def open_serial(port: str, settings: SerialSettings) -> serial.SerialBase:
    """Open a port (path, COM name or pyserial URL) for reading scans."""
    return serial.serial_for_url(port, baudrate=settings.baud, timeout=settings.read_timeout)


class SerialScanner:
    """Reads a serial scanner on its own thread: one ``on_scan(code)`` per complete code.

    ``on_status(status, message)`` reports connects and disconnects (``"scanner disconnected"``);
    after a disconnect the reader retries every ``reconnect_interval`` until the device returns.
    ``resolver`` and ``opener`` default to ``resolve_port`` and ``open_serial``.
    """

    def __init__(
        self,
        settings: SerialSettings,
        on_scan: Callable[[str], None],
        on_status: Callable[[ScannerStatus, str], None] | None = None,
        *,
        resolver: Callable[[str], str | None] = resolve_port,
        opener: Opener = open_serial,
    ) -> None:
        self.settings = settings
        self._on_scan = on_scan
        self._on_status = on_status
        self._resolver = resolver
        self._opener = opener
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._status = ScannerStatus.STOPPED

    @property
    def status(self) -> ScannerStatus:
        return self._status

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="scanner-reader", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        """Stop reading, close the port and join the reader thread."""
        if self._thread is None:
            return
        self._stop.set()
        self._thread.join(timeout)
        self._thread = None
        self._set_status(ScannerStatus.STOPPED, "Scanner stopped.")

    def __enter__(self) -> SerialScanner:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _run(self) -> None:
        waiting_logged = False
        while not self._stop.is_set():
            port = self._connect()
            if port is None:
                if not waiting_logged:
                    self._set_status(
                        ScannerStatus.DISCONNECTED,
                        f"Scanner disconnected ({self.settings.port}); waiting for it to return.",
                    )
                    waiting_logged = True
                self._stop.wait(self.settings.reconnect_interval)
                continue
            waiting_logged = False
            self._set_status(ScannerStatus.CONNECTED, f"Scanner connected ({port.name}).")
            try:
                self._read_until_gone(port)
            finally:
                _close(port)
            if not self._stop.is_set():
                self._set_status(
                    ScannerStatus.DISCONNECTED,
                    f"Scanner disconnected ({self.settings.port}); waiting for it to return.",
                )
                waiting_logged = True
                self._stop.wait(self.settings.reconnect_interval)

    def _connect(self) -> serial.SerialBase | None:
        try:
            path = self._resolver(self.settings.port)
            if path is None:
                return None
            return self._opener(path, self.settings)
        except (serial.SerialException, OSError, ValueError) as exc:
            log.debug("scanner %s not available: %s", self.settings.port, exc)
            return None

    def _read_until_gone(self, port: serial.SerialBase) -> None:
        framer = CodeFramer(self.settings)
        while not self._stop.is_set():
            try:
                data = port.read(max(1, port.in_waiting))
            except (serial.SerialException, OSError, TypeError, AttributeError) as exc:
                # TypeError/AttributeError: pyserial on a port closed under it
                log.info("scanner %s read failed: %s", self.settings.port, exc)
                return
            for code in framer.feed(data, time.monotonic()) if data else framer.tick(
                time.monotonic()
            ):
                self._deliver(code)

    def _deliver(self, code: str) -> None:
        log.info("scan %s", mask_code(code))
        try:
            self._on_scan(code)
        except Exception:  # noqa: BLE001 - a listener's bug must not stop the scanner
            log.exception("scan callback failed")

    def _set_status(self, status: ScannerStatus, message: str) -> None:
        if status is self._status:
            return
        self._status = status
        log.info("%s", message)
        if self._on_status is None:
            return
        try:
            self._on_status(status, message)
        except Exception:  # noqa: BLE001
            log.exception("scanner status callback failed")


def _close(port: serial.SerialBase) -> None:
    try:
        port.close()
    except Exception:  # noqa: BLE001 - the device may already be gone
        log.debug("closing scanner port failed", exc_info=True)
