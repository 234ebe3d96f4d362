# Two commands on a fresh Debian machine, as root: `make demo` and `make test`.
# Both set up what is missing (Debian packages, the .venv) and are quick when it is there.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DEBIAN_PACKAGES := tesseract-ocr tesseract-ocr-eng fonts-dejavu-core dovecot-imapd chromium

# Environment every run needs (shared/notes): no Prefect telemetry, a patient
# temporary-server start, quiet Prefect logs, one tesseract thread per process.
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS := 120
export PREFECT_LOGGING_LEVEL := WARNING
export OMP_THREAD_LIMIT := 1

.PHONY: demo test setup system-packages clean samples

demo: setup
	rm -rf out
	$(VENV)/bin/triage replay sample_inbox --out out

test: setup
	$(PY) -m pytest

setup: system-packages $(VENV)/.installed

system-packages:
	@if ! dpkg -s $(DEBIAN_PACKAGES) >/dev/null 2>&1; then \
	  echo "installing Debian packages: $(DEBIAN_PACKAGES)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEBIAN_PACKAGES) >/dev/null; \
	fi

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

samples: setup
	$(PY) sample_inbox/make_samples.py

clean:
	rm -rf out .pytest_cache
