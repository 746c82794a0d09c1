"""``init_beanie`` at Beanie's ``beanie.odm.utils.init`` path (implemented in ``odm/init.py``)."""

from data_bridge.odm.init import init, init_beanie

__all__ = ["init", "init_beanie"]
