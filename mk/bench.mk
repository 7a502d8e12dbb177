# make bench: the population benchmark of issue 4 (bench/pop/run.sh) — ketaclinic against R deSolve,
# SciPy, SUNDIALS CVODE and a bare exponential loop.  Installs its peers itself (bench/pop/deps.sh).
# Not run by make check.  BENCH_N, BENCH_SECONDS, BENCH_PEER_MAX tune it.
# (a rule here must not become make's default goal)
ifeq ($(.DEFAULT_GOAL),)
.DEFAULT_GOAL := all
endif
.PHONY: bench
bench: $(BUILD)/rel/ketaclinic $(BUILD)/rel/bench/pop_params
	@bash bench/pop/run.sh $(BUILD)
$(BUILD)/rel/bench/pop_params: bench/pop/params.c $(BUILD)/rel/libketaclinic.a
	@mkdir -p $(dir $@)
	@echo '  LINK    $@'
	@$(CC) $(REL_CFLAGS) -o $@ $< $(BUILD)/rel/libketaclinic.a $(LDLIBS)
