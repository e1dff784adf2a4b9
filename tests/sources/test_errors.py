"""The error tree: one data-quality branch, context in fields, messages built from them."""

from __future__ import annotations

import pickle
import subprocess
import sys

import pytest

from metalwatch import errors
from metalwatch.errors import (
    DataError,
    InvalidInputError,
    MetalwatchError,
    RateLimitedError,
    RenderWarning,
    SchemaError,
    SourceError,
    SourceFormatError,
    SourceUnavailableError,
    UnitScaleError,
)


def test_data_quality_errors_share_one_branch() -> None:
    for cls in (SchemaError, UnitScaleError, SourceFormatError):
        assert issubclass(cls, DataError) and issubclass(cls, ValueError), cls
        assert not issubclass(cls, InvalidInputError), cls
    assert issubclass(DataError, MetalwatchError)
    # a bad payload is also a failed fetch
    assert issubclass(SourceFormatError, SourceError)
    assert issubclass(SourceFormatError, ConnectionError)
    assert not issubclass(UnitScaleError, SourceError)
    assert issubclass(RenderWarning, UserWarning)
    assert not issubclass(RenderWarning, MetalwatchError)  # a warning, never raised as an error


def test_every_public_error_is_listed() -> None:
    public = {
        name
        for name, obj in vars(errors).items()
        if isinstance(obj, type) and issubclass(obj, Warning | MetalwatchError)
    }
    assert set(errors.__all__) == public


def test_a_source_error_is_built_from_its_fields() -> None:
    err = SourceFormatError(
        "body is not valid JSON",
        series="SHFE.SN",
        source="akshare:futures_zh_daily_sina",
        url="https://stock2.finance.sina.com.cn/x",
        status=200,
    )
    assert str(err) == "akshare:futures_zh_daily_sina SHFE.SN: body is not valid JSON"
    assert err.reason == "body is not valid JSON"
    assert (err.url, err.status) == ("https://stock2.finance.sina.com.cn/x", 200)
    assert str(SourceError("down")) == "down"  # no place known: the reason alone
    assert str(SchemaError("SHFE.AG close: non-positive value 0")) == (
        "SHFE.AG close: non-positive value 0"
    )
    scale = UnitScaleError("too big", series="COMEX.HG", field="close", ratio=100.0)
    assert str(scale) == "COMEX.HG: too big" and (scale.field, scale.ratio) == ("close", 100.0)


@pytest.mark.parametrize(
    "err",
    [
        SourceFormatError("bad", series="X", source="s", url="u", status=200),
        RateLimitedError("slow down", series="X", source="s", status=429, retry_after=20.0),
        SourceUnavailableError("timed out", series="X", source="s"),
        UnitScaleError("u", series="X", source="s", field="close", ratio=0.01),
        SchemaError("plain"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_errors_raise_catch_and_pickle_with_their_fields(err: Exception) -> None:
    builtin = ValueError if isinstance(err, DataError) else ConnectionError
    with pytest.raises(builtin) as caught:  # user code catching the builtin catches ours
        raise err from KeyError("cause")
    assert caught.value is err and isinstance(err.__cause__, KeyError)
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is type(err) and str(back) == str(err)
    assert vars(back) == vars(err)


def test_errors_module_is_stdlib_only() -> None:
    code = (
        "import sys; import metalwatch.errors, metalwatch.measures;"
        "third = sorted(m for m in ('pandas', 'numpy', 'requests') if m in sys.modules);"
        "print(third)"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert res.stdout.strip() == "[]"
