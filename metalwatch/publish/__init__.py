"""The Friday pipeline: editions of the weekly, their manifest, workbook, diff and delivery.

One module per job: :mod:`.fingerprint` (the canonical figures table and its sha256),
:mod:`.workbook` (every table of the weekly as an Excel sheet), :mod:`.manifest` (what an
edition holds, and finding editions), :mod:`.edition` (writing one), :mod:`.diff` (which
figures changed between two editions and why) and :mod:`.mail` (sending the PDFs over SMTP).
"""
