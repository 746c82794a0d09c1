"""Programmatic entry points of Beanie's command-line tools (``beanie.executors``)."""
