"""The base of adapters over one akshare function: a declarative column map, shared mechanics.

An akshare adapter states what is its own and inherits the rest (pandas-datareader's base
reader is the model)::

    class SgeSpotFetcher(AkshareFetcher):
        function = "spot_hist_sge"
        COLUMNS = {"date": "date", "open": "open", "high": "high", "low": "low",
                   "close": "close"}

gives ``prepare`` (import akshare once, before threads start), ``fetch_raw``
(``ak.spot_hist_sge(symbol=<registry symbol>, **ARGS)``), ``normalize`` (the payload as a
frame; an empty one, a missing column or a renamed one is a
:class:`~metalwatch.errors.SourceFormatError` naming it; the columns renamed to canonical
names) and ``fields`` (the canonical names the map produces). akshare is never imported at
module level, so ``import metalwatch`` stays free of it.
"""

from __future__ import annotations

import contextlib
import io
import logging
import threading
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

import pandas as pd

from metalwatch.sources.base import Fetched, Fetcher, Query

log = logging.getLogger(__name__)
#: ``sys.stdout`` is one per process: one captured akshare call at a time, whichever adapter.
_STDOUT = threading.Lock()


@contextlib.contextmanager
def quiet_stdout(label: str) -> Iterator[None]:
    """Keep what akshare prints (its retry messages) off the user's terminal while a call runs,
    and log it at debug level under ``label``; the failure itself comes back through the
    request guard, not the printout."""
    with _STDOUT, contextlib.redirect_stdout(io.StringIO()) as said:
        yield
    if said.getvalue():
        log.debug("akshare %s printed: %s", label, said.getvalue().strip())


class AkshareFetcher(Fetcher):
    """An adapter over one akshare function (see the module docstring)."""

    key = "akshare"
    #: Upstream column -> canonical column (``date`` or a field). All must be present; the
    #: first one missing is named in the error.
    COLUMNS: ClassVar[Mapping[str, str]] = {}
    #: Upstream columns taken when present; a missing one is noted in the run's summary.
    OPTIONAL: ClassVar[Mapping[str, str]] = {}
    #: Keyword arguments of the akshare call besides ``symbol``.
    ARGS: ClassVar[Mapping[str, object]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "fields" not in cls.__dict__ and (cls.COLUMNS or cls.OPTIONAL):
            produced = [*cls.COLUMNS.values(), *cls.OPTIONAL.values()]
            cls.fields = tuple(f for f in dict.fromkeys(produced) if f != "date")

    def prepare(self) -> None:
        import akshare  # noqa: F401

    def fetch_raw(self, query: Query) -> Any:
        import akshare as ak

        return getattr(ak, self.function)(symbol=query.symbol, **self.ARGS)

    def normalize(self, query: Query, raw: Any, out: Fetched) -> pd.DataFrame:
        return self.select(self.payload(query, raw), query, out)

    # -- the steps, for adapters that add their own -------------------------------------
    def payload(self, query: Query, raw: Any) -> pd.DataFrame:
        """``raw`` as a DataFrame; SourceFormatError if it holds no rows."""
        df = pd.DataFrame(raw)
        if df.empty:
            raise self.empty_payload(query)
        return df

    def column_map(self, query: Query) -> Mapping[str, str]:
        """The required columns of ``query``'s payload (:attr:`COLUMNS` unless overridden)."""
        return self.COLUMNS

    def select(
        self,
        df: pd.DataFrame,
        query: Query,
        out: Fetched | None = None,
        columns: Mapping[str, str] | None = None,
    ) -> pd.DataFrame:
        """The mapped columns of ``df`` under their canonical names (``date`` + fields).

        ``columns`` replaces :meth:`column_map`; optional columns are added when present.
        """
        wanted = dict(self.column_map(query) if columns is None else columns)
        self.require(df, wanted, query)
        for src, dst in self.OPTIONAL.items():
            if src in df.columns:
                wanted[src] = dst
            elif out is not None:
                out.notes.append(f"payload has no {src} column")
        return df[list(wanted)].rename(columns=wanted)
