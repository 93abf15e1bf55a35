# One-command set-up: `make test` and `make demo` create the environment if
# needed. `make install` is idempotent (re-runs only when requirements change).
#
#   make install                 # .venv with torch 2.11.0 / torchvision 0.26.0
#   make install TORCH=system    # reuse the interpreter's torch (GPU image)
#   make test                    # the test suite, one worker per core
#   make test TEST_WORKERS=0     # ... in one process
#   make demo                    # train a small SkrGAN on CPU and sample
PYTHON ?= python3
VENV ?= .venv
TORCH ?= pip
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check
STAMP := $(VENV)/.mmskr-installed
REQS := requirements/torch.txt requirements/runtime.txt requirements/mmagic.txt \
        requirements/tests.txt requirements/frd.txt requirements/constraints.txt \
        setup.py
PYTEST_ARGS ?=
# pytest-xdist workers; a test file's tests share one (its module fixtures)
TEST_WORKERS ?= auto

.PHONY: install test demo clean-venv

install: $(STAMP)

$(STAMP): $(REQS)
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python >= 3.11 needed, found " + sys.version' 
ifeq ($(TORCH),system)
	$(PYTHON) -m venv --system-site-packages $(VENV)
	$(PY) -c 'import torch, torchvision; print("using torch", torch.__version__, "torchvision", torchvision.__version__)'
else
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -c requirements/constraints.txt -r requirements/torch.txt
endif
	$(PIP) install -c requirements/constraints.txt -r requirements/runtime.txt -r requirements/tests.txt
	$(PIP) install --no-deps -r requirements/mmagic.txt
	$(PIP) install --no-deps -c requirements/constraints.txt -r requirements/frd.txt
	$(PIP) install --no-deps -e .
	$(PY) -c 'import mmskr, mmagic; print("mmskr", mmskr.__version__, "on mmagic", mmagic.__version__)'
	touch $(STAMP)

test: install
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

demo: install
	$(PY) tools/demo.py

clean-venv:
	rm -rf $(VENV)
