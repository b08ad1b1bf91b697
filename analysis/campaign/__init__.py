"""Campaigns: objectives × methods × hyperparameter grids × seeds × starts, rows in Parquet.

``spec`` reads and checks a TOML spec, ``suites`` holds the built-in objectives with their
known minima, ``tasks`` cuts a campaign into tasks, ``execute`` runs them (in-process or on
Dask), ``store`` writes and reads ``DIR/campaign.json`` and ``DIR/results/*.parquet`` with the
columns of ``schema``.
"""
