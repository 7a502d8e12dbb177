/* report_svg.c — the operations report as a chart people look at rather than read: an SVG bar
 * chart of ended sessions per day (all chairs) with each bar's value as text and data-value. */
#include <stdio.h>
#include <string.h>

#include "cli/billing_cli.h"

#define SVG_MAX_DAYS 400

int report_cli_ops_svg(const json_t *ops, const char *path, struct kc_error *err)
{
    static struct {
        char day[11];
        long n;
    } d[SVG_MAX_DAYS];
    int nd = 0;
    long top = 1;
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(ops, "per_chair_day"), i, v) {
        const char *day = json_string_value(json_object_get(v, "day"));
        long n = (long)json_integer_value(json_object_get(v, "sessions"));
        int k = 0;
        while (k < nd && strcmp(d[k].day, day ? day : "")) k++;
        if (k == nd) {
            if (nd >= SVG_MAX_DAYS)
                return kc_error_set(err, KC_ELIMIT, "chart: more than %d days", SVG_MAX_DAYS);
            snprintf(d[nd].day, sizeof d[nd].day, "%s", day ? day : "");
            d[nd++].n = 0;
        }
        d[k].n += n;
        if (d[k].n > top) top = d[k].n;
    }
    /* days in order (insertion sort: at most SVG_MAX_DAYS) */
    for (int a = 1; a < nd; a++)
        for (int b = a; b > 0 && strcmp(d[b - 1].day, d[b].day) > 0; b--) {
            char t[11];
            long tn = d[b].n;
            memcpy(t, d[b].day, sizeof t);
            memcpy(d[b].day, d[b - 1].day, sizeof t);
            d[b].n = d[b - 1].n;
            memcpy(d[b - 1].day, t, sizeof t);
            d[b - 1].n = tn;
        }
    FILE *f = fopen(path, "w");
    if (!f) return kc_error_set(err, KC_EIO, "chart: cannot write %s", path);
    const int bw = 28, gap = 8, h = 200, left = 40, bottom = 60;
    int w = left + nd * (bw + gap) + 20;
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            "font-family=\"sans-serif\" font-size=\"10\">\n<title>Sessions per day, %s to %s"
            "</title>\n", w, h + bottom + 30,
            json_string_value(json_object_get(json_object_get(ops, "period"), "from")),
            json_string_value(json_object_get(json_object_get(ops, "period"), "to")));
    fprintf(f, "<text x=\"%d\" y=\"14\" font-size=\"12\">Sessions per day (ended)</text>\n", left);
    fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>\n", left,
            h + 20, w - 10, h + 20);
    for (int k = 0; k < nd; k++) {
        int bh = (int)((double)d[k].n / (double)top * (h - 20));
        int x = left + k * (bw + gap);
        fprintf(f, "<rect class=\"bar\" data-day=\"%s\" data-value=\"%ld\" x=\"%d\" y=\"%d\" "
                "width=\"%d\" height=\"%d\" fill=\"#3b7dd8\"/>\n", d[k].day, d[k].n, x,
                h + 20 - bh, bw, bh);
        fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%ld</text>\n", x + bw / 2,
                h + 16 - bh, d[k].n);
        fprintf(f, "<text transform=\"translate(%d,%d) rotate(60)\">%s</text>\n", x + 4, h + 26,
                d[k].day);
    }
    fprintf(f, "</svg>\n");
    if (fclose(f) != 0) return kc_error_set(err, KC_EIO, "chart: cannot write %s", path);
    return KC_OK;
}
