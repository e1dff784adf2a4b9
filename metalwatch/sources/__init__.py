"""Data sources. Each module turns one upstream into canonical frames (see :mod:`metalwatch.frame`).

``bundled`` reads the snapshot of real history shipped inside the package; live sources
(akshare, yfinance, ...) load their third-party libraries only when called.

Live sources follow one contract (:mod:`.base`: build a query, fetch raw, normalise) under one
network policy (:mod:`.policy`: timeouts, retries on transient errors only, per-host rate
limits). The shared pieces: :mod:`.akshare_fetcher` (the base of adapters over one akshare
function, with a declarative column map), :mod:`.session` (when a venue's day is over),
:mod:`.cache` (payloads shared by the series of one run) and :mod:`.bars` (the sanity rule of a
daily bar). :mod:`.catalog` maps a registry ``sources`` entry to its adapter:

- :mod:`.sina_futures` SHFE main-continuous and LME/COMEX klines (Sina, via akshare)
- :mod:`.jin10_lme_stock`, :mod:`.shfe_weekly_stock` LME and SHFE warehouse stocks (Jin10)
- :mod:`.comex_inventory`, :mod:`.eastmoney_fx`, :mod:`.a_shares` Eastmoney COMEX stocks,
  USD/CNY central parity and dollar index, A-share daily bars
- :mod:`.sge`, :mod:`.shenwan` SGE spot gold, the Shenwan industry indices
- :mod:`.yahoo` COMEX futures, DXY, USD/CNY and equity proxies (yfinance)
- :mod:`.rare_earth_komis` rare-earth oxides FOB China (KOMIS)
- :mod:`.file_prices` licensed prices from a CSV or Excel sheet; :mod:`.news` headlines
"""
