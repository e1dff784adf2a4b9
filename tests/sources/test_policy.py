"""The network policy: timeouts injected, statuses raised, transient-only retries, rate limits."""

from __future__ import annotations

import threading

import pytest
import requests
import responses

from metalwatch.errors import RateLimitedError, SourceFormatError, SourceUnavailableError
from metalwatch.sources.failures import classify, parse_retry_after
from metalwatch.sources.rate_limit import RateLimiter
from metalwatch.sources.request_guard import guard
from tests.sources.replay import FakeClock, fast_policy

URL = "https://push2his.eastmoney.com/api/qt/stock/kline/get"


def get() -> str:
    return requests.get(URL, params={"secid": "1.600111"}).text


def test_guard_adds_the_timeout_only_inside_and_only_on_its_thread() -> None:
    policy = fast_policy()
    seen: dict[str, object] = {}
    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, URL, body="ok")
        with guard(policy):
            get()
            t = threading.Thread(target=get)
            t.start()
            t.join()
        get()
        seen = {i: c.request.req_kwargs["timeout"] for i, c in enumerate(rsps.calls)}
    assert seen == {0: policy.timeout, 1: None, 2: None}
    assert requests.Session.request.__name__ == "request"  # the wrapper is gone


def test_retry_on_5xx_with_doubling_backoff_then_a_typed_error() -> None:
    policy = fast_policy()
    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, URL, status=503)
        with pytest.raises(SourceUnavailableError) as err:
            policy.call(get, source="akshare:stock_zh_a_hist", series="SSE.600111")
        assert len(rsps.calls) == 3
    assert str(err.value) == (
        "akshare:stock_zh_a_hist SSE.600111: HTTP 503 from push2his.eastmoney.com after 3 attempts"
    )
    e = err.value
    assert (e.series, e.source, e.status) == ("SSE.600111", "akshare:stock_zh_a_hist", 503)
    assert e.url == URL + "?secid=1.600111"
    assert e.reason == "HTTP 503 from push2his.eastmoney.com after 3 attempts"
    assert str(e.__cause__) == "HTTP 503 from push2his.eastmoney.com"
    assert policy.clock.backoffs == [2.0, 4.0]


def test_4xx_is_permanent() -> None:
    policy = fast_policy()
    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, URL, status=404)
        with pytest.raises(SourceUnavailableError, match="^s X: HTTP 404 from push2his") as err:
            policy.call(get, source="s", series="X")
        assert len(rsps.calls) == 1
    assert err.value.status == 404
    assert policy.clock.backoffs == []


def test_429_honours_retry_after_and_gives_up_when_told_to_wait_too_long() -> None:
    policy = fast_policy()
    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, URL, status=429, headers={"Retry-After": "7"})
        rsps.add(responses.GET, URL, body="ok")
        assert policy.call(get, source="s", series="X") == "ok"
    assert policy.clock.backoffs == [7.0]
    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, URL, status=429, headers={"Retry-After": "3600"})
        with pytest.raises(RateLimitedError) as err:
            policy.call(get, source="s", series="X")
        assert len(rsps.calls) == 1
    assert (err.value.retry_after, err.value.status) == (3600.0, 429)


def test_a_parse_error_is_not_retried() -> None:
    policy = fast_policy()
    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, URL, body="<html>ban page</html>")
        with pytest.raises(SourceFormatError, match="^s X: body is not valid JSON") as err:
            policy.call(lambda: requests.get(URL).json(), source="s", series="X")
        assert len(rsps.calls) == 1
    assert (err.value.url, err.value.status) == (URL, 200)  # it answered, with a ban page
    assert isinstance(err.value.__cause__, requests.exceptions.JSONDecodeError)


def test_a_timeout_names_the_url_asked_and_no_status() -> None:
    policy = fast_policy()
    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, URL, body=requests.exceptions.ReadTimeout("read timed out"))
        with pytest.raises(SourceUnavailableError) as err:
            policy.call(get, source="s", series="X")
    assert (err.value.url, err.value.status) == (URL, None)
    assert err.value.reason == "timed out (read timed out) after 3 attempts"


def test_library_errors_raised_inside_a_call_pass_through() -> None:
    policy = fast_policy()
    mine = SourceUnavailableError("empty body", series="X", source="s", status=200)

    def fail() -> None:
        raise mine

    with pytest.raises(SourceUnavailableError) as err:
        policy.call(fail, source="s", series="X")
    assert err.value is mine and policy.clock.backoffs == []


def test_a_connection_drop_is_retried() -> None:
    policy = fast_policy()
    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, URL, body=requests.exceptions.ConnectionError("RemoteDisconnected"))
        rsps.add(responses.GET, URL, body="ok")
        assert policy.call(get, source="s", series="X") == "ok"
    assert policy.clock.backoffs == [2.0]


@pytest.mark.parametrize(
    ("exc", "kind"),
    [
        (type("Timeout", (Exception,), {})("curl: (28)"), "transient"),
        (type("ConnectionError", (Exception,), {})("curl: (7)"), "transient"),
        (type("YFRateLimitError", (Exception,), {})(), "rate"),
        (KeyError("收盘"), "format"),
        (TimeoutError(), "transient"),
    ],
)
def test_classify_by_type_name(exc: BaseException, kind: str) -> None:
    assert classify(exc)[0] == kind


def test_rate_limiter_spaces_a_host_group() -> None:
    clock = FakeClock()
    lim = RateLimiter({"eastmoney.com": 4.0, "sina.com.cn": 2.0}, clock=clock, sleep=clock.sleep)
    waits = [
        lim.acquire("push2his.eastmoney.com"),
        lim.acquire("datacenter-web.eastmoney.com"),
        lim.acquire("stock2.finance.sina.com.cn"),
        lim.acquire("example.org"),
        lim.acquire("eastmoney.com"),
    ]
    assert waits == [0.0, 4.0, 0.0, 0.0, 4.0]
    assert lim.requests == {"eastmoney.com": 3, "sina.com.cn": 1}
    assert lim.waited == {"eastmoney.com": 8.0}


def test_parse_retry_after() -> None:
    assert parse_retry_after("12") == 12.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert parse_retry_after("soon") is None
