"""``python -m aiolabel``: the ``aiolabel`` command."""

from aiolabel.cli import main

main()
