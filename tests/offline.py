"""Pytest plugin: the default test run cannot reach the network.

Loaded with ``-p tests.offline`` (see pyproject). Every socket ``connect`` to a non-loopback
address raises :class:`NetworkBlockedError`, so a test that forgets to replay a payload fails
loudly instead of hanging or passing on a live answer. Tests marked ``live`` are skipped unless
``METALWATCH_LIVE=1`` is set, and then sockets are left alone for them.
"""

from __future__ import annotations

import os
import socket

import pytest

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo
LOOPBACK = {"127.0.0.1", "::1", "localhost"}


class NetworkBlockedError(RuntimeError):
    """A test tried to reach the network."""


def _host(address: object) -> str | None:
    if isinstance(address, tuple) and address:
        return str(address[0])
    return None  # AF_UNIX paths


def _guard(address: object) -> None:
    host = _host(address)
    if host is not None and host not in LOOPBACK and not host.startswith("127."):
        raise NetworkBlockedError(f"network access blocked in tests: {address!r}")


def _connect(self: socket.socket, address: object) -> None:
    _guard(address)
    return _real_connect(self, address)


def _connect_ex(self: socket.socket, address: object) -> int:
    _guard(address)
    return _real_connect_ex(self, address)


def _getaddrinfo(host, *args, **kwargs):
    if host is not None and str(host) not in LOOPBACK and not str(host).startswith("127."):
        raise NetworkBlockedError(f"DNS lookup blocked in tests: {host!r}")
    return _real_getaddrinfo(host, *args, **kwargs)


def _block() -> None:
    socket.socket.connect = _connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = _getaddrinfo


def _unblock() -> None:
    socket.socket.connect = _real_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _real_connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = _real_getaddrinfo


def pytest_configure(config: pytest.Config) -> None:
    _block()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("METALWATCH_LIVE") == "1":
        return
    skip = pytest.mark.skip(reason="live network test: set METALWATCH_LIVE=1 to run")
    for item in items:
        if "live" in item.keywords:
            item.add_marker(skip)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    if "live" in item.keywords:
        _unblock()
        try:
            return (yield)
        finally:
            _block()
    return (yield)
