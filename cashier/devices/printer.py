"""Sending receipt bytes to the printer through python-escpos, and asking how the printer is.

One job = open the transport, one write of the whole receipt, close. Every failure becomes a
``PrintError`` whose ``kind`` is ``"offline"``, ``"paper out"`` or ``"unknown"`` and whose message
is a sentence a cashier can act on. The status probe uses a short timeout and answers
``unknown`` when the printer does not say, rather than guessing.
"""

from __future__ import annotations

import enum
import errno
import logging
import os
import re
import socket
from dataclasses import dataclass
from typing import Any

from escpos.exceptions import DeviceNotFoundError

from cashier.devices.receipt import ReceiptStyle, columns_for_paper

log = logging.getLogger(__name__)

PRINTER_KINDS = ("none", "file", "network", "serial", "usb", "win32")
DEFAULT_NETWORK_PORT = 9100
DLE_EOT_PAPER = b"\x10\x04\x04"  # real-time status: paper sensors


class PrinterStatus(enum.Enum):
    """What the status probe learned; ``value`` is the text for the status bar."""

    READY = "ready"
    PAPER_LOW = "paper low"
    PAPER_OUT = "paper out"
    OFFLINE = "offline"
    UNKNOWN = "unknown"
    DISABLED = "disabled"


class PrintError(Exception):
    """A print job that did not print. ``kind``: "offline", "paper out" or "unknown"."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class PrinterSettings:
    """One receipt printer. ``address`` depends on ``kind``.

    - ``network``: ``host`` or ``host:port`` (port 9100 by default)
    - ``serial``: device path or COM name; ``baud`` applies
    - ``usb``: ``VID:PID`` in hex, e.g. ``04b8:0202``
    - ``file``: a file or device path (``/dev/usb/lp0``); the bytes are written there
    - ``win32``: the installed Windows printer name ("" = the default printer)
    - ``none``: printing disabled
    """

    kind: str = "none"
    address: str = ""
    baud: int = 9600
    timeout: float = 3.0  # connect and write, per job
    status_timeout: float = 0.5
    check_paper_before_print: bool = False
    paper_mm: int = 80
    encoding: str = "gb18030"
    logo_path: str | None = None
    code: str = "qr"
    native_qr: bool = True

    def __post_init__(self) -> None:
        kind = str(self.kind).strip().lower()  # accepts the config's StrEnum values too
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "address", str(self.address or ""))
        if self.logo_path is not None:
            object.__setattr__(self, "logo_path", str(self.logo_path))
        if self.kind not in PRINTER_KINDS:
            raise ValueError(
                f"Printer kind {self.kind!r} unknown; use one of {', '.join(PRINTER_KINDS)}."
            )
        if self.kind in ("network", "serial", "usb", "file") and not self.address.strip():
            raise ValueError(f"A {self.kind} printer needs an address.")
        if self.timeout <= 0 or self.status_timeout <= 0:
            raise ValueError("Printer timeouts must be positive.")
        self.style()  # validates paper width, encoding and code kind

    def style(self) -> ReceiptStyle:
        """The receipt layout this printer wants."""
        return ReceiptStyle(
            columns=columns_for_paper(self.paper_mm),
            encoding=self.encoding,
            logo_path=self.logo_path,
            code=self.code,
            native_qr=self.native_qr,
        )


def parse_network_address(address: str) -> tuple[str, int]:
    """``"10.0.0.5"`` -> ``("10.0.0.5", 9100)``; ``"host:9101"`` -> ``("host", 9101)``."""
    host, _, port = address.strip().rpartition(":")
    if not host:
        return address.strip(), DEFAULT_NETWORK_PORT
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"Printer address {address!r}: the port must be a number 1-65535.")
    return host, int(port)


def parse_usb_address(address: str) -> tuple[int, int]:
    match = re.fullmatch(r"\s*([0-9a-fA-F]{4}):([0-9a-fA-F]{4})\s*", address)
    if not match:
        raise ValueError(f"USB printer address {address!r} must be VID:PID in hex, e.g. 04b8:0202.")
    return int(match.group(1), 16), int(match.group(2), 16)


class ReceiptPrinter:
    """Sends whole jobs to one configured printer; safe to call from one worker thread."""

    def __init__(self, settings: PrinterSettings) -> None:
        self.settings = settings

    @property
    def enabled(self) -> bool:
        return self.settings.kind != "none"

    @property
    def description(self) -> str:
        s = self.settings
        return "no printer" if s.kind == "none" else f"{s.kind} printer {s.address}".strip()

    def send(self, data: bytes) -> None:
        """Print ``data`` in one write, or raise ``PrintError``. Does nothing when disabled."""
        if not self.enabled:
            return
        if self.settings.check_paper_before_print:
            status = self.status()
            if status is PrinterStatus.PAPER_OUT:
                raise PrintError("paper out", f"The {self.description} is out of paper.")
            if status is PrinterStatus.OFFLINE:
                raise _offline(self.description, "it does not answer")
        device = self._open()
        try:
            try:
                device._raw(data)
            except (OSError, DeviceNotFoundError) as exc:
                raise _write_failed(self.description, exc) from exc
            except Exception as exc:  # serial/usb libraries have their own error classes
                raise _write_failed(self.description, exc) from exc
        finally:
            _close_quietly(device)
        log.info("printed %d bytes on %s", len(data), self.description)

    def _open(self) -> Any:
        """Open the python-escpos device for one job (``PrintError`` when it cannot)."""
        s = self.settings
        try:
            device = self._make_device()
            device.open()
        except PrintError:
            raise
        except ValueError as exc:
            raise PrintError("unknown", f"Printer setting problem: {exc}") from exc
        except (DeviceNotFoundError, OSError) as exc:
            raise _offline(self.description, _reason(exc)) from exc
        except Exception as exc:  # e.g. usb.core.USBError, pywintypes.error
            raise _offline(self.description, _reason(exc)) from exc
        if s.kind == "serial" and getattr(device.device, "write_timeout", None) is None:
            device.device.write_timeout = s.timeout  # a stuck handshake must not hang the job
        return device

    def _make_device(self) -> Any:
        s = self.settings
        if s.kind == "network":
            from escpos.printer import Network

            host, port = parse_network_address(s.address)
            return Network(host=host, port=port, timeout=s.timeout)
        if s.kind == "file":
            from escpos.printer import File

            return File(devfile=s.address, auto_flush=False)
        if s.kind == "serial":
            from escpos.printer import Serial

            return Serial(devfile=s.address, baudrate=s.baud, timeout=s.timeout)
        if s.kind == "usb":
            from escpos.printer import Usb

            if not Usb.is_usable():
                raise PrintError("unknown", "USB printing needs the pyusb package installed.")
            vid, pid = parse_usb_address(s.address)
            return Usb(vid, pid, timeout=int(s.timeout * 1000))
        if s.kind == "win32":
            from escpos.printer import Win32Raw

            if not Win32Raw.is_usable():
                raise PrintError(
                    "unknown", "Printing to an installed printer works on Windows with pywin32."
                )
            return Win32Raw(printer_name=s.address)
        raise PrintError("unknown", f"Printer kind {s.kind!r} cannot print.")

    def status(self) -> PrinterStatus:
        """Ask the printer how it is, within ``status_timeout``; ``UNKNOWN`` if it cannot say."""
        s = self.settings
        if s.kind == "none":
            return PrinterStatus.DISABLED
        try:
            if s.kind == "network":
                return self._network_status()
            if s.kind == "serial":
                return self._serial_status()
            if s.kind == "file" and s.address.startswith("/dev/"):
                return PrinterStatus.UNKNOWN if os.path.exists(s.address) else PrinterStatus.OFFLINE
        except Exception:  # noqa: BLE001 - a probe never raises; it says unknown
            log.exception("printer status probe failed")
        return PrinterStatus.UNKNOWN

    def _network_status(self) -> PrinterStatus:
        host, port = parse_network_address(self.settings.address)
        try:
            conn = socket.create_connection((host, port), timeout=self.settings.status_timeout)
        except OSError:
            return PrinterStatus.OFFLINE
        with conn:
            conn.settimeout(self.settings.status_timeout)
            try:
                conn.sendall(DLE_EOT_PAPER)
                reply = conn.recv(1)
            except OSError:
                return PrinterStatus.UNKNOWN
        return paper_status_from_byte(reply)

    def _serial_status(self) -> PrinterStatus:
        import serial

        timeout = self.settings.status_timeout
        try:
            port = serial.serial_for_url(
                self.settings.address, baudrate=self.settings.baud, timeout=timeout,
                write_timeout=timeout,
            )
        except (serial.SerialException, OSError, ValueError):
            return PrinterStatus.OFFLINE
        with port:
            try:
                port.reset_input_buffer()
                port.write(DLE_EOT_PAPER)
                reply = port.read(1)
            except (serial.SerialException, OSError):
                return PrinterStatus.UNKNOWN
        return paper_status_from_byte(reply)


def paper_status_from_byte(reply: bytes) -> PrinterStatus:
    """Decode the answer to ``DLE EOT 4``; anything not shaped like a status byte is unknown."""
    if len(reply) != 1 or reply[0] & 0x93 != 0x12:  # fixed bits: 1 and 4 set, 0 and 7 clear
        return PrinterStatus.UNKNOWN
    if reply[0] & 0x60:
        return PrinterStatus.PAPER_OUT
    if reply[0] & 0x0C:
        return PrinterStatus.PAPER_LOW
    return PrinterStatus.READY


def _reason(exc: BaseException) -> str:
    cause = exc.__cause__ or exc.__context__
    base = cause if isinstance(cause, OSError) else exc
    if isinstance(base, OSError) and base.strerror:
        return base.strerror.lower()
    if isinstance(base, TimeoutError | socket.timeout):
        return "no answer in time"
    return str(base).splitlines()[0] if str(base) else type(base).__name__


def _offline(description: str, reason: str) -> PrintError:
    return PrintError(
        "offline",
        f"Printer offline: cannot reach the {description} ({reason}). "
        "Check its power, cable and paper.",
    )


def _write_failed(description: str, exc: BaseException) -> PrintError:
    if isinstance(exc, OSError) and exc.errno in (
        errno.ECONNRESET, errno.EPIPE, errno.ECONNABORTED, errno.ENODEV, errno.EIO
    ):
        return _offline(description, _reason(exc))
    return PrintError(
        "unknown",
        f"The {description} stopped taking the receipt ({_reason(exc)}); it may be out of paper "
        "or jammed.",
    )


def _close_quietly(device: Any) -> None:
    try:
        device.close()
    except Exception:  # noqa: BLE001 - closing a broken transport must not hide the real error
        log.debug("closing printer failed", exc_info=True)
