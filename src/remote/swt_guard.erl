%% SPDX-License-Identifier: Apache-2.0
%% swt_guard: a process that keeps scheduler_wall_time enabled while
%% beamprobe measures, and only that long.
%%
%% The flag is counted per process (each process that enables it holds one
%% count, released when it disables it or exits), so the guard's exit
%% restores the node's previous state exactly, whoever else had it on.  The
%% guard exits on `stop`, when beamprobe's pid goes down (the connection was
%% closed, killed or timed out: the monitor fires with noconnection), or
%% after MaxMs at the latest.
%%
%% Inputs: Owner (beamprobe's pid), MaxMs (integer or infinity).
%% Result: the guard's pid, once the flag is on, or {error, timeout}.
Parent = self(),
Guard = erlang:spawn(
          fun() ->
                  erlang:monitor(process, Owner),
                  erlang:system_flag(scheduler_wall_time, true),
                  Parent ! {beamprobe_swt_on, self()},
                  receive
                      stop -> ok;
                      {'DOWN', _, process, Owner, _} -> ok
                  after MaxMs -> ok
                  end
          end),
receive
    {beamprobe_swt_on, Guard} -> Guard
after 5000 ->
        erlang:exit(Guard, kill),
        {error, timeout}
end
