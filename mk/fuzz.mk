# Fuzzing (make fuzz): a libFuzzer driver per parser of outside input — tests/hl7/fuzz_hl7.c
# (mk/hl7.mk) and tests/fuzz/fuzz_*.c: API JSON bodies (api), query arguments and FHIR search
# parameters (query), dose strings (dose), protocol files and screening JSON (protocol), covariate
# CSV tables (csv).  The drivers link the whole library built with clang, ASan, UBSan and
# coverage (BUILD/fuzz/obj).  `make fuzz` runs each for FUZZ_TIME seconds (default 60), or
# FUZZ_RUNS inputs, on a corpus kept in BUILD/fuzz/corpus-NAME (seeded from tests/*/corpus);
# tests/fuzz/test_fuzz.sh runs each briefly in make check.  Needs clang (Debian: clang).
ifeq ($(.DEFAULT_GOAL),)
.DEFAULT_GOAL := all
endif
FUZZ_CC   ?= clang
FUZZ_FLAGS = -std=c17 -D_GNU_SOURCE -Isrc $(CFLAGS_PQ) -g -O1 -fno-omit-frame-pointer \
             -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_LIB_SRC := $(filter-out src/cli/main.c,$(sort $(wildcard src/*/*.c)))
FUZZ_LIB_OBJ := $(FUZZ_LIB_SRC:%.c=$(BUILD)/fuzz/obj/%.o)
FUZZ_LIB     := $(BUILD)/fuzz/libketaclinic-fuzz.a
FUZZ_DRIVERS := api query dose protocol csv
FUZZ_BINS    := $(FUZZ_DRIVERS:%=$(BUILD)/fuzz/fuzz_%)

$(BUILD)/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo '  CC fuzz $<'
	@$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@
$(FUZZ_LIB): $(FUZZ_LIB_OBJ)
	@rm -f $@
	@ar rcs $@ $^
$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_server.h $(FUZZ_LIB)
	@echo '  FUZZ    $@'
	@$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer -Itests/fuzz -o $@ $< $(FUZZ_LIB) $(LDLIBS)

.PHONY: fuzz fuzz-build-all
fuzz-build-all: $(FUZZ_BINS) $(BUILD)/fuzz/fuzz_hl7
fuzz: fuzz-build-all
	@bash scripts/fuzz.sh $(BUILD) $(FUZZ_TIME) $(FUZZ_RUNS)

-include $(FUZZ_LIB_OBJ:.o=.d)
