# Libraries used by src/base and src/cli.
LDLIBS += -ljansson
