"""One translation mechanism for templates and generated sentences: gettext catalogs.

The catalog source is ``metalwatch/locale/<locale>/LC_MESSAGES/metalwatch.po``, compiled by
Babel into the ``metalwatch.mo`` beside it (``scripts/extract_messages.py``), which the standard
library reads; a ``.po`` edited since is compiled in memory instead, so there is no build step
to forget. English is the msgid language. Numbers and dates are laid out as CLDR lays them out
for the two languages, held to Babel by tests (``i18n.number`` is Babel's, the reference those
tests compare with).
"""

from __future__ import annotations

import gettext
import hashlib
import io
import math
from datetime import date
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable

import pandas as pd

LANGS = ("en", "zh")
LOCALES = {"en": "en", "zh": "zh_CN"}
DOMAIN = "metalwatch"


#: A reserved msgid of a compiled catalog: its msgstr is the sha256 of the ``.po`` it was
#: compiled from, so a catalog edited since is never read from a stale ``.mo``.
PO_STAMP = "metalwatch:po-sha256"


def catalog_file(lang: str, suffix: str) -> Traversable:
    """The packaged catalog of ``lang``: ``suffix`` ``'po'`` (the source) or ``'mo'`` (compiled)."""
    return resources.files("metalwatch").joinpath(
        "locale", LOCALES[lang], "LC_MESSAGES", f"{DOMAIN}.{suffix}"
    )


def compile_catalog(lang: str) -> bytes:
    """The ``.mo`` of ``lang``'s ``.po`` (Babel), stamped with the ``.po``'s sha256
    (:data:`PO_STAMP`); ``scripts/extract_messages.py`` writes it beside the ``.po``."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    source = catalog_file(lang, "po").read_bytes()
    catalog = read_po(io.BytesIO(source), locale=LOCALES[lang], domain=DOMAIN)
    catalog.add(PO_STAMP, hashlib.sha256(source).hexdigest())
    buf = io.BytesIO()
    write_mo(buf, catalog)
    return buf.getvalue()


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The gettext translations for ``lang`` ('en' has none: msgids are English).

    Read from the packaged ``.mo`` by the standard library when its stamp is the ``.po``'s
    sha256 (0.4 ms); else (a ``.po`` edited since, or no ``.mo``) compiled from the ``.po`` by
    Babel (~25 ms with its imports, ~3 MiB held while the weekly renders).
    """
    if lang == "en":
        return gettext.NullTranslations()
    digest = hashlib.sha256(catalog_file(lang, "po").read_bytes()).hexdigest()
    compiled = catalog_file(lang, "mo")
    if compiled.is_file():
        kept = gettext.GNUTranslations(io.BytesIO(compiled.read_bytes()))
        if kept.gettext(PO_STAMP) == digest:
            return kept
    return gettext.GNUTranslations(io.BytesIO(compile_catalog(lang)))


def N_(message: str) -> str:
    """Mark a message for extraction where it is translated later (a no-op)."""
    return message


def tr(lang: str, message: str, /, **params: object) -> str:
    """Translate ``message`` and fill ``%(name)s`` placeholders."""
    text = translations(lang).gettext(message)
    return text % params if params else text


#: Messages built at run time (units, metals, statuses, chart titles) that extraction cannot see.
DYNAMIC_MESSAGES = (
    "USD/oz",
    "USD/lb",
    "USD/t",
    "USD/kg",
    "CNY/t",
    "CNY/g",
    "CNY/kg",
    "CNY/USD",
    "CNY/share",
    "t",
    "short t",
    "oz",
    "index",
    "percent",
    "contracts",
    "gold",
    "silver",
    "copper",
    "aluminum",
    "tin",
    "rare earths",
    "cobalt",
    "zinc",
    "nickel",
    "Copper",
    "Aluminum",
    "Tin",
    "Gold",
    "Silver",
    "maintained",
    "upgraded",
    "downgraded",
    "initiated",
)


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT


def number(value: float | None, decimals: int, lang: str) -> str:
    """A number with grouping and fixed decimals in the locale's format; missing -> '—'."""
    from babel.numbers import format_decimal

    if value is None or _missing(value):
        return "—"
    fmt = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return format_decimal(value, format=fmt, locale=LOCALES[lang])


def percent(value: float | None, decimals: int, lang: str, *, signed: bool = True) -> str:
    """A value already in percent: ``1.5`` -> ``'+1.50%'`` (no ``+`` unless ``signed``)."""
    if _missing(value):
        return "—"
    text = number(value, decimals, lang) + "%"
    return "+" + text if signed and value > 0 else text  # type: ignore[operator]


def iso_date(value: object) -> str:
    """A date as ``YYYY-MM-DD``; missing -> '—'."""
    if _missing(value) or pd.isna(value):  # type: ignore[call-overload]
        return "—"
    return f"{pd.Timestamp(value):%Y-%m-%d}"  # type: ignore[arg-type]


#: English month names (CLDR's, as Babel's ``format_date`` prints them; held to it by a test).
MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def long_date(value: object, lang: str) -> str:
    """'12 December 2025' / '2025年12月12日': CLDR's ``d MMMM y`` in English and long date in
    Chinese, laid out here (a test holds them to Babel's ``format_date``) so a weekly loads no
    locale data (~4 MiB)."""
    if lang not in LANGS:
        raise ValueError(f"no date layout for language {lang!r:.20}")
    if _missing(value):
        return "—"
    d: date = pd.Timestamp(value).date()  # type: ignore[arg-type]
    if lang == "zh":
        return f"{d.year}年{d.month}月{d.day}日"
    return f"{d.day} {MONTHS_EN[d.month - 1]} {d.year}"


def unit(text: str, lang: str) -> str:
    """A unit label in ``lang`` ('USD/t' -> '美元/吨')."""
    return tr(lang, text) if text else ""
