"""A document class's ``Settings`` (``document``) and the time-series options (``timeseries``).

Beanie's ``beanie.odm.settings`` package layout.
"""
