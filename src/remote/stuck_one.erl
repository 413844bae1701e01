%% SPDX-License-Identifier: Apache-2.0
%% stuck_one: is one process responsive, and what does it do over a window?
%%
%% Samples status, current_function, message_queue_len, reductions and
%% memory of Pid Samples times over Window ms, and - for an OTP process
%% (auto), or when asked (always) - probes it at the start of the window
%% from a short-lived helper:
%%
%%   the helper sends {system, {Helper, Tag}, {debug, {statistics, get}}}
%%   (what sys:statistics(Pid, get) sends) and waits ProbeTimeout ms for
%%   the answer, then exits either way; the result travels in its exit
%%   reason.  A late answer goes to a dead pid and is dropped: nothing is
%%   ever left waiting on the node.
%%
%% Why this system message and not sys:get_state/1: both are handled by the
%% process's own loop in mailbox order, so both prove the same thing (it
%% reaches its receive loop, and how long a call would queue), but
%% get_state copies the whole state into the reply - megabytes for a big
%% server, under load.  {debug, {statistics, get}} changes nothing and
%% answers {ok, no_statistics} or a few counters.  With Request = {call, R}
%% the helper sends a real gen_server call instead (the guide's
%% GenServer.call(pid, R, 5000)); its reply is returned if its external size
%% is at most MaxReply bytes.
%%
%% "OTP process": a frame of a server loop on its stack (gen_server:loop,
%% handle_msg ..., gen_statem, gen_event, sys - not the client side of a
%% call such as gen:do_call), or a proc_lib process whose initial call is
%% Mod:init/1 (or a supervisor) with Mod declaring one of those behaviours
%% (Elixir's compared as binaries, so no atom is created).  Plain processes
%% are never sent a system message they would not understand.
%%
%% Inputs: Pid, Window (ms), Samples (>= 2), Probe (auto | always | never),
%% Request (undefined | {call, Term}), ProbeTimeout (ms), MaxReply (bytes).
%% Cost: Samples process_info/2 calls of 5 items, two stacktraces, one
%% helper process and one message to Pid.  Result: {First, Rest, Stack0,
%% Stack1, Info, IsOtp, ProbeResult, StepMs} with samples
%% {Us, [Status, CurrentFunction, MessageQueueLen, Reductions, Memory]}
%% (undefined once dead) and ProbeResult none | {ok, Us, Reply} | timeout |
%% {down, Reason}.
T0 = erlang:monotonic_time(microsecond),
Items = [status, current_function, message_queue_len, reductions, memory],
Sample = fun() ->
                 case erlang:process_info(Pid, Items) of
                     undefined -> undefined;
                     L -> {erlang:monotonic_time(microsecond) - T0, [V || {_, V} <- L]}
                 end
         end,
First = Sample(),
Stack0 = erlang:process_info(Pid, current_stacktrace),
Info = erlang:process_info(Pid, [registered_name, initial_call, message_queue_data,
                                 total_heap_size, heap_size, garbage_collection]),
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
StackOtp = case Stack0 of
               {current_stacktrace, Frames} ->
                   lists:any(ServerFrame, Frames);
               _ -> false
           end,
IsOtp = StackOtp orelse
    case erlang:process_info(Pid, initial_call) of
        {initial_call, {proc_lib, init_p, 5}} ->
            case catch proc_lib:translate_initial_call(Pid) of
                {M, F1, 1} when is_atom(M), F1 =:= init orelse M =:= supervisor orelse
                                                 M =:= supervisor_bridge ->
                    Attrs = try M:module_info(attributes) catch _:_ -> [] end,
                    Bs = proplists:get_value(behaviour, Attrs, []) ++
                        proplists:get_value(behavior, Attrs, []),
                    lists:any(fun(B) -> is_atom(B) andalso
                                            lists:member(atom_to_binary(B, utf8),
                                                         OtpBehaviours) end, Bs);
                _ -> false
            end;
        _ -> false
    end,
DoProbe = First =/= undefined andalso
    case Probe of
        always -> true;
        never -> false;
        _ -> IsOtp
    end,
Helper = case DoProbe of
             true ->
                 {H, _} =
                     erlang:spawn_monitor(
                       fun() ->
                               Tag = erlang:make_ref(),
                               Mon = erlang:monitor(process, Pid),
                               From = {self(), Tag},
                               Msg = case Request of
                                         {call, Req} -> {'$gen_call', From, Req};
                                         _ -> {system, From, {debug, {statistics, get}}}
                                     end,
                               S0 = erlang:monotonic_time(microsecond),
                               erlang:send(Pid, Msg),
                               receive
                                   {Tag, Reply} ->
                                       Us = erlang:monotonic_time(microsecond) - S0,
                                       Size = erlang:external_size(Reply),
                                       exit({ok, Us, case Size =< MaxReply of
                                                         true -> Reply;
                                                         false -> {too_big, Size}
                                                     end});
                                   {'DOWN', Mon, process, _, Why} ->
                                       exit({down, case erlang:external_size(Why) =< MaxReply of
                                                       true -> Why;
                                                       false -> too_big
                                                   end})
                               after ProbeTimeout ->
                                       exit(timeout)
                               end
                       end),
                 H;
             false ->
                 undefined
         end,
Step = max(1, Window div max(1, Samples - 1)),
Loop = fun L(0, Acc) -> lists:reverse(Acc);
           L(K, Acc) ->
               timer:sleep(Step),
               case Sample() of
                   undefined -> lists:reverse([undefined | Acc]);
                   S -> L(K - 1, [S | Acc])
               end
       end,
Rest = case First of
           undefined -> [];
           _ -> Loop(Samples - 1, [])
       end,
Stack1 = erlang:process_info(Pid, current_stacktrace),
ProbeResult = case Helper of
                  undefined -> none;
                  _ ->
                      receive
                          {'DOWN', _, process, Helper, R} -> R
                      after ProbeTimeout + 2000 ->
                              erlang:exit(Helper, kill),
                              timeout
                      end
              end,
{First, Rest, Stack0, Stack1, Info, IsOtp, ProbeResult, Step}
