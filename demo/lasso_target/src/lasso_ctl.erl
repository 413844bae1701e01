%% lasso_ctl: the control API of the demo target (lasso-target.md §5.2),
%% meant to be called over rpc or from `erl -eval'.
%%
%% At boot it connects to the `peers', mounts `liveviews' LiveViews (which
%% start the aggregator through ensure_started/1) and, unless the knob `load'
%% is false, starts `sim_nodes' publishers. start_scenario/1 applies a batch
%% of knobs (or a scenario name) and restarts dashboard and load with fresh
%% counters; set_mode/1 restarts aggregator and LiveViews in the new mode;
%% set_rate/1 retunes the running publishers. lasso_guard reports a safety
%% limit (max_vm_mb, duration_s) here; that stops all load and is logged once. truth/0 is lasso_stats:truth/0 and runs in the
%% caller, never blocked behind this server.
-module(lasso_ctl).
-behaviour(gen_server).

-export([start_scenario/1, set_rate/1, set_mode/1, add_lvs/1,
         stop_load/0, start_load/0, stats/0, truth/0, load_limit_reached/1]).
-export([start_link/0]).
-export([init/1, handle_continue/2, handle_call/3, handle_cast/2]).

-include_lib("kernel/include/logger.hrl").

-define(AGG, 'Elixir.LassoWeb.Dashboard.ClusterEventAggregator').
%% Restarting a flooded dashboard frees gigabytes; allow for it.
-define(TIMEOUT, 120000).

-record(ctl, {load = stopped :: running | stopped | {stopped, term()},
              next_lv = 1 :: pos_integer()}).

%% ---------------------------------------------------------------- API

%% easy | medium | worst, or a map / proplist of knobs, e.g.
%% #{scenario => worst, mode => fixed, sim_nodes => 7}.
start_scenario(Scenario) when is_atom(Scenario) ->
    start_scenario(#{scenario => Scenario});
start_scenario(Knobs) when is_list(Knobs) ->
    start_scenario(maps:from_list(Knobs));
start_scenario(Knobs) when is_map(Knobs) ->
    call({start_scenario, Knobs}).

set_rate(Rate) when is_integer(Rate), Rate >= 0 ->
    call({set_rate, Rate}).

set_mode(Mode) when Mode =:= flawed; Mode =:= fixed ->
    call({set_mode, Mode}).

add_lvs(N) when is_integer(N), N > 0 ->
    call({add_lvs, N}).

stop_load() -> call(stop_load).

start_load() -> call(start_load).

stats() -> call(stats).

truth() -> lasso_stats:truth().

load_limit_reached(Reason) ->
    gen_server:cast(?MODULE, {load_limit_reached, Reason}).

call(Request) ->
    gen_server:call(?MODULE, Request, ?TIMEOUT).

%% ---------------------------------------------------------------- server

start_link() ->
    gen_server:start_link({local, ?MODULE}, ?MODULE, [], []).

init([]) ->
    {ok, #ctl{}, {continue, boot}}.

handle_continue(boot, S) ->
    lists:foreach(fun connect/1, lasso_config:get(peers)),
    {noreply, maybe_start_load(mount(lasso_config:get(liveviews), S))}.

handle_call({start_scenario, Knobs}, _From, S) ->
    S1 = stop_publishers(S),
    ok = lasso_config:apply_knobs(Knobs),
    S2 = restart_dashboard(S1),
    lasso_stats:reset(),
    ?LOG_NOTICE("lasso_target: scenario ~p", [scenario_summary()]),
    {reply, ok, maybe_start_load(S2)};
handle_call({set_rate, Rate}, _From, S) ->
    ok = lasso_config:apply_knobs(#{rate => Rate}),
    lists:foreach(fun(P) -> lasso_publisher:set_rate(P, Rate) end,
                  lasso_simple_sup:children(lasso_pub_sup)),
    {reply, ok, S};
handle_call({set_mode, Mode}, _From, S) ->
    WasRunning = S#ctl.load =:= running,
    S1 = stop_publishers(S),
    ok = lasso_config:apply_knobs(#{mode => Mode}),
    S2 = restart_dashboard(S1),
    {reply, ok, case WasRunning of
                    true -> start_publishers(S2);
                    false -> S2
                end};
handle_call({add_lvs, N}, _From, S) ->
    {reply, ok, mount(N, S)};
handle_call(stop_load, _From, S) ->
    {reply, ok, stop_publishers(S)};
handle_call(start_load, _From, S) ->
    {reply, ok, start_publishers(S)};
handle_call(stats, _From, S) ->
    Agg = case ?AGG:lookup(lasso_config:profile()) of
              {ok, Pid} -> Pid;
              error -> undefined
          end,
    {reply, #{counters => lasso_stats:all(),
              knobs => lasso_config:all(),
              mode => lasso_config:mode_of(lasso_config:all()),
              load => S#ctl.load,
              aggregator => Agg,
              liveviews => length(lasso_simple_sup:children(lasso_lv_sup)),
              publishers => length(lasso_simple_sup:children(lasso_pub_sup)),
              memory_total => erlang:memory(total)}, S};
handle_call(_Request, _From, S) ->
    {reply, {error, unknown_call}, S}.

handle_cast({load_limit_reached, Reason}, #ctl{load = running} = S) ->
    ?LOG_WARNING("lasso_target: safety limit reached (~p), all publishers stopped",
                 [Reason]),
    S1 = stop_publishers(S),
    {noreply, S1#ctl{load = {stopped, Reason}}};
handle_cast(_Msg, S) ->
    {noreply, S}.

%% ---------------------------------------------------------------- internal

connect(Peer) when Peer =:= node() ->
    ok;
connect(Peer) ->
    case net_kernel:connect_node(Peer) of
        true -> ok;
        Other -> ?LOG_WARNING("lasso_target: cannot connect to peer ~p: ~p", [Peer, Other])
    end.

%% LiveViews N..N+Count-1. The aggregator is started first, as the first
%% LiveView's mount would, so that it hears the load from the first event.
mount(0, S) ->
    S;
mount(Count, #ctl{next_lv = Next} = S) ->
    {ok, _} = ?AGG:ensure_started(lasso_config:profile()),
    lists:foreach(fun(I) -> {ok, _} = lasso_simple_sup:start_child(lasso_lv_sup, I) end,
                  lists:seq(Next, Next + Count - 1)),
    S#ctl{next_lv = Next + Count}.

%% LiveViews first, so none of them sees its aggregator die and remounts.
restart_dashboard(S) ->
    lasso_simple_sup:terminate_all(lasso_lv_sup),
    lasso_simple_sup:terminate_all(lasso_agg_sup),
    mount(lasso_config:get(liveviews), S#ctl{next_lv = 1}).

maybe_start_load(S) ->
    case lasso_config:get(load) of
        true -> start_publishers(S);
        false -> S
    end.

start_publishers(#ctl{load = running} = S) ->
    S;
start_publishers(S) ->
    lasso_publisher:open_gate(),
    ok = lasso_guard:arm(),
    lists:foreach(fun(I) -> {ok, _} = lasso_simple_sup:start_child(lasso_pub_sup, I) end,
                  lists:seq(1, lasso_config:get(sim_nodes))),
    S#ctl{load = running}.

stop_publishers(S) ->
    lasso_publisher:close_gate(),
    ok = lasso_guard:disarm(),
    lasso_simple_sup:terminate_all(lasso_pub_sup),
    S#ctl{load = stopped}.

scenario_summary() ->
    maps:with([scenario, mode, rate, sim_nodes, liveviews], lasso_config:all()).
