%% SPDX-License-Identifier: Apache-2.0
%% leak_sample: one reading for the leak detector - node memory by type and,
%% for each of Pids, its memory, the refc binaries it references, its queue
%% and heap - taken together so the series line up.
%%
%% Inputs: Pids (a short list: the targets, or the candidates of --all).
%% Cost: erlang:memory/0 (walks the allocators, ~50 us) and one
%% process_info/2 of 4 items per pid (garbage_collection_info is a short
%% proplist; no message or binary list is copied).  Result: {MonotonicUs,
%% Memory, [{Memory, BinWords, MessageQueueLen, TotalHeapSize, UsedWords} |
%% undefined]} where BinWords = bin_vheap_size + bin_old_vheap_size and
%% UsedWords = heap_size + old_heap_size + mbuf_size (words in use, which
%% grows smoothly while `memory` grows in heap-size steps).
{erlang:monotonic_time(microsecond),
 erlang:memory(),
 [case erlang:process_info(P, [memory, garbage_collection_info, message_queue_len,
                               total_heap_size]) of
      [{memory, M}, {garbage_collection_info, G}, {message_queue_len, Q},
       {total_heap_size, H}] ->
          {M, proplists:get_value(bin_vheap_size, G, 0) +
               proplists:get_value(bin_old_vheap_size, G, 0), Q, H,
           proplists:get_value(heap_size, G, 0) + proplists:get_value(old_heap_size, G, 0) +
               proplists:get_value(mbuf_size, G, 0)};
      _ ->
          undefined
  end || P <- Pids]}
