# Cradle's task runner. `make help` lists the targets. The two front doors: `make run`, `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.cradle-installed
MODEL := models/cradle.tar.gz
CATALOGUE := var/catalogue.db
export TF_CPP_MIN_LOG_LEVEL := 3
export PYTHONWARNINGS := ignore::DeprecationWarning
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
RASA := $(BIN)/rasa
TRAINING_INPUTS := config.yml domain.yml $(wildcard bot/data/*.yml) $(wildcard bot/components/*.py)

.PHONY: FORCE help setup system screenshots run shell train catalogue sync lint validate pytest test-fast test-stories test-nlu test \
	bench bench-scale profile bench-safety bench-safety-live bench-safety-cv bench-after-crisis bench-catalogue bench-services demo-insights clean

help: ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk -F':.*?## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): requirements.lock requirements-model.lock pyproject.toml scripts/setup.sh scripts/find-python310.sh
	@scripts/setup.sh

setup: $(STAMP) ## create .venv with Python 3.10 and the pinned packages (only when they changed)

$(CATALOGUE): $(STAMP) $(wildcard content/services/*.yml) content/areas.yml content/kitemark.yml $(wildcard cradle/catalogue/*.py)
	@$(BIN)/cradle catalogue build

catalogue: $(CATALOGUE) ## compile content/services/ into var/catalogue.db

# Removing or renaming a training file makes no prerequisite newer, so the list of files is a
# prerequisite too: var/training-files is rewritten (and the model retrained) only when it changes.
var/training-files: FORCE
	@mkdir -p var; printf '%s\n' $(TRAINING_INPUTS) | cmp -s - $@ || printf '%s\n' $(TRAINING_INPUTS) > $@

FORCE:

$(MODEL): $(STAMP) $(TRAINING_INPUTS) var/training-files
	@mkdir -p var
	@echo "train: data, domain or config changed; training (a minute or two: the sentence vectors of every example)"
	@$(RASA) train --data bot/data --domain domain.yml --config config.yml --out models \
		--fixed-model-name cradle --quiet > var/train.log 2>&1 || { tail -40 var/train.log; exit 1; }
	@touch $(MODEL)

train: $(MODEL) ## train the Rasa model and the safety net's second opinion (only when their inputs changed)
	@$(BIN)/cradle safety train

run: $(STAMP) $(CATALOGUE) train ## start Cradle on http://localhost:8080 (Ctrl-C stops it)
	@$(BIN)/cradle serve

shell: $(STAMP) ## chat with a running Cradle in this terminal (start `make run` first)
	@$(BIN)/cradle chat

sync: $(STAMP) ## copy content into domain.yml and bot/data/ (topic intents and rule, responses, places) after editing content/
	@$(BIN)/cradle sync

lint: $(STAMP) ## ruff and mypy
	@$(BIN)/ruff check cradle bot actions tests
	@$(BIN)/ruff format --check cradle bot actions tests
	@$(BIN)/mypy

validate: $(STAMP) ## content check, generated files match content, Rasa's data validation
	@mkdir -p var
	@$(BIN)/cradle sync --check
	@$(BIN)/cradle content check
	@$(RASA) data validate --fail-on-warnings --data bot/data --domain domain.yml \
		--config config.yml > var/validate.log 2>&1 || { grep -vi deprecat var/validate.log | tail -40; exit 1; }
	@echo "validate: Rasa data is valid"

system: ## install Chromium, PostgreSQL, Redis, nginx (Debian) and axe-core (npm) for the tests, if missing
	@scripts/setup-system.sh

pytest: $(STAMP) $(CATALOGUE) train system ## unit, integration and browser tests
	@$(BIN)/pytest -q

test-fast: $(STAMP) $(CATALOGUE) ## the tests that start no server (about a minute): for quick checks while editing
	@$(BIN)/pytest -q -m "not integration"

screenshots: $(STAMP) $(CATALOGUE) $(MODEL) system ## save widget screenshots to docs/
	@CRADLE_SCREENSHOT_DIR=docs $(BIN)/pytest -q tests/browser -k screenshots

test-stories: $(MODEL) ## rasa test on the test stories; any wrong prediction fails
	@$(RASA) test core --stories tests/stories --model $(MODEL) --out var/results/core \
		--fail-on-prediction-errors > var/test-stories.log 2>&1 || { grep -vi deprecat var/test-stories.log | tail -40; exit 1; }
	@echo "test-stories: every test story predicted correctly"

# The frozen held-out NLU parts: tests/nlu/frozen.yml is part 1, frozen_N.yml part N. A new part
# only needs its checksum in tests/unit/test_nlu_frozen.py and its floor in cradle/nlu_report.py.
NLU_PARTS := $(sort $(wildcard tests/nlu/frozen_*.yml))
part_number = $(patsubst tests/nlu/frozen_%.yml,%,$(1))
# file:folder pairs, one per `rasa test nlu` run; the report reads each folder's intent_report.json
NLU_RUNS = tests/nlu/frozen.yml:nlu $(foreach part,$(NLU_PARTS),$(part):nlu-$(call part_number,$(part))) \
	tests/nlu/test_nlu.yml:nlu-older
NLU_REPORT_PARTS = $(foreach part,$(NLU_PARTS),--part$(call part_number,$(part)) var/results/nlu-$(call part_number,$(part))/intent_report.json)

test-nlu: $(MODEL) ## score the model on the frozen held-out NLU sets tests/nlu/frozen*.yml (and the older one), and the focus patterns on tests/topics/focus_*.yml
	@$(BIN)/python -m cradle.frozen --check tests/nlu/frozen.yml $(NLU_PARTS)
	@for run in $(NLU_RUNS); do \
		file=$${run%%:*}; out=$${run##*:}; \
		$(RASA) test nlu --nlu $$file --model $(MODEL) --out var/results/$$out \
			> var/test-$$out.log 2>&1 || { tail -40 var/test-$$out.log; exit 1; }; \
	done
	@$(BIN)/python -m cradle.nlu_report var/results/nlu/intent_report.json $(NLU_REPORT_PARTS) \
		--older var/results/nlu-older/intent_report.json
	@$(BIN)/python -m cradle.focus_bench

test: ## everything CI runs: lint, validate, train, pytest, test stories, held-out NLU
	@mkdir -p var
	@$(MAKE) --no-print-directory setup
	@$(MAKE) --no-print-directory lint
	@$(MAKE) --no-print-directory validate
	@$(MAKE) --no-print-directory train
	@$(MAKE) --no-print-directory pytest
	@$(MAKE) --no-print-directory test-stories
	@$(MAKE) --no-print-directory test-nlu

bench-services: $(STAMP) $(CATALOGUE) train ## the frozen NLU parts' service requests through the real servers: how many got services
	@$(BIN)/python -m cradle.service_bench

bench-safety: $(STAMP) ## the safety net on the frozen evaluation set and the red-team set, whose wellbeing a topic question is about, "it's not me" after crisis help, who does the hurting in a first message, and someone else hurting caught at all
	@$(BIN)/python -m cradle.safety.evaluate
	@$(BIN)/python -m cradle.helping
	@$(BIN)/python -m cradle.safety.not_me_bench
	@$(BIN)/python -m cradle.safety.first_hurting

bench-safety-live: $(STAMP) $(CATALOGUE) train ## the frozen safety set through the real servers, as a parent's message goes
	@$(BIN)/python -m cradle.safety.evaluate --end-to-end

bench-after-crisis: $(STAMP) $(CATALOGUE) train ## the frozen after-crisis conversations through the real servers: is the message after crisis help still answered as the crisis, and is calling or help coming heard?
	@$(BIN)/python -m cradle.safety.after_crisis

bench-safety-cv: $(STAMP) ## choose the second opinion's model and thresholds by cross-validation on the bank
	@$(BIN)/python -m cradle.safety.crossval

bench-catalogue: $(STAMP) ## build a 100,000-service catalogue and print search p50/p95
	@$(BIN)/python -m cradle.catalogue.bench

bench: $(STAMP) $(MODEL) system ## load test at 1/10/50 against a `rasa init` baseline, scaled out at 50, then the 100,000-service catalogue
	@$(BIN)/python -m cradle.loadbench
	@$(BIN)/python -m cradle.catalogue.bench

bench-scale: $(STAMP) $(MODEL) system ## the scale-out load test alone: 2 Rasa replicas, PostgreSQL, Redis, at 50
	@$(BIN)/python -m cradle.loadbench --parts scale

profile: $(STAMP) train ## py-spy flame graphs of each kind of turn, saved as docs/profile-*.svg
	@$(BIN)/python -m cradle.profiling

demo-insights: $(STAMP) ## a synthetic month of insight data and its report (var/demo-report.html)
	@rm -f var/demo-insights.db
	@$(BIN)/cradle insights demo --days 30 --db var/demo-insights.db
	@$(BIN)/cradle report --db var/demo-insights.db --from $$(date -d '29 days ago' +%F) \
		--to $$(date +%F) --out var/demo-report.html

clean: ## remove the trained model, the catalogue and test results (keeps .venv)
	rm -rf models var/catalogue.db var/results var/*.log
