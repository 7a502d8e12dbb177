/* screen_drugs.c — generic drug name -> interaction class, for the screening interactions.
 * Classes follow the SPRAVATO REMS Patient Monitoring Form (benzodiazepines, non-benzodiazepine
 * sedative-hypnotics, psychostimulants, MAOIs, opioids) plus lamotrigine and CYP3A4/CYP2B6
 * modulators (sources in screen.c). */
#include <stdio.h>
#include <string.h>

#include "clinic/screen.h"

static const struct {
    const char *name;
    enum screen_drug_class c1, c2;
} drugs[] = {
    {"alprazolam", SCREEN_DC_BENZODIAZEPINE, SCREEN_DC_NONE},
    {"chlordiazepoxide", SCREEN_DC_BENZODIAZEPINE, SCREEN_DC_NONE},
    {"clonazepam", SCREEN_DC_BENZODIAZEPINE, SCREEN_DC_NONE},
    {"clobazam", SCREEN_DC_BENZODIAZEPINE, SCREEN_DC_NONE},
    {"diazepam", SCREEN_DC_BENZODIAZEPINE, SCREEN_DC_NONE},
    {"lorazepam", SCREEN_DC_BENZODIAZEPINE, SCREEN_DC_NONE},
    {"midazolam", SCREEN_DC_BENZODIAZEPINE, SCREEN_DC_NONE},
    {"oxazepam", SCREEN_DC_BENZODIAZEPINE, SCREEN_DC_NONE},
    {"temazepam", SCREEN_DC_BENZODIAZEPINE, SCREEN_DC_NONE},
    {"zolpidem", SCREEN_DC_SEDATIVE, SCREEN_DC_NONE},
    {"zopiclone", SCREEN_DC_SEDATIVE, SCREEN_DC_NONE},
    {"eszopiclone", SCREEN_DC_SEDATIVE, SCREEN_DC_NONE},
    {"zaleplon", SCREEN_DC_SEDATIVE, SCREEN_DC_NONE},
    {"pregabalin", SCREEN_DC_SEDATIVE, SCREEN_DC_NONE},
    {"gabapentin", SCREEN_DC_SEDATIVE, SCREEN_DC_NONE},
    {"hydroxyzine", SCREEN_DC_SEDATIVE, SCREEN_DC_NONE},
    {"diphenhydramine", SCREEN_DC_SEDATIVE, SCREEN_DC_NONE},
    {"promethazine", SCREEN_DC_SEDATIVE, SCREEN_DC_NONE},
    {"phenobarbital", SCREEN_DC_SEDATIVE, SCREEN_DC_CYP_INDUCER},
    {"buprenorphine", SCREEN_DC_OPIOID, SCREEN_DC_NONE},
    {"codeine", SCREEN_DC_OPIOID, SCREEN_DC_NONE},
    {"fentanyl", SCREEN_DC_OPIOID, SCREEN_DC_NONE},
    {"hydrocodone", SCREEN_DC_OPIOID, SCREEN_DC_NONE},
    {"hydromorphone", SCREEN_DC_OPIOID, SCREEN_DC_NONE},
    {"methadone", SCREEN_DC_OPIOID, SCREEN_DC_NONE},
    {"morphine", SCREEN_DC_OPIOID, SCREEN_DC_NONE},
    {"oxycodone", SCREEN_DC_OPIOID, SCREEN_DC_NONE},
    {"tapentadol", SCREEN_DC_OPIOID, SCREEN_DC_NONE},
    {"tramadol", SCREEN_DC_OPIOID, SCREEN_DC_NONE},
    {"amphetamine", SCREEN_DC_STIMULANT, SCREEN_DC_NONE},
    {"dextroamphetamine", SCREEN_DC_STIMULANT, SCREEN_DC_NONE},
    {"lisdexamfetamine", SCREEN_DC_STIMULANT, SCREEN_DC_NONE},
    {"methylphenidate", SCREEN_DC_STIMULANT, SCREEN_DC_NONE},
    {"dexmethylphenidate", SCREEN_DC_STIMULANT, SCREEN_DC_NONE},
    {"modafinil", SCREEN_DC_STIMULANT, SCREEN_DC_NONE},
    {"armodafinil", SCREEN_DC_STIMULANT, SCREEN_DC_NONE},
    {"phenelzine", SCREEN_DC_MAOI, SCREEN_DC_NONE},
    {"tranylcypromine", SCREEN_DC_MAOI, SCREEN_DC_NONE},
    {"isocarboxazid", SCREEN_DC_MAOI, SCREEN_DC_NONE},
    {"selegiline", SCREEN_DC_MAOI, SCREEN_DC_NONE},
    {"moclobemide", SCREEN_DC_MAOI, SCREEN_DC_NONE},
    {"rasagiline", SCREEN_DC_MAOI, SCREEN_DC_NONE},
    {"lamotrigine", SCREEN_DC_LAMOTRIGINE, SCREEN_DC_MOOD_STABILISER},
    {"lithium", SCREEN_DC_MOOD_STABILISER, SCREEN_DC_NONE},
    {"valproate", SCREEN_DC_MOOD_STABILISER, SCREEN_DC_NONE},
    {"divalproex", SCREEN_DC_MOOD_STABILISER, SCREEN_DC_NONE},
    {"carbamazepine", SCREEN_DC_CYP_INDUCER, SCREEN_DC_MOOD_STABILISER},
    {"clarithromycin", SCREEN_DC_CYP_INHIBITOR, SCREEN_DC_NONE},
    {"itraconazole", SCREEN_DC_CYP_INHIBITOR, SCREEN_DC_NONE},
    {"ketoconazole", SCREEN_DC_CYP_INHIBITOR, SCREEN_DC_NONE},
    {"posaconazole", SCREEN_DC_CYP_INHIBITOR, SCREEN_DC_NONE},
    {"voriconazole", SCREEN_DC_CYP_INHIBITOR, SCREEN_DC_NONE},
    {"ritonavir", SCREEN_DC_CYP_INHIBITOR, SCREEN_DC_NONE},
    {"cobicistat", SCREEN_DC_CYP_INHIBITOR, SCREEN_DC_NONE},
    {"ticlopidine", SCREEN_DC_CYP_INHIBITOR, SCREEN_DC_NONE},
    {"clopidogrel", SCREEN_DC_CYP_INHIBITOR, SCREEN_DC_NONE},
    {"rifampicin", SCREEN_DC_CYP_INDUCER, SCREEN_DC_NONE},
    {"rifampin", SCREEN_DC_CYP_INDUCER, SCREEN_DC_NONE},
    {"phenytoin", SCREEN_DC_CYP_INDUCER, SCREEN_DC_NONE},
    {"efavirenz", SCREEN_DC_CYP_INDUCER, SCREEN_DC_NONE},
    {"st-johns-wort", SCREEN_DC_CYP_INDUCER, SCREEN_DC_NONE},
    {"st-john-s-wort", SCREEN_DC_CYP_INDUCER, SCREEN_DC_NONE}, /* "St John's wort" */
    {"sertraline", SCREEN_DC_ANTIDEPRESSANT, SCREEN_DC_NONE},
    {"escitalopram", SCREEN_DC_ANTIDEPRESSANT, SCREEN_DC_NONE},
    {"citalopram", SCREEN_DC_ANTIDEPRESSANT, SCREEN_DC_NONE},
    {"fluoxetine", SCREEN_DC_ANTIDEPRESSANT, SCREEN_DC_NONE},
    {"paroxetine", SCREEN_DC_ANTIDEPRESSANT, SCREEN_DC_NONE},
    {"venlafaxine", SCREEN_DC_ANTIDEPRESSANT, SCREEN_DC_NONE},
    {"desvenlafaxine", SCREEN_DC_ANTIDEPRESSANT, SCREEN_DC_NONE},
    {"duloxetine", SCREEN_DC_ANTIDEPRESSANT, SCREEN_DC_NONE},
    {"bupropion", SCREEN_DC_ANTIDEPRESSANT, SCREEN_DC_NONE},
    {"mirtazapine", SCREEN_DC_ANTIDEPRESSANT, SCREEN_DC_NONE},
    {"vortioxetine", SCREEN_DC_ANTIDEPRESSANT, SCREEN_DC_NONE},
    {"trazodone", SCREEN_DC_ANTIDEPRESSANT, SCREEN_DC_NONE},
};

/* Common US brand names of the drugs above (DailyMed labels), so a medication list written by
 * brand is checked too. */
static const struct {
    const char *brand, *generic;
} brands[] = {
    {"klonopin", "clonazepam"},   {"xanax", "alprazolam"},         {"ativan", "lorazepam"},
    {"valium", "diazepam"},       {"restoril", "temazepam"},       {"librium", "chlordiazepoxide"},
    {"ambien", "zolpidem"},       {"lunesta", "eszopiclone"},      {"sonata", "zaleplon"},
    {"lyrica", "pregabalin"},     {"neurontin", "gabapentin"},     {"adderall", "amphetamine"},
    {"vyvanse", "lisdexamfetamine"}, {"ritalin", "methylphenidate"},
    {"concerta", "methylphenidate"},
    {"focalin", "dexmethylphenidate"}, {"provigil", "modafinil"},  {"nuvigil", "armodafinil"},
    {"nardil", "phenelzine"},     {"parnate", "tranylcypromine"},  {"marplan", "isocarboxazid"},
    {"emsam", "selegiline"},      {"lamictal", "lamotrigine"},     {"depakote", "divalproex"},
    {"tegretol", "carbamazepine"}, {"suboxone", "buprenorphine"},  {"subutex", "buprenorphine"},
    {"oxycontin", "oxycodone"},   {"percocet", "oxycodone"},       {"norco", "hydrocodone"},
    {"ultram", "tramadol"},       {"zoloft", "sertraline"},        {"lexapro", "escitalopram"},
    {"prozac", "fluoxetine"},     {"wellbutrin", "bupropion"},     {"effexor", "venlafaxine"},
    {"cymbalta", "duloxetine"},   {"remeron", "mirtazapine"},      {"trintellix", "vortioxetine"},
    {"biaxin", "clarithromycin"}, {"rifadin", "rifampin"},         {"dilantin", "phenytoin"},
};

/* Words that end the drug name in a medication line: doses, forms, routes, frequencies and
 * release suffixes ("clonazepam 1 mg bid", "alprazolam xr", "zolpidem tablet at night"). */
static int stop_word(const char *w, size_t n)
{
    static const char *const stop[] = {
        "mg", "mcg", "ug", "g", "ml", "tab", "tabs", "tablet", "tablets", "cap", "caps",
        "capsule", "capsules", "po", "sl", "oral", "orally", "bid", "tid", "qid", "qd", "qhs",
        "hs", "prn", "daily", "nightly", "once", "twice", "at", "as", "per", "every", "q",
        "er", "xr", "sr", "cr", "ir", "xl", "la", "od", "dr", "odt", "patch", "solution"};
    if (n && w[0] >= '0' && w[0] <= '9') return 1;
    for (size_t i = 0; i < sizeof stop / sizeof stop[0]; i++)
        if (strlen(stop[i]) == n && strncmp(stop[i], w, n) == 0) return 1;
    return 0;
}

static int lookup(const char *name, enum screen_drug_class *c1, enum screen_drug_class *c2)
{
    for (size_t b = 0; b < sizeof brands / sizeof brands[0]; b++)
        if (strcmp(brands[b].brand, name) == 0) name = brands[b].generic;
    for (size_t i = 0; i < sizeof drugs / sizeof drugs[0]; i++)
        if (strcmp(drugs[i].name, name) == 0) {
            *c1 = drugs[i].c1;
            *c2 = drugs[i].c2;
            return 1;
        }
    return 0;
}

enum screen_drug_class screen_drug_class_of(const char *name, int which)
{
    enum screen_drug_class c1 = SCREEN_DC_NONE, c2 = SCREEN_DC_NONE;
    if (!name) return SCREEN_DC_NONE;
    /* the whole text, then its leading words up to the first dose/form/frequency word
     * ("clonazepam-1-mg-bid" -> "clonazepam"; issue 14), then its first word alone */
    char head[SCREEN_NAME_MAX];
    size_t used = 0;
    const char *p = name;
    while (*p) {
        const char *e = strchr(p, '-');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n && stop_word(p, n)) break;
        if (n && used + n + 1 < sizeof head) {
            if (used) head[used++] = '-';
            memcpy(head + used, p, n);
            used += n;
        }
        if (!e) break;
        p = e + 1;
    }
    head[used] = '\0';
    char first[SCREEN_NAME_MAX];
    size_t fn = strcspn(name, "-");
    snprintf(first, sizeof first, "%.*s", (int)(fn < sizeof first ? fn : sizeof first - 1), name);
    if (!lookup(name, &c1, &c2) && !lookup(head, &c1, &c2)) lookup(first, &c1, &c2);
    return which ? c2 : c1;
}
