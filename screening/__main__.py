"""Entry point for `python -m screening`."""
import sys

from screening.cli import main

sys.exit(main())
