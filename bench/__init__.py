"""Benchmark-only helpers (issue 8): never imported by the portal itself."""
