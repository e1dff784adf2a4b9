"""Mutations of the replay payloads in tests/fixtures: one function per kind of damage.

Each takes the bytes of a real (or constructed) body and returns the damaged bytes, in the
wire format the library parses. Nothing here is stored: the catalogue derives every faulty
payload from the fixtures at test time.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from tests.sources.replay import body

# -- Sina JSONP (``var _X=([{...}, ...]);``) --------------------------------------------------


def sina_rows(raw: bytes) -> tuple[str, list[dict]]:
    """The JSONP head (``.../var _X``) and the parsed rows of a Sina kline body."""
    head, rest = raw.decode().split("=(", 1)
    return head, json.loads(rest.rsplit(");", 1)[0])


def sina_body(head: str, rows: list[dict]) -> bytes:
    """A Sina kline body from a head and rows (compact JSON, as Sina sends it)."""
    return f"{head}=({json.dumps(rows, separators=(',', ':'), ensure_ascii=False)});".encode()


def sina_edit(raw: bytes, edit: Callable[[list[dict]], list[dict] | None]) -> bytes:
    """Apply ``edit`` to the rows of a Sina body (in place, or return new rows)."""
    head, rows = sina_rows(raw)
    out = edit(rows)
    return sina_body(head, rows if out is None else out)


def sina_set(raw: bytes, date: str, **values: str) -> bytes:
    """Set fields of the row dated ``date``."""

    def edit(rows: list[dict]) -> None:
        hit = [r for r in rows if r.get("d", r.get("date")) == date]
        assert hit, date
        hit[0].update(values)

    return sina_edit(raw, edit)


# -- Yahoo chart JSON --------------------------------------------------------------------------


def yahoo_edit(raw: bytes, edit: Callable[[dict], None]) -> bytes:
    """Apply ``edit`` to ``chart.result[0]`` of a Yahoo chart body."""
    doc = json.loads(raw)
    edit(doc["chart"]["result"][0])
    return json.dumps(doc).encode()


def yahoo_quote(result: dict) -> dict:
    """The ``indicators.quote[0]`` arrays of a chart result."""
    return result["indicators"]["quote"][0]


def yahoo_scale(raw: bytes, factor: float) -> bytes:
    """Every price array times ``factor`` (USD/lb to US cents/lb is 100)."""

    def edit(res: dict) -> None:
        q = yahoo_quote(res)
        for key in ("open", "high", "low", "close"):
            q[key] = [None if v is None else v * factor for v in q[key]]
        for adj in res["indicators"].get("adjclose", []):
            adj["adjclose"] = [None if v is None else v * factor for v in adj["adjclose"]]

    return yahoo_edit(raw, edit)


def yahoo_shift(raw: bytes, seconds: int) -> bytes:
    """Every bar's timestamp moved by ``seconds`` (a time-zone slip)."""

    def edit(res: dict) -> None:
        res["timestamp"] = [t + seconds for t in res["timestamp"]]

    return yahoo_edit(raw, edit)


def yahoo_swap(raw: bytes, a: str, b: str) -> bytes:
    """Two quote arrays swapped (``high`` and ``low``, say)."""

    def edit(res: dict) -> None:
        q = yahoo_quote(res)
        q[a], q[b] = q[b], q[a]

    return yahoo_edit(raw, edit)


def yahoo_append(raw: bytes, days: int, count: int) -> bytes:
    """``count`` bars appended ``days`` apart after the last one, copying the last bar."""

    def edit(res: dict) -> None:
        q = yahoo_quote(res)
        last = res["timestamp"][-1]
        for n in range(1, count + 1):
            res["timestamp"].append(last + n * days * 86400)
            for key in q:
                q[key].append(q[key][-1])
        for adj in res["indicators"].get("adjclose", []):
            adj["adjclose"] += [adj["adjclose"][-1]] * count

    return yahoo_edit(raw, edit)


def yahoo_null(raw: bytes, key: str, index: int) -> bytes:
    """One value of a quote array set to null."""

    def edit(res: dict) -> None:
        yahoo_quote(res)[key][index] = None

    return yahoo_edit(raw, edit)


def yahoo_ts(raw: bytes) -> list[int]:
    return json.loads(raw)["chart"]["result"][0]["timestamp"]


# -- Eastmoney klines ("date,open,close,high,low,...") ------------------------------------------


def em_klines_edit(raw: bytes, edit: Callable[[list[list[str]]], None]) -> bytes:
    """Apply ``edit`` to the split kline lines of an Eastmoney kline body."""
    doc = json.loads(raw)
    lines = [k.split(",") for k in doc["data"]["klines"]]
    edit(lines)
    doc["data"]["klines"] = [",".join(p) for p in lines]
    return json.dumps(doc, ensure_ascii=False).encode()


# -- KOMIS -----------------------------------------------------------------------------------


def komis_edit(raw: bytes, edit: Callable[[dict], None]) -> bytes:
    doc = json.loads(raw)
    edit(doc)
    return json.dumps(doc, ensure_ascii=False).encode()


# -- Jin10 LME stocks ---------------------------------------------------------------------------


def jin10_lme_edit(raw: bytes, edit: Callable[[dict], None]) -> bytes:
    doc = json.loads(raw)
    edit(doc)
    return json.dumps(doc, ensure_ascii=False).encode()


def fixture(rel: str) -> bytes:
    """A fixture body (alias of :func:`tests.sources.replay.body`)."""
    return body(rel)
