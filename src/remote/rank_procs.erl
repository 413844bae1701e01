%% SPDX-License-Identifier: Apache-2.0
%% rank_procs: the N processes ranking highest by one process_info item, in
%% absolute value (Window = 0, recon's proc_count) or by growth over Window
%% milliseconds (recon's proc_window), ranked on the node so that only N rows
%% cross the wire; among all processes or those matching a filter.  Used by
%% `top`, the dashboard's process table, and every command that needs a
%% ranking.
%%
%% Inputs: Item (memory | message_queue_len | reductions | total_heap_size |
%% garbage_collection | binary), N, Window (ms), Filter (none | {pid, Pid} |
%% [Pattern] of binaries), FilterItems (the process_info items the patterns
%% are searched in: registered_name, initial_call, current_function, and
%% {dictionary, '$initial_call'} where the node supports it).
%%
%% How: every per-process pass is a compiled library function applied with
%% lists:zipwith/3 (process_info/2, max/2, element/2, >=/2 ...), never an
%% interpreted fun, so the scan runs at the speed of compiled code.  Dead
%% processes give undefined and are mapped to -1 by max/2 against {Item, -1}
%% (any tuple is larger than an atom).  Instead of sorting a million pairs,
%% the N-th largest distinct score is found with lists:usort/1 (fast: most
%% processes share a few values) and only the scores at or above it are
%% sorted.  The filter turns each process's items into their external
%% format with term_to_binary/1 and searches it with binary:match/2, where
%% an atom's name appears as its text.  `binary` sums the sizes of the
%% referenced binaries, which takes an interpreted fold per process: slower,
%% documented in the man page.
%%
%% Cost on the node: one process_info/2 per process per snapshot (two in a
%% window), a few list passes of the process count, plus one process_info/2,
%% term_to_binary/1 and binary:match/2 per process while a filter is set.
%% Result: {ProcessCount, Matching, ElapsedUs,
%% [{Pid, Score, Info, ProcLibInitialCall, Label}]}.
T0 = erlang:monotonic_time(microsecond),
%% Not this evaluation itself (rex's worker, busy ranking).
All = lists:delete(self(), erlang:processes()),
Total = length(All),
Pids = case Filter of
           none ->
               All;
           {pid, FP} ->
               case erlang:is_process_alive(FP) of
                   true -> [FP];
                   false -> []
               end;
           Pats ->
               D0 = fun(X) -> lists:duplicate(Total, X) end,
               FInfo = lists:zipwith(fun erlang:process_info/2, All, D0(FilterItems)),
               FBins = lists:map(fun erlang:term_to_binary/1, FInfo),
               Hits = lists:zipwith(fun binary:match/2, FBins, D0(Pats)),
               Keep = lists:zipwith(fun erlang:'=/='/2, Hits, D0(nomatch)),
               proplists:get_all_values(true, lists:zip(Keep, All))
       end,
Len = length(Pids),
Dup = fun(X) -> lists:duplicate(Len, X) end,
Ints = fun(Vals, Default) ->
               lists:zipwith(fun erlang:element/2, Dup(2),
                             lists:zipwith(fun erlang:max/2, Vals, Dup(Default)))
       end,
Snap = fun() ->
               Vals = lists:zipwith(fun erlang:process_info/2, Pids, Dup(Item)),
               case Item of
                   garbage_collection ->
                       Ls = Ints(Vals, {garbage_collection, []}),
                       Ints(lists:zipwith3(fun lists:keyfind/3, Dup(minor_gcs), Dup(1), Ls),
                            {minor_gcs, -1});
                   binary ->
                       [lists:foldl(fun({_, Sz, _}, A) -> A + Sz end, 0, L)
                        || L <- Ints(Vals, {binary, []})];
                   _ ->
                       Ints(Vals, {Item, -1})
               end
       end,
Score = case Window of
            0 ->
                Snap();
            _ ->
                S0 = Snap(),
                timer:sleep(Window),
                S1 = Snap(),
                D = lists:zipwith(fun erlang:'-'/2, S1, S0),
                case Item of
                    garbage_collection ->
                        %% minor_gcs restarts at a fullsweep: where the delta
                        %% is negative take the new count.
                        K = lists:zipwith(fun erlang:'*'/2, D, Dup(-1000000000)),
                        lists:zipwith(fun erlang:max/2, D,
                                      lists:zipwith(fun erlang:min/2, S1, K));
                    _ ->
                        %% A process that died in the window has S1 = -1.
                        lists:zipwith(fun erlang:max/2, D,
                                      lists:zipwith(fun erlang:min/2, S1, Dup(0)))
                end
        end,
Top = case Len of
          0 ->
              [];
          _ ->
              Distinct = lists:usort(Score),
              Th = lists:nth(max(1, length(Distinct) - N + 1), Distinct),
              Cands = proplists:get_all_values(
                        true, lists:zip(lists:zipwith(fun erlang:'>='/2, Score, Dup(Th)),
                                        lists:zip(Score, Pids))),
              lists:sublist(lists:reverse(lists:sort(Cands)), N)
      end,
Items = [registered_name, initial_call, current_function, memory, message_queue_len,
         reductions, total_heap_size, garbage_collection, status],
HasLabel = erlang:function_exported(proc_lib, get_label, 1),
Rows = [{P, S, erlang:process_info(P, Items),
         try proc_lib:translate_initial_call(P) catch _:_ -> undefined end,
         case HasLabel of
             true -> try proc_lib:get_label(P) catch _:_ -> undefined end;
             false -> undefined
         end} || {S, P} <- Top],
{Total, Len, erlang:monotonic_time(microsecond) - T0,
 [R || {_, _, I, _, _} = R <- Rows, I =/= undefined]}
