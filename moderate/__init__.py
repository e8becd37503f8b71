"""moderate: moderate the case judgements of an HMIP inspection, and run its ratings panel."""
