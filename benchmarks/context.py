"""The run's settings handed to every benchmark."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.core import WORK_DIR


@dataclass
class Context:
    """``quick``: the small CI version; ``work``: scratch folder (journals, logs, probes)."""

    quick: bool = False
    work: Path = WORK_DIR
    python: str = sys.executable
    stamp: str = field(default_factory=lambda: time.strftime("%H%M%S"))
    notes: list[str] = field(default_factory=list)  # run-wide remarks for RESULTS.md

    def scratch(self, name: str) -> Path:
        """A fresh folder under ``work`` for one benchmark (emptied if it existed)."""
        import shutil

        path = self.work / name
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True)
        return path
