"""Fixtures for the ODM's second part: ``flavour`` runs each test through async and sync."""

from __future__ import annotations

import pymongo
import pytest


@pytest.fixture(scope="module", params=["async", "sync"])
def flavour(request: pytest.FixtureRequest) -> str:
    """``"async"`` (``data_bridge.Document``) or ``"sync"`` (``data_bridge.sync.Document``)."""
    return str(request.param)


@pytest.fixture
def raw(pymongo_client: pymongo.MongoClient, db_name: str) -> pymongo.database.Database:
    """The module's database through plain pymongo (the oracle)."""
    return pymongo_client[db_name]
