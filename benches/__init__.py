"""Side-by-side benchmarks: data-bridge beside Beanie, PyMongo (sync and async), Motor and
PyMongoArrow, interleaved in one run against one server. Run with ``python -m benches``
(``make bench``); see benches/README.md.
"""
