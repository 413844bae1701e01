%% SPDX-License-Identifier: Apache-2.0
%% doctor_scan: everything doctor checks, in one round trip.
%%
%% Over Window ms: minor_gcs of every process at both ends (for GCs per
%% second), and Steps + 1 readings of the node (run queues, memory by type,
%% scheduler wall time - on only while beamprobe's guard holds the flag).
%% At the end: message_queue_len and memory of every process.  Each pass
%% over the processes is a compiled library function applied with
%% lists:zipwith/3 (as rank_procs), never an interpreted fun per process;
%% for each key only the N largest values of at least 1 are sorted and
%% described, so the cost does not depend on how the rest compare.
%% minor_gcs restarts at a fullsweep: a negative delta counts the new value.
%%
%% Inputs: Window (ms), Steps, N.  Cost: 4 process_info/2 calls per process
%% and a few list passes; Steps + 1 calls of erlang:memory/1 and
%% statistics/1.  Result: {ProcessCount, ElapsedUs, GcWindowUs,
%% SchedulersOnline, [NodeReading], MqTop, MemTop, GcTop, [Described]} with
%% NodeReading = {Us, RunQueues, [{Type, Bytes}], SchedulerWallTime |
%% undefined}, *Top = [{Score, Pid}] and Described = {Pid, Info,
%% ProcLibInitialCall | undefined}.
T0 = erlang:monotonic_time(microsecond),
Pids = erlang:processes() -- [self()],
Len = length(Pids),
Dup = fun(X) -> lists:duplicate(Len, X) end,
Get = fun(Item) ->
              lists:zipwith(fun erlang:element/2, Dup(2),
                            lists:zipwith(fun erlang:max/2,
                                          lists:zipwith(fun erlang:process_info/2, Pids,
                                                        Dup(Item)),
                                          Dup({Item, -1})))
      end,
MinorGcs = fun() ->
                   Ls = Get(garbage_collection),
                   Ls1 = lists:zipwith(fun erlang:max/2, Ls, Dup([])),
                   Fs = lists:zipwith3(fun lists:keyfind/3, Dup(minor_gcs), Dup(1), Ls1),
                   lists:zipwith(fun erlang:element/2, Dup(2),
                                 lists:zipwith(fun erlang:max/2, Fs, Dup({minor_gcs, -1})))
           end,
NodeReading = fun() ->
                      {erlang:monotonic_time(microsecond),
                       erlang:statistics(run_queue_lengths_all),
                       erlang:memory([total, processes, system, atom, binary, code, ets]),
                       erlang:statistics(scheduler_wall_time_all)}
              end,
G0 = MinorGcs(),
Gt0 = erlang:monotonic_time(microsecond),
R0 = NodeReading(),
Step = max(1, Window div max(1, Steps)),
Readings = [R0 | [begin timer:sleep(Step), NodeReading() end || _ <- lists:seq(1, Steps)]],
G1 = MinorGcs(),
Gt1 = erlang:monotonic_time(microsecond),
D = lists:zipwith(fun erlang:'-'/2, G1, G0),
K = lists:zipwith(fun erlang:'*'/2, D, Dup(-1000000000)),
Gc = lists:zipwith(fun erlang:max/2, D, lists:zipwith(fun erlang:min/2, G1, K)),
Mq = Get(message_queue_len),
Mem = Get(memory),
Top = fun(Scores) ->
              Distinct = lists:usort(Scores),
              Th = max(1, lists:nth(max(1, length(Distinct) - N + 1), Distinct)),
              Cands = proplists:get_all_values(
                        true, lists:zip(lists:zipwith(fun erlang:'>='/2, Scores, Dup(Th)),
                                        lists:zip(Scores, Pids))),
              lists:sublist(lists:reverse(lists:sort(Cands)), N)
      end,
MqTop = Top(Mq),
MemTop = Top(Mem),
GcTop = Top(Gc),
Items = [registered_name, initial_call, current_function, memory, message_queue_len,
         message_queue_data, total_heap_size],
Described = [{P, erlang:process_info(P, Items),
              case erlang:process_info(P, initial_call) of
                  {initial_call, {proc_lib, init_p, 5}} ->
                      catch proc_lib:translate_initial_call(P);
                  _ -> undefined
              end}
             || P <- lists:usort([P || {_, P} <- MqTop ++ MemTop ++ GcTop])],
{Len, erlang:monotonic_time(microsecond) - T0, Gt1 - Gt0,
 erlang:system_info(schedulers_online), Readings, MqTop, MemTop, GcTop,
 [X || {_, I, _} = X <- Described, I =/= undefined]}
