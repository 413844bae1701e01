%% lasso_target_app: the application callback of the Lasso demo target
%% (lasso-target.md §5.1), and start_node/0, the boot entry used by
%% demo/bin/lasso-target.
%%
%% Before the supervision tree starts, the app creates the ground-truth
%% counters and the load gate and, when the knob cookie_file names a file, sets the node's
%% distribution cookie from it: the start script passes the file's path, so
%% the cookie itself never appears in argv, ps output or logs.
-module(lasso_target_app).
-behaviour(application).

-export([start_node/0]).
-export([start/2, stop/1]).

-include_lib("kernel/include/logger.hrl").

%% `erl ... -s lasso_target_app start_node': start the app, permanent, or
%% halt the node, so that a failed start (or a later collapse of the
%% application) never leaves a node without its target behind.
start_node() ->
    case application:ensure_all_started(lasso_target, permanent) of
        {ok, _} ->
            ok;
        {error, Reason} ->
            ?LOG_ERROR("lasso_target failed to start: ~p", [Reason]),
            timer:sleep(200),                   % let the logger write it
            erlang:halt(1)
    end.

start(_Type, _Args) ->
    _ = lasso_config:all(),                     % a bad knob fails the start
    ok = set_cookie(lasso_config:get(cookie_file)),
    ok = lasso_stats:init(),
    ok = lasso_publisher:init_gate(),
    lasso_target_sup:start_link().

stop(_State) ->
    ok.

set_cookie(undefined) ->
    ok;
set_cookie(File) when node() =:= nonode@nohost ->
    ?LOG_WARNING("cookie_file ~ts ignored: the node is not distributed", [File]),
    ok;
set_cookie(File) ->
    {ok, Bin} = file:read_file(File),
    case string:trim(Bin) of
        <<>> ->
            {error, {empty_cookie_file, File}};
        Cookie ->
            true = erlang:set_cookie(node(), binary_to_atom(Cookie)),
            ok
    end.
