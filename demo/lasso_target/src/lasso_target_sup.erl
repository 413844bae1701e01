%% lasso_target_sup: the top supervisor of the demo target (lasso-target.md
%% §5.2), one_for_one.
%%
%% Children, in start order: the telemetry stand-in's handler table, the pg
%% scope lasso_pg that carries all PubSub topics (and the aggregator
%% registry), the per-node dispatcher lasso_pubsub, the three dynamic
%% supervisors (aggregators, LiveViews, publishers), the load's safety
%% guard and lasso_ctl, which
%% mounts the LiveViews and starts the load once everything else is up.
-module(lasso_target_sup).
-behaviour(supervisor).

-export([start_link/0]).
-export([init/1]).

start_link() ->
    supervisor:start_link({local, ?MODULE}, ?MODULE, []).

init([]) ->
    Workers = [{telemetry, {telemetry, start_link, []}},
               {lasso_pg, {pg, start_link, [lasso_pubsub:scope()]}},
               {lasso_pubsub, {lasso_pubsub, start_link, []}},
               dynamic_sup(lasso_agg_sup, 'Elixir.LassoWeb.Dashboard.ClusterEventAggregator'),
               dynamic_sup(lasso_lv_sup, lasso_lv),
               dynamic_sup(lasso_pub_sup, lasso_publisher),
               {lasso_guard, {lasso_guard, start_link, []}},
               {lasso_ctl, {lasso_ctl, start_link, []}}],
    {ok, {#{strategy => one_for_one, intensity => 5, period => 10},
          [child(Id, Start) || {Id, Start} <- Workers]}}.

dynamic_sup(Name, Module) ->
    {Name, {lasso_simple_sup, start_link, [Name, Module]}}.

child(Id, {lasso_simple_sup, _, _} = Start) ->
    #{id => Id, start => Start, type => supervisor, shutdown => infinity};
child(Id, Start) ->
    #{id => Id, start => Start, type => worker, shutdown => 5000}.
