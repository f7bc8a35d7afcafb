"""The ``outcomelab`` command line."""
