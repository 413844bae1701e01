%% SPDX-License-Identifier: Apache-2.0
%% ui_proc: one process as the dashboard's process view shows it, every
%% refresh: process_info items (never `messages`), with long lists cut on
%% the node so that only Max elements cross the wire, and the count and
%% total size of the refc binaries it references.
%%
%% Inputs: Pid, Items (process_info items), Max (elements kept of links,
%% monitors, monitored_by, dictionary keys and the stacktrace).
%%
%% How: one process_info/2 with the item list; lists are cut with
%% compiled lists:sublist/2 and length/1, the dictionary is reduced to its
%% size, its first Max keys and '$initial_call'; binary sizes are summed
%% with lists:zipwith(fun erlang:element/2, ...) and lists:sum/1.
%%
%% Cost on the node: process_info/2 copies the items (the dictionary and
%% the list of binaries included) into the evaluating process once.
%% Result: undefined | {[{Item, Value}], {BinCount, BinBytes} | undefined}.
case erlang:process_info(Pid, Items) of
    undefined ->
        undefined;
    Info ->
        Cut = fun(L) when is_list(L) -> {length(L), lists:sublist(L, Max)};
                 (X) -> X
              end,
        Info2 = [case K of
                     dictionary ->
                         {dictionary,
                          {length(V),
                           [Key || {Key, _} <- lists:sublist(V, Max)],
                           proplists:get_value('$initial_call', V)}};
                     links -> {K, Cut(V)};
                     monitors -> {K, Cut(V)};
                     monitored_by -> {K, Cut(V)};
                     current_stacktrace -> {K, lists:sublist(V, Max)};
                     _ -> {K, V}
                 end || {K, V} <- Info],
        Bin = case erlang:process_info(Pid, binary) of
                  {binary, Bs} ->
                      {length(Bs),
                       lists:sum(lists:zipwith(fun erlang:element/2,
                                               lists:duplicate(length(Bs), 2), Bs))};
                  _ ->
                      undefined
              end,
        {Info2, Bin}
end
