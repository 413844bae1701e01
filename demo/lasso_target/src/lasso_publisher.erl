%% lasso_publisher: the load generator standing in for one node's request
%% pipeline (lasso-target.md §1.1, §5.4). Registered as lasso_pub_<I>.
%%
%% Publisher 1 is this node; publishers 2..sim_nodes stand for other nodes in
%% the same VM and stamp their own source_node and source_region. Each emits
%% `rate' RoutingDecisions per second with time-based catch-up: every tick_ms
%% it publishes floor(rate x elapsed) - sent events, so the rate holds even
%% when ticks are late (the guide's sleep-per-event loop cannot, §0 item 10).
%% It also publishes a block height per provider every block_time_ms and a
%% circuit-breaker flap circuit_flap_per_min times a minute, re-publishes
%% dup_ratio of the events with the same request_id, and samples successes
%% at success_sample_rate. Before each event it reads the load gate, an
%% atomics flag that lasso_ctl opens and that lasso_guard closes at a safety
%% limit; a publisher that finds the gate closed stops.
-module(lasso_publisher).
-behaviour(gen_server).

-export([start_link/1, name/1, set_rate/2,
         init_gate/0, open_gate/0, close_gate/0]).
-export([init/1, handle_call/3, handle_cast/2, handle_info/2]).

-define(RD, 'Elixir.Lasso.Events.RoutingDecision').
-define(METHODS, {<<"eth_getBlockByNumber">>, <<"eth_call">>, <<"eth_getBalance">>,
                  <<"eth_blockNumber">>, <<"eth_getLogs">>}).
-define(FIRST_BLOCK, 19000000).
-define(GATE, {?MODULE, gate}).

-record(pub, {
    i :: pos_integer(),
    source_node :: node(),
    region :: binary(),
    id_prefix :: binary(),          % <<"req_", I, NodeHash, "_">>
    profile :: binary(),
    topic :: binary(),
    providers :: tuple(),
    chains :: tuple(),
    rate :: non_neg_integer(),
    tick_ms :: pos_integer(),
    t0 :: integer(),                % microseconds, start of the current rate
    sent = 0 :: non_neg_integer(),  % events due since t0 that were emitted
    seq :: non_neg_integer(),       % request-id sequence, unique across restarts
    sample :: float(),
    dup_ratio :: float(),
    gate :: atomics:atomics_ref(),
    block_ms :: pos_integer(),
    next_block :: integer(),
    flap_ms :: pos_integer() | infinity,
    next_flap :: integer() | infinity,
    open = #{} :: map()}).           % Provider => true while its circuit is open

start_link(I) ->
    gen_server:start_link({local, name(I)}, ?MODULE, I, []).

name(I) ->
    list_to_atom("lasso_pub_" ++ integer_to_list(I)).

set_rate(Pid, Rate) ->
    gen_server:cast(Pid, {set_rate, Rate}).

%% The load gate: one atomic, 1 while publishers may publish. Created once
%% per VM at application start.
init_gate() ->
    case persistent_term:get(?GATE, undefined) of
        undefined -> persistent_term:put(?GATE, atomics:new(1, []));
        _ -> ok
    end.

open_gate() -> atomics:put(persistent_term:get(?GATE), 1, 1).

close_gate() -> atomics:put(persistent_term:get(?GATE), 1, 0).

gate_open(Gate) -> atomics:get(Gate, 1) =:= 1.

init(I) ->
    {SourceNode, Region} = identity(I),
    Profile = lasso_config:profile(),
    Now = now_us(),
    NowMs = Now div 1000,
    FlapMs = case lasso_config:get(circuit_flap_per_min) of
                 0 -> infinity;
                 PerMin -> 60000 div PerMin
             end,
    BlockMs = lasso_config:get(block_time_ms),
    self() ! tick,
    {ok, #pub{i = I,
              source_node = SourceNode,
              region = Region,
              id_prefix = iolist_to_binary(["req_", integer_to_binary(I),
                                            integer_to_binary(erlang:phash2(node()), 36),
                                            "_"]),
              profile = Profile,
              topic = ?RD:topic(Profile),
              providers = list_to_tuple(lasso_config:providers()),
              chains = list_to_tuple(lasso_config:chains()),
              rate = lasso_config:get(rate),
              tick_ms = lasso_config:get(tick_ms),
              t0 = Now,
              seq = erlang:system_time(millisecond) * 1000,
              sample = lasso_config:get(success_sample_rate),
              dup_ratio = lasso_config:get(dup_ratio),
              gate = persistent_term:get(?GATE),
              block_ms = BlockMs,
              next_block = NowMs + rand:uniform(BlockMs),
              flap_ms = FlapMs,
              next_flap = case FlapMs of
                              infinity -> infinity;
                              _ -> NowMs + rand:uniform(FlapMs)
                          end}}.

%% Publisher 1 is this node; the others are simulated nodes of the cluster.
identity(1) ->
    {node(), lasso_config:region()};
identity(I) ->
    [Name, Host] = string:split(atom_to_list(node()), "@"),
    Regions = lasso_config:regions(),
    {list_to_atom(Name ++ "_sim" ++ integer_to_list(I) ++ "@" ++ Host),
     lists:nth((I - 1) rem length(Regions) + 1, Regions)}.

handle_call(_Request, _From, S) ->
    {reply, {error, unknown_call}, S}.

handle_cast({set_rate, Rate}, S) ->
    {noreply, S#pub{rate = Rate, t0 = now_us(), sent = 0}}.

handle_info(tick, #pub{gate = Gate} = S) ->
    case gate_open(Gate) of
        false ->
            {stop, normal, S};
        true ->
            Now = now_us(),
            Due = S#pub.rate * (Now - S#pub.t0) div 1000000,
            S1 = publish_events(Due - S#pub.sent, S#pub{sent = Due}),
            S2 = maybe_flap(Now div 1000, maybe_block_heights(Now div 1000, S1)),
            erlang:send_after(S#pub.tick_ms, self(), tick),
            {noreply, S2}
    end;
handle_info(_Msg, S) ->
    {noreply, S}.

%% ---------------------------------------------------------------- events

publish_events(N, #pub{gate = Gate} = S) ->
    case N > 0 andalso gate_open(Gate) of
        true -> publish_events(N - 1, publish_one(S));
        false -> S
    end.

publish_one(#pub{seq = Seq, providers = Ps, chains = Cs} = S) ->
    NP = tuple_size(Ps),
    Result = case rand:uniform(100) of
                 R when R =< 5 -> error;
                 _ -> success
             end,
    Event = ?RD:new([{request_id, <<(S#pub.id_prefix)/binary,
                                    (integer_to_binary(Seq, 36))/binary>>},
                     {profile, S#pub.profile},
                     {source_node, S#pub.source_node},
                     {source_region, S#pub.region},
                     {chain, element((Seq div NP) rem tuple_size(Cs) + 1, Cs)},
                     {method, element(rand:uniform(tuple_size(?METHODS)), ?METHODS)},
                     {strategy, <<"fastest_responder">>},
                     {provider_id, element(Seq rem NP + 1, Ps)},
                     {transport, case rand:uniform(10) of 1 -> ws; _ -> http end},
                     {duration_ms, rand:uniform(100)},
                     {result, Result},
                     {failover_count, case Result of error -> 1; success -> 0 end}]),
    case Result =:= error orelse S#pub.sample >= 1.0 orelse rand:uniform() < S#pub.sample of
        true -> publish(Event, S);
        false -> ok
    end,
    S#pub{seq = Seq + 1}.

publish(Event, #pub{topic = Topic, dup_ratio = Dup}) ->
    ok = 'Elixir.Phoenix.PubSub':broadcast('Elixir.Lasso.PubSub', Topic, Event),
    lasso_stats:incr(published),
    case Dup > 0.0 andalso rand:uniform() < Dup of
        true ->
            ok = 'Elixir.Phoenix.PubSub':broadcast('Elixir.Lasso.PubSub', Topic, Event),
            lasso_stats:incr(published),
            lasso_stats:incr(published_dups);
        false ->
            ok
    end.

%% One block height per provider (of the first chain) every block_time_ms;
%% now and then a provider lags a block behind.
maybe_block_heights(NowMs, #pub{next_block = Next} = S) when NowMs < Next ->
    S;
maybe_block_heights(NowMs, #pub{providers = Ps, chains = Cs, profile = Profile,
                                block_ms = BlockMs} = S) ->
    Head = ?FIRST_BLOCK + erlang:system_time(millisecond) div BlockMs,
    Topic = lasso_event:block_topic(Profile, element(1, Cs)),
    lists:foreach(
      fun(P) ->
              Height = Head - rand:uniform(4) div 4,
              Msg = lasso_event:block_height_update(Profile, P, Height, http,
                                                    erlang:system_time(millisecond)),
              ok = 'Elixir.Phoenix.PubSub':broadcast('Elixir.Lasso.PubSub', Topic, Msg)
      end, tuple_to_list(Ps)),
    S#pub{next_block = NowMs + BlockMs}.

%% Open a random provider's HTTP circuit, or close it again.
maybe_flap(NowMs, #pub{next_flap = Next} = S) when NowMs < Next ->
    S;
maybe_flap(NowMs, #pub{providers = Ps, chains = Cs, profile = Profile, open = Open} = S) ->
    P = element(rand:uniform(tuple_size(Ps)), Ps),
    {From, To, Open1} = case maps:is_key(P, Open) of
                            true -> {open, closed, maps:remove(P, Open)};
                            false -> {closed, open, Open#{P => true}}
                        end,
    Msg = lasso_event:circuit_breaker_event(P, http, From, To, S#pub.region),
    ok = 'Elixir.Phoenix.PubSub':broadcast('Elixir.Lasso.PubSub',
                                           lasso_event:circuit_topic(Profile, element(1, Cs)),
                                           Msg),
    S#pub{open = Open1, next_flap = NowMs + S#pub.flap_ms}.

now_us() ->
    erlang:monotonic_time(microsecond).
