"""``python -m aiolabel.cli``."""

from aiolabel.cli import main

main()
