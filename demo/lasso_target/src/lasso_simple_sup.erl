%% lasso_simple_sup: the dynamic supervisors of the demo target
%% (lasso-target.md §5.2): lasso_agg_sup (aggregators, transient, the
%% DynamicSupervisor behind ensure_started/1), lasso_lv_sup (LiveViews) and
%% lasso_pub_sup (publishers).
%%
%% One simple_one_for_one supervisor module serves all three; each instance is
%% registered under its own name and starts children of one module with
%% Module:start_link(Arg). Children are transient: a publisher that stops
%% itself at a safety limit stays stopped, a crashed one comes back.
-module(lasso_simple_sup).
-behaviour(supervisor).

-export([start_link/2, start_child/2, children/1, terminate_all/1]).
-export([init/1]).

start_link(Name, Module) ->
    supervisor:start_link({local, Name}, ?MODULE, Module).

start_child(Sup, Arg) ->
    supervisor:start_child(Sup, [Arg]).

children(Sup) ->
    [Pid || {_, Pid, _, _} <- supervisor:which_children(Sup), is_pid(Pid)].

terminate_all(Sup) ->
    lists:foreach(fun(Pid) -> _ = supervisor:terminate_child(Sup, Pid) end,
                  children(Sup)).

init(Module) ->
    {ok, {#{strategy => simple_one_for_one, intensity => 10, period => 10},
          [#{id => Module,
             start => {Module, start_link, []},
             restart => transient,
             shutdown => 1000,
             type => worker}]}}.
