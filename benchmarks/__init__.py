"""Benchmarks and load generators for KetaCheck (not part of the app)."""
