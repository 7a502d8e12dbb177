# The clinic's records (src/store/): SQLite, PostgreSQL (libpq), libsodium for the audit chain.
LDLIBS += -lsqlite3 -lpq -lsodium
CFLAGS_PQ := $(shell pkg-config --cflags libpq 2>/dev/null)
REL_CFLAGS += $(CFLAGS_PQ)
SAN_CFLAGS += $(CFLAGS_PQ)

# make bench-store: vital-sign inserts per second through the store and through bare sqlite3
# (and on PostgreSQL when KC_BENCH_PG is a postgres:// URL).  Not run by make check.
# (a rule here must not become make's default goal)
ifeq ($(.DEFAULT_GOAL),)
.DEFAULT_GOAL := all
endif
.PHONY: bench-store
bench-store: $(BUILD)/rel/bench/bench_store
	@bash bench/bench_store.sh $(BUILD)/rel/bench/bench_store $(BENCH_ARGS)
$(BUILD)/rel/bench/bench_store: bench/bench_store.c $(BUILD)/rel/libketaclinic.a
	@mkdir -p $(dir $@)
	@echo '  LINK    $@'
	@$(CC) $(REL_CFLAGS) -o $@ $< $(BUILD)/rel/libketaclinic.a $(LDLIBS)
