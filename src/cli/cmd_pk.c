/* cmd_pk.c — placeholder. */
#include "cli/cli.h"
int cmd_pk(int argc, char **argv)
{
    (void)argc; (void)argv;
    return 0;
}
