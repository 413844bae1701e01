%% SPDX-License-Identifier: Apache-2.0
%% load_caller: the process that runs a `load --call` on the node, one
%% call per event, for as long as the load lasts and no longer.
%%
%% beamprobe sends it batches: a list of argument lists, one per event, in
%% the order the events were generated; it applies Mod:Fun to each.  The
%% fast path applies a whole batch with compiled code (lists:zipwith over
%% erlang:apply/2 and an external fun), so the interpreted part of this
%% expression runs once per batch, not once per event.  When a call raises,
%% beamprobe is told at once ({beamprobe_load_error, ...}; the events of
%% that batch are counted as failed) and the rest of the run goes through
%% a per-event try/catch that counts every failure exactly.
%%
%% Flow control: every batch done is acknowledged with
%% {beamprobe_load_ack, Self, EventsDone}, and beamprobe never has more than
%% a window of events in flight (0.1 s of the rate, 1024 to 65536), so a
%% caller that cannot keep up slows the sender (which then reports that it
%% fell behind) instead of queueing on the node.
%%
%% Bounds: a batch arriving while more than MaxQueue batches wait is
%% dropped and counted (a safety net: the window keeps the queue shorter); the mailbox is off the heap; max_heap_size MaxHeap
%% words with kill; the process exits on {beamprobe_load_stop, From}
%% (answering {beamprobe_load_done, Self, Applied, Failed, Dropped}), when
%% beamprobe's connection closes (it is linked to beamprobe's pid: the
%% noconnection exit signal ends it at once), or after MaxMs.  It registers nothing and creates no
%% atoms beyond Mod and Fun, which the user wrote.
%%
%% Priority is high by default: on a saturated node the calls still go out
%% at the asked rate, as events from other nodes would arrive, instead of
%% the load itself being starved by the processes it floods.
%%
%% Inputs: Owner (beamprobe's pid), Mod, Fun, Arity, MaxMs, MaxQueue,
%% MaxHeap, Priority (high | normal).  Result: the caller's pid, or
%% {error, timeout}.
Parent = erlang:self(),
Caller = erlang:spawn(
  fun() ->
      erlang:process_flag(message_queue_data, off_heap),
      erlang:process_flag(priority, Priority),
      erlang:process_flag(max_heap_size,
                          #{size => MaxHeap, kill => true, error_logger => true}),
      %% Linked to beamprobe's pid: when the connection goes (closed,
      %% beamprobe killed), the noconnection exit signal ends the caller at
      %% once, ahead of the batches still in its mailbox.  The monitor is
      %% the same, for a caller between two batches.
      erlang:link(Owner),
      erlang:monitor(process, Owner),
      Until = erlang:monotonic_time(millisecond) + MaxMs,
      Parent ! {beamprobe_load_caller, erlang:self()},
      %% erl_eval merges the bindings in scope at every step, at a cost
      %% that grows with their square: the per-batch funs below see as few
      %% variables as possible, and the state is one tuple.
      Step = (fun(F, Max, Own) ->
                  Careful = fun(A, {Ok, Bad}) ->
                                try erlang:apply(F, A) of
                                    _ -> {Ok + 1, Bad}
                                catch
                                    _:_ -> {Ok, Bad + 1}
                                end
                            end,
                  fun(B, {Ap, Fa, Dr, Safe, Nb}) ->
                      N = erlang:length(B),
                      case erlang:process_info(erlang:self(), message_queue_len) of
                          {_, Q} when Q > Max ->
                              {Ap, Fa, Dr + N, Safe, Nb + 1};
                          _ when Safe ->
                              {Ok, Bad} = lists:foldl(Careful, {0, 0}, B),
                              {Ap + Ok, Fa + Bad, Dr, Safe, Nb + 1};
                          _ ->
                              %% No recursion inside try: erl_eval keeps
                              %% a frame for it.
                              case
                                  try lists:zipwith(fun erlang:apply/2,
                                                    lists:duplicate(N, F), B) of
                                      _ -> ok
                                  catch
                                      C:R:St -> {C, R, lists:sublist(St, 2)}
                                  end
                              of
                                  ok ->
                                      {Ap + N, Fa, Dr, Safe, Nb + 1};
                                  What ->
                                      Own ! {beamprobe_load_error, erlang:self(), Ap, What},
                                      {Ap, Fa + N, Dr, true, Nb + 1}
                              end
                      end
                  end
              end)(erlang:make_fun(Mod, Fun, Arity), MaxQueue, Owner),
      Done = fun(From, {Ap, Fa, Dr, _, _}) ->
                 From ! {beamprobe_load_done, erlang:self(), Ap, Fa, Dr}
             end,
      Loop = fun Loop(S) ->
                 receive
                     B when erlang:is_list(B) ->
                         S1 = Step(B, S),
                         %% Each batch done is acknowledged with the events
                         %% done so far: beamprobe keeps a bounded window of
                         %% events in flight.
                         Owner ! {beamprobe_load_ack, erlang:self(),
                                  erlang:element(1, S1) + erlang:element(2, S1) +
                                      erlang:element(3, S1)},
                         Loop(S1);
                     {beamprobe_load_stop, From} ->
                         Done(From, S);
                     {'DOWN', _, process, Owner, _} ->
                         ok
                 after erlang:max(0, Until - erlang:monotonic_time(millisecond)) ->
                         ok
                 end
             end,
      Loop({0, 0, 0, false, 0})
  end),
receive
    {beamprobe_load_caller, Caller} -> Caller
after 5000 ->
        erlang:exit(Caller, kill),
        {error, timeout}
end
