/* bench_store.c — vital-sign inserts per second, durably committed in batches: through the store
 * (store_vitals_add: validation, time normalisation, one audit entry per batch) on SQLite and,
 * when KC_BENCH_PG names a server, PostgreSQL; beside the bare sqlite3 C API inserting the same
 * rows into the same schema with the same pragmas (WAL, synchronous=FULL, foreign keys).
 * Usage: bench_store [ROWS [BATCH]]   (defaults 200000 rows, 1000 per transaction)
 * Built and run by `make bench-store` (mk/store.mk); not part of make check. */
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/store.h"

static const struct store_actor who = {"bench", "operator", "bench"};
static const char *const codes[] = {"hr", "spo2", "sbp", "dbp", "rr"};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* n observations: 5 signals at 1 Hz, times from 2026-11-23T09:00:00Z */
static void make_rows(struct store_vital *v, char (*at)[32], size_t n)
{
    for (size_t i = 0; i < n; i++) {
        size_t t = i / 5;
        snprintf(at[i], 32, "2026-11-23T%02zu:%02zu:%02zu.000Z", 9 + t / 3600 % 12, t / 60 % 60,
                 t % 60);
        v[i] = (struct store_vital){at[i], codes[i % 5], 60.0 + (double)(i % 37)};
    }
}

static int setup(const char *url, const char *key, struct store **st, int64_t *session)
{
    struct kc_error err = {0};
    struct store_options o = {url, key, 0};
    int64_t pid = 0;
    char mrn[40];
    snprintf(mrn, sizeof mrn, "BENCH-%d-%ld", (int)getpid(), (long)time(NULL));
    struct store_patient_new p = {.mrn = mrn, .family_name = "Bench", .birth_date = "1980-01-01",
                                  .sex = "unknown"};
    if (store_open(&o, st, &err) || store_patient_add(*st, &who, &p, &pid, &err) ||
        store_session_plan(*st, &who, pid, "2026-11-23T09:00:00Z", NULL, NULL, session, &err)) {
        fprintf(stderr, "bench: %s: %s\n", url, err.msg);
        return 1;
    }
    return 0;
}

static double bench_store(const char *url, const char *key, const struct store_vital *v, size_t n,
                          size_t batch)
{
    struct store *st = NULL;
    int64_t session = 0;
    struct kc_error err = {0};
    if (setup(url, key, &st, &session)) return -1;
    double t0 = now_s();
    for (size_t i = 0; i < n; i += batch) {
        size_t k = n - i < batch ? n - i : batch;
        if (store_vitals_add(st, &who, session, v + i, k, &err)) {
            fprintf(stderr, "bench: %s\n", err.msg);
            store_close(st);
            return -1;
        }
    }
    double dt = now_s() - t0;
    store_close(st);
    return (double)n / dt;
}

#define ROW "(?,?,?,?)"
#define ROW4 ROW "," ROW "," ROW "," ROW
#define ROW16 ROW4 "," ROW4 "," ROW4 "," ROW4
#define ROW64 ROW16 "," ROW16 "," ROW16 "," ROW16

/* The same rows through the bare sqlite3 API, one transaction per batch: a prepared one-row
 * INSERT (multi = 1), or the 64-row INSERT the store itself uses (multi = 64). */
static double bench_bare(const char *path, const char *key, const struct store_vital *v, size_t n,
                         size_t batch, int multi)
{
    sqlite3_stmt *ins64 = NULL;
    struct store *st = NULL;
    int64_t session = 0;
    if (setup(path, key, &st, &session)) return -1; /* same schema, made by the store */
    store_close(st);
    sqlite3 *db = NULL;
    sqlite3_stmt *ins = NULL;
    if (sqlite3_open(path, &db) != SQLITE_OK ||
        sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                         "PRAGMA foreign_keys=ON;", NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "INSERT INTO vitals (session_id, at, code, value) VALUES (?,?,?,?)",
                           -1, &ins, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "INSERT INTO vitals (session_id, at, code, value) VALUES " ROW64,
                           -1, &ins64, NULL) != SQLITE_OK) {
        fprintf(stderr, "bench: sqlite3: %s\n", sqlite3_errmsg(db));
        sqlite3_close(db);
        return -1;
    }
    double t0 = now_s();
    for (size_t i = 0; i < n; i += batch) {
        size_t k = n - i < batch ? n - i : batch;
        sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
        size_t j = i;
        for (; multi == 64 && j + 64 <= i + k; j += 64) {
            for (int r = 0; r < 64; r++) {
                sqlite3_bind_int64(ins64, 4 * r + 1, session);
                sqlite3_bind_text(ins64, 4 * r + 2, v[j + r].at, -1, SQLITE_STATIC);
                sqlite3_bind_text(ins64, 4 * r + 3, v[j + r].code, -1, SQLITE_STATIC);
                sqlite3_bind_double(ins64, 4 * r + 4, v[j + r].value);
            }
            if (sqlite3_step(ins64) != SQLITE_DONE) {
                fprintf(stderr, "bench: sqlite3: %s\n", sqlite3_errmsg(db));
                break;
            }
            sqlite3_reset(ins64);
        }
        for (; j < i + k; j++) {
            sqlite3_bind_int64(ins, 1, session);
            sqlite3_bind_text(ins, 2, v[j].at, -1, SQLITE_STATIC);
            sqlite3_bind_text(ins, 3, v[j].code, -1, SQLITE_STATIC);
            sqlite3_bind_double(ins, 4, v[j].value);
            if (sqlite3_step(ins) != SQLITE_DONE) {
                fprintf(stderr, "bench: sqlite3: %s\n", sqlite3_errmsg(db));
                break;
            }
            sqlite3_reset(ins);
        }
        if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
            fprintf(stderr, "bench: sqlite3 commit: %s\n", sqlite3_errmsg(db));
            break;
        }
    }
    double dt = now_s() - t0;
    sqlite3_finalize(ins);
    sqlite3_finalize(ins64);
    sqlite3_close(db);
    return (double)n / dt;
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 200000;
    size_t batch = argc > 2 ? strtoul(argv[2], NULL, 10) : 1000;
    if (n == 0 || batch == 0 || n > 10000000) {
        fprintf(stderr, "usage: bench_store [ROWS (1..10000000) [BATCH]]\n");
        return 2;
    }
    char dir[] = "/tmp/kc-bench-XXXXXX", key[64], path[80];
    if (!mkdtemp(dir)) return 1;
    snprintf(key, sizeof key, "%s/audit.key", dir);
    struct store_vital *v = calloc(n, sizeof *v);
    char (*at)[32] = calloc(n, 32);
    if (!v || !at) return 1;
    make_rows(v, at, n);
    printf("vital-sign inserts, %zu rows, %zu per durable transaction (WAL, synchronous=FULL), "
           "files in %s\n", n, batch, dir);
    /* best of three runs each, every run on a new file */
    double bare1 = 0, bare64 = 0, store = 0, pgr = 0;
    const char *pg = getenv("KC_BENCH_PG");
    for (int r = 0; r < 3; r++) {
        double x;
        snprintf(path, sizeof path, "%s/bare1-%d.db", dir, r);
        if ((x = bench_bare(path, key, v, n, batch, 1)) > bare1) bare1 = x;
        snprintf(path, sizeof path, "%s/bare64-%d.db", dir, r);
        if ((x = bench_bare(path, key, v, n, batch, 64)) > bare64) bare64 = x;
        snprintf(path, sizeof path, "%s/store-%d.db", dir, r);
        if ((x = bench_store(path, key, v, n, batch)) > store) store = x;
        if (pg && *pg && (x = bench_store(pg, key, v, n, batch)) > pgr) pgr = x;
    }
    printf("  bare sqlite3, 1-row INSERT      %10.0f rows/s\n", bare1);
    printf("  bare sqlite3, 64-row INSERT     %10.0f rows/s\n", bare64);
    printf("  store on SQLite                 %10.0f rows/s   %.0f%% of bare 1-row, %.0f%% of "
           "bare 64-row\n", store, 100.0 * store / bare1, 100.0 * store / bare64);
    if (pg && *pg) printf("  store on PostgreSQL             %10.0f rows/s\n", pgr);
    else printf("  store on PostgreSQL             (skipped: set KC_BENCH_PG=postgres://...)\n");
    double bare = bare1;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "bench: could not remove %s\n", dir);
    free(v);
    free(at);
    return (bare > 0 && store > 0) ? 0 : 1;
}
