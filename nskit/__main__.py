"""`python -m nskit ...` is `ns ...` (how executors run steps with the same interpreter)."""

from nskit.cli.app import main

main()
