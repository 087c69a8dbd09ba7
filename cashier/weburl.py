"""The one rule for every web address the terminal talks to or hands out.

Payments, callbacks and payment links travel over https. Plain http is allowed only when the host
is this computer (127.0.0.0/8, ``localhost``, ``::1``): the simulator in demo mode and in tests.
No address carries a user name or password (``user:password@host``): nothing the terminal talks
to is reached that way, and a password in an address ends up on screens and in logs.
``hide_user_info`` is how a refused address is echoed (and how logs are scrubbed).
The gateway client, the settings file and the payment-link builder all ask this module, so the
rule cannot drift between them, and ``url_refusal`` words the refusal the same way for all three
(each names the address its own way: a settings key, "the return URL").
"""

from __future__ import annotations

import enum
import ipaddress
import re
from urllib.parse import urlsplit


class UrlProblem(enum.Enum):
    """Why an address is refused."""

    NOT_A_WEB_ADDRESS = "not a web address"
    PLAIN_HTTP = "plain http to another computer"
    USER_INFO = "a user name or password in the address"


_USER_INFO_RE = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/?#\s@]*@")


def hide_user_info(text: str) -> str:
    """``text`` with the ``user:password@`` part of any address in it hidden."""
    return _USER_INFO_RE.sub(r"\1********@", text)


def is_loopback_host(host: str | None) -> bool:
    """True for ``localhost``, 127.0.0.0/8 and ::1 (the only hosts allowed over plain http)."""
    if not host:
        return False
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def web_url_problem(url: str) -> UrlProblem | None:
    """``None`` when ``url`` is https, or http to this computer; otherwise what is wrong."""
    if not isinstance(url, str) or not url or any(c.isspace() for c in url):
        return UrlProblem.NOT_A_WEB_ADDRESS
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        return UrlProblem.NOT_A_WEB_ADDRESS
    if parts.scheme not in ("http", "https") or not host:
        return UrlProblem.NOT_A_WEB_ADDRESS
    if "@" in parts.netloc:
        return UrlProblem.USER_INFO
    if parts.scheme == "http" and not is_loopback_host(host):
        return UrlProblem.PLAIN_HTTP
    return None


def url_refusal(url: str, what: str, *, example: str = "https://host/path") -> str | None:
    """Why ``url`` is refused, as a sentence without its full stop that names the address as
    ``what`` and shows it with any password hidden; ``None`` when it is allowed."""
    problem = web_url_problem(url)
    shown = hide_user_info(url) if isinstance(url, str) else url
    if problem is UrlProblem.NOT_A_WEB_ADDRESS:
        return f"{what} {shown!r} is not a web address like {example}"
    if problem is UrlProblem.PLAIN_HTTP:
        return (f"{what} {shown!r} must use https (plain http is allowed only on this computer: "
                "127.0.0.1, localhost or ::1)")
    if problem is UrlProblem.USER_INFO:
        return (f"{what} {shown!r} must not hold a user name or password (user:password@); the "
                "address alone is enough")
    return None
