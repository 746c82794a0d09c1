"""Helpers at Beanie's ``beanie.odm.utils.*`` paths (encoding, dumping, parsing, merging, ...).

Each module answers to the Beanie module of the same name, so code and tests that import
Beanie's helpers keep working after the import swap.
"""
