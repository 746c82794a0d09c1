"""Reliability: load, drifted data, bad input, faults (killed server, cancelled tasks)."""
