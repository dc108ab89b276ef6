# Quick start: `make site` then `make test`. Everything runs from .venv, created here from
# the hashed locks in requirements/: `make site` installs build.lock (what building needs, and
# all a publishing job installs), `make test` adds test.lock on top. `make lock` regenerates both
# after a change to requirements/*.in (see requirements/build.in).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BUILD_STAMP := $(VENV)/.installed-build
TEST_STAMP := $(VENV)/.installed-test
CATALOGUE ?= procedures
# The preview's port: make serve PORT=8001 when 8000 is taken.
PORT ?= 8000

.PHONY: venv site offline validate check-links serve test chromium lock lock-tool clean

$(PY):
	$(PYTHON) -m venv $(VENV)

# Every package comes from a lock with the sha256 of each file PyPI has for its version: pip
# refuses anything else. pip itself is the one the venv was made with (no unchecked upgrade).
# The project's own editable install cannot be hashed (it is this folder): --no-deps, so it
# brings nothing the lock did not, and --no-build-isolation, so setuptools comes from the lock
# instead of a download pip would not check.
$(BUILD_STAMP): requirements/build.lock requirements/build.in requirements/test.in pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --require-hashes -r requirements/build.lock
	# setuptools' notice on every editable install says nothing an editor can act on
	PYTHONWARNINGS=ignore $(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

# test.lock holds build.lock's versions too: installing it changes none of them.
$(TEST_STAMP): requirements/test.lock $(BUILD_STAMP)
	$(PY) -m pip install --quiet --require-hashes -r requirements/test.lock
	touch $@

# The pinned build environment alone, for CI jobs that then run one command and need its exit
# code (make turns every failing recipe into 2).
venv: $(BUILD_STAMP)

site: $(BUILD_STAMP)
	$(PY) -m generator build --catalogue $(CATALOGUE) --site-dir site

# For commune offices and kiosks: opens from disk (file://), search included.
offline: $(BUILD_STAMP)
	$(PY) -m generator build --offline --catalogue $(CATALOGUE) --site-dir site-offline

validate: $(BUILD_STAMP)
	$(PY) -m generator validate --catalogue $(CATALOGUE)

# Opens every web address in the catalogue (needs the network): broken and moved links at their lines.
check-links: $(BUILD_STAMP)
	$(PY) -m generator check-links --catalogue $(CATALOGUE)

serve: $(BUILD_STAMP)
	$(PY) -m generator serve --catalogue $(CATALOGUE) --dev-addr 127.0.0.1:$(PORT)

# Browser tests drive Debian's Chromium; install it when missing and we may.
chromium:
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Browser tests need Debian's Chromium: sudo apt-get install -y chromium" >&2; exit 1; fi; }

test: $(TEST_STAMP) chromium
	$(PY) -m pytest

# Resolves requirements/*.in into the locks with uv, run from a throwaway venv where it is
# installed by its hashes. Versions already in a lock stay (LOCK_FLAGS="--upgrade-package NAME"
# moves one); every file PyPI has for a version is hashed, for every platform (--universal), for
# Python 3.11.5 and later (pymdown-extensions 13.1 needs 3.11.5). Needs PyPI; commit the result.
LOCK_VENV := .venv-lock
UV_COMPILE = $(LOCK_VENV)/bin/uv pip compile --quiet --universal --python-version 3.11.5 \
	--generate-hashes --custom-compile-command "make lock" $(LOCK_FLAGS)

lock:
	rm -rf $(LOCK_VENV)
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/python -m pip install --quiet --require-hashes -r requirements/lock-tool.lock
	$(UV_COMPILE) requirements/build.in requirements/install.in -o requirements/build.lock
	$(UV_COMPILE) requirements/build.in requirements/install.in requirements/test.in \
		-c requirements/build.lock -o requirements/test.lock
	rm -rf $(LOCK_VENV)

# After changing uv's version in requirements/lock-tool.in: hashes it with the uv already pinned.
lock-tool:
	rm -rf $(LOCK_VENV)
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/python -m pip install --quiet --require-hashes -r requirements/lock-tool.lock
	$(LOCK_VENV)/bin/uv pip compile --quiet --universal --python-version 3.11.5 --generate-hashes \
		--custom-compile-command "make lock-tool" requirements/lock-tool.in -o requirements/lock-tool.lock
	rm -rf $(LOCK_VENV)

clean:
	rm -rf site site-offline .site.* .site-offline.* $(VENV) $(LOCK_VENV) .pytest_cache
