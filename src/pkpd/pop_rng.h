/* pop_rng.h — the counter-based random generator of population simulation: Philox4x32-10
 * (Salmon, Moraes, Dror & Shaw 2011, "Parallel random numbers: as easy as 1, 2, 3", SC'11;
 * Random123).  A draw is a pure function of (seed, patient, stream, index), so a patient's
 * numbers do not depend on which thread (or machine) computes it, nor on the other patients. */
#ifndef KC_PKPD_POP_RNG_H
#define KC_PKPD_POP_RNG_H

#include <stdint.h>

/* One Philox4x32-10 block: out = Philox(ctr, key). */
void pop_philox4x32_10(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4]);

/* Independent streams of one patient, so that (say) switching residual error on does not
 * change the patient's parameters. */
enum pop_stream_id { POP_STREAM_COVARIATES = 1, POP_STREAM_ETA = 2, POP_STREAM_RESIDUAL = 3 };

/* The draws of one (seed, patient, stream), consumed in order.  Plain value; no allocation. */
struct pop_stream {
    uint32_t key[2];
    uint32_t ctr[4];      /* ctr[0] block index, ctr[1] stream, ctr[2..3] patient */
    double spare, nspare; /* the unused second value of a block (uniform, normal) */
    int has_spare, has_nspare;
};

void pop_stream_init(struct pop_stream *s, uint64_t seed, uint64_t patient, enum pop_stream_id id);
/* Uniform in (0, 1): 53-bit, never 0 or 1. */
double pop_stream_uniform(struct pop_stream *s);
/* Standard normal: Box-Muller on the two uniforms of one block, giving two normals. */
double pop_stream_normal(struct pop_stream *s);

#endif
