"""``python -m data_bridge.cli``: the same as the ``data-bridge`` console script."""

import sys

from data_bridge.cli import main

sys.exit(main())
