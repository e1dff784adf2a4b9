"""Every adapter, replayed through the real akshare / yfinance code at the HTTP layer.

Per adapter: a normal payload (real values asserted), the fetcher contract, an empty payload,
a 5xx then success (retried), a timeout (retried, then a typed error with its cause), a
malformed body (not retried), a renamed column (named in the error), and a unit-scale jump
(rejected by ``metalwatch update``, nothing stored, the failure logged).
"""

from __future__ import annotations

import pandas as pd
import pytest
import requests
import responses

from metalwatch.errors import (
    MetalwatchError,
    SourceError,
    SourceFormatError,
    SourceUnavailableError,
    UnitScaleError,
)
from metalwatch.ingest import update
from metalwatch.sources import catalog
from metalwatch.sources.base import Fetched
from metalwatch.store import Store
from metalwatch.store.compact import day_number
from tests.sources.contract import check_contract
from tests.sources.replay import Case, cases, fast_policy

CASES = {c.name: c for c in cases()}
IDS = list(CASES)


def fetch(case: Case, main: list, **policy_kw: object) -> tuple[Fetched, object, object]:
    """Replay ``case`` with ``main`` answers; return the result, the policy and the mock."""
    policy = fast_policy(**policy_kw)
    fetcher = catalog.adapter_class(case.key, case.function)()
    query = fetcher.build_query(case.instrument, case.symbol, pd.Timestamp(case.start), case.now)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        case.register(rsps, main)
        try:
            return fetcher.fetch(query, policy), policy, rsps
        finally:
            fetch.calls = len(rsps.calls)  # type: ignore[attr-defined]


def value(got: Fetched, field: str, date: str) -> float:
    df = got.frame
    row = df[(df["field"] == field) & (df["date"] == pd.Timestamp(date))]
    assert len(row) == 1, f"no {field} on {date}"
    return float(row["value"].iloc[0])


@pytest.mark.parametrize("name", IDS)
def test_normal_payload_gives_the_real_values(name: str) -> None:
    case = CASES[name]
    got, _, _ = fetch(case, [case.normal])
    for (field, date), want in case.expect.items():
        assert value(got, field, date) == pytest.approx(want, rel=1e-9), (field, date)
    assert set(got.frame["instrument"]) == {case.instrument}


@pytest.mark.parametrize("name", IDS)
def test_contract(name: str) -> None:
    case = CASES[name]
    fetcher = catalog.adapter_class(case.key, case.function)()
    query = fetcher.build_query(case.instrument, case.symbol, pd.Timestamp(case.start), case.now)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        case.register(rsps, [case.normal])
        got = fetcher.fetch(query, fast_policy())
    df = check_contract(fetcher, query, got)
    assert (df["source"] == fetcher.label).all()


@pytest.mark.parametrize("name", IDS)
def test_empty_payload_is_a_typed_error_or_explicit(name: str) -> None:
    case = CASES[name]
    if case.empty_is_error:
        with pytest.raises(SourceError) as err:
            fetch(case, [case.empty])
        assert case.instrument in str(err.value) and "\n" not in str(err.value)
    else:
        got, _, _ = fetch(case, [case.empty])
        reg_field = {"SSE.600111": "adj_close"}[case.instrument]
        assert reg_field not in set(got.frame["field"])
        assert got.notes, "an empty answer must be reported"


@pytest.mark.parametrize("name", IDS)
def test_5xx_then_success_is_retried(name: str) -> None:
    case = CASES[name]
    got, policy, _ = fetch(case, [(503, b"Service Unavailable"), case.normal])
    field, date = next(iter(case.expect))
    assert value(got, field, date) == pytest.approx(case.expect[(field, date)])
    if case.key != "yfinance":  # yfinance retries a 5xx once itself before we see it
        assert policy.clock.backoffs == [policy.backoff]


@pytest.mark.parametrize("name", IDS)
def test_timeout_retries_then_fails_with_its_cause(name: str) -> None:
    case = CASES[name]
    with pytest.raises(SourceUnavailableError) as err:
        fetch(case, [requests.exceptions.ReadTimeout("read timed out (fixture)")])
    msg = str(err.value)
    assert "timed out" in msg and case.instrument in msg and "after 3 attempts" in msg
    assert isinstance(err.value.__cause__, requests.exceptions.ReadTimeout)
    assert err.value.source.startswith(case.key) and err.value.series == case.instrument
    # the request timed out: its URL is known, and no status came back
    assert err.value.url is not None and err.value.url.startswith("https://")
    assert err.value.status is None


@pytest.mark.parametrize("name", IDS)
def test_malformed_body_fails_at_once(name: str) -> None:
    case = CASES[name]
    with pytest.raises(SourceFormatError) as err:
        fetch(case, [case.malformed])
    assert case.instrument in str(err.value)
    assert "attempts" not in str(err.value)  # permanent: not retried
    # the parser's own exception is kept, and the answer that broke it is named
    cause = err.value.__cause__
    assert cause is not None and not isinstance(cause, MetalwatchError), repr(cause)
    assert (err.value.series, err.value.status) == (case.instrument, 200)
    assert err.value.url is not None and err.value.url.startswith("https://")


@pytest.mark.parametrize("name", [n for n in IDS if CASES[n].renamed is not None])
def test_renamed_column_is_named(name: str) -> None:
    case = CASES[name]
    with pytest.raises(SourceFormatError) as err:
        fetch(case, [case.renamed])
    assert case.renamed_col in str(err.value)


@pytest.mark.parametrize("name", [n for n in IDS if CASES[n].renamed is None])
def test_renamed_output_column_is_named(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """akshare names these columns by position: a wire rename cannot show, but an akshare
    release renaming its output must."""
    import akshare as ak

    case = CASES[name]
    real = getattr(ak, case.function)

    def renamed(*args: object, **kwargs: object) -> pd.DataFrame:
        return real(*args, **kwargs).rename(columns={case.renamed_col: "renamed"})

    monkeypatch.setattr(ak, case.function, renamed)
    with pytest.raises(SourceFormatError) as err:
        fetch(case, [case.normal])
    assert repr(case.renamed_col) in str(err.value)


def truncate(store_path, instrument: str, after: str | None) -> None:
    """Delete an instrument's stored rows dated after ``after``."""
    if after is None:
        return
    with Store(store_path) as st:
        st._con.execute(
            "DELETE FROM observations WHERE series IN (SELECT id FROM series WHERE instrument = ?) "
            "AND day > ?",
            (instrument, day_number(after)),
        )


@pytest.mark.parametrize("name", IDS)
def test_unit_scale_jump_is_rejected_and_logged(name: str, store_path) -> None:
    case = CASES[name]
    since = case.start
    truncate(store_path, case.instrument, case.cutoff)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        case.register(rsps, [case.normal])
        first = update(
            [case.instrument],
            store=store_path,
            since=since,
            policy=fast_policy(),
            now=case.now,
            workers=1,
        )
    assert not first.failed, first.failed[0].message if first.failed else ""
    truncate(store_path, case.instrument, case.cutoff)
    with Store(store_path) as st:
        before = st.read([case.instrument])
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        case.register(rsps, [case.scaled])
        second = update(
            [case.instrument],
            store=store_path,
            since=since,
            policy=fast_policy(),
            now=case.now,
            workers=1,
        )
    [out] = second.outcomes
    assert out.status == "failed" and isinstance(out.error, UnitScaleError), out.message
    assert "unit change" in out.message or "registered unit" in out.message
    assert (out.error.series, out.error.source) == (case.instrument, out.source)
    assert out.message == str(out.error)  # the error names its own place
    with Store(store_path) as st:
        after = st.read([case.instrument])
        log = st.last_fetches().set_index("instrument").loc[case.instrument]
    pd.testing.assert_frame_equal(before, after)
    assert log["status"] == "failed" and log["message"] == out.message
    assert log["last_date"] == f"{out.last_date:%Y-%m-%d}"
