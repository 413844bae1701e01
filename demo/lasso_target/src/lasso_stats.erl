%% lasso_stats: ground truth for tests of a profiler (lasso-target.md §5.2,
%% §5.8).
%%
%% Counters are one OTP `counters' array whose reference sits in
%% persistent_term, so any process bumps them without a message. truth/0
%% reads the counters and takes process_info snapshots of the aggregator,
%% every LiveView, the pubsub dispatcher and the publishers, all at once (one
%% helper process per snapshot): one picture of the VM, to be compared with
%% what a profiler reports for the same instant. Of the target's processes it
%% only calls the supervisors (for their children), never a flooded one, so
%% it answers even when the target is overloaded. process_info of
%% a process that is in a long garbage collection waits for it; snapshot_us
%% says how far apart the snapshots were taken (microseconds on a healthy
%% node, up to a second or two on a collapsing one).
-module(lasso_stats).

-export([init/0, incr/1, add/2, all/0, reset/0, truth/0, snapshot/1]).

-define(KEY, ?MODULE).

%% published          RoutingDecisions broadcast by lasso_pub_* (dups included)
%% published_dups     of which re-publications of an earlier request_id
%% delivered_agg      RoutingDecisions the aggregator took from its mailbox
%% delivered_lv       RoutingDecisions the LiveViews took from their mailboxes
%% agg_batches        batches the aggregator processed
%% agg_batched_events events that went into windows through those batches
%% agg_deduped        duplicates the aggregator dropped (arrival, batch, window)
%% agg_dropped        events dropped by the pending cap or by load shedding
%% agg_broadcasts     messages the aggregator sent to subscribers
%% lv_events_handled  raw events a LiveView processed (after its dedup)
%% lv_deduped         raw events a LiveView dropped as duplicates
%% lv_metrics_handled metrics_update messages LiveViews handled
%% pubsub_forwarded   {forward_to_local, ...} messages lasso_pubsub fanned out
-define(NAMES, [published, published_dups, delivered_agg, delivered_lv,
                agg_batches, agg_batched_events, agg_deduped, agg_dropped,
                agg_broadcasts, lv_events_handled, lv_deduped,
                lv_metrics_handled, pubsub_forwarded]).

-define(PROC_ITEMS, [registered_name, message_queue_len, memory, heap_size,
                     total_heap_size, reductions, message_queue_data,
                     garbage_collection]).

%% Creates the counters once per VM; a restarted application keeps them.
init() ->
    case persistent_term:get(?KEY, undefined) of
        undefined ->
            Index = maps:from_list(lists:zip(?NAMES,
                                             lists:seq(1, length(?NAMES)))),
            Ref = counters:new(length(?NAMES), [write_concurrency]),
            persistent_term:put(?KEY, {Ref, Index});
        _ ->
            ok
    end.

incr(Name) ->
    add(Name, 1).

add(Name, N) ->
    {Ref, Index} = persistent_term:get(?KEY),
    counters:add(Ref, maps:get(Name, Index), N).

all() ->
    {Ref, Index} = persistent_term:get(?KEY),
    maps:map(fun(_Name, I) -> counters:get(Ref, I) end, Index).

reset() ->
    {Ref, Index} = persistent_term:get(?KEY),
    maps:foreach(fun(_Name, I) -> counters:put(Ref, I, 0) end, Index).

%% The ground truth of this instant. Process snapshots come first, right
%% after one another, then the counters and VM-wide figures.
truth() ->
    Agg = case 'Elixir.LassoWeb.Dashboard.ClusterEventAggregator':lookup(
                 lasso_config:profile()) of
              {ok, Pid} -> [Pid];
              error -> []
          end,
    LiveViews = lasso_simple_sup:children(lasso_lv_sup),
    PubSub = [P || P <- [whereis(lasso_pubsub)], is_pid(P)],
    Publishers = lasso_simple_sup:children(lasso_pub_sup),
    T0 = erlang:monotonic_time(microsecond),
    Snaps = parallel_snapshots(Agg ++ LiveViews ++ PubSub ++ Publishers),
    T1 = erlang:monotonic_time(microsecond),
    Pick = fun(Pids) -> [S || P <- Pids, #{} = S <- [maps:get(P, Snaps)]] end,
    One = fun(Pids) -> case Pick(Pids) of [S] -> S; [] -> undefined end end,
    #{node => node(),
      os_pid => list_to_integer(os:getpid()),
      time_ms => erlang:system_time(millisecond),
      snapshot_us => T1 - T0,
      aggregator => One(Agg),
      liveviews => lists:sort(fun by_name/2, Pick(LiveViews)),
      pubsub => One(PubSub),
      publishers => lists:sort(fun by_name/2, Pick(Publishers)),
      counters => all(),
      memory_total => erlang:memory(total),
      run_queue => erlang:statistics(total_run_queue_lengths_all),
      run_queue_lengths => erlang:statistics(run_queue_lengths_all),
      schedulers_online => erlang:system_info(schedulers_online),
      process_count => erlang:system_info(process_count)}.

%% Pid => snapshot (or undefined), each taken by its own process so that one
%% slow target does not delay the others.
parallel_snapshots(Pids) ->
    Workers = maps:from_list(
                [{element(2, spawn_monitor(fun() -> exit({snapshot, snapshot(P)}) end)), P}
                 || P <- Pids]),
    collect(Workers, #{}).

collect(Workers, Acc) when map_size(Workers) =:= 0 ->
    Acc;
collect(Workers, Acc) ->
    receive
        {'DOWN', Ref, process, _, Reason} when is_map_key(Ref, Workers) ->
            {Pid, Rest} = maps:take(Ref, Workers),
            Snap = case Reason of
                       {snapshot, S} -> S;
                       _ -> undefined
                   end,
            collect(Rest, Acc#{Pid => Snap})
    end.

%% process_info of one process as a map (minor_gcs lifted out of
%% garbage_collection), or undefined if it is gone.
snapshot(undefined) ->
    undefined;
snapshot(Pid) ->
    case erlang:process_info(Pid, ?PROC_ITEMS) of
        undefined ->
            undefined;
        Items ->
            Info = maps:from_list(Items),
            GC = maps:get(garbage_collection, Info),
            Name = case maps:get(registered_name, Info) of
                       [] -> undefined;
                       N -> N
                   end,
            (maps:without([garbage_collection], Info))#{
                pid => Pid,
                registered_name => Name,
                minor_gcs => proplists:get_value(minor_gcs, GC)}
    end.

%% lasso_lv_2 before lasso_lv_10.
by_name(#{registered_name := A, pid := PA}, #{registered_name := B, pid := PB}) ->
    {name_key(A), PA} =< {name_key(B), PB}.

name_key(undefined) ->
    {<<>>, 0};
name_key(Name) ->
    Bin = atom_to_binary(Name),
    case string:split(Bin, <<"_">>, trailing) of
        [Prefix, Num] ->
            try {Prefix, binary_to_integer(Num)}
            catch error:badarg -> {Bin, 0}
            end;
        _ ->
            {Bin, 0}
    end.
