%% SPDX-License-Identifier: Apache-2.0
%% stuck_probe: are these OTP processes responsive?  One short-lived helper
%% per pid, all at once, each sending the system message
%% {debug, {statistics, get}} (see stuck_one.erl for why this one) and
%% exiting after Timeout ms whether or not an answer came; the result
%% travels in the helper's exit reason and a late answer is dropped with the
%% helper.  Nothing is left waiting on the node.
%%
%% Inputs: Pids, Timeout (ms).  Cost: one helper process and one message per
%% pid.  Result: [{Pid, {ok, Us} | timeout | {down, Reason} | noproc}].
Probe = fun(P) ->
                {H, _} =
                    erlang:spawn_monitor(
                      fun() ->
                              Tag = erlang:make_ref(),
                              Mon = erlang:monitor(process, P),
                              S0 = erlang:monotonic_time(microsecond),
                              erlang:send(P, {system, {self(), Tag}, {debug, {statistics, get}}}),
                              receive
                                  {Tag, _} ->
                                      exit({ok, erlang:monotonic_time(microsecond) - S0});
                                  {'DOWN', Mon, process, _, noproc} ->
                                      exit(noproc);
                                  {'DOWN', Mon, process, _, _} ->
                                      exit({down, exited})
                              after Timeout ->
                                      exit(timeout)
                              end
                      end),
                {P, H}
        end,
Helpers = [Probe(P) || P <- Pids],
Deadline = erlang:monotonic_time(millisecond) + Timeout + 2000,
[{P, receive
         {'DOWN', _, process, H, R} -> R
     after max(0, Deadline - erlang:monotonic_time(millisecond)) ->
             erlang:exit(H, kill),
             timeout
     end} || {P, H} <- Helpers]
