# The two commands: `make run` and `make test`. Everything else is a helper.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := conference:create_app
# Test processes (pytest-xdist); each creates its own databases.
PYTEST_JOBS ?= auto
# Translations: conference/translations/<lang>/LC_MESSAGES/messages.po, English is the source.
TRANSLATIONS := conference/translations
LANGS ?= pl
PO_FILES := $(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po)
# Marking functions beyond Babel's defaults (_, gettext, ngettext, pgettext, ...); the
# catalogue test (tests/test_translations.py) extracts with the same list.
BABEL_KEYWORDS := _l lazy_gettext lazy_pgettext:1c,2

.PHONY: run test lint install system-packages migrate demo worker jobs-worker jobs-beat clean messages translations vendor

# (Re)install when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed translations system-packages

## Name the optional Debian packages that are missing, in one install line (never fails).
## chromium: browser tests; libharfbuzz-subset0: fast badge PDFs (and the PDF tests);
## fonts-dejavu-core: the badge font (Roboto from PyPI otherwise).
system-packages:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	$(BIN)/python -c 'from conference.services.badges.pdf import harfbuzz_subset_available as ok; raise SystemExit(not ok())' \
		2>/dev/null || missing="$$missing libharfbuzz-subset0"; \
	test -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf || missing="$$missing fonts-dejavu-core"; \
	if [ -n "$$missing" ]; then \
		echo "Optional system packages are missing (tests that need them are skipped):"; \
		echo "  sudo apt-get install -y$$missing"; \
	fi

## Compile the catalogues (.po -> .mo) that exist; Flask-Babel reads the .mo files.
translations: $(PO_FILES:.po=.mo)

%.mo: %.po | $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -i $< -o $@

## Extract every marked string into messages.pot and start or update each language's .po
messages: $(VENV)/.installed
	mkdir -p $(TRANSLATIONS)
	$(BIN)/pybabel extract --mapping-file babel.cfg $(addprefix --keywords ,$(BABEL_KEYWORDS)) \
		--project "LifeScience Open Space" --msgid-bugs-address "" \
		--output-file $(TRANSLATIONS)/messages.pot .
	for lang in $(LANGS); do \
		if [ -f $(TRANSLATIONS)/$$lang/LC_MESSAGES/messages.po ]; then \
			$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) -l $$lang; \
		else \
			$(BIN)/pybabel init -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) -l $$lang; \
		fi; \
	done
	$(MAKE) translations

migrate: install
	$(BIN)/flask db upgrade

demo: migrate
	$(BIN)/flask demo

## Serve the app with the demo event on http://127.0.0.1:5000
run: demo
	$(BIN)/flask run --host 127.0.0.1 --port 5000

## Run the whole suite (PostgreSQL too when TEST_DATABASE_URL is set)
test: install
	$(BIN)/python -m pytest -n $(PYTEST_JOBS) $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .

worker: migrate
	$(BIN)/flask mail worker

## The job queue (needs CELERY_BROKER_URL, e.g. redis://127.0.0.1:6379/0): a worker that
## runs jobs (print runs ...), and the one beat that schedules periodic work.
jobs-worker: migrate
	$(BIN)/celery -A conference.jobs.worker:celery_app worker --pool=solo --loglevel=INFO

jobs-beat: migrate
	$(BIN)/celery -A conference.jobs.worker:celery_app beat --loglevel=INFO \
		--schedule instance/celerybeat-schedule

## Refresh the JavaScript libraries in static/js/vendor (and axe-core for the tests in
## tests/vendor) from package-lock.json (needs npm)
vendor:
	npm ci --no-audit --no-fund
	mkdir -p static/js/vendor
	cp node_modules/jsqr/dist/jsQR.js static/js/vendor/jsQR.js
	cp node_modules/jsqr/LICENSE static/js/vendor/jsQR.LICENSE
	mkdir -p tests/vendor
	cp node_modules/axe-core/axe.min.js tests/vendor/axe.min.js
	cp node_modules/axe-core/LICENSE tests/vendor/axe-core.LICENSE
	cp node_modules/axe-core/LICENSE-3RD-PARTY.txt tests/vendor/axe-core.LICENSE-3RD-PARTY.txt

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
