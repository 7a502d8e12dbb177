# Countdown fault injection (tests/unit/test_torture.c, tests/unit/fault_inject.h): the torture
# binary's own allocations go through wrappers that fail the n-th call (-Wl,--wrap), so the
# KC_ENOMEM paths of src/ run.  make check runs it with a sampled n past 150 (SQLite) and on
# PostgreSQL (tests/store/test_store_backends.sh), once with one failing call and once with every
# call failing from the n-th on; make torture tries every n on SQLite.
ifeq ($(.DEFAULT_GOAL),)
.DEFAULT_GOAL := all
endif
$(BUILD)/san/tests/test_torture: TEST_LDFLAGS = -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup
$(BUILD)/san/tests/test_torture: tests/unit/fault_inject.h tests/unit/store_world.h \
                                  tests/unit/store_fixture.h
.PHONY: torture
torture: $(BUILD)/san/tests/test_torture
	@KC_TORTURE_FULL=1 ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 $(BUILD)/san/tests/test_torture
