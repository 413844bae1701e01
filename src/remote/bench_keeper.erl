%% SPDX-License-Identifier: Apache-2.0
%% bench_keeper: the processes `beamprobe bench` needs on the node, and the
%% in-node half of its measurements.
%%
%% Spawns a Keeper that monitors beamprobe (Owner) and lives at most MaxMs;
%% the Keeper starts an Echo: an idle gen_event manager with no handlers
%% (compiled OTP code on both sides of every exchange, no module loaded),
%% used as the in-node echo, as the sink of `bench throughput --sink`, and
%% as the baseline of `bench latency TARGET`.  When the Keeper ends (stop,
%% beamprobe gone or killed, lost connection, MaxMs) it kills the Echo, so
%% nothing spawned here outlives the run.
%%
%% The request every path uses is sys's statistics query,
%% {system, From, {debug, {statistics, get}}}: every OTP special process
%% (proc_lib: gen_server, gen_statem, gen_event, supervisor, GenServer...)
%% answers it from its loop without touching its state, with
%% {ok, no_statistics} unless someone enabled statistics; it changes
%% nothing, logs nothing, and its reply is small.  Messages that only need
%% handling (throughput into a TARGET without --message) carry a From that
%% is a dead process, so the replies cost nothing.
%%
%% Commands, from Owner: {beamprobe_bench, Tag, Cmd}, answered with
%% {beamprobe_bench, Tag, Result}:
%%   {latency, Which, N}  N round trips Keeper -> Which (echo | target),
%%                        each a sys:statistics/3 call; timed in compiled
%%                        code: lists:zipwith(fun erlang:apply/2, ...)
%%                        alternates erlang:monotonic_time/0 and the call,
%%                        so the difference of neighbouring timestamps is one
%%                        round trip.  -> {ok, [NativeDiff]} | {error, Why}
%%   {tp_begin, Which}    wait until Which has handled what it had, then
%%                        expect `mark` (T0) ... {tp_end, N}: wait again
%%                        until Which has handled everything sent before
%%                        (T1).  -> ready, then {ok, T1 - T0}
%%   {qlen, Which}        -> its message_queue_len (flow control)
%%   {flood, Which, N, DurMs, Msg, Chunk}: send up to N copies of Msg from
%%                        the Keeper in chunks (compiled zipwith of
%%                        erlang:send/2), never letting Which's mailbox pass
%%                        MaxQueue, for at most DurMs; T0 before the first,
%%                        T1 once Which handled the last.
%%                        -> {ok, Sent, T1 - T0} | {error, Why}
%%   stop                 the Keeper ends.
%% "Handled everything sent before" is a sys round trip when Which is an
%% OTP process (its mailbox is served in order), otherwise the mailbox
%% polled every millisecond until empty.
%%
%% Inputs: Owner, Target (a pid or undefined), MaxMs, MaxQueue, HeapWords,
%% CallTimeout (ms, per request).
%% Result: {ok, Keeper, Echo, TargetIsOtp, DefaultMsg, NativePerSec} or
%% {error, Reason}.
Parent = self(),
IsOtp = fun(P) ->
                case erlang:process_info(P, initial_call) of
                    {initial_call, {proc_lib, init_p, 5}} -> true;
                    _ -> false
                end
        end,
case Target =:= undefined orelse
     (is_pid(Target) andalso node(Target) =:= node() andalso erlang:is_process_alive(Target)) of
    false ->
        {error, noproc};
    true ->
        Keeper = erlang:spawn(
          fun() ->
            erlang:monitor(process, Owner),
            Until = erlang:monotonic_time(millisecond) + MaxMs,
            {ok, Echo} = gen_event:start([{spawn_opt, [{message_queue_data, off_heap},
                                                      {max_heap_size, #{size => HeapWords,
                                                                        kill => true,
                                                                        error_logger => false}}]}]),
            Dead = erlang:spawn(fun() -> ok end),
            DRef = erlang:monitor(process, Dead),
            receive {'DOWN', DRef, process, Dead, _} -> ok end,
            Dest = fun(echo) -> Echo; (target) -> Target end,
            Otp = fun(echo) -> true; (target) -> IsOtp(Target) end,
            Request = {system, {Dead, 0}, {debug, {statistics, get}}},
            Qlen = fun(W) ->
                           case erlang:process_info(Dest(W), message_queue_len) of
                               {message_queue_len, L} -> L;
                               _ -> -1
                           end
                   end,
            %% Wait until W has handled everything already in its mailbox.
            Sync = fun(W) ->
                           case Otp(W) of
                               true ->
                                   try sys:statistics(Dest(W), get, CallTimeout) of
                                       _ -> ok
                                   catch exit:{timeout, _} -> {error, timeout};
                                         exit:{noproc, _} -> {error, noproc};
                                         C:E -> {error, {C, E}}
                                   end;
                               false ->
                                   End = erlang:monotonic_time(millisecond) + CallTimeout,
                                   Poll = fun Pl() ->
                                                  case Qlen(W) of
                                                      0 -> ok;
                                                      -1 -> {error, noproc};
                                                      _ ->
                                                          case erlang:monotonic_time(millisecond) > End of
                                                              true -> {error, timeout};
                                                              false -> timer:sleep(1), Pl()
                                                          end
                                                  end
                                          end,
                                   Poll()
                           end
                   end,
            Latency = fun(W, N) ->
                              P = Dest(W),
                              Chunk = fun(K) ->
                                              Fs = [fun erlang:monotonic_time/0 |
                                                    lists:append(lists:duplicate(
                                                                   K, [fun sys:statistics/3,
                                                                       fun erlang:monotonic_time/0]))],
                                              As = [[] | lists:append(lists:duplicate(
                                                                        K, [[P, get, CallTimeout], []]))],
                                              Ts = lists:filter(fun erlang:is_integer/1,
                                                                lists:zipwith(fun erlang:apply/2, Fs, As)),
                                              lists:zipwith(fun erlang:'-'/2, tl(Ts), lists:droplast(Ts))
                                      end,
                              LLoop = fun L(0, Acc) -> {ok, lists:append(lists:reverse(Acc))};
                                         L(Left, Acc) ->
                                             case erlang:monotonic_time(millisecond) > Until of
                                                 true -> {ok, lists:append(lists:reverse(Acc))};
                                                 false ->
                                                     K = min(Left, 500),
                                                     try Chunk(K) of
                                                         D -> L(Left - K, [D | Acc])
                                                     catch exit:{timeout, _} -> {error, timeout};
                                                           exit:{noproc, _} -> {error, noproc};
                                                           C:E -> {error, {C, E}}
                                                     end
                                             end
                                     end,
                              LLoop(N, [])
                      end,
            Flood = fun(W, N, DurMs, Msg, Chunk) ->
                            P = Dest(W),
                            case Sync(W) of
                                ok ->
                                    T0 = erlang:monotonic_time(),
                                    Stop = min(erlang:monotonic_time(millisecond) + DurMs, Until),
                                    Send = fun S(Sent) when Sent >= N -> Sent;
                                               S(Sent) ->
                                                   case erlang:monotonic_time(millisecond) > Stop of
                                                       true -> Sent;
                                                       false ->
                                                           case Qlen(W) of
                                                               Q when Q > MaxQueue - Chunk ->
                                                                   timer:sleep(1), S(Sent);
                                                               _ ->
                                                                   K = min(Chunk, N - Sent),
                                                                   lists:zipwith(fun erlang:send/2,
                                                                                 lists:duplicate(K, P),
                                                                                 lists:duplicate(K, Msg)),
                                                                   S(Sent + K)
                                                           end
                                                   end
                                           end,
                                    Sent = Send(0),
                                    case Sync(W) of
                                        ok -> {ok, Sent, erlang:monotonic_time() - T0};
                                        Err -> Err
                                    end;
                                Err ->
                                    Err
                            end
                    end,
            Parent ! {beamprobe_bench_ready, self(), Echo, Request},
            Reply = fun(Tag, R) -> Owner ! {beamprobe_bench, Tag, R} end,
            Loop = fun Lp(T0) ->
                           Left = max(0, Until - erlang:monotonic_time(millisecond)),
                           receive
                               {beamprobe_bench, Tag, {latency, W, N}} ->
                                   Reply(Tag, Latency(W, N)), Lp(T0);
                               {beamprobe_bench, Tag, {tp_begin, W}} ->
                                   Reply(Tag, case Sync(W) of ok -> ready; Err -> Err end),
                                   Lp(undefined);
                               {beamprobe_bench, _, mark} ->
                                   Lp(erlang:monotonic_time());
                               {beamprobe_bench, Tag, {tp_end, W}} ->
                                   R = Sync(W),
                                   T1 = erlang:monotonic_time(),
                                   Reply(Tag, case {R, T0} of
                                                  {ok, undefined} -> {error, no_mark};
                                                  {ok, _} -> {ok, T1 - T0};
                                                  _ -> R
                                              end),
                                   Lp(undefined);
                               {beamprobe_bench, Tag, {qlen, W}} ->
                                   Reply(Tag, Qlen(W)), Lp(T0);
                               {beamprobe_bench, Tag, {flood, W, N, DurMs, Msg, Chunk}} ->
                                   Reply(Tag, Flood(W, N, DurMs, Msg, Chunk)), Lp(T0);
                               {beamprobe_bench, _, stop} ->
                                   ok;
                               {'DOWN', _, process, Owner, _} ->
                                   ok;
                               _ ->
                                   Lp(T0)
                           after Left ->
                                   ok
                           end
                   end,
            try Loop(undefined) after erlang:exit(Echo, kill) end
          end),
        KRef = erlang:monitor(process, Keeper),
        receive
            {beamprobe_bench_ready, Keeper, Echo, Request} ->
                erlang:demonitor(KRef, [flush]),
                {ok, Keeper, Echo, Target =/= undefined andalso IsOtp(Target), Request,
                 erlang:convert_time_unit(1, second, native)};
            {'DOWN', KRef, process, Keeper, Why} ->
                {error, Why}
        after 5000 ->
                erlang:exit(Keeper, kill),
                {error, timeout}
        end
end
