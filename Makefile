# KetaCheck: two commands. `make run` starts the app; `make test` runs every test.
# Both create or update .venv from the pinned requirement files first.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501

.PHONY: run test validate clean

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
	$(PY) -m streamlit run app.py --server.port $(PORT)

test: $(VENV)/.dev
	$(PY) -m pytest

validate: $(VENV)/.runtime
	$(PY) -m ketacheck validate assessments

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
