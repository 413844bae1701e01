/* SPDX-License-Identifier: Apache-2.0 */
/*
 * main.c - beamprobe: a native profiler for live Erlang/Elixir nodes.
 * Everything happens in cli_main (cli/cli.c).
 */
#include "cli/cli.h"

int main(int argc, char **argv)
{
    return cli_main(argc, argv);
}
