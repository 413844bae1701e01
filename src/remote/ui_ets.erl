%% SPDX-License-Identifier: Apache-2.0
%% ui_ets: the N largest ETS tables by memory or by size (objects), ranked
%% on the node, with their owner; optionally only tables whose name
%% contains one of the patterns.
%%
%% Inputs: Key (memory | size), N, Filter (none | [Pattern] of binaries).
%%
%% How: ets:all/0, then one compiled pass per item with
%% lists:zipwith(fun ets:info/2, ...) (tables deleted meanwhile give
%% undefined, which sorts above every number and is dropped); names are
%% matched with term_to_binary/1 and binary:match/2; only the top N get
%% their full description and the owner's registered name.
%%
%% Cost on the node: two or three ets:info/2 per table (a read of the
%% table's header, not of its objects) and a sort of the table count.
%% Result: {TableCount, TotalMemoryWords, Matching,
%% [{Id, Name, Type, Size, MemoryWords, Owner, OwnerName, Protection}]}.
Tabs = ets:all(),
Count = length(Tabs),
D0 = fun(X) -> lists:duplicate(Count, X) end,
Ints = fun(Vals) -> [V || V <- Vals, is_integer(V)] end,
TotalMem = lists:sum(Ints(lists:zipwith(fun ets:info/2, Tabs, D0(memory)))),
Sel = case Filter of
          none ->
              Tabs;
          Pats ->
              Names = lists:zipwith(fun ets:info/2, Tabs, D0(name)),
              Bins = lists:map(fun erlang:term_to_binary/1, Names),
              Hits = lists:zipwith(fun binary:match/2, Bins, D0(Pats)),
              Keep = lists:zipwith(fun erlang:'=/='/2, Hits, D0(nomatch)),
              proplists:get_all_values(true, lists:zip(Keep, Tabs))
      end,
Len = length(Sel),
Scores = lists:zipwith(fun ets:info/2, Sel, lists:duplicate(Len, Key)),
Sorted = lists:reverse(lists:sort(lists:zip(Scores, Sel))),
Top = lists:sublist(lists:dropwhile(fun({S, _}) -> not is_integer(S) end, Sorted), N),
Row = fun(T) ->
              case ets:info(T) of
                  undefined ->
                      undefined;
                  I ->
                      Owner = proplists:get_value(owner, I),
                      OwnerName = case erlang:process_info(Owner, registered_name) of
                                      {registered_name, RN} -> RN;
                                      _ -> []
                                  end,
                      {T, proplists:get_value(name, I), proplists:get_value(type, I),
                       proplists:get_value(size, I), proplists:get_value(memory, I),
                       Owner, OwnerName, proplists:get_value(protection, I)}
              end
      end,
{Count, TotalMem, Len, [R || R <- [Row(T) || {_, T} <- Top], R =/= undefined]}
