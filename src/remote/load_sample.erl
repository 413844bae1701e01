%% SPDX-License-Identifier: Apache-2.0
%% load_sample: one reading for `monitor' and `loadtest': process_info of
%% the watched processes, the node's total run queue and memory, and the
%% target's own counters when it has them.
%%
%% Counters are read by calling CMod:CFun() when that function exists.
%% The names come as binaries and are turned into atoms only if the atoms
%% exist already (binary_to_existing_atom), so probing a node that does not
%% have the module creates nothing.  <<>> skips them (the empty atom is
%% never a loaded module).
%%
%% The reading runs at high priority (only this short-lived rex worker), so
%% that a saturated node still answers in time: that is when it matters.
%%
%% Inputs: Pids, Items, CMod, CFun.  Cost: one process_info/2 per pid,
%% statistics(total_run_queue_lengths_all), erlang:memory(total) (walks the
%% allocators), and the counter function.
%% Result: {MonotonicUs, RunQueue, MemoryTotal, [Info | undefined], Counters}
%% with Counters the function's value or none.
erlang:process_flag(priority, high),
Counters =
    try
        M = erlang:binary_to_existing_atom(CMod, utf8),
        Fn = erlang:binary_to_existing_atom(CFun, utf8),
        case erlang:function_exported(M, Fn, 0) of
            true -> M:Fn();
            false -> none
        end
    catch
        _:_ -> none
    end,
{erlang:monotonic_time(microsecond),
 erlang:statistics(total_run_queue_lengths_all),
 erlang:memory(total),
 [erlang:process_info(P, Items) || P <- Pids],
 Counters}
