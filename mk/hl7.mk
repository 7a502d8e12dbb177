# The HL7 v2 listener (src/hl7/): no extra libraries (sockets and threads are in libc/-lpthread).
# The libFuzzer driver for the parser, ORU reader, ACK builder and MLLP reader (make fuzz runs it
# with the other drivers, mk/fuzz.mk).  Needs clang with libFuzzer (Debian: clang);
# tests/hl7/test_fuzz.sh runs it for 20 s in make check.
ifeq ($(.DEFAULT_GOAL),)
.DEFAULT_GOAL := all
endif
FUZZ_CC   ?= clang
FUZZ_TIME ?= 60
HL7_FUZZ_SRC := tests/hl7/fuzz_hl7.c src/hl7/parser.c src/hl7/oru.c src/hl7/codes.c \
                src/hl7/hl7_time.c \
                src/hl7/ack.c src/hl7/mllp.c src/clinic/plausibility.c src/base/error.c \
                src/base/kctime.c
HL7_FUZZ_BIN := $(BUILD)/fuzz/fuzz_hl7
.PHONY: fuzz-build
fuzz-build: $(HL7_FUZZ_BIN)
$(HL7_FUZZ_BIN): $(HL7_FUZZ_SRC) $(wildcard src/hl7/*.h)
	@mkdir -p $(dir $@)
	@echo '  FUZZ    $@'
	@$(FUZZ_CC) -std=c17 -D_GNU_SOURCE -Isrc -g -O1 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined -o $@ $(HL7_FUZZ_SRC) -lm -lpthread
# (make fuzz, mk/fuzz.mk, runs this driver with the others through scripts/fuzz.sh)

# make bench-hl7: parse throughput beside npm HL7 parsers, and end-to-end ACKed observations per
# second over loopback into a real `ketaclinic serve --hl7-listen` (bench/hl7/bench.sh).  Not run
# by make check.
.PHONY: bench-hl7
bench-hl7: $(BUILD)/rel/bench/hl7_parse $(BUILD)/rel/bench/hl7_e2e $(REL_BIN)
	@bash bench/hl7/bench.sh $(BUILD)/rel
$(BUILD)/rel/bench/hl7_%: bench/hl7/bench_%.c bench/hl7/messages.h $(BUILD)/rel/libketaclinic.a
	@mkdir -p $(dir $@)
	@echo '  LINK    $@'
	@$(CC) $(REL_CFLAGS) -Ibench/hl7 -o $@ $< $(BUILD)/rel/libketaclinic.a $(LDLIBS)
