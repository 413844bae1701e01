%% SPDX-License-Identifier: Apache-2.0
%% stuck_all: the processes that look stuck, found over a window.
%%
%% Three snapshots (start, middle, end of Window ms) of message_queue_len,
%% reductions, current_function and status of every process, each pass a
%% compiled library function applied with lists:zipwith/3 (as rank_procs),
%% never an interpreted fun per process.  A process is a candidate when
%%   - its mailbox grew, or
%%   - it ran in the same function at all three snapshots and never waited,
%%   - or it waited in the same known blocking call (gen:do_call/4,
%%     timer:sleep/1, erpc ...) at all three, or
%%   - it waited in the same function at all three with messages queued
%%     and no reductions (a selective receive that does not take them).
%% Candidates are ordered by 10 * mailbox growth + mailbox and the first N
%% are described (registered name, initial call, memory, queue data, proc_lib
%% initial call, stacktrace, and whether it answers OTP system messages, as
%% in stuck_one.erl);
%% beamprobe judges and ranks them (analyze/stuck.c).  Dead processes read
%% as -1 and are skipped; the evaluating process is left out.
%%
%% Inputs: Window (ms), N.  Cost: 12 process_info/2 calls per process, a
%% few list passes of the process count, a few words per process while it
%% runs.  Result: {ProcessCount, ElapsedUs, WindowUs, [{Pid, {Mq0, Mq2, DR},
%% {St0, St1, St2}, {Cf0, Cf1, Cf2}, Info, ProcLibCall, Stack, IsOtp}]}.
T0 = erlang:monotonic_time(microsecond),
Pids = erlang:processes() -- [self()],
Len = length(Pids),
Dup = fun(X) -> lists:duplicate(Len, X) end,
Get = fun(Item) ->
              lists:zipwith(fun erlang:element/2, Dup(2),
                            lists:zipwith(fun erlang:max/2,
                                          lists:zipwith(fun erlang:process_info/2, Pids,
                                                        Dup(Item)),
                                          Dup({Item, -1})))
      end,
Mq0 = Get(message_queue_len), R0 = Get(reductions),
Cf0 = Get(current_function), St0 = Get(status),
S0 = erlang:monotonic_time(microsecond),
timer:sleep(Window div 2),
Cf1 = Get(current_function), St1 = Get(status),
timer:sleep(Window - Window div 2),
Mq2 = Get(message_queue_len), R2 = Get(reductions),
Cf2 = Get(current_function), St2 = Get(status),
S2 = erlang:monotonic_time(microsecond),
Eq = fun(A, B) -> lists:zipwith(fun erlang:'=:='/2, A, B) end,
And = fun(A, B) -> lists:zipwith(fun erlang:'and'/2, A, B) end,
Or = fun(A, B) -> lists:zipwith(fun erlang:'or'/2, A, B) end,
Gt = fun(A, B) -> lists:zipwith(fun erlang:'>'/2, A, B) end,
DMq = lists:zipwith(fun erlang:'-'/2, Mq2, Mq0),
DR = lists:zipwith(fun erlang:'-'/2, R2, R0),
Zero = Dup(0),
W0 = Eq(St0, Dup(waiting)), W1 = Eq(St1, Dup(waiting)), W2 = Eq(St2, Dup(waiting)),
AlwaysWaits = And(And(W0, W1), W2),
NeverWaits = lists:map(fun erlang:'not'/1, Or(Or(W0, W1), W2)),
SameCf = And(Eq(Cf0, Cf1), Eq(Cf1, Cf2)),
Blocking = [{gen, do_call, 4}, {timer, sleep, 1}, {erpc, call, 5},
            {erpc, receive_response, 3}, {io, wait_io_mon_reply, 2},
            {global, trans, 4}, {proc_lib, sync_start, 2}],
InBlocking = lists:zipwith(fun lists:member/2, Cf2, Dup(Blocking)),
Alive = And(lists:zipwith(fun erlang:'>='/2, Mq2, Zero),
            lists:zipwith(fun erlang:'>='/2, Mq0, Zero)),
Cand = And(Alive,
           Or(Or(Gt(DMq, Zero), And(SameCf, NeverWaits)),
              Or(And(And(SameCf, AlwaysWaits), InBlocking),
                 And(And(And(SameCf, AlwaysWaits), Gt(Mq2, Zero)), Eq(DR, Zero))))),
Score = lists:zipwith(fun erlang:'+'/2, lists:zipwith(fun erlang:'*'/2, DMq, Dup(10)), Mq2),
Rows = lists:zip3(Pids, lists:zip3(Mq0, Mq2, DR),
                  lists:zip3(lists:zip3(St0, St1, St2), lists:zip3(Cf0, Cf1, Cf2), Score)),
Cands = proplists:get_all_values(true, lists:zip(Cand, Rows)),
Ranked = lists:sublist(lists:reverse(lists:sort([{element(3, Z), {P, M, Z}} || {P, M, Z} <- Cands])), N),
OtpLoops = [{gen_server, loop}, {gen_server, decode_msg}, {gen_server, handle_msg},
            {gen_server, try_dispatch}, {gen_server, try_handle_call},
            {gen_server, try_handle_continue}, {gen_server, init_it},
            {gen_server, enter_loop}, {gen_statem, loop}, {gen_statem, loop_receive},
            {gen_statem, loop_event}, {gen_statem, loop_state_callback},
            {gen_statem, loop_actions}, {gen_statem, enter}, {gen_statem, init_it},
            {gen_event, fetch_msg}, {gen_event, handle_msg}, {gen_event, server_notify},
            {gen_event, server_call}, {gen_event, init_it}, {gen_fsm, loop},
            {gen_fsm, handle_msg}, {gen_fsm, init_it}, {gen, init_it},
            {sys, handle_system_msg}, {sys, suspend_loop}],
ServerFrame = fun(Fr) -> lists:member({element(1, Fr), element(2, Fr)}, OtpLoops) end,
OtpBehaviours = [<<"gen_server">>, <<"gen_statem">>, <<"gen_event">>, <<"gen_fsm">>,
                 <<"supervisor">>, <<"supervisor_bridge">>, <<"Elixir.GenServer">>,
                 <<"Elixir.Supervisor">>, <<"Elixir.Agent">>, <<"Elixir.GenStage">>],
Items = [registered_name, initial_call, memory, message_queue_data],
Describe =
    fun(P) ->
            Info = erlang:process_info(P, Items),
            Stack = case erlang:process_info(P, current_stacktrace) of
                        {current_stacktrace, F} -> F;
                        _ -> []
                    end,
            PlCall = case Info of
                         [_, {initial_call, {proc_lib, init_p, 5}} | _] ->
                             catch proc_lib:translate_initial_call(P);
                         _ -> undefined
                     end,
            StackOtp = lists:any(ServerFrame, Stack),
            IsOtp = StackOtp orelse
                case PlCall of
                    {M, F1, 1} when is_atom(M), F1 =:= init orelse M =:= supervisor orelse
                                                 M =:= supervisor_bridge ->
                        Attrs = try M:module_info(attributes) catch _:_ -> [] end,
                        Bs = proplists:get_value(behaviour, Attrs, []) ++
                            proplists:get_value(behavior, Attrs, []),
                        lists:any(fun(B) -> is_atom(B) andalso
                                                lists:member(atom_to_binary(B, utf8),
                                                             OtpBehaviours) end, Bs);
                    _ -> false
                end,
            {Info, PlCall, Stack, IsOtp}
    end,
Out = [{P, M, Sts, Cfs, Info, PlCall, Stack, IsOtp}
       || {_, {P, M, {Sts, Cfs, _}}} <- Ranked,
          {Info, PlCall, Stack, IsOtp} <- [Describe(P)],
          Info =/= undefined],
{Len, erlang:monotonic_time(microsecond) - T0, S2 - S0, Out}
