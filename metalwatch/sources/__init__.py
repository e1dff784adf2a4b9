"""Data sources. Each module turns one upstream into canonical frames (see :mod:`metalwatch.frame`).

``bundled`` reads the snapshot of real history shipped inside the package; live sources
(akshare, yfinance, ...) load their third-party libraries only when called.
"""
