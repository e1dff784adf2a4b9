"""Raw payloads shared by the series of one run (one LME stock body serves several metals)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any, TypeVar, cast

T = TypeVar("T")
#: A cache key: the akshare function, then whatever tells two payloads apart.
Key = tuple[Hashable, ...]


class PayloadCache:
    """Raw payloads shared by the series of one run, produced once, thread-safe.

    Lives for one ``metalwatch update`` only: an open-ended range is never cached as final.
    A failure is remembered too, so sibling series fail fast with the same cause.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._keys: dict[Key, threading.Lock] = {}
        self._values: dict[Key, tuple[bool, Any]] = {}

    def get(self, key: Key, produce: Callable[[], T], *, remember_errors: bool = True) -> T:
        """The payload for ``key``, produced once (other threads wait for it).

        With ``remember_errors=False`` a failure is not kept (use it inside a retried call).
        """
        with self._lock:
            lock = self._keys.setdefault(key, threading.Lock())
        with lock:
            if key not in self._values:
                try:
                    self._values[key] = (True, produce())
                except BaseException as exc:
                    if not remember_errors:
                        raise
                    self._values[key] = (False, exc)
            ok, value = self._values[key]
        if not ok:
            raise cast(BaseException, value)
        return cast(T, value)
