/* pk_cmds.h — `pk tci` (cmd_pk_tci.c) and `pk population` (cmd_pk_population.c), dispatched from
 * cmd_pk.c.  Each takes the arguments after its own word and returns a CLI_EXIT_* status. */
#ifndef KC_CLI_PK_CMDS_H
#define KC_CLI_PK_CMDS_H

int cmd_pk_tci(int argc, char **argv);
int cmd_pk_population(int argc, char **argv);

#endif
