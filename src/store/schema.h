/* schema.h — versioned migrations of the store's schema (inside src/store/ only). */
#ifndef KC_STORE_SCHEMA_H
#define KC_STORE_SCHEMA_H

#include "store/store_int.h"

/* One version: SQL run on both back ends (common, with @ID@/@REAL@ tokens), then the part for
 * the back end in use (may be NULL). */
struct store_migration {
    int version;
    const char *name;
    const char *common, *sqlite, *pg;
};

extern const char store__schema_v1[], store__schema_v1_sqlite[], store__schema_v1_pg[];
extern const char store__schema_v2[]; /* schema_v2.c: HL7 listener tables */
extern const char store__schema_v4[], store__schema_v4_sqlite[], store__schema_v4_pg[]; /* issue 10 */
extern const char store__schema_v7[]; /* schema_v7.c: HL7 per-reading records (issue 15) */

/* Applies the migrations of list (sorted by version) that are newer than the database, all in
 * one transaction.  A database newer than the newest in list is refused (KC_ECONFLICT) and not
 * touched; any failure rolls everything back. */
int store__migrate_with(struct store *st, const struct store_migration *list, int n, int *applied,
                        struct kc_error *err);

#endif
