"""The Beanie-compatible document layer (models, queries, events, state, bulk, indexes).

Import from ``data_bridge`` (async) or ``data_bridge.sync`` (blocking); this package holds the
implementation.
"""
