/* screen_drugs.c — generic drug name -> interaction class, for the screening interactions.
 * Classes follow the SPRAVATO REMS Patient Monitoring Form (benzodiazepines, non-benzodiazepine
 * sedative-hypnotics, psychostimulants, MAOIs, opioids) plus lamotrigine and CYP3A4/CYP2B6
 * modulators (sources in screen.c). */
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

enum screen_drug_class screen_drug_class_of(const char *name, int which)
{
    for (size_t i = 0; name && i < sizeof drugs / sizeof drugs[0]; i++)
        if (strcmp(drugs[i].name, name) == 0) return which ? drugs[i].c2 : drugs[i].c1;
    return SCREEN_DC_NONE;
}
