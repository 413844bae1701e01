%% SPDX-License-Identifier: Apache-2.0
%% ui_alloc: erlang:memory/0 and a summary of each alloc_util allocator
%% (recon_alloc's "what is allocated, and how well the carriers are used"),
%% summed over the allocator's instances on the node.
%%
%% Inputs: none.  How: erlang:system_info(alloc_util_allocators) names the
%% allocators; erlang:system_info({allocator_sizes, A}) gives, per instance
%% and per carrier kind (mbcs, mbcs_pool, sbcs), the size of the blocks in
%% use and of the carriers that hold them; a small interpreted fold sums
%% the current values (a few hundred numbers at most).
%%
%% Cost on the node: one system_info call per allocator (each reads the
%% counters of every scheduler's instance; no memory is walked).
%% Result: {Memory, [{Allocator, BlocksBytes, CarriersBytes, MbcsCarriers,
%% SbcsCarriers} | {Allocator, disabled}]}.
Sum = fun Sum([], Acc) -> Acc;
          Sum([{size, Cur, _, _} | T], Acc) -> Sum(T, Acc + Cur);
          Sum([{size, Cur} | T], Acc) -> Sum(T, Acc + Cur);
          Sum([{blocks_size, Cur, _, _} | T], Acc) -> Sum(T, Acc + Cur);
          Sum([{blocks_size, Cur} | T], Acc) -> Sum(T, Acc + Cur);
          Sum([{_, L} | T], Acc) when is_list(L) -> Sum(T, Sum(L, Acc));
          Sum([_ | T], Acc) -> Sum(T, Acc)
      end,
Carriers = fun(Section) ->
                   case lists:keyfind(carriers_size, 1, Section) of
                       false -> 0;
                       C -> element(2, C)
                   end
           end,
Kind = fun(Kinds, Insts) ->
               lists:sum([Carriers(S) || {instance, _, Secs} <- Insts,
                                         {K, S} <- Secs, lists:member(K, Kinds)])
       end,
Blocks = fun(Insts) ->
                 lists:sum([Sum(proplists:get_value(blocks, S, []) ++
                                    [T || {blocks_size, _, _, _} = T <- S], 0)
                            || {instance, _, Secs} <- Insts, {_, S} <- Secs, is_list(S)])
         end,
Allocs = erlang:system_info(alloc_util_allocators),
{erlang:memory(),
 [case erlang:system_info({allocator_sizes, A}) of
      Insts when is_list(Insts) ->
          {A, Blocks(Insts), Kind([mbcs, mbcs_pool, sbcs], Insts), Kind([mbcs, mbcs_pool], Insts),
           Kind([sbcs], Insts)};
      _ ->
          {A, disabled}
  end || A <- Allocs]}
