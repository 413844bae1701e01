%% lasso_guard: the safety limits of the load (lasso-target.md §5.4, §5.8):
%% the publishers stop when erlang:memory(total) exceeds max_vm_mb or when
%% duration_s has passed since the load started.
%%
%% erlang:memory(total) costs tens of microseconds, too much for every event,
%% so this one high-priority process checks every ?INTERVAL_MS while the load
%% is armed. On a trip it closes the load gate, which every publisher reads
%% before each event (so even a catch-up burst stops at once), and reports to
%% lasso_ctl, which stops the publishers and logs once. Worst/flawed grows by
%% hundreds of MB per second, so the interval bounds the overshoot; memory
%% still rises a little afterwards while the flooded processes collect.
-module(lasso_guard).
-behaviour(gen_server).

-export([start_link/0, arm/0, disarm/0]).
-export([init/1, handle_call/3, handle_cast/2, handle_info/2]).

-define(INTERVAL_MS, 20).

%% `armed' is the reference carried by the current round of checks, so a
%% check left over from an earlier arming is ignored.
-record(guard, {armed :: reference() | undefined,
                max_bytes :: pos_integer() | undefined,
                deadline :: integer() | infinity | undefined}).

start_link() ->
    gen_server:start_link({local, ?MODULE}, ?MODULE, [], []).

%% Starts watching, with the limits as they are now.
arm() -> gen_server:call(?MODULE, arm).

disarm() -> gen_server:call(?MODULE, disarm).

init([]) ->
    process_flag(priority, high),
    {ok, #guard{}}.

handle_call(arm, _From, S) ->
    Armed = make_ref(),
    erlang:send_after(?INTERVAL_MS, self(), {check, Armed}),
    Deadline = case lasso_config:get(duration_s) of
                   infinity -> infinity;
                   Secs -> now_ms() + Secs * 1000
               end,
    {reply, ok, S#guard{armed = Armed, deadline = Deadline,
                        max_bytes = lasso_config:get(max_vm_mb) * 1024 * 1024}};
handle_call(disarm, _From, S) ->
    {reply, ok, S#guard{armed = undefined}}.

handle_cast(_Msg, S) ->
    {noreply, S}.

handle_info({check, Armed}, #guard{armed = Armed} = S) ->
    case limit_reached(S) of
        false ->
            erlang:send_after(?INTERVAL_MS, self(), {check, Armed}),
            {noreply, S};
        {true, Reason} ->
            lasso_publisher:close_gate(),
            lasso_ctl:load_limit_reached(Reason),
            {noreply, S#guard{armed = undefined}}
    end;
handle_info(_Msg, S) ->
    {noreply, S}.

limit_reached(#guard{max_bytes = Max, deadline = Deadline}) ->
    Total = erlang:memory(total),
    Now = now_ms(),
    if
        Total > Max -> {true, {max_vm_mb, Total div (1024 * 1024)}};
        Deadline =/= infinity, Now >= Deadline -> {true, duration_s};
        true -> false
    end.

now_ms() ->
    erlang:monotonic_time(millisecond).
