"""Indexing that every backend shares: stored spans, reports, the run's bookkeeping."""
