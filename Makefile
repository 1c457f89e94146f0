# The README's two commands. Both work on a fresh machine: they create .venv, install the
# requirements, find or start PostgreSQL and Redis (scripts/services.py), then do their job.
PY := .venv/bin/python

.PHONY: run test lint-imports check-deploy bench loadtest

## make run: the portal with demo data at http://127.0.0.1:$${PORT:-8000}/, web + Celery worker + beat
run:
	@scripts/ensure_venv.sh requirements.txt
	@$(PY) scripts/portal.py run

## make test [ARGS="-k health"]: the import layers (lint-imports), then the whole test suite
## (pytest exit code 5, "no tests", counts as success)
test: lint-imports
	@$(PY) scripts/portal.py test $(ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "==> pytest collected no tests (exit 5): treated as success"; exit 0; fi; \
	exit $$rc

## make lint-imports: the layer contracts of pyproject.toml ([tool.importlinter])
lint-imports:
	@scripts/ensure_venv.sh requirements-dev.txt
	@.venv/bin/lint-imports --no-cache

## make check-deploy: Django's deployment checklist with production-like settings
check-deploy:
	@scripts/ensure_venv.sh requirements.txt
	@DEBUG=0 ALLOWED_HOSTS=portal.example.org \
	SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	$(PY) manage.py check --deploy --fail-level WARNING

## make bench [ARGS="--quick"]: benchmark on the current data (after seed_demo --scale city); docs/PERFORMANCE.md
bench:
	@scripts/ensure_venv.sh requirements-dev.txt
	@$(PY) manage.py benchmark $(ARGS)

## make loadtest [ARGS="--seconds 30 --users 10 50"]: locust against gunicorn on 127.0.0.1, bounded in time
loadtest:
	@scripts/ensure_venv.sh requirements-dev.txt
	@$(PY) bench/loadtest.py $(ARGS)
