# KetaCheck: two commands. `make run` starts the app; `make test` runs every test.
# `make bench` measures speed, load and memory (benchmarks/RESULTS.md).
# Both create or update .venv from the pinned requirement files first.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501

.PHONY: run test bench validate clean chromium lock cluster haproxy nodejs

PIP := $(PY) -m pip install --quiet --disable-pip-version-check --require-hashes
PIP_TOOLS := pip-tools==7.6.2

# What is installed is the lock: every package, direct or not, pinned with its hashes
# (requirements*.txt say what we ask for; `make lock` resolves them). Re-install only when a lock
# file changes (the stamp is older than it).
$(VENV)/.runtime: requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) -r requirements.lock
	touch $@

$(VENV)/.dev: requirements.lock requirements-dev.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) -r requirements-dev.lock
	touch $(VENV)/.runtime $@

# Resolve requirements*.txt again into the hashed lock files (after changing a pin).
lock:
	test -x .venv-lock/bin/pip-compile || { $(PYTHON) -m venv .venv-lock && .venv-lock/bin/pip install --quiet $(PIP_TOOLS); }
	.venv-lock/bin/pip-compile --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
	  --no-emit-find-links --quiet --output-file requirements.lock requirements.txt
	.venv-lock/bin/pip-compile --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
	  --no-emit-find-links --quiet --constraint requirements.lock --output-file requirements-dev.lock requirements-dev.txt
	.venv-lock/bin/pip-compile --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
	  --no-emit-find-links --quiet --output-file requirements-policy.lock requirements-policy.txt

run: $(VENV)/.runtime
	$(PY) -m ketacheck validate assessments
	$(PY) serve.py --port $(PORT)

test: $(VENV)/.dev chromium haproxy .venv-policy/.ready node_modules/.package-lock.json
	$(PY) -m pytest

# Speed, load, memory and the cluster against a bare Streamlit page (about 45 minutes; BENCH=--quick for ~12).
bench: $(VENV)/.dev chromium node_modules/.package-lock.json
	$(PY) -m benchmarks $(BENCH)

# $(call from_debian,COMMAND,PACKAGES,NAME,WHO needs): install PACKAGES with apt-get when COMMAND is
# missing and we are root; otherwise say how, and stop. (Debian puts some commands in /usr/sbin.)
define from_debian
	@command -v $(1) >/dev/null 2>&1 || test -x /usr/sbin/$(1) || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing $(3) from Debian..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(2) >/dev/null; \
	  else \
	    echo "$(4) $(3): run 'sudo apt-get install $(2)' and then try again." >&2; exit 1; \
	  fi; }
endef

# Browser tests drive Debian's Chromium (Playwright's own browser download is not possible here).
chromium:
	$(call from_debian,chromium,chromium,Chromium,The browser tests need)

# The policy checker (checkov) for deploy/, in a venv of its own: its pins conflict with the app's.
.venv-policy/.ready: requirements-policy.lock
	test -x .venv-policy/bin/python || $(PYTHON) -m venv .venv-policy
	.venv-policy/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-policy.lock
	touch $@

# Every core: one KetaCheck process per core (REPLICAS=2 for two) behind HAProxy on $(PORT).
REPLICAS ?= $(shell nproc 2>/dev/null || echo 2)
cluster: $(VENV)/.runtime haproxy
	$(PY) -m ketacheck validate assessments
	$(PY) -m deploy.cluster --replicas $(REPLICAS) --port $(PORT)

# `make cluster` and its tests run Debian's HAProxy.
haproxy:
	$(call from_debian,haproxy,haproxy,HAProxy,make cluster needs)

# The FHIR tests check our exports with tools nobody here wrote: LHC-Forms (npm `lforms`) renders
# them in Chromium and the HL7 R4 JSON schema validates them; `make bench` runs Google's
# Lighthouse (npm `lighthouse`) against Debian's Chromium. `npm ci` installs exactly
# package-lock.json (integrity hashes; .npmrc: no install scripts).
node_modules/.package-lock.json: package-lock.json | nodejs
	npm ci --silent

nodejs:
	$(call from_debian,npm,nodejs npm,Node.js and npm,The FHIR tests need)

validate: $(VENV)/.runtime
	$(PY) -m ketacheck validate assessments

clean:
	rm -rf $(VENV) .venv-lock .venv-policy .pytest_cache .hypothesis node_modules
