# KetaCheck: two commands. `make run` starts the app; `make test` runs every test.
# `make bench` measures speed, load and memory (benchmarks/RESULTS.md).
# Both create or update .venv from the pinned requirement files first.

PYTHON ?= python3
# The one Python version KetaCheck supports: the locks are resolved with it, the container image runs
# it and the tests run on it (pyproject.toml's requires-python says the same; a test checks both).
PYTHON_VERSION := 3.11
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501

.PHONY: run test bench validate clean chromium cjk-fonts lock cluster haproxy nodejs

PIP := $(PY) -m pip install --quiet --disable-pip-version-check --require-hashes
PIP_TOOLS := pip-tools==7.6.2

# $(call new_venv,DIR): make DIR a virtual environment with $(PYTHON) unless it is one, after checking
# that $(PYTHON) is Python $(PYTHON_VERSION). Its pip and setuptools are the interpreter's own (old ones,
# with advisories); installing a lock replaces them with the locked versions.
define new_venv
	test -x $(1)/bin/python || { \
	  $(PYTHON) -c 'import sys; sys.exit("%d.%d" % sys.version_info[:2] != "$(PYTHON_VERSION)")' || { \
	    echo "KetaCheck needs Python $(PYTHON_VERSION), and $(PYTHON) is $$($(PYTHON) --version 2>&1);" \
	      "run make PYTHON=python$(PYTHON_VERSION) (or install it)." >&2; exit 1; }; \
	  $(PYTHON) -m venv $(1); }
endef

# What is installed is the lock: every package, direct or not, pinned with its hashes
# (requirements*.txt say what we ask for; `make lock` resolves them). Re-install only when a lock
# file changes (the stamp is older than it).
$(VENV)/.runtime: requirements.lock
	$(call new_venv,$(VENV))
	$(PIP) -r requirements.lock
	touch $@

$(VENV)/.dev: requirements.lock requirements-dev.lock
	$(call new_venv,$(VENV))
	$(PIP) -r requirements-dev.lock
	touch $(VENV)/.runtime $@

# Resolve requirements*.txt again into the hashed lock files (after changing a pin).
lock:
	$(call new_venv,.venv-lock)
	test -x .venv-lock/bin/pip-compile || .venv-lock/bin/pip install --quiet $(PIP_TOOLS)
	.venv-lock/bin/pip-compile --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
	  --no-emit-find-links --quiet --output-file requirements.lock requirements.txt
	.venv-lock/bin/pip-compile --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
	  --no-emit-find-links --quiet --constraint requirements.lock --output-file requirements-dev.lock requirements-dev.txt
	.venv-lock/bin/pip-compile --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
	  --no-emit-find-links --quiet --output-file requirements-policy.lock requirements-policy.txt

run: $(VENV)/.runtime cjk-fonts
	$(PY) -m ketacheck validate assessments
	$(PY) serve.py --port $(PORT)

test: $(VENV)/.dev chromium cjk-fonts haproxy .venv-policy/.ready node_modules/.package-lock.json
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

# The Chinese printouts embed a subset of Debian's Noto Sans CJK (ketacheck/export/pdf.py).
CJK_FONT := /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
cjk-fonts:
	@test -f $(CJK_FONT) -a -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf && command -v pdftotext >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Noto Sans CJK from Debian..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk fonts-dejavu-core poppler-utils >/dev/null; \
	  else \
	    echo "The Chinese printouts need Noto Sans CJK: run 'sudo apt-get install fonts-noto-cjk fonts-dejavu-core poppler-utils' (pdftotext reads them back in the tests) and then try again." >&2; exit 1; \
	  fi; }

# The policy checker (checkov) for deploy/, in a venv of its own: its pins conflict with the app's.
.venv-policy/.ready: requirements-policy.lock
	$(call new_venv,.venv-policy)
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
