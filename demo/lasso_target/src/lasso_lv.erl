%% lasso_lv: a simulated dashboard LiveView (lasso-target.md §1.4, F1 of §4).
%%
%% On mount it finds the aggregator with ensure_started/1 and subscribes to
%% it. In the flawed design it also subscribes directly to
%% routing:decisions:<profile> and the per-chain and global topics, so every
%% RoutingDecision reaches it twice: raw, and folded into the aggregator's
%% metrics. The raw-event handler does what dashboard.ex did: EventDedup (a
%% set of request ids, thrown away every lv_dedup_ms: 60 s in Lasso, 5 s by
%% default here, see README), struct to map, a feed entry with a formatted
%% time, the routing_events list capped at 200 and a push_event payload, plus
%% lv_work_us of simulated work. With fix_lv_direct the LiveView only hears
%% from the aggregator (about 2 messages/s). Registered as lasso_lv_<N>
%% (knob register_lvs).
-module(lasso_lv).
-behaviour(gen_server).

-export([start_link/1, name/1]).
-export([init/1, handle_continue/2, handle_call/3, handle_cast/2, handle_info/2]).

-define(RD, 'Elixir.Lasso.Events.RoutingDecision').
-define(AGG, 'Elixir.LassoWeb.Dashboard.ClusterEventAggregator').

-record(lv, {
    n :: pos_integer(),
    profile :: binary(),
    agg :: pid() | undefined,
    direct :: boolean(),            % flawed: subscribed to routing decisions
    chains :: [binary()],
    selected_chain :: binary(),
    work_us = 0 :: non_neg_integer(),
    dedup = sets:new([{version, 2}]),
    dedup_ms :: pos_integer(),
    routing_events = [] :: list(),
    events_limit :: pos_integer(),
    last_push,                      % the latest push_event("provider_request", ...)
    live_provider_metrics = #{},
    circuits = #{},
    regions = [] :: [binary()],
    blocks = #{},
    vm = #{}}).

start_link(N) ->
    case lasso_config:get(register_lvs) of
        true -> gen_server:start_link({local, name(N)}, ?MODULE, N, []);
        false -> gen_server:start_link(?MODULE, N, [])
    end.

name(N) ->
    list_to_atom("lasso_lv_" ++ integer_to_list(N)).

init(N) ->
    case lasso_config:get(lv_off_heap) of
        true -> process_flag(message_queue_data, off_heap);
        false -> ok
    end,
    Chains = lasso_config:chains(),
    {ok, #lv{n = N,
             profile = lasso_config:profile(),
             direct = not lasso_config:get(fix_lv_direct),
             chains = Chains,
             selected_chain = hd(Chains),
             work_us = lasso_config:get(lv_work_us),
             dedup_ms = lasso_config:get(lv_dedup_ms),
             events_limit = lasso_config:get(routing_events_limit)},
     {continue, mount}}.

%% Mounting outside init keeps lasso_lv_sup responsive while the aggregator
%% is busy; the subscribe call waits as long as the aggregator needs.
handle_continue(mount, #lv{profile = Profile} = S) ->
    {ok, Agg} = ?AGG:ensure_started(Profile),
    erlang:monitor(process, Agg),
    ok = gen_server:call(Agg, {subscribe, self()}, infinity),
    Topics = case S#lv.direct of
                 true -> lasso_event:liveview_topics(Profile, S#lv.chains);
                 false -> []                                     % F1
             end,
    lists:foreach(fun(T) -> ok = 'Elixir.Phoenix.PubSub':subscribe('Elixir.Lasso.PubSub', T) end,
                  Topics),
    erlang:send_after(S#lv.dedup_ms, self(), expire_dedup),
    erlang:send_after(1000, self(), vm_metrics),
    {noreply, S#lv{agg = Agg}}.

handle_call(_Request, _From, S) ->
    {reply, {error, unknown_call}, S}.

handle_cast(_Msg, S) ->
    {noreply, S}.

%% The raw RoutingDecision (flawed design only).
handle_info(#{'__struct__' := ?RD, request_id := Id} = Event, S) ->
    lasso_stats:incr(delivered_lv),
    case sets:is_element(Id, S#lv.dedup) of
        true ->
            lasso_stats:incr(lv_deduped),
            {noreply, S};
        false ->
            lasso_stats:incr(lv_events_handled),
            S1 = handle_routing_event(maps:remove('__struct__', Event),
                                      S#lv{dedup = sets:add_element(Id, S#lv.dedup)}),
            lasso_event:burn_us(S#lv.work_us),
            {noreply, S1}
    end;
handle_info({metrics_update, Changed}, S) ->
    lasso_stats:incr(lv_metrics_handled),
    {noreply, S#lv{live_provider_metrics = maps:merge(S#lv.live_provider_metrics, Changed)}};
handle_info({metrics_snapshot, Metrics}, S) ->
    {noreply, S#lv{live_provider_metrics = Metrics}};
handle_info({circuits_snapshot, Circuits}, S) ->
    {noreply, S#lv{circuits = Circuits}};
handle_info({regions_snapshot, Regions}, S) ->
    {noreply, S#lv{regions = Regions}};
handle_info({region_added, R}, S) ->
    {noreply, S#lv{regions = lists:usort([R | S#lv.regions])}};
handle_info({region_removed, R}, S) ->
    {noreply, S#lv{regions = lists:delete(R, S#lv.regions)}};
handle_info({circuit_update, P, Region, Circuit}, S) ->
    {noreply, S#lv{circuits = (S#lv.circuits)#{{P, Region} => Circuit}}};
handle_info({block_update, P, Region, Height, Lag}, S) ->
    {noreply, S#lv{blocks = (S#lv.blocks)#{{P, Region} => {Height, Lag}}}};
handle_info({heartbeat, _Ts}, S) ->
    {noreply, S};
handle_info({circuit_breaker_event, _Data}, S) ->          % direct topics
    {noreply, S};
handle_info({block_height_update, _Key, _Height, _Source, _Ts}, S) ->
    {noreply, S};
handle_info(expire_dedup, S) ->
    erlang:send_after(S#lv.dedup_ms, self(), expire_dedup),
    {noreply, S#lv{dedup = sets:new([{version, 2}])}};
handle_info(vm_metrics, S) ->
    erlang:send_after(1000, self(), vm_metrics),
    {noreply, S#lv{vm = #{memory => erlang:memory(total),
                          run_queue => erlang:statistics(total_run_queue_lengths_all),
                          process_count => erlang:system_info(process_count)}}};
handle_info({'DOWN', _Ref, process, Agg, Reason}, #lv{agg = Agg} = S) ->
    %% A real LiveView crashes and the browser remounts; the supervisor
    %% restarts this one, which then subscribes to the new aggregator.
    {stop, {aggregator_down, Reason}, S};
handle_info(_Msg, S) ->
    {noreply, S}.

%% dashboard.ex's handle_info(%RoutingDecision{}): feed entry, capped event
%% list, push_event to the browser.
handle_routing_event(#{chain := Chain} = Event, #lv{selected_chain = Chain} = S) ->
    #{ts := Ts, provider_id := P, method := M, duration_ms := D, result := R,
      source_region := Region, request_id := Id} = Event,
    Entry = #{id => Id, ts => Ts,
              time => time_of_day(Ts),
              text => iolist_to_binary([M, " via ", P, " (", Region, ") ",
                                        integer_to_binary(D), "ms"]),
              result => R, event => Event},
    Push = {<<"provider_request">>, #{provider_id => P, duration_ms => D,
                                      result => R, region => Region}},
    S#lv{routing_events = lists:sublist([Entry | S#lv.routing_events],
                                        S#lv.events_limit),
         last_push = Push};
handle_routing_event(_OtherChain, S) ->
    S.

%% <<"HH:MM:SS.mmm">> (UTC) for the feed.
time_of_day(TsMs) ->
    Secs = TsMs div 1000,
    <<(pad(Secs div 3600 rem 24, 2))/binary, $:, (pad(Secs div 60 rem 60, 2))/binary, $:,
      (pad(Secs rem 60, 2))/binary, $., (pad(TsMs rem 1000, 3))/binary>>.

pad(N, Width) ->
    B = integer_to_binary(N),
    <<(binary:copy(<<$0>>, Width - byte_size(B)))/binary, B/binary>>.
