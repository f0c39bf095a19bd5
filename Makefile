# KetaCheck: two commands. `make run` starts the app; `make test` runs every test.
# `make bench` measures speed, load and memory (benchmarks/RESULTS.md).
# Both create or update .venv from the pinned requirement files first.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501

.PHONY: run test bench validate clean chromium

# Re-install only when a requirements file changes (the stamp is older than it).
$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(VENV)/.runtime $@

run: $(VENV)/.runtime
	$(PY) -m ketacheck validate assessments
	$(PY) serve.py --port $(PORT)

test: $(VENV)/.dev chromium
	$(PY) -m pytest

# Speed, load and memory against a bare Streamlit page (about 40 minutes; BENCH=--quick for ~8).
bench: $(VENV)/.dev chromium
	$(PY) -m benchmarks $(BENCH)

# Browser tests drive Debian's Chromium (Playwright's own browser download is not possible here).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Chromium from Debian for the browser tests..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "The browser tests need Chromium: run 'sudo apt-get install chromium' and then 'make test' again." >&2; exit 1; \
	  fi; }

validate: $(VENV)/.runtime
	$(PY) -m ketacheck validate assessments

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
