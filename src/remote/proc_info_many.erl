%% SPDX-License-Identifier: Apache-2.0
%% proc_info_many: process_info of several processes in one round trip.
%% Inputs: Pids (list of pids), Items (list of item atoms, never `messages`).
%% Cost: one erlang:process_info/2 per pid; dead processes give undefined.
[erlang:process_info(P, Items) || P <- Pids]
