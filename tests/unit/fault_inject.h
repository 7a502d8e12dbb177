/* fault_inject.h — countdown fault injection for the torture test (SQLite's test VFS and
 * malloc hooks, curl's torture mode): fault_arm(kind, n) makes the n-th call of one kind fail,
 * once, then everything works again (or, with fault_state.persist, that call and every later one
 * of the kind, as a disk that stays full).  Kinds:
 *   FAULT_ALLOC  every allocation: our code's malloc/calloc/realloc/strdup (the test binary is
 *                linked with -Wl,--wrap=...), jansson's (json_set_alloc_funcs) and SQLite's
 *                (SQLITE_CONFIG_MALLOC);
 *   FAULT_WRITE  xWrite/xTruncate of any SQLite file (a shim VFS over the default one);
 *   FAULT_SYNC   xSync of any SQLite file (the fsync of a commit);
 *   FAULT_EXEC   a statement the PostgreSQL driver sends (store__fault_hook: the server answers
 *                "disk full" and the transaction aborts);
 *   FAULT_COMMIT a PostgreSQL COMMIT (the server rolls the transaction back).
 * fault_init() must run before the first SQLite call.  Calls are counted only while armed. */
#ifndef KC_TEST_FAULT_INJECT_H
#define KC_TEST_FAULT_INJECT_H

#include <jansson.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

enum fault_kind { FAULT_ALLOC, FAULT_WRITE, FAULT_SYNC, FAULT_EXEC, FAULT_COMMIT, FAULT_KINDS };
static const char *const fault_kind_name[FAULT_KINDS] = {"alloc", "write", "fsync", "statement",
                                                        "commit"};

static struct {
    int armed;
    enum fault_kind kind;
    long countdown; /* the call that makes this 0 fails */
    long calls;     /* calls of kind seen while armed */
    int fired;
    int persist; /* 1: keep failing after the n-th call */
} fault_state;

/* 1 when this call must fail. */
static int fault_hit(enum fault_kind k)
{
    if (!__atomic_load_n(&fault_state.armed, __ATOMIC_SEQ_CST) || fault_state.kind != k) return 0;
    __atomic_add_fetch(&fault_state.calls, 1, __ATOMIC_SEQ_CST);
    long left = __atomic_sub_fetch(&fault_state.countdown, 1, __ATOMIC_SEQ_CST);
    if (left == 0 || (left < 0 && fault_state.persist)) {
        __atomic_store_n(&fault_state.fired, 1, __ATOMIC_SEQ_CST);
        return 1;
    }
    return 0;
}

__attribute__((unused)) static void fault_arm(enum fault_kind k, long n)
{
    fault_state.kind = k;
    fault_state.countdown = n;
    fault_state.calls = 0;
    fault_state.fired = 0;
    __atomic_store_n(&fault_state.armed, 1, __ATOMIC_SEQ_CST);
}

/* Disarms; returns whether the fault fired. */
__attribute__((unused)) static int fault_disarm(void)
{
    __atomic_store_n(&fault_state.armed, 0, __ATOMIC_SEQ_CST);
    return fault_state.fired;
}

/* ---- our allocations (-Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup) ------- */
void *__real_malloc(size_t n);
void *__real_calloc(size_t m, size_t n);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t m, size_t n);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);

void *__wrap_malloc(size_t n)
{
    return fault_hit(FAULT_ALLOC) ? NULL : __real_malloc(n);
}
void *__wrap_calloc(size_t m, size_t n)
{
    return fault_hit(FAULT_ALLOC) ? NULL : __real_calloc(m, n);
}
void *__wrap_realloc(void *p, size_t n)
{
    return fault_hit(FAULT_ALLOC) ? NULL : __real_realloc(p, n);
}
char *__wrap_strdup(const char *s)
{
    return fault_hit(FAULT_ALLOC) ? NULL : __real_strdup(s);
}

static void *fault_json_malloc(size_t n)
{
    return __wrap_malloc(n);
}

/* ---- SQLite's allocations: an 8-byte size header in front of each block -------------------- */
static void *fault_sq_malloc(int n)
{
    if (fault_hit(FAULT_ALLOC)) return NULL;
    sqlite3_int64 *p = __real_malloc((size_t)n + 8);
    if (!p) return NULL;
    p[0] = n;
    return p + 1;
}
static void fault_sq_free(void *p)
{
    if (p) free((sqlite3_int64 *)p - 1);
}
static void *fault_sq_realloc(void *p, int n)
{
    if (!p) return fault_sq_malloc(n);
    if (fault_hit(FAULT_ALLOC)) return NULL;
    sqlite3_int64 *q = __real_realloc((sqlite3_int64 *)p - 1, (size_t)n + 8);
    if (!q) return NULL;
    q[0] = n;
    return q + 1;
}
static int fault_sq_size(void *p)
{
    return p ? (int)((sqlite3_int64 *)p)[-1] : 0;
}
static int fault_sq_roundup(int n)
{
    return (n + 7) & ~7;
}
static int fault_sq_init(void *x)
{
    (void)x;
    return SQLITE_OK;
}
static void fault_sq_shutdown(void *x)
{
    (void)x;
}

/* ---- a shim VFS: every file SQLite opens goes through these methods --------------------------- */
struct fault_file {
    sqlite3_file base;
    sqlite3_file *real; /* the default VFS's file, allocated right after this struct */
};
static sqlite3_vfs *fault_real_vfs;

#define REAL(f) (((struct fault_file *)(f))->real)
static int ff_close(sqlite3_file *f)
{
    return REAL(f)->pMethods->xClose(REAL(f));
}
static int ff_read(sqlite3_file *f, void *b, int n, sqlite3_int64 off)
{
    return REAL(f)->pMethods->xRead(REAL(f), b, n, off);
}
static int ff_write(sqlite3_file *f, const void *b, int n, sqlite3_int64 off)
{
    if (fault_hit(FAULT_WRITE)) return SQLITE_IOERR_WRITE;
    return REAL(f)->pMethods->xWrite(REAL(f), b, n, off);
}
static int ff_truncate(sqlite3_file *f, sqlite3_int64 size)
{
    if (fault_hit(FAULT_WRITE)) return SQLITE_IOERR_TRUNCATE;
    return REAL(f)->pMethods->xTruncate(REAL(f), size);
}
static int ff_sync(sqlite3_file *f, int flags)
{
    if (fault_hit(FAULT_SYNC)) return SQLITE_IOERR_FSYNC;
    return REAL(f)->pMethods->xSync(REAL(f), flags);
}
static int ff_size(sqlite3_file *f, sqlite3_int64 *out)
{
    return REAL(f)->pMethods->xFileSize(REAL(f), out);
}
static int ff_lock(sqlite3_file *f, int l)
{
    return REAL(f)->pMethods->xLock(REAL(f), l);
}
static int ff_unlock(sqlite3_file *f, int l)
{
    return REAL(f)->pMethods->xUnlock(REAL(f), l);
}
static int ff_check_lock(sqlite3_file *f, int *out)
{
    return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}
static int ff_control(sqlite3_file *f, int op, void *arg)
{
    return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}
static int ff_sector(sqlite3_file *f)
{
    return REAL(f)->pMethods->xSectorSize(REAL(f));
}
static int ff_devchar(sqlite3_file *f)
{
    return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}
static int ff_shm_map(sqlite3_file *f, int pg, int sz, int extend, void volatile **out)
{
    return REAL(f)->pMethods->xShmMap(REAL(f), pg, sz, extend, out);
}
static int ff_shm_lock(sqlite3_file *f, int off, int n, int flags)
{
    return REAL(f)->pMethods->xShmLock(REAL(f), off, n, flags);
}
static void ff_shm_barrier(sqlite3_file *f)
{
    REAL(f)->pMethods->xShmBarrier(REAL(f));
}
static int ff_shm_unmap(sqlite3_file *f, int del)
{
    return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}
static int ff_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **out)
{
    return REAL(f)->pMethods->xFetch(REAL(f), off, n, out);
}
static int ff_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
    return REAL(f)->pMethods->xUnfetch(REAL(f), off, p);
}
#undef REAL

static const sqlite3_io_methods fault_io = {
    3,           ff_close,   ff_read,        ff_write,     ff_truncate, ff_sync,
    ff_size,     ff_lock,    ff_unlock,      ff_check_lock, ff_control, ff_sector,
    ff_devchar,  ff_shm_map, ff_shm_lock,    ff_shm_barrier, ff_shm_unmap, ff_fetch,
    ff_unfetch,
};

static int fault_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out)
{
    (void)vfs;
    struct fault_file *ff = (struct fault_file *)f;
    ff->real = (sqlite3_file *)(ff + 1);
    ff->base.pMethods = NULL;
    int rc = fault_real_vfs->xOpen(fault_real_vfs, name, ff->real, flags, out);
    if (ff->real->pMethods) ff->base.pMethods = &fault_io;
    return rc;
}
static int fault_delete(sqlite3_vfs *v, const char *name, int sync)
{
    (void)v;
    return fault_real_vfs->xDelete(fault_real_vfs, name, sync);
}
static int fault_access(sqlite3_vfs *v, const char *name, int flags, int *out)
{
    (void)v;
    return fault_real_vfs->xAccess(fault_real_vfs, name, flags, out);
}
static int fault_fullpath(sqlite3_vfs *v, const char *name, int n, char *out)
{
    (void)v;
    return fault_real_vfs->xFullPathname(fault_real_vfs, name, n, out);
}
static int fault_random(sqlite3_vfs *v, int n, char *out)
{
    (void)v;
    return fault_real_vfs->xRandomness(fault_real_vfs, n, out);
}
static int fault_sleep(sqlite3_vfs *v, int us)
{
    (void)v;
    return fault_real_vfs->xSleep(fault_real_vfs, us);
}
static int fault_time(sqlite3_vfs *v, double *out)
{
    (void)v;
    return fault_real_vfs->xCurrentTime(fault_real_vfs, out);
}
static int fault_lasterr(sqlite3_vfs *v, int n, char *out)
{
    (void)v;
    return fault_real_vfs->xGetLastError(fault_real_vfs, n, out);
}
static int fault_time64(sqlite3_vfs *v, sqlite3_int64 *out)
{
    (void)v;
    return fault_real_vfs->xCurrentTimeInt64(fault_real_vfs, out);
}

static sqlite3_vfs fault_vfs;

/* The store's PostgreSQL driver asks here before each statement and COMMIT. */
static int fault_store_hook(enum store_fault where)
{
    return fault_hit(where == STORE_FAULT_COMMIT ? FAULT_COMMIT : FAULT_EXEC);
}

/* Installs every hook.  Returns 0, or -1 when SQLite was already initialised. */
__attribute__((unused)) static int fault_init(void)
{
    static const sqlite3_mem_methods mem = {fault_sq_malloc, fault_sq_free, fault_sq_realloc,
                                            fault_sq_size, fault_sq_roundup, fault_sq_init,
                                            fault_sq_shutdown, NULL};
    if (sqlite3_config(SQLITE_CONFIG_MALLOC, &mem) != SQLITE_OK) return -1;
    if (sqlite3_initialize() != SQLITE_OK) return -1;
    fault_real_vfs = sqlite3_vfs_find(NULL);
    if (!fault_real_vfs) return -1;
    fault_vfs = (sqlite3_vfs){
        .iVersion = 2,
        .szOsFile = (int)sizeof(struct fault_file) + fault_real_vfs->szOsFile,
        .mxPathname = fault_real_vfs->mxPathname,
        .zName = "kc-fault",
        .xOpen = fault_open,
        .xDelete = fault_delete,
        .xAccess = fault_access,
        .xFullPathname = fault_fullpath,
        .xDlOpen = NULL,
        .xRandomness = fault_random,
        .xSleep = fault_sleep,
        .xCurrentTime = fault_time,
        .xGetLastError = fault_lasterr,
        .xCurrentTimeInt64 = fault_time64,
    };
    if (sqlite3_vfs_register(&fault_vfs, 1) != SQLITE_OK) return -1;
    json_set_alloc_funcs(fault_json_malloc, free);
    store__fault_hook = fault_store_hook;
    return 0;
}

#endif
