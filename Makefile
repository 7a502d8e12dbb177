# ketaclinic — GNU make build.  `make run` starts the main job, `make check` runs every test.
# BUILD may be overridden (make BUILD=build-x check) so that several trees can build side by side.

CC      ?= gcc
BUILD   ?= build
PREFIX  ?= /usr/local

CSTD     := -std=c17 -D_GNU_SOURCE
WARN     := -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wstrict-prototypes \
            -Wmissing-prototypes -Wformat=2
INCLUDES := -Isrc
REL_CFLAGS := $(CSTD) $(WARN) $(INCLUDES) -O2 -g -MMD -MP
SAN_FLAGS  := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
SAN_CFLAGS := $(CSTD) $(WARN) $(INCLUDES) -O1 -g $(SAN_FLAGS) -MMD -MP

# Libraries; module fragments in mk/*.mk append to LDLIBS and may add targets.
LDLIBS := -lm -lpthread
TEST_LDLIBS := -lcmocka
-include $(wildcard mk/*.mk)

MAIN_SRC := src/cli/main.c
LIB_SRC  := $(filter-out $(MAIN_SRC),$(sort $(wildcard src/*/*.c)))
TEST_SRC := $(sort $(wildcard tests/unit/test_*.c))

REL_OBJ := $(LIB_SRC:%.c=$(BUILD)/rel/%.o)
SAN_OBJ := $(LIB_SRC:%.c=$(BUILD)/san/%.o)
REL_LIB := $(BUILD)/rel/libketaclinic.a
SAN_LIB := $(BUILD)/san/libketaclinic.a
REL_BIN := $(BUILD)/rel/ketaclinic
SAN_BIN := $(BUILD)/san/ketaclinic
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(BUILD)/san/tests/%)

.PHONY: all deps build run check test-build clean format bench lint
all: $(REL_BIN)

deps:
	@bash scripts/deps.sh

build: deps
	@$(MAKE) --no-print-directory $(REL_BIN)

# The main job: the clinic server on the embedded SQLite database (var/ketaclinic.db), with the
# demonstration clinic loaded on first start.  KC_LISTEN overrides the address.
KC_LISTEN ?= 127.0.0.1:8080
run: build
	@$(REL_BIN) demo
	@echo
	@$(REL_BIN) serve --listen $(KC_LISTEN) --demo

check: deps
	@$(MAKE) --no-print-directory test-build
	@bash scripts/run-tests.sh $(BUILD)/san

test-build: $(SAN_BIN) $(TEST_BIN) $(REL_BIN)

$(BUILD)/rel/%.o: %.c
	@mkdir -p $(dir $@)
	@echo '  CC      $<'
	@$(CC) $(REL_CFLAGS) -c $< -o $@
$(BUILD)/san/%.o: %.c
	@mkdir -p $(dir $@)
	@echo '  CC san  $<'
	@$(CC) $(SAN_CFLAGS) -c $< -o $@

$(REL_LIB): $(REL_OBJ)
	@rm -f $@
	@ar rcs $@ $^
$(SAN_LIB): $(SAN_OBJ)
	@rm -f $@
	@ar rcs $@ $^

$(REL_BIN): $(BUILD)/rel/$(MAIN_SRC:.c=.o) $(REL_LIB)
	@echo '  LINK    $@'
	@$(CC) $(REL_CFLAGS) -o $@ $^ $(LDLIBS)
$(SAN_BIN): $(BUILD)/san/$(MAIN_SRC:.c=.o) $(SAN_LIB)
	@echo '  LINK    $@'
	@$(CC) $(SAN_CFLAGS) -o $@ $^ $(LDLIBS)

# Unit tests may #include the .c under test to reach its statics (STYLE.md item 9).
$(BUILD)/san/tests/%: tests/unit/%.c $(SAN_LIB)
	@mkdir -p $(dir $@)
	@echo '  TEST    $@'
	@$(CC) $(SAN_CFLAGS) -Itests/unit $(TEST_LDFLAGS) -o $@ $< $(SAN_LIB) $(TEST_LDLIBS) $(LDLIBS)

# What STYLE.md promises (banned functions, 100 columns, literal formats, no clinical threshold
# in src/http or web/): scripts/lint.py; make check runs it as tests/lint/test_lint.sh.
lint:
	@python3 scripts/lint.py

format:
	clang-format -i $$(find src tests -name '*.[ch]')

clean:
	rm -rf $(BUILD)

-include $(REL_OBJ:.o=.d) $(SAN_OBJ:.o=.d) $(BUILD)/rel/$(MAIN_SRC:.c=.d) $(BUILD)/san/$(MAIN_SRC:.c=.d)
