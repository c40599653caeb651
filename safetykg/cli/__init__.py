"""The command line, on top of every other part: nothing in the package imports it."""
