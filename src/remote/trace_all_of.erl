%% SPDX-License-Identifier: Apache-2.0
%% trace_all_of: the processes running a module, for `trace --all-of MODULE`:
%% those whose initial call, current function or proc_lib initial call
%% ($initial_call, what a gen_server or a GenServer was started with) is in
%% the module.
%%
%% Inputs: Module (the module name as a binary: an atom that does not exist
%% names no process, and none is created), Limit (at most this many pids
%% are returned).
%%
%% How: as rank_procs, every per-process pass is a compiled function applied
%% with lists:zipwith/3; missing items (dead processes) are mapped to a
%% default with max/2 (a tuple is larger than any atom or number).  The
%% proc_lib initial call is read with process_info(P, {dictionary, Key})
%% where the release has it (OTP 26), otherwise from the dictionary of the
%% proc_lib processes only.
%%
%% Cost on the node: two or three process_info/2 calls per process and a
%% few list passes of the process count.  Result: {Matching, [Pid]} with
%% Matching the number of processes that matched (the list is cut to Limit),
%% or {0, []} when the module name is not an existing atom.
case (try {ok, erlang:binary_to_existing_atom(Module, utf8)} catch error:badarg -> none end) of
    none ->
        {0, []};
    {ok, Mod} ->
        Pids = erlang:processes(),
        Len = length(Pids),
        Dup = fun(X) -> lists:duplicate(Len, X) end,
        ModOf = fun(Item) ->
                        Vals = lists:zipwith(fun erlang:process_info/2, Pids, Dup(Item)),
                        MFAs = lists:zipwith(fun erlang:element/2, Dup(2),
                                             lists:zipwith(fun erlang:max/2, Vals, Dup({Item, 0}))),
                        lists:zipwith(fun erlang:element/2, Dup(1),
                                      lists:zipwith(fun erlang:max/2, MFAs, Dup({false})))
                end,
        Hit = fun(Mods) -> lists:zipwith(fun erlang:'=:='/2, Mods, Dup(Mod)) end,
        Init = ModOf(initial_call),
        Cur = ModOf(current_function),
        ByItem = lists:zipwith(fun erlang:'or'/2, Hit(Init), Hit(Cur)),
        %% proc_lib processes: the initial call they recorded.
        PL = proplists:get_all_values(true, lists:zip(lists:zipwith(fun erlang:'=:='/2, Init,
                                                                    Dup(proc_lib)), Pids)),
        DictKey = try erlang:process_info(self(), {dictionary, '$initial_call'}) of
                      _ -> true
                  catch error:badarg -> false
                  end,
        PLMod = fun(P) when DictKey ->
                        case erlang:process_info(P, {dictionary, '$initial_call'}) of
                            {_, {M, _, _}} -> M;
                            _ -> false
                        end;
                   (P) ->
                        case erlang:process_info(P, dictionary) of
                            {dictionary, D} ->
                                case lists:keyfind('$initial_call', 1, D) of
                                    {_, {M, _, _}} -> M;
                                    _ -> false
                                end;
                            _ -> false
                        end
                end,
        Matched = lists:usort(proplists:get_all_values(true, lists:zip(ByItem, Pids)) ++
                                  [P || P <- PL, PLMod(P) =:= Mod]) -- [self()],
        {length(Matched), lists:sublist(Matched, Limit)}
end
