%% lasso_config: the knobs of the Lasso demo target (lasso-target.md §5.5).
%%
%% Every knob is application env of `lasso_target' (`-lasso_target Key Value'
%% on the command line, or lasso_ctl:start_scenario/1 at run time). A knob
%% resolves in this order: an explicit env value; for the fix_* toggles, the
%% `mode' shorthand; for rate/sim_nodes/liveviews, the `scenario' preset
%% (easy 50/3/5, medium 400/5/15, worst 3000/7/20, §3); then the default below.
%% Defaults therefore live here and not in the .app file, so that "not set"
%% stays distinguishable from "set to the default". Processes read their knobs
%% once at start; nothing on a hot path calls get/1.
-module(lasso_config).

-export([get/1, all/0, apply_knobs/1, fixes/0, mode_of/1,
         profile/0, region/0, regions/0, providers/0, chains/0,
         region_lookup/0, to_binary/1]).

-compile({no_auto_import, [get/1]}).

-define(APP, lasso_target).

%% The fix toggles that `mode' switches together (§4, F1-F6), plus the
%% committed EventStream's change-only metrics and heartbeat.
-define(FIXES, [fix_lv_direct,      % F1 LiveViews no longer subscribe to routing:decisions
                fix_off_heap,       % F2 aggregator mailbox off-heap
                fix_pending_count,  % F3 O(1) pending_count instead of length/1
                fix_pending_cap,    % F4 cap pending_events (+ shed_queue_len)
                fix_dedup,          % F5 seen_request_ids on arrival
                fix_nodeup,         % F6 region discovery off the aggregator
                fix_delta_metrics]).% only changed providers, plus a 2 s heartbeat

%% The knobs a `scenario' presets.
-define(SCENARIO_KNOBS, [rate, sim_nodes, liveviews]).

%% The provider names of §2.1; `providers' N takes the first N.
-define(PROVIDER_NAMES,
        [<<"alchemy_primary">>, <<"infura_primary">>, <<"quicknode_1">>,
         <<"ankr_1">>, <<"llamarpc_1">>, <<"alchemy_fallback">>,
         <<"infura_fallback">>, <<"blastapi_1">>, <<"publicnode_1">>,
         <<"cloudflare_1">>]).

defaults() ->
    #{mode => flawed,
      scenario => undefined,
      rate => 50,                   % events/s per (simulated) node
      sim_nodes => 1,               % publisher processes in this VM
      liveviews => 5,
      load => true,                 % start the publishers at boot
      tick_ms => 10,                % publisher catch-up tick (§5.4)
      success_sample_rate => 1.0,
      dup_ratio => 0.0,
      dispatch => phoenix,          % phoenix | direct (lasso_pubsub)
      profile => <<"default">>,
      regions => [<<"us-west-2">>, <<"us-east-1">>, <<"eu-west-1">>],
      region => undefined,          % this node's region; default hd(regions)
      providers => 5,
      chains => [<<"ethereum_mainnet">>],
      batch_interval_ms => 500,
      max_batch_size => 100,
      max_pending => 500,
      window_ms => 60000,
      max_events_per_key => 200,
      cleanup_interval_ms => 30000,
      stale_block_ms => 300000,
      seen_ttl_ms => 120000,        % fixed-mode dedup (EventStream: 120 s ...
      max_seen => 10000,            % ... and 50 000, too big for 2 cores, see README)
      heartbeat_ms => 2000,
      shed_queue_len => undefined,  % beyond the doc, needs fix_pending_cap
      lv_off_heap => false,
      lv_work_us => 0,
      lv_dedup_ms => 5000,          % EventDedup window (60 s in Lasso, see README)
      routing_events_limit => 200,
      agg_batch_work_us => 0,
      block_time_ms => 12000,
      circuit_flap_per_min => 1,
      region_lookup_delay_ms => 0,  % slows F6's remote region lookup (O11)
      register_lvs => true,
      register_agg_name => true,
      peers => [],
      max_vm_mb => 1500,
      duration_s => infinity,
      cookie_file => undefined}.

scenario_preset(easy) -> #{rate => 50, sim_nodes => 3, liveviews => 5};
scenario_preset(medium) -> #{rate => 400, sim_nodes => 5, liveviews => 15};
scenario_preset(worst) -> #{rate => 3000, sim_nodes => 7, liveviews => 20};
scenario_preset(undefined) -> #{};
scenario_preset(Other) -> erlang:error({unknown_scenario, Other}).

%% The effective value of one knob.
get(Key) ->
    case application:get_env(?APP, Key) of
        {ok, Value} ->
            normalize(Key, Value);
        undefined ->
            derived(Key)
    end.

derived(Key) ->
    case {lists:member(Key, ?FIXES), lists:member(Key, ?SCENARIO_KNOBS)} of
        {true, _} ->
            get(mode) =:= fixed;
        {_, true} ->
            maps:get(Key, scenario_preset(get(scenario)), default(Key));
        _ ->
            normalize(Key, default(Key))
    end.

default(Key) ->
    case maps:find(Key, defaults()) of
        {ok, Value} -> Value;
        error -> erlang:error({unknown_knob, Key})
    end.

%% Every knob with its effective value.
all() ->
    Keys = maps:keys(defaults()) ++ ?FIXES,
    maps:from_list([{K, get(K)} || K <- Keys]).

fixes() -> ?FIXES.

%% flawed, fixed or custom, from a map holding the fix toggles.
mode_of(Knobs) ->
    case lists:usort([maps:get(F, Knobs) || F <- ?FIXES]) of
        [true] -> fixed;
        [false] -> flawed;
        _ -> custom
    end.

%% Sets a batch of knobs at run time. Naming a scenario drops earlier
%% rate/sim_nodes/liveviews overrides the batch does not repeat, and naming a
%% mode drops earlier fix_* overrides, so the shorthands mean what they say.
apply_knobs(Knobs) when is_map(Knobs) ->
    _ = [check_knob(K) || K <- maps:keys(Knobs)],
    maps:is_key(scenario, Knobs) andalso
        unset_except(?SCENARIO_KNOBS, Knobs),
    maps:is_key(mode, Knobs) andalso unset_except(?FIXES, Knobs),
    maps:foreach(fun(K, V) -> application:set_env(?APP, K, V) end, Knobs),
    _ = [get(K) || K <- maps:keys(Knobs)],      % validate the new values
    ok.

check_knob(Key) ->
    lists:member(Key, ?FIXES) orelse default(Key).

unset_except(Keys, Keep) ->
    _ = [application:unset_env(?APP, K) || K <- Keys, not maps:is_key(K, Keep)],
    true.

%% ---------------------------------------------------------------- derived

profile() -> get(profile).

regions() -> get(regions).

%% This node's region, the `cluster_region' of the real system.
region() ->
    case get(region) of
        undefined -> hd(regions());
        Region -> Region
    end.

providers() -> get(providers).

chains() -> get(chains).

%% Called over rpc by a remote aggregator's region discovery (F6); the
%% delay knob stands for a slow or overloaded peer.
region_lookup() ->
    timer:sleep(get(region_lookup_delay_ms)),
    region().

%% ---------------------------------------------------------------- values

normalize(Key, V) when Key =:= profile; Key =:= region ->
    case V of
        undefined -> undefined;
        _ -> to_binary(V)
    end;
normalize(Key, V) when Key =:= regions; Key =:= chains ->
    [to_binary(X) || X <- V];
normalize(providers, N) when is_integer(N), N >= 1, N =< 10 ->
    lists:sublist(?PROVIDER_NAMES, N);
normalize(providers, L) when is_list(L) ->
    [to_binary(X) || X <- L];
normalize(peers, L) ->
    [to_atom(X) || X <- L];
normalize(Key, V) when Key =:= success_sample_rate; Key =:= dup_ratio ->
    float(V);
normalize(mode, V) when V =:= flawed; V =:= fixed ->
    V;
normalize(mode, V) ->
    erlang:error({bad_mode, V});
normalize(_Key, V) ->
    V.

to_binary(V) when is_binary(V) -> V;
to_binary(V) when is_atom(V) -> atom_to_binary(V);
to_binary(V) when is_list(V) -> unicode:characters_to_binary(V);
to_binary(V) when is_integer(V) -> integer_to_binary(V).

to_atom(V) when is_atom(V) -> V;
to_atom(V) -> binary_to_atom(to_binary(V)).
