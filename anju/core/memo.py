"""Per-process memory of small configuration tables (SLA policies, calendar days).

Read on every ticket intake but edited a few times a year, they are loaded once per
process and kept for `ANJU_CONFIG_CACHE_SECONDS` (30 s by default; 0 turns the memory
off, as the test settings do). A save or delete through the ORM in this process clears
the memory at once (`clear_on_change`); other worker processes see an edit within the
period.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.db.models.signals import post_delete, post_save

T = TypeVar("T")


class TableMemo(Generic[T]):
    def __init__(self, load: Callable[[], T]) -> None:
        self._load = load
        self._value: T | None = None
        self._loaded_at = 0.0
        self._lock = threading.Lock()

    def get(self) -> T:
        ttl = getattr(settings, "ANJU_CONFIG_CACHE_SECONDS", 30)
        if ttl <= 0:
            return self._load()
        now = time.monotonic()
        with self._lock:
            if self._value is None or now - self._loaded_at > ttl:
                self._value = self._load()
                self._loaded_at = now
            return self._value

    def clear(self, *args: Any, **kwargs: Any) -> None:
        with self._lock:
            self._value = None

    def clear_on_change(self, *models: type) -> TableMemo[T]:
        for model in models:
            post_save.connect(self.clear, sender=model, weak=False)
            post_delete.connect(self.clear, sender=model, weak=False)
        return self
