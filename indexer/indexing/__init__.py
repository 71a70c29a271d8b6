"""What every backend's build shares: forked workers (parallel), a run's bookkeeping (run),
its report (report), the spans and terms stored per field (stored), the errors."""
