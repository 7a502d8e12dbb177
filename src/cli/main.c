/* main.c — the `ketaclinic` command: dispatches to the subcommands listed in the table below. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

struct command {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);
};

/* One line per subcommand; keep sorted by name. */
static const struct command commands[] = {
    {"audit", "audit log: verify the hash chain (names the first bad entry), list", cmd_audit},
    {"backup", "consistent online backup of the database to FILE", cmd_backup},
    {"billing", "billing: codes, payer, charge, pay, refund, void, balance, plans, superbill", cmd_billing},
    {"course", "course schedules: induction, maintenance, Spravato TRD, MDSI; re-plan", cmd_course},
    {"db", "database schema: status, migrate", cmd_db},
    {"demo", "the engine demonstration: 0.5 mg/kg over 40 min, 70 kg, every model", cmd_demo},
    {"dose", "dose plan: IV/IM/SC mg/kg with weight basis, oral/SL, esketamine nasal", cmd_dose},
    {"hl7", "HL7 v2 monitors: send (a monitor simulator), review (unmatched messages)", cmd_hl7},
    {"ledger", "controlled-substance ledger: balance, report, verify, record, resolve", cmd_ledger},
    {"outcome", "clinic outcomes: response/remission with Wilson CI, Hedges g, benchmarks", cmd_outcome},
    {"patient", "patient records: add, show (audited)", cmd_patient},
    {"pk", "pharmacokinetics: models, simulate, compare", cmd_pk},
    {"protocol", "clinical protocol table: show, check a clinic override file", cmd_protocol},
    {"rems", "SPRAVATO REMS: enrol, check, monitoring form, sign, submit, 7-day tracker", cmd_rems},
    {"report", "clinic reports: administration log, discrepancies, operations", cmd_report},
    {"restore", "restore a backup FILE into an empty database", cmd_restore},
    {"score", "rating scales: PHQ-9, GAD-7, PCL-5, QIDS, MADRS, C-SSRS, ... (score list)", cmd_score},
    {"screen", "pre-treatment screening: contraindications, cautions, interactions", cmd_screen},
    {"serve", "the clinic server: JSON/FHIR API (and web UI)", cmd_serve},
    {"user", "staff users: add", cmd_user},
    {"vitals", "vitals: pre-dose gate, intra-session alarms, discharge readiness", cmd_vitals},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: ketaclinic COMMAND [ARGS...]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\nRun 'ketaclinic COMMAND --help' for a command's options.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CLI_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return CLI_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0) return commands[i].run(argc - 2, argv + 2);
    fprintf(stderr, "ketaclinic: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return CLI_EXIT_USAGE;
}
