/* fuzz_dose.c — libFuzzer driver for dose strings ("iv 0.5mg/kg over 40min at 10min", as
 * `pk simulate --dose`, the treatment plan and the API take them) and quantities ("50mg/100mL",
 * "92 kg").  Besides crashes it checks what a parsed dose promises: finite, positive amounts and
 * times, a duration only for IV, and an amount in mg that is finite for a 70 kg patient. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/quantity.h"
#include "pkpd/simulate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what, const char *text)
{
    if (ok) return;
    fprintf(stderr, "fuzz_dose: %s for '%s'\n", what, text);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1024) return 0;
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    struct kc_error err = {0};
    struct pk_dose d;
    if (pk_dose_parse(text, &d, &err) == KC_OK) {
        check(isfinite(d.amount) && d.amount > 0, "a dose amount that is not positive", text);
        check(isfinite(d.start_min) && d.start_min >= 0, "a bad start time", text);
        check(isfinite(d.duration_min) && d.duration_min >= 0, "a bad duration", text);
        check(d.duration_min == 0 || d.route == PK_ROUTE_IV, "a duration for a non-IV dose",
              text);
        double mg = 0;
        if (pk_dose_amount_mg(&d, 70, &mg, &err) == KC_OK)
            check(isfinite(mg) && mg > 0, "an amount in mg that is not positive", text);
    } else {
        check(err.msg[0] != '\0', "a refusal without a message", text);
    }
    struct kc_quantity q;
    memset(&err, 0, sizeof err);
    if (kc_quantity_parse(text, &q, &err) != KC_OK)
        check(err.msg[0] != '\0', "a quantity refused without a message", text);
    else
        check(isfinite(q.value) && q.value >= 0, "a quantity that is negative or not finite",
              text);
    double v;
    if (kc_parse_double(text, &v, NULL) == KC_OK) check(isfinite(v), "a non-finite number", text);
    free(text);
    return 0;
}
