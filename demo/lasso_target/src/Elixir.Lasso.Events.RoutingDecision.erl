%% 'Elixir.Lasso.Events.RoutingDecision': the event struct of the real
%% system's request pipeline (lasso-target.md §1.1, §2.1, §5.3).
%%
%% An Elixir struct is a map with a '__struct__' key; this module builds the
%% same map from Erlang, with the 13 fields of lib/lasso/events/routing_decision.ex
%% and the same defaults, so the guide's `RoutingDecision.new(request_id: ...)'
%% and `RoutingDecision.topic(profile)' work verbatim, and Elixir shells print
%% the term as %Lasso.Events.RoutingDecision{}. One extension: new/1 also
%% accepts source_node and source_region, which the publishers use to stand in
%% for several nodes inside one VM. With the example values every string is a
%% heap binary and the map is 62 words, as the doc's arithmetic assumes (§2.3).
-module('Elixir.Lasso.Events.RoutingDecision').

-export([new/1, topic/1, '__struct__'/0, '__struct__'/1]).

-define(FIELDS, [ts, request_id, profile, source_node, source_region, chain,
                 method, strategy, provider_id, transport, duration_ms, result,
                 failover_count]).

%% Builds the event from a keyword list or a map. Missing or nil values get
%% the struct's defaults, as `attrs[:key] || default' does in the original.
new(Attrs) when is_list(Attrs) ->
    new(maps:from_list(Attrs));
new(Attrs) when is_map(Attrs) ->
    #{'__struct__' => ?MODULE,
      ts => attr(ts, Attrs, fun() -> erlang:system_time(millisecond) end),
      request_id => attr(request_id, Attrs, nil),
      profile => attr(profile, Attrs, <<"default">>),
      source_node => attr(source_node, Attrs, fun erlang:node/0),
      source_region => attr(source_region, Attrs, fun lasso_config:region/0),
      chain => attr(chain, Attrs, nil),
      method => attr(method, Attrs, nil),
      strategy => to_string(attr(strategy, Attrs, nil)),
      provider_id => attr(provider_id, Attrs, nil),
      transport => attr(transport, Attrs, nil),
      duration_ms => attr(duration_ms, Attrs, nil),
      result => attr(result, Attrs, nil),
      failover_count => attr(failover_count, Attrs, 0)}.

%% "routing:decisions:" <> profile
topic(Profile) ->
    <<"routing:decisions:", (to_string(Profile))/binary>>.

%% The struct's zero value, as defstruct generates it.
'__struct__'() ->
    (maps:from_list([{F, nil} || F <- ?FIELDS]))#{'__struct__' => ?MODULE,
                                                   failover_count => 0}.

'__struct__'(Kv) ->
    maps:merge('__struct__'(), maps:with(?FIELDS, maps:from_list(Kv))).

attr(Key, Attrs, Default) ->
    case maps:get(Key, Attrs, nil) of
        nil when is_function(Default, 0) -> Default();
        nil -> Default;
        Value -> Value
    end.

%% Elixir's to_string/1 for the values that occur here.
to_string(nil) -> <<>>;
to_string(V) -> lasso_config:to_binary(V).
