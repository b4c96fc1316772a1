"""A bounded queue in front of generation: one model, many users, a clear 'busy' instead of a pile-up."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import ClassVar

from qa.errors import QAError


class Busy(QAError, RuntimeError):
    """The generation queue is full or the wait timed out; the caller should retry later (HTTP 503)."""

    headers: ClassVar[dict[str, str]] = {"Retry-After": "5"}


class GenerationQueue:
    def __init__(self, slots: int, max_waiting: int, timeout: float):
        self.slots, self.max_waiting, self.timeout = slots, max_waiting, timeout
        self._semaphore = threading.BoundedSemaphore(slots)
        self._lock = threading.Lock()
        self._waiting = 0

    @contextmanager
    def slot(self) -> Iterator[None]:
        with self._lock:
            if self._waiting >= self.max_waiting:
                raise Busy(f"the generator is busy ({self._waiting} questions waiting): try again shortly")
            self._waiting += 1
        try:
            acquired = self._semaphore.acquire(timeout=self.timeout)
        finally:
            with self._lock:
                self._waiting -= 1
        if not acquired:
            raise Busy(f"no generator free within {self.timeout:.0f} s: try again shortly")
        try:
            yield
        finally:
            self._semaphore.release()
