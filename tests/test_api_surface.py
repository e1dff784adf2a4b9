"""The notebook API's surface: one name for one thing, keyword-only after the first argument."""

from __future__ import annotations

import inspect

import metalwatch as mw


def test_update_is_the_function_even_after_the_ingest_package_is_imported():
    import metalwatch.ingest.seed  # noqa: F401 - the import that used to shadow mw.update

    assert inspect.isfunction(mw.update)
    assert mw.update.__module__ == "metalwatch.api"


def test_everything_after_the_first_argument_is_keyword_only():
    functions = [getattr(mw, n) for n in mw.__all__ if inspect.isfunction(getattr(mw, n))]
    assert len(functions) == 20
    for fn in functions:
        params = list(inspect.signature(fn).parameters.values())
        late = [p.name for p in params[1:] if p.kind is not inspect.Parameter.KEYWORD_ONLY]
        assert late == [], f"{fn.__name__}: positional after the first: {late}"
        assert all(p.kind is not inspect.Parameter.VAR_KEYWORD for p in params), fn.__name__


def test_one_name_for_one_thing():
    """Instrument ids are ``ids``, dates ``start``/``end``/``week``, the store ``store``."""
    synonyms = {"instrument", "instruments", "fmt", "params", "date_from", "date_to", "path"}
    for name in mw.__all__:
        obj = getattr(mw, name)
        if inspect.isfunction(obj):
            assert not synonyms & set(inspect.signature(obj).parameters), name
            if name not in ("instruments",):
                assert "store" in inspect.signature(obj).parameters, name
