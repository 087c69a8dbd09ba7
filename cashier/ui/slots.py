"""Slots for the signals of dialogs that delete themselves, without owning their owner.

A PIN dialog is made per question and deletes itself when it closes (``WA_DeleteOnClose``). When
it is deleted, Qt drops its connections, and with them the Python callables connected to its
signals. If such a callable held the last reference to an ancestor of the dialog (a lambda that
captured the window that owns the dialog, a bound method of the object that holds that window),
dropping it frees the ancestor right there, inside the dialog's destructor; the ancestor deletes
its children, the half-deleted dialog among them, a second time. That double delete is the heap
corruption the test suite aborted with at random (``malloc_consolidate(): unaligned fastbin
chunk detected``), whenever a deferred deletion happened to run after the test had dropped the
window: at the counter, closing the terminal with a PIN dialog just answered would do the same.

So a self-deleting dialog's signals are connected through ``weak_slot``, which holds its target
weakly: the dialog's connections never keep anything of its owner alive.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any


def weak_slot(method: Callable[..., Any], *args: Any) -> Callable[..., None]:
    """A slot calling the bound ``method(*args, *signal_args)`` while its object lives (and doing
    nothing after); ``args`` must not hold the dialog's ancestors either."""
    target = weakref.WeakMethod(method)  # type: ignore[arg-type]

    def slot(*signal_args: Any) -> None:
        bound = target()
        if bound is not None:
            bound(*args, *signal_args)

    return slot
