"""Beanie's own test suite run against data-bridge: see beanie_suite.py."""
