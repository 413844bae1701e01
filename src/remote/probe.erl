%% SPDX-License-Identifier: Apache-2.0
%% probe: the node's facts, read once when beamprobe attaches.
%% Inputs: none.  Cost: a dozen system_info calls and the list of loaded
%% applications (no process is touched).  Result: a tuple, see node_probe.c.
{erlang:system_info(otp_release),
 erlang:system_info(version),
 erlang:system_info(wordsize),
 erlang:system_info(creation),
 erlang:system_info(process_count),
 erlang:system_info(process_limit),
 erlang:system_info(schedulers),
 erlang:system_info(schedulers_online),
 erlang:system_info(dirty_cpu_schedulers),
 erlang:system_info(dirty_io_schedulers),
 element(1, erlang:statistics(wall_clock)),
 [{App, Vsn} || {App, _, Vsn} <- application:loaded_applications()]}
