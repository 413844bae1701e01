%% SPDX-License-Identifier: Apache-2.0
%% node_stats: one reading of the node's health counters.  Totals only
%% (statistics(reductions) "since last call" is shared by every caller, so
%% beamprobe diffs totals itself).  Inputs: none.  Cost: a dozen BIF calls;
%% erlang:memory/0 walks the allocators.  Result: a tuple, see collect_node.c.
{erlang:monotonic_time(microsecond),
 erlang:memory(),
 [erlang:system_info(K) || K <- [process_count, process_limit, port_count, port_limit,
                                 atom_count, atom_limit, ets_count, ets_limit]],
 element(1, erlang:statistics(reductions)),
 erlang:statistics(garbage_collection),
 erlang:statistics(io),
 element(1, erlang:statistics(context_switches)),
 element(1, erlang:statistics(wall_clock)),
 erlang:statistics(run_queue_lengths_all)}
