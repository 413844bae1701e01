%% SPDX-License-Identifier: Apache-2.0
%% sched_sample: run queues and scheduler wall time, read together.
%% Inputs: none.  Cost: two statistics/1 calls (scheduler_wall_time_all is
%% undefined unless some process has enabled it).  Result:
%% {MonotonicUs, RunQueueLengthsAll, SchedulerWallTimeAll | undefined,
%%  Schedulers, SchedulersOnline, DirtyCpu, DirtyCpuOnline, DirtyIo}.
{erlang:monotonic_time(microsecond),
 erlang:statistics(run_queue_lengths_all),
 erlang:statistics(scheduler_wall_time_all),
 erlang:system_info(schedulers),
 erlang:system_info(schedulers_online),
 erlang:system_info(dirty_cpu_schedulers),
 erlang:system_info(dirty_cpu_schedulers_online),
 erlang:system_info(dirty_io_schedulers)}
