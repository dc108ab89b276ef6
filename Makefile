# Quick start: `make site` then `make test`. Everything runs from .venv, created here
# from the pinned requirements.lock.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
CATALOGUE ?= procedures
# The preview's port: make serve PORT=8001 when 8000 is taken.
PORT ?= 8000

.PHONY: venv site offline validate check-links serve test chromium clean

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	# setuptools' notice on every editable install says nothing an editor can act on
	PYTHONWARNINGS=ignore $(PY) -m pip install --quiet --no-deps -e .
	touch $@

# The pinned environment alone, for CI jobs that then run one command and need its exit code
# (make turns every failing recipe into 2).
venv: $(STAMP)

site: $(STAMP)
	$(PY) -m generator build --catalogue $(CATALOGUE) --site-dir site

# For commune offices and kiosks: opens from disk (file://), search included.
offline: $(STAMP)
	$(PY) -m generator build --offline --catalogue $(CATALOGUE) --site-dir site-offline

validate: $(STAMP)
	$(PY) -m generator validate --catalogue $(CATALOGUE)

# Opens every web address in the catalogue (needs the network): broken and moved links at their lines.
check-links: $(STAMP)
	$(PY) -m generator check-links --catalogue $(CATALOGUE)

serve: $(STAMP)
	$(PY) -m generator serve --catalogue $(CATALOGUE) --dev-addr 127.0.0.1:$(PORT)

# Browser tests drive Debian's Chromium; install it when missing and we may.
chromium:
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Browser tests need Debian's Chromium: sudo apt-get install -y chromium" >&2; exit 1; fi; }

test: $(STAMP) chromium
	$(PY) -m pytest

clean:
	rm -rf site site-offline .site.* .site-offline.* $(VENV) .pytest_cache
