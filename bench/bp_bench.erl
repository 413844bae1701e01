%% SPDX-License-Identifier: Apache-2.0
%% bp_bench: the node-side baselines beamprobe's benchmarks compare with,
%% measured inside the node in the same run (loaded on benchmark nodes only).
-module(bp_bench).
-export([crowd/1, snapshot_us/0, etop_us/0, window_baseline_us/1, reductions/0, os_pid/0]).

%% N idle processes.
crowd(N) ->
    Parent = self(),
    spawn(fun() ->
                  [spawn(fun() -> receive stop -> ok end end) || _ <- lists:seq(1, N)],
                  Parent ! done,
                  receive stop -> ok end
          end),
    receive done -> erlang:system_info(process_count) after 600000 -> timeout end.

%% The node's own compiled snapshot of every process (the physical limit):
%% the list comprehension the issue names, run in a fresh process.
snapshot_us() ->
    in_fresh(fun() ->
                     {T, _} = timer:tc(fun() ->
                                               [erlang:process_info(P, [memory, message_queue_len, reductions])
                                                || P <- erlang:processes()]
                                       end),
                     T
             end).

%% OTP's etop collector (observer_backend:etop_collect/1), as observer and
%% etop use it.
etop_us() ->
    in_fresh(fun() ->
                     Self = self(),
                     {T, _} = timer:tc(fun() ->
                                               observer_backend:etop_collect(Self),
                                               receive {_, _Info} -> ok end
                                       end),
                     T
             end).

%% Two snapshots Window ms apart (what proc_window needs at least).
window_baseline_us(Window) ->
    in_fresh(fun() ->
                     {T, _} = timer:tc(fun() ->
                                               S = fun() -> [erlang:process_info(P, [memory, message_queue_len, reductions]) || P <- erlang:processes()] end,
                                               S(), timer:sleep(Window), S()
                                       end),
                     T
             end).

reductions() -> element(1, erlang:statistics(reductions)).

os_pid() -> list_to_integer(os:getpid()).

in_fresh(F) ->
    Self = self(),
    Ref = make_ref(),
    spawn(fun() -> Self ! {Ref, F()} end),
    receive {Ref, R} -> R end.
