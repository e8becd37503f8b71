"""moderate: moderate the case judgements of an HMIP inspection, and run its ratings panel."""

__version__ = "0.1.0"  # the one place: pyproject.toml reads it
