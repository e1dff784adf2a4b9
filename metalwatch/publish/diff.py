"""Which figures changed between two editions (or an edition and a rebuild), and why.

Figures are matched by instrument and metric in the canonical tables (``figures.csv``). A
changed figure is:

- ``revised`` when its as-of date is the same but its value is not: a stored value for that
  date (or one it is computed from) was revised. With the store at hand, the revisions it
  recorded after the older edition's generation are quoted as evidence;
- ``new data`` when its as-of date moved: a later (or earlier) observation is used;
- ``recomputed`` for a figure without an as-of date (a rank, a sample size) whose value moved;
- ``added`` or ``dropped`` when only one side prints it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

KEY = ["instrument", "metric"]


@dataclass(frozen=True)
class Change:
    """One figure that differs between editions ``a`` (older) and ``b``."""

    instrument: str
    metric: str
    old: str
    new: str
    old_as_of: str
    new_as_of: str
    why: str
    detail: str = ""

    def line(self) -> str:
        """One line: id, metric, old -> new, as-of dates, why."""
        dates = self.new_as_of or self.old_as_of
        if self.old_as_of != self.new_as_of and self.old_as_of and self.new_as_of:
            dates = f"{self.old_as_of} -> {self.new_as_of}"
        text = (
            f"{self.instrument} {self.metric}: {self.old or '-'} -> {self.new or '-'}"
            f" (as of {dates or 'n/a'}): {self.why}"
        )
        return f"{text}; {self.detail}" if self.detail else text


def _why(old: pd.Series, new: pd.Series) -> str:
    if not old["value"] and not old["as_of"]:
        return "added"
    if not new["value"] and not new["as_of"]:
        return "dropped"
    if old["as_of"] != new["as_of"]:
        return "new data"
    return "revised" if old["as_of"] else "recomputed"


def diff_figures(a: pd.DataFrame, b: pd.DataFrame) -> list[Change]:
    """The figures of canonical table ``b`` that differ from ``a``, sorted by id and metric.

    Parameters
    ----------
    a, b
        Canonical figures tables (:func:`metalwatch.publish.fingerprint.canonical`).
    """
    cols = [*KEY, "value", "as_of"]
    both = a[cols].merge(b[cols], on=KEY, how="outer", suffixes=("_a", "_b")).fillna("")
    changed = both[(both["value_a"] != both["value_b"]) | (both["as_of_a"] != both["as_of_b"])]
    out = []
    for r in changed.sort_values(KEY).to_dict("records"):
        old = pd.Series({"value": r["value_a"], "as_of": r["as_of_a"]})
        new = pd.Series({"value": r["value_b"], "as_of": r["as_of_b"]})
        out.append(
            Change(
                str(r["instrument"]),
                str(r["metric"]),
                str(r["value_a"]),
                str(r["value_b"]),
                str(r["as_of_a"]),
                str(r["as_of_b"]),
                _why(old, new),
            )
        )
    return out


def with_revisions(changes: list[Change], revisions: pd.DataFrame, since: str) -> list[Change]:
    """Quote the store's revisions made after ``since`` as the evidence of each ``revised``.

    Parameters
    ----------
    changes
        The changes (:func:`diff_figures`).
    revisions
        The store's revisions (``Store.revisions()``: instrument, field, date, old_value,
        new_value, revised_at).
    since
        The older edition's generation time (ISO); earlier revisions were already in it.
    """
    if revisions.empty:
        return changes
    at = pd.to_datetime(revisions["revised_at"], utc=True)
    recent = revisions[at > pd.Timestamp(since).tz_convert("UTC")]
    out = []
    for c in changes:
        hits = recent[(recent["instrument"] == c.instrument) & (recent["date"] == c.old_as_of)]
        if c.why == "revised" and not hits.empty:
            h = hits.iloc[-1]
            detail = (
                f"stored {h['field']} for {h['date']} revised {h['old_value']:g} -> "
                f"{h['new_value']:g} at {h['revised_at']}"
            )
            c = replace(c, detail=detail)
        out.append(c)
    return out
