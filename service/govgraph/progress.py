"""Progress for long work: shown on a terminal's stderr, silent in CI and in pipelines."""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO


class Progress:
    """Prints ``label: step`` lines, rewriting one terminal line, when the stream is a TTY."""

    def __init__(self, label: str, *, stream: TextIO | None = None,
                 enabled: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.label = label
        self.enabled = (self.stream.isatty() and not os.environ.get("CI")) \
            if enabled is None else enabled
        self.start = time.monotonic()

    def step(self, text: str) -> None:
        if self.enabled:
            elapsed = time.monotonic() - self.start
            self.stream.write(f"\r\033[K{self.label}: {text} ({elapsed:.1f} s)")
            self.stream.flush()

    def done(self) -> None:
        if self.enabled:
            self.stream.write("\r\033[K")
            self.stream.flush()
