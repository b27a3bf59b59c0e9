"""Progress on stderr (contracts.md): count, rate and ETA; a live bar on a terminal, otherwise one plain line
every few seconds and one at the end, so that a log never fills with carriage returns."""

from __future__ import annotations

import time
from typing import TextIO

from tqdm import tqdm


class Progress:
    LOG_INTERVAL = 5.0

    def __init__(self, err: TextIO, desc: str, unit: str = "条") -> None:
        self.err, self.desc, self.unit = err, desc, unit
        self.total: int | None = None
        self.n = 0
        self.started = self.last = time.monotonic()
        self.bar: tqdm | None = None
        self.tty = bool(getattr(err, "isatty", lambda: False)())

    def start(self, total: int) -> None:
        self.total = total
        self.started = self.last = time.monotonic()
        if self.tty:
            self.bar = tqdm(
                total=total,
                file=self.err,
                desc=self.desc,
                unit=self.unit,
                mininterval=0.2,
                dynamic_ncols=True,
            )

    def update(self, n: int) -> None:
        self.n += n
        if self.bar is not None:
            self.bar.update(n)
            return
        now = time.monotonic()
        if now - self.last >= self.LOG_INTERVAL:
            self.last = now
            self._line(now)

    def _line(self, now: float) -> None:
        meter = tqdm.format_meter(
            self.n, self.total, now - self.started, prefix=self.desc, unit=self.unit, ascii=True
        )
        self.err.write(meter + "\n")
        self.err.flush()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        else:
            self._line(time.monotonic())
