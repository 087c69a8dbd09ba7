"""First contact with the real gateway: log each undocumented value the first time it is seen.

OTT Pay has no sandbox, and its documents leave open how some things are said (how "order not
found" is worded, which ``rsp_code``/``order_status`` values exist beyond the documented ones).
The client treats what it does not recognise as "unknown, keep asking"; this module makes sure
the first days against the real gateway teach us the real values: one WARNING line per distinct
unrecognised value, with the exact code and text, then silence for that value.

"Once" is remembered per process, in memory: a restart logs each value again (one line per
value per run is cheap, and the log rotates), and nothing about the gateway's wording is written
anywhere but the log. The memory is bounded, so a gateway that invents a new text for every
answer cannot grow it without limit.
"""

from __future__ import annotations

import logging
import threading

logger = logging.getLogger("cashier.ottpay")

#: Distinct values remembered per process; past it, one last line says logging stopped.
DEFAULT_LIMIT = 200


class FirstContact:
    """Remembers which unrecognised gateway values were already logged (thread-safe)."""

    def __init__(self, limit: int = DEFAULT_LIMIT) -> None:
        self.limit = limit
        self._seen: set[tuple[str, ...]] = set()
        self._full_reported = False
        self._lock = threading.Lock()

    def note(self, what: str, *, action: str, order_id: str | None, rsp_code: str,
             rsp_msg: str, order_status: object = None, treated_as: str,
             level: int = logging.WARNING) -> bool:
        """Log ``what`` (e.g. ``"rsp_code"``) for this code/text/status once; True if logged.

        ``level``: WARNING for a value the client does not understand, INFO for one it does
        understand but only by a guess worth confirming (a "not found" recognised by wording).
        """
        key = (what, rsp_code, rsp_msg, str(order_status or ""))
        with self._lock:
            if key in self._seen:
                return False
            if len(self._seen) >= self.limit:
                if not self._full_reported:
                    self._full_reported = True
                    logger.warning("OTT Pay first contact: %d unrecognised values logged; no "
                                   "more are logged until restart", self.limit)
                return False
            self._seen.add(key)
        logger.log(
            level,
            "OTT Pay first contact: unrecognised %s in a %s answer (order_id=%s): rsp_code=%r "
            "rsp_msg=%r order_status=%r; treated as %s. Please report this line.",
            what, action, order_id, rsp_code, rsp_msg, order_status, treated_as,
        )
        return True


#: The process-wide memory the client uses unless given its own (tests do).
PROCESS_FIRST_CONTACT = FirstContact()
