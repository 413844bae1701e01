%% telemetry: a STAND-IN for the `telemetry' library (beam-telemetry/telemetry
%% 1.x), used by the aggregator as in the guide's "Telemetry Integration"
%% section (lasso-target.md §5.2).
%%
%% The real library is a hex package and is not packaged in Debian, so the
%% demo target carries this small reimplementation of its public API with the
%% same semantics and return values: attach/4 and attach_many/4 return ok or
%% {error, already_exists}; detach/1 returns ok or {error, not_found};
%% execute/2,3 call the handlers in the emitting process; a handler that
%% raises, exits or throws is detached, logged, and reported on
%% [telemetry, handler, failure]; list_handlers/1 matches by prefix. As in the
%% real library, handlers live in the ETS table `telemetry_handler_table',
%% owned by a small gen_server of the same name that serialises writes, and
%% execute/3 is safe (a no-op) when that table does not exist. Not
%% reproduced: persist/0 and the warning about local-function handlers.
-module(telemetry).
-behaviour(gen_server).

-export([attach/4, attach_many/4, detach/1, list_handlers/1,
         execute/2, execute/3, span/3]).
-export([start_link/0]).
-export([init/1, handle_call/3, handle_cast/2]).

-include_lib("kernel/include/logger.hrl").

-define(TABLE, telemetry_handler_table).

%% keypos 3 (event_name) is the ETS key.
-record(handler, {id, event_name, function, config}).

%% ---------------------------------------------------------------- API

attach(HandlerId, EventName, Function, Config) ->
    attach_many(HandlerId, [EventName], Function, Config).

attach_many(HandlerId, EventNames, Function, Config)
  when is_function(Function, 4) ->
    assert_event_names(EventNames),
    gen_server:call(?TABLE, {insert, HandlerId, EventNames, Function, Config}).

detach(HandlerId) ->
    gen_server:call(?TABLE, {delete, HandlerId}).

execute(EventName, Measurements) ->
    execute(EventName, Measurements, #{}).

execute(EventName, Value, Metadata) when is_number(Value) ->
    ?LOG_WARNING("Using execute/3 with a single event value is deprecated. "
                 "Use a measurement map instead.", []),
    execute(EventName, #{value => Value}, Metadata);
execute(EventName, Measurements, Metadata)
  when is_map(Measurements), is_map(Metadata) ->
    lists:foreach(fun(H) -> apply_handler(H, EventName, Measurements, Metadata) end,
                  list_for_event(EventName)).

%% Emits Prefix ++ [start] and then [stop] or [exception] around SpanFun.
span(EventPrefix, StartMetadata, SpanFun) ->
    StartTime = erlang:monotonic_time(),
    Ctx = make_ref(),
    execute(EventPrefix ++ [start],
            #{monotonic_time => StartTime, system_time => erlang:system_time()},
            merge_ctx(StartMetadata, Ctx)),
    try SpanFun() of
        {Result, StopMetadata} ->
            span_stop(EventPrefix, StartTime, #{}, StopMetadata, Ctx),
            Result;
        {Result, ExtraMeasurements, StopMetadata} ->
            span_stop(EventPrefix, StartTime, ExtraMeasurements, StopMetadata, Ctx),
            Result
    catch
        Class:Reason:Stacktrace ->
            StopTime = erlang:monotonic_time(),
            execute(EventPrefix ++ [exception],
                    #{duration => StopTime - StartTime, monotonic_time => StopTime},
                    merge_ctx(StartMetadata#{kind => Class, reason => Reason,
                                             stacktrace => Stacktrace}, Ctx)),
            erlang:raise(Class, Reason, Stacktrace)
    end.

list_handlers(EventPrefix) ->
    assert_event_prefix(EventPrefix),
    Pattern = #handler{event_name = prefix_pattern(EventPrefix), _ = '_'},
    [#{id => Id, event_name => Name, function => Fun, config => Config}
     || #handler{id = Id, event_name = Name, function = Fun, config = Config}
            <- match_object(Pattern)].

%% ---------------------------------------------------------------- server

start_link() ->
    gen_server:start_link({local, ?TABLE}, ?MODULE, [], []).

init([]) ->
    ?TABLE = ets:new(?TABLE, [duplicate_bag, protected, named_table,
                              {keypos, #handler.event_name},
                              {read_concurrency, true}]),
    {ok, nostate}.

handle_call({insert, Id, EventNames, Function, Config}, _From, State) ->
    case ets:match(?TABLE, #handler{id = Id, _ = '_'}) of
        [] ->
            true = ets:insert(?TABLE, [#handler{id = Id, event_name = E,
                                                function = Function,
                                                config = Config}
                                       || E <- EventNames]),
            {reply, ok, State};
        _ ->
            {reply, {error, already_exists}, State}
    end;
handle_call({delete, Id}, _From, State) ->
    case ets:select_delete(?TABLE, [{#handler{id = Id, _ = '_'}, [], [true]}]) of
        0 -> {reply, {error, not_found}, State};
        _ -> {reply, ok, State}
    end.

handle_cast(_Msg, State) ->
    {noreply, State}.

%% ---------------------------------------------------------------- internal

apply_handler(#handler{id = Id, function = Fun, config = Config},
              EventName, Measurements, Metadata) ->
    try
        Fun(EventName, Measurements, Metadata, Config)
    catch
        Class:Reason:Stacktrace ->
            _ = detach(Id),
            ?LOG_ERROR("Handler ~p has failed and has been detached. "
                       "Class=~p~nReason=~p~nStacktrace=~p~n",
                       [Id, Class, Reason, Stacktrace]),
            execute([telemetry, handler, failure],
                    #{monotonic_time => erlang:monotonic_time(),
                      system_time => erlang:system_time()},
                    #{event_name => EventName, handler_id => Id,
                      handler_config => Config, kind => Class,
                      reason => Reason, stacktrace => Stacktrace})
    end.

list_for_event(EventName) ->
    try
        ets:lookup(?TABLE, EventName)
    catch
        error:badarg ->
            ?LOG_WARNING("Failed to lookup telemetry handlers. Ensure the "
                         "telemetry application has been started.", []),
            []
    end.

match_object(Pattern) ->
    try
        ets:match_object(?TABLE, Pattern)
    catch
        error:badarg -> []
    end.

span_stop(EventPrefix, StartTime, ExtraMeasurements, StopMetadata, Ctx) ->
    StopTime = erlang:monotonic_time(),
    execute(EventPrefix ++ [stop],
            ExtraMeasurements#{duration => StopTime - StartTime,
                               monotonic_time => StopTime},
            merge_ctx(StopMetadata, Ctx)).

merge_ctx(#{telemetry_span_context := _} = Metadata, _Ctx) -> Metadata;
merge_ctx(Metadata, Ctx) -> Metadata#{telemetry_span_context => Ctx}.

%% [a, b] matches [a, b | '_'] (an improper-list pattern: any tail).
prefix_pattern([]) -> '_';
prefix_pattern([Segment | Rest]) -> [Segment | prefix_pattern(Rest)].

assert_event_names(Names) when is_list(Names) ->
    lists:foreach(fun assert_event_name/1, Names);
assert_event_names(Term) ->
    erlang:error(badarg, [Term]).

assert_event_name([_ | _] = Name) ->
    assert_event_prefix(Name);
assert_event_name(Term) ->
    erlang:error(badarg, [Term]).

assert_event_prefix(Prefix) when is_list(Prefix) ->
    case lists:all(fun erlang:is_atom/1, Prefix) of
        true -> ok;
        false -> erlang:error(badarg, [Prefix])
    end;
assert_event_prefix(Term) ->
    erlang:error(badarg, [Term]).
