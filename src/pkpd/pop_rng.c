/* pop_rng.c — Philox4x32-10 and the per-patient streams built on it (see pop_rng.h).  The
 * multipliers and Weyl constants are Random123's (philox.h); the known-answer vectors in
 * tests/unit/test_pk_population.c are Random123's kat_vectors. */
#include <math.h>

#include "pkpd/pop_rng.h"

#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u /* golden ratio */
#define PHILOX_W1 0xBB67AE85u /* sqrt(3) - 1 */

void pop_philox4x32_10(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4])
{
    uint32_t c0 = ctr[0], c1 = ctr[1], c2 = ctr[2], c3 = ctr[3], k0 = key[0], k1 = key[1];
    for (int r = 0; r < 10; r++) {
        if (r) k0 += PHILOX_W0, k1 += PHILOX_W1;
        uint64_t p0 = (uint64_t)PHILOX_M0 * c0, p1 = (uint64_t)PHILOX_M1 * c2;
        uint32_t hi0 = (uint32_t)(p0 >> 32), lo0 = (uint32_t)p0;
        uint32_t hi1 = (uint32_t)(p1 >> 32), lo1 = (uint32_t)p1;
        c0 = hi1 ^ c1 ^ k0;
        c1 = lo1;
        c2 = hi0 ^ c3 ^ k1;
        c3 = lo0;
    }
    out[0] = c0, out[1] = c1, out[2] = c2, out[3] = c3;
}

void pop_stream_init(struct pop_stream *s, uint64_t seed, uint64_t patient, enum pop_stream_id id)
{
    s->key[0] = (uint32_t)seed;
    s->key[1] = (uint32_t)(seed >> 32);
    s->ctr[0] = 0;
    s->ctr[1] = (uint32_t)id;
    s->ctr[2] = (uint32_t)patient;
    s->ctr[3] = (uint32_t)(patient >> 32);
    s->has_spare = s->has_nspare = 0;
    s->spare = s->nspare = 0;
}

/* 53 random bits to (0, 1): (k + 0.5) / 2^53. */
static double to_unit(uint32_t hi, uint32_t lo)
{
    uint64_t k = ((uint64_t)hi << 21) ^ (lo >> 11);
    return ((double)k + 0.5) * 0x1p-53;
}

static void block(struct pop_stream *s, double *u1, double *u2)
{
    uint32_t out[4];
    pop_philox4x32_10(s->ctr, s->key, out);
    s->ctr[0]++;
    *u1 = to_unit(out[0], out[1]);
    *u2 = to_unit(out[2], out[3]);
}

double pop_stream_uniform(struct pop_stream *s)
{
    if (s->has_spare) { /* the spare of a uniform draw is itself a uniform */
        s->has_spare = 0;
        return s->spare;
    }
    double u1, u2;
    block(s, &u1, &u2);
    s->spare = u2;
    s->has_spare = 1;
    return u1;
}

double pop_stream_normal(struct pop_stream *s)
{
    if (s->has_nspare) {
        s->has_nspare = 0;
        return s->nspare;
    }
    double u1, u2;
    block(s, &u1, &u2);
    double r = sqrt(-2.0 * log(u1)), sn, cs;
    sincos(2.0 * M_PI * u2, &sn, &cs);
    s->nspare = r * sn;
    s->has_nspare = 1;
    return r * cs;
}
