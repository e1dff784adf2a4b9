"""Replay set-up shared by the adapter tests.

yfinance must fall back to ``requests`` (so ``responses`` can answer) before it is first
imported: ``YF_DISABLE_CURL_CFFI`` is set here, at collection time.
"""

from __future__ import annotations

import os

os.environ.setdefault("YF_DISABLE_CURL_CFFI", "1")
os.environ.setdefault("TQDM_DISABLE", "1")

import pytest  # noqa: E402

pytest.register_assert_rewrite("tests.sources.contract")


@pytest.fixture(scope="session", autouse=True)
def _yfinance_caches(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep yfinance's sqlite caches (time zones, cookies) in a temp folder."""
    import yfinance as yf

    yf.set_tz_cache_location(str(tmp_path_factory.mktemp("yf-cache")))


@pytest.fixture(autouse=True)
def _fresh_yfinance_session() -> None:
    """Reset yfinance's process-wide cookie/crumb state between tests."""
    import yfinance as yf

    data = yf.data.YfData()
    data._crumb = None
    data._cookie = None
    data._cookie_strategy = "basic"
