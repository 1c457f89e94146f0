"""Upload jobs: validation into staged rows, preview, one-transaction commit (see services.py)."""
