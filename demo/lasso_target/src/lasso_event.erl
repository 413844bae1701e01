%% lasso_event: the topics and companion events around RoutingDecision
%% (lasso-target.md §1.2, §5.3), shared by publishers, aggregator and
%% LiveViews so that each topic string is spelled in one place.
%%
%% Block-sync and circuit-breaker events are the aggregator's other inputs; the
%% LiveViews of the flawed design also subscribe to them and to a handful of
%% health topics nobody publishes on here. burn_us/1 is the simulated CPU cost
%% of handling an event (knobs lv_work_us and agg_batch_work_us, §3.1).
-module(lasso_event).

-export([routing_topic/1, circuit_topic/2, block_topic/2, aggregator_topics/2,
         liveview_topics/2, block_height_update/5, circuit_breaker_event/5,
         burn_us/1]).

routing_topic(Profile) ->
    'Elixir.Lasso.Events.RoutingDecision':topic(Profile).

circuit_topic(Profile, Chain) ->
    <<"circuit:events:", Profile/binary, ":", Chain/binary>>.

block_topic(Profile, Chain) ->
    <<"block_sync:", Profile/binary, ":", Chain/binary>>.

%% What the aggregator subscribes to in init (§1.3).
aggregator_topics(Profile, Chains) ->
    [routing_topic(Profile)
     | lists:append([[circuit_topic(Profile, C), block_topic(Profile, C)]
                     || C <- Chains])].

%% What a dashboard LiveView of the flawed design subscribes to on mount
%% (§1.4): the routing decisions directly, five per-chain topics per chain and
%% six global ones. F1 removes all of them; the LiveView then hears only
%% from the aggregator.
liveview_topics(Profile, Chains) ->
    PerChain = [[circuit_topic(Profile, C), block_topic(Profile, C),
                 <<"provider_pool:events:", Profile/binary, ":", C/binary>>,
                 <<"ws:conn:", Profile/binary, ":", C/binary>>,
                 <<"health_probe:", Profile/binary, ":", C/binary>>]
                || C <- Chains],
    Global = [<<"dashboard:event_buffer">>, <<"cluster:topology">>,
              <<"sync:updates:", Profile/binary>>,
              <<"block_cache:updates:", Profile/binary>>,
              <<"provider_health:", Profile/binary>>,
              <<"vm_metrics">>],
    [routing_topic(Profile) | lists:append(PerChain) ++ Global].

%% {block_height_update, {Profile, ProviderId}, Height, ws | http, TsMs}
block_height_update(Profile, ProviderId, Height, Source, TsMs) ->
    {block_height_update, {Profile, ProviderId}, Height, Source, TsMs}.

%% {circuit_breaker_event, #{provider_id, transport, from, to, source_region}}
circuit_breaker_event(ProviderId, Transport, From, To, Region) ->
    {circuit_breaker_event, #{provider_id => ProviderId, transport => Transport,
                              from => From, to => To, source_region => Region}}.

%% Keeps the scheduler busy for Us microseconds (no yielding, like real work).
burn_us(Us) when Us =< 0 ->
    ok;
burn_us(Us) ->
    spin(erlang:monotonic_time(microsecond) + Us).

spin(Until) ->
    case erlang:monotonic_time(microsecond) >= Until of
        true -> ok;
        false -> spin(Until)
    end.
