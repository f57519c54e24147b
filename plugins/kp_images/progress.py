"""A progress line for long encodes, and a summary when they end.

On a terminal the line is rewritten in place (``\\r``): photos done of all, photos a
second, time left. Elsewhere (CI logs, a pipe) a plain line is printed at most every
``interval`` seconds, so a log does not fill with progress. Written by hand rather than
with tqdm or rich: it is one line of text, and neither is otherwise a dependency.
Nothing is shown for a build that encodes nothing (a warm build is silent).
"""

from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, total: int, stream=None, interval: float = 10.0, delay: float = 1.0):
        self.total = total
        self.done = 0
        self.files = 0
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.started = time.perf_counter()
        self.interval = interval
        self.delay = delay  # nothing is shown for an encode shorter than this
        self.last_shown = self.started
        self.shown = False

    def line(self) -> str:
        elapsed = time.perf_counter() - self.started
        rate = self.done / elapsed if elapsed > 0 else 0.0
        left = (self.total - self.done) / rate if rate > 0 else 0.0
        eta = f", about {_duration(left)} left" if self.done < self.total and rate > 0 else ""
        return f"kp_images: {self.done}/{self.total} photos, {rate:.2f} photos/s{eta}"

    def advance(self, files: int = 0) -> None:
        self.done += 1
        self.files += files
        now = time.perf_counter()
        if now - self.started < self.delay and self.done < self.total:
            return
        if self.tty:
            self.stream.write("\r" + self.line().ljust(72))
            self.stream.flush()
            self.shown = True
        elif now - self.last_shown >= self.interval:
            print(self.line(), file=self.stream, flush=True)
            self.last_shown = now

    def finish(self, failed: int = 0) -> str:
        """The summary (also returned, for the log)."""
        elapsed = time.perf_counter() - self.started
        per_photo = elapsed / self.done if self.done else 0.0
        summary = (
            f"kp_images: encoded {self.done} photo(s) into {self.files} files in "
            f"{_duration(elapsed)} ({per_photo:.2f} s a photo)"
            + (f"; {failed} could not be read" if failed else "")
        )
        if self.tty and self.shown:
            self.stream.write("\r" + " " * 72 + "\r")
        if self.done:
            print(summary, file=self.stream, flush=True)
        return summary


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(int(seconds + 0.5), 60)
    return f"{minutes} min {rest:02d} s"
