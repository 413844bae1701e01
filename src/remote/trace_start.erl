%% SPDX-License-Identifier: Apache-2.0
%% trace_start: trace messages received and/or sent by some processes,
%% safely, through a relay process on the node (recon_trace's standard).
%%
%% Structure (three processes, nothing loaded on the node; the Relay and
%% the Janitor run at high priority so that tracing an overloaded node still
%% works - their work is bounded by the limits below):
%%
%%   beamprobe (Owner) <--- batches / counts --- Relay  <--- trace messages (VM)
%%         |                                       ^  |
%%         | monitor (noconnection on loss)        |  | monitor
%%         +------------------------ Janitor ------+--+
%%
%% The Janitor sets the trace up with the Relay as tracer, then only waits:
%% whatever way the Relay ends (its own limits, `stop` from beamprobe, the
%% owner's monitor firing, killed by its max_heap_size, killed by anyone),
%% the Janitor sees it go and removes the trace flags again; it also removes
%% them itself when beamprobe goes away, when the Relay's mailbox passes a
%% hard limit, or at its own hard deadline.  The Relay removes them first
%% when one of its limits trips, so the two paths are idempotent.
%%
%% OTP 27+: a dedicated trace session (trace:session_create/3) holds the
%% trace; destroying it (or losing its handle) removes every flag, and other
%% tracers are never disturbed.  Older releases: a process has one tracer,
%% so a target that already has one is refused, never clobbered, and only
%% the flags set here are removed, and only while the tracer is the Relay.
%%
%% The Relay consumes its mailbox in batches with compiled code: the first
%% message is awaited with prim_eval:'receive'/2 (the primitive erl_eval's
%% own receive uses) and the rest of the queue, up to Batch, is taken by
%% lists:zipwith/3 over the same primitive with a compiled matcher
%% (gb_sets:singleton/1, which accepts any term).  Filtering (--match, a
%% match specification) and classifying (--count-types, one match
%% specification over the raw trace messages) run as ets:match_spec_run/2,
%% and the rest as lists BIFs, also compiled; only per-batch bookkeeping is
%% interpreted, and after a small batch the Relay sleeps Pace ms so that
%% batches grow with the rate instead of the bookkeeping.  Limits are
%% applied per batch before anything is formatted: time (Deadline), rate
%% (RateN per RateMs, over every event seen), count (Max events shown or
%% counted), the Relay's own mailbox (MaxQueue messages, MaxMemory bytes)
%% and heap (HeapWords, max_heap_size with kill).  Events go to beamprobe with erlang:send/3
%% [nosuspend]: a batch the distribution buffer cannot take at once is
%% dropped and counted.  Messages bigger than MaxBytes (external size) are
%% cut down on the node.
%%
%% Inputs: Owner (beamprobe's pid), Pids (targets), Flags (['receive'],
%% [send] or both), Mode (stream | count), Max, RateN (0: none), RateMs,
%% DurationMs, Match (undefined | a match specification run on the raw
%% trace messages, returning the ones to keep), MaxBytes, MaxQueue,
%% MaxMemory (bytes), HeapWords, Batch, MaxTypes.
%%
%% Result: {ok, Relay, Janitor, Traced, Dead, MonoNs, SysNs, Session} or
%% {error, Reason} (Reason: {tracer_exists, Pid, Tracer} | no_targets |
%% timeout | {failed, Term}).
%%
%% Messages to Owner: {beamprobe_trace, Relay, Events} (stream mode; Events
%% are the VM's trace messages as they came, {trace_ts, Pid, 'receive',
%% Msg, TsNs} or {trace_ts, Pid, send | send_to_non_existing_process, Msg,
%% To, TsNs}, or {beamprobe_cut, OriginalBytes, TraceMessage} for one whose
%% message was cut down) and, once, at the end,
%% {beamprobe_trace_done, Relay, Stats} with Stats a proplist.
%%
%% Cost on the node: the VM's trace messages themselves (a copy of every
%% traced message into the Relay's queue, kept off-heap), then per batch a
%% few compiled passes over the batch.  Beamprobe's own measurement: see
%% bench/bench_trace.sh.
Parent = self(),
Deadline = erlang:monotonic_time(millisecond) + DurationMs,
Grace = 2000,
%% Milliseconds the Relay waits after a small batch before reading again.
Pace = 100,
UseSession = code:ensure_loaded(trace) =:= {module, trace} andalso
    erlang:function_exported(trace, session_create, 3),
Fast = erlang:function_exported(prim_eval, 'receive', 2),
AllFlags = [monotonic_timestamp | Flags],
%% Remove the trace: destroy the session, or clear the flags set here on
%% every target whose tracer is still Tracer (or none, the VM having
%% cleared it when the tracer died).  Never touches another tool's trace.
MkUntrace =
    fun(undefined, Tracer) ->
            fun() ->
                    [try erlang:trace_info(P, tracer) of
                         {tracer, T} when T =:= Tracer; T =:= [] ->
                             erlang:trace(P, false, AllFlags);
                         _ -> 0
                     catch _:_ -> 0
                     end || P <- Pids],
                    ok
            end;
       (Session, _) ->
            fun() -> try trace:session_destroy(Session) catch _:_ -> ok end, ok end
    end,
%% A message cut down to a bounded shape: at most 16 elements per level,
%% 4 levels, binaries to 256 bytes; the atom '...' marks what was left out.
Cut = fun Cut(_, D) when D =< 0 -> '...';
          Cut(X, D) when is_tuple(X) ->
              L = [Cut(E, D - 1) || E <- lists:sublist(tuple_to_list(X), 16)],
              list_to_tuple(case tuple_size(X) > 16 of true -> L ++ ['...']; false -> L end);
          Cut(X, D) when is_list(X) ->
              Walk = fun W([_ | _], 0, Acc) -> {lists:reverse(Acc), true};
                         W([H | T], N, Acc) -> W(T, N - 1, [Cut(H, D - 1) | Acc]);
                         W([], _, Acc) -> {lists:reverse(Acc), false};
                         W(Tail, _, Acc) -> {lists:foldl(fun(E, A) -> [E | A] end,
                                                         Cut(Tail, D - 1), Acc), false}
                     end,
              case Walk(X, 16, []) of
                  {L, true} -> L ++ ['...'];
                  {L, false} -> L
              end;
          Cut(X, D) when is_map(X) ->
              TakeP = fun Tk(_, 0, Acc) -> Acc;
                         Tk(I, N, Acc) ->
                             case maps:next(I) of
                                 none -> Acc;
                                 {K, V, I2} -> Tk(I2, N - 1, [{Cut(K, D - 1), Cut(V, D - 1)} | Acc])
                             end
                     end,
              Pairs = TakeP(maps:iterator(X), 16, []),
              M0 = maps:from_list(Pairs),
              M1 = case X of
                       #{'__struct__' := S} -> M0#{'__struct__' => S};
                       _ -> M0
                   end,
              case map_size(X) > map_size(M1) of
                  true -> M1#{'...' => map_size(X) - map_size(M1)};
                  false -> M1
              end;
          Cut(X, _) when is_binary(X), byte_size(X) > 256 -> binary:part(X, 0, 256);
          Cut(X, _) when is_bitstring(X), bit_size(X) > 2048 -> '...';
          Cut(X, _) -> X
      end,
Shrink = fun(E) when is_tuple(E), tuple_size(E) >= 5 ->
                 case erlang:external_size(E) of
                     Sz when Sz > MaxBytes ->
                         Msg = element(4, E),
                         M1 = Cut(Msg, 4),
                         M2 = case erlang:external_size(M1) > 4 * MaxBytes of
                                  true -> Cut(Msg, 2);
                                  false -> M1
                              end,
                         M3 = case erlang:external_size(M2) > 4 * MaxBytes of
                                  true -> '...';
                                  false -> M2
                              end,
                         {beamprobe_cut, Sz, setelement(4, E, M3)};
                     _ -> E
                 end;
            (E) -> E
         end,
%% The message types of raw trace messages ({trace_ts, Pid, 'receive', Msg,
%% Ts} and {trace_ts, Pid, send, Msg, To, Ts}), in one compiled pass.
ClassOf = fun(Head, Guards, Body) ->
                  [{erlang:make_tuple(5, '_', [{1, trace_ts}, {4, Head}]), Guards, Body},
                   {erlang:make_tuple(6, '_', [{1, trace_ts}, {4, Head}]), Guards, Body}]
          end,
ClassMS = ets:match_spec_compile(
            ClassOf(#{'__struct__' => '$1'}, [{is_atom, '$1'}], [{{struct, '$1'}}]) ++
            ClassOf('$1', [{is_tuple, '$1'}, {'>', {size, '$1'}, 0}, {is_atom, {element, 1, '$1'}}],
                    [{{tag, {element, 1, '$1'}}}]) ++
            ClassOf('$1', [{is_atom, '$1'}], [{{atom, '$1'}}]) ++
            ClassOf('$1', [{is_map, '$1'}], [map]) ++
            ClassOf('$1', [{is_binary, '$1'}], [binary]) ++
            ClassOf('$1', [{is_list, '$1'}], [list]) ++
            ClassOf('_', [], [other])),
CtlMS = ets:match_spec_compile(
          [{stop, [], ['$_']},
           {{'DOWN', '_', process, '_', '_'}, [], ['$_']},
           {{trace_delivered, '_', '_'}, [], ['$_']}]),
MatchMS = case Match of
              undefined -> undefined;
              _ -> ets:match_spec_compile(Match)
          end,
%% Counts of equal keys, compiled: sort, mark the last of each run, keep
%% {Key, EndIndex} and subtract neighbours.
CountRuns = fun([]) -> [];
               (Keys) ->
                    Sorted = lists:sort(Keys),
                    N = length(Sorted),
                    Last = lists:zipwith(fun erlang:'=/='/2, Sorted, tl(Sorted) ++ [make_ref()]),
                    Ends = proplists:get_all_values(true, lists:zip(Last, lists:zip(Sorted, lists:seq(1, N)))),
                    Idx = [I || {_, I} <- Ends],
                    lists:zip([K || {K, _} <- Ends],
                              lists:zipwith(fun erlang:'-'/2, Idx, [0 | lists:droplast(Idx)]))
            end,
Wrap = fun gb_sets:singleton/1,
%% The per-batch path below is written for erl_eval: choices are made once
%% (funs picked by Fast, Mode, Match) or by clause heads and maps:get/2,
%% rarely by `case`, whose bindings erl_eval merges back at every use.
%%
%% Take(Timeout, Limit): up to Limit messages from the Relay's own mailbox,
%% waiting at most Timeout ms for the first; {Messages, QueueLenBefore}
%% (MaxQueue + 1 when the Relay's memory, queue included, is over
%% MaxMemory: a few huge messages are as bad as many small ones).
TakeFirst = case Fast of
                true -> fun(Timeout) -> prim_eval:'receive'(Wrap, Timeout) end;
                false -> fun(Timeout) -> receive M1st -> Wrap(M1st) after Timeout -> timeout end end
            end,
TakeRest = case Fast of
               true -> fun(K) -> lists:zipwith(fun prim_eval:'receive'/2, lists:duplicate(K, Wrap),
                                               lists:duplicate(K, 0))
                       end;
               false -> fun(K) -> [receive MNext -> Wrap(MNext) after 0 -> Wrap(timeout) end
                                   || _ <- lists:seq(1, K)]
                        end
           end,
Gather = fun(timeout, _) -> {[], 0};
            (First, Limit) ->
                 [{message_queue_len, Q}, {memory, Mem}] =
                     erlang:process_info(self(), [message_queue_len, memory]),
                 %% A mailbox over MaxMemory counts as over MaxQueue.
                 {lists:map(fun gb_sets:smallest/1, [First | TakeRest(min(Q, Limit - 1))]),
                  maps:get(Mem > MaxMemory, #{true => MaxQueue + 1, false => Q + 1})}
         end,
Take = fun(Timeout, Limit) -> Gather(TakeFirst(Timeout), Limit) end,
%% {Control, TraceMessages}: control messages are rare, so three BIF scans
%% tell whether a batch holds any before a match specification runs.
SplitCtl = fun(false, M) -> {[], M};
              (true, M) -> C = ets:match_spec_run(M, CtlMS), {C, M -- C}
           end,
MatchRun = case MatchMS of
               undefined -> fun(L) -> L end;
               _ -> fun(L) -> ets:match_spec_run(L, MatchMS) end
           end,
AddCounts = fun(Counts, Runs) ->
                    lists:foldl(fun({K, C}, Acc) ->
                                        case Acc of
                                            #{K := C0} -> Acc#{K := C0 + C};
                                            _ when map_size(Acc) < MaxTypes -> Acc#{K => C};
                                            #{{more} := C0} -> Acc#{{more} := C0 + C};
                                            _ -> Acc#{{more} => C}
                                        end
                                end, Counts, Runs)
            end,
CutBig = fun(false, T) -> {T, 0};
            (true, T) -> O = lists:map(Shrink, T), {O, length([x || {beamprobe_cut, _, _} <- O])}
         end,
Sent = fun(ok, NT, NCut, {Sh, Dr, Tr, Co}) -> {Sh + NT, Dr, Tr + NCut, Co};
          (_, NT, _, {Sh, Dr, Tr, Co}) -> {Sh, Dr + NT, Tr, Co}
       end,
%% Emit(Taken, N, {Shown, Dropped, Cut, Counts}): count or forward the
%% events kept, returning the new totals.
Emit = case Mode of
           count ->
               fun(Taken, NT, {Sh, Dr, Tr, Co}) ->
                       {Sh + NT, Dr, Tr, AddCounts(Co, CountRuns(ets:match_spec_run(Taken, ClassMS)))}
               end;
           stream ->
               fun(_, 0, Acc) -> Acc;
                  (Taken, NT, Acc) ->
                       {Out, NCut} = CutBig(lists:max(lists:map(fun erlang:external_size/1, Taken))
                                            > MaxBytes, Taken),
                       Sent(erlang:send(Owner, {beamprobe_trace, self(), Out}, [nosuspend]),
                            NT, NCut, Acc)
               end
       end,
Janitor = erlang:spawn(
  fun() ->
    %% High priority: on a saturated node (where tracing matters most) the
    %% janitor must still enforce its deadline, and the relay keep up with
    %% its bounded work instead of starving until the deadline kills it.
    erlang:process_flag(priority, high),
    Me = self(),
    OwnerRef = erlang:monitor(process, Owner),
    RelayFun =
      fun() ->
        erlang:monitor(process, Owner),
        erlang:monitor(process, Me),
        {Session, Traced} = receive
                                {beamprobe_trace_go, Me, S0, T0} -> {S0, T0}
                            after 5000 -> exit(normal)
                            end,
        Untrace = MkUntrace(Session, self()),
        T0Ns = erlang:monotonic_time(nanosecond),
        Reds0 = element(2, erlang:process_info(self(), reductions)),
        %% State: {Seen, Shown, Dropped, AfterLimit, Filtered, Cut, Counts,
        %% WinStart, WinCount, PeakQueue, Batches}.
        St0 = {0, 0, 0, 0, 0, 0, #{}, erlang:monotonic_time(millisecond), 0, 0, 0},
        %% Apply the limits to one batch and count or forward it.  Returns
        %% {State, StopReason | undefined, Control}.
        Handle =
          fun(Msgs, Q, {Seen, Sh, Dr, After, Filt, Tr, Co, W0, WC, Peak, NB}, Stopping) ->
                  {Ctl, Events} = SplitCtl(lists:member(stop, Msgs) orelse
                                               lists:keymember('DOWN', 1, Msgs) orelse
                                               lists:keymember(trace_delivered, 1, Msgs), Msgs),
                  NEv = length(Events),
                  Now = erlang:monotonic_time(millisecond),
                  Reset = Now - W0 >= RateMs,
                  WC1 = maps:get(Reset, #{true => 0, false => WC}) + NEv,
                  %% Rate: the events past the window's budget are not
                  %% handled, and the trace stops.
                  RateOn = RateN > 0 andalso WC1 > RateN andalso Stopping =:= undefined,
                  InRate = lists:sublist(Events, maps:get(RateOn, #{true => max(0, RateN - (WC1 - NEv)),
                                                                    false => NEv})),
                  NIn = length(InRate),
                  Matched = MatchRun(InRate),
                  NM = length(Matched),
                  Budget = max(0, Max - Sh - Dr),
                  Taken = lists:sublist(Matched, Budget),
                  NT = length(Taken),
                  {Sh1, Dr1, Tr1, Co1} = Emit(Taken, NT, {Sh, Dr, Tr, Co}),
                  Why = [maps:get(RateOn, #{true => rate, false => undefined}),
                         maps:get(Q > MaxQueue, #{true => overload, false => undefined}),
                         maps:get(NM >= Budget, #{true => max, false => undefined}),
                         maps:get(Now >= Deadline, #{true => duration, false => undefined})],
                  {{Seen + NEv, Sh1, Dr1, After + (NEv - NIn) + (NM - NT), Filt + (NIn - NM), Tr1,
                    Co1, maps:get(Reset, #{true => Now, false => W0}), WC1, max(Peak, Q), NB + 1},
                   hd((Why -- [undefined, undefined, undefined, undefined]) ++ [undefined]), Ctl}
          end,
        %% The first control message decides, else the limit's reason.
        CtlWhy = fun CW([], Why) -> Why;
                     CW([stop | _], _) -> stop;
                     CW([{'DOWN', _, process, P, _} | _], _) when P =:= Owner -> owner_down;
                     CW([{'DOWN', _, process, P, _} | _], _) when P =:= Me -> janitor_down;
                     CW([_ | T], Why) -> CW(T, Why)
                 end,
        Final = fun(Reason, {Seen, Shown, Dropped, After, Filt, Trunc, Counts, _, _, Peak, NB}) ->
                        [{reason, Reason}, {seen, Seen}, {shown, Shown}, {dropped, Dropped},
                         {after_limit, After}, {filtered, Filt}, {truncated, Trunc},
                         {counts, maps:to_list(Counts)},
                         {elapsed_ns, erlang:monotonic_time(nanosecond) - T0Ns},
                         {reductions, element(2, erlang:process_info(self(), reductions)) - Reds0},
                         {peak_queue, Peak}, {batches, NB}, {session, Session =/= undefined}]
                end,
        %% After the trace is removed.  A stop or the end of the duration
        %% keeps what the targets did before: wait until every trace message
        %% they generated has arrived (trace_delivered) and handle it.  A
        %% tripped limit (or beamprobe gone) does not: what is queued is
        %% counted as after the limit, without being read (the queue goes
        %% with the Relay), so a Relay behind a flood ends at once.
        Drain = fun(Reason, St) ->
                        Untrace(),
                        S2 = case lists:member(Reason, [stop, duration]) of
                                 true ->
                                     Refs = case length(Traced) > 100 of
                                                true -> [erlang:trace_delivered(all)];
                                                false -> [erlang:trace_delivered(P) || P <- Traced]
                                            end,
                                     End = erlang:monotonic_time(millisecond) + 1000,
                                     Loop = fun L(S, []) -> S;
                                                L(S, Pending) ->
                                                    Left = max(0, End - erlang:monotonic_time(millisecond)),
                                                    case Take(Left, Batch) of
                                                        {[], _} -> S;
                                                        {Msgs, Q} ->
                                                            Done = [R || {trace_delivered, _, R}
                                                                             <- ets:match_spec_run(Msgs, CtlMS)],
                                                            L(element(1, Handle(Msgs, Q, S, Reason)),
                                                              Pending -- Done)
                                                    end
                                            end,
                                     Loop(St, Refs);
                                 false ->
                                     {message_queue_len, QL} =
                                         erlang:process_info(self(), message_queue_len),
                                     setelement(4, setelement(1, St, element(1, St) + QL),
                                                element(4, St) + QL)
                             end,
                        case Reason of
                            owner_down -> ok;
                            _ -> Owner ! {beamprobe_trace_done, self(), Final(Reason, S2)}
                        end
                end,
        %% The loop: wait for a batch, handle it, stop or go on.  After a
        %% small batch it naps, so that the next one grows and the per-batch
        %% work is amortised: Pace ms at most, in 10 ms steps, ending as soon
        %% as a quarter of Batch is waiting.
        Nap = fun NP(T) when T =< 0 -> ok;
                  NP(T) ->
                      timer:sleep(min(10, T)),
                      {message_queue_len, L} = erlang:process_info(self(), message_queue_len),
                      NP(maps:get(L >= Batch div 4, #{true => 0, false => T - 10}))
              end,
        Run = fun R(wait, St) ->
                      Left = max(0, Deadline - erlang:monotonic_time(millisecond)),
                      R({got, Take(min(Left, 1000), Batch), Left}, St);
                  R({got, {[], _}, 0}, St) ->
                      Drain(duration, St);
                  R({got, {[], _}, _}, St) ->
                      R(wait, St);
                  R({got, {Msgs, Q}, Left}, St) ->
                      {St1, Why, Ctl} = Handle(Msgs, Q, St, undefined),
                      R({next, CtlWhy(Ctl, Why), length(Msgs), Left}, St1);
                  R({next, undefined, N, Left}, St) when N < Batch div 4 ->
                      Nap(min(Pace, Left)),
                      R(wait, St);
                  R({next, undefined, _, _}, St) ->
                      R(wait, St);
                  R({next, Why, _, _}, St) ->
                      Drain(Why, St)
              end,
        Run(wait, St0)
      end,
    {Relay, RelayRef} = erlang:spawn_opt(RelayFun,
                                         [monitor, {message_queue_data, off_heap},
                                          {priority, high},
                                          {max_heap_size, #{size => HeapWords, kill => true,
                                                            error_logger => false}}]),
    Live = [P || P <- Pids, is_pid(P), node(P) =:= node(), P =/= Relay, P =/= Me,
                 P =/= Parent, erlang:is_process_alive(P)],
    Dead = Pids -- Live,
    Setup =
      case {Live, UseSession} of
          {[], _} -> {error, no_targets};
          {_, true} ->
              try
                  S = trace:session_create(beamprobe, Relay, []),
                  SSet = [{P, try trace:process(S, P, true, AllFlags) catch error:badarg -> 0 end}
                          || P <- Live],
                  {ok, S, [P || {P, 1} <- SSet]}
              catch C1:E1 -> {error, {failed, {C1, E1}}}
              end;
          {_, false} ->
              Busy = [{P, T} || P <- Live,
                                {tracer, T} <- [try erlang:trace_info(P, tracer)
                                                catch _:_ -> {tracer, []} end],
                                T =/= []],
              case Busy of
                  [{P, T} | _] -> {error, {tracer_exists, P, T}};
                  [] ->
                      Set = [{P, try erlang:trace(P, true, [{tracer, Relay} | AllFlags])
                                 catch error:badarg -> 0 end} || P <- Live],
                      {ok, undefined, [P || {P, 1} <- Set]}
              end
      end,
    case Setup of
        {error, Why} ->
            erlang:exit(Relay, kill),
            Parent ! {beamprobe_trace_failed, Me, Why};
        {ok, Session, Traced} ->
            Untrace = MkUntrace(Session, Relay),
            Relay ! {beamprobe_trace_go, Me, Session, Traced},
            Parent ! {beamprobe_trace_started, Me, Relay,
                      {Traced, Pids -- Traced, erlang:monotonic_time(nanosecond),
                       erlang:system_time(nanosecond), Session =/= undefined}},
            Watch = fun W() ->
                            receive
                                {'DOWN', RelayRef, process, Relay, normal} ->
                                    Untrace();
                                {'DOWN', RelayRef, process, Relay, Why} ->
                                    Untrace(),
                                    Owner ! {beamprobe_trace_done, Relay,
                                             [{reason, relay_died}, {exit, Why}]};
                                {'DOWN', OwnerRef, process, Owner, _} ->
                                    Untrace(),
                                    erlang:exit(Relay, kill)
                            after 500 ->
                                    {Q, Mem} = case erlang:process_info(Relay, [message_queue_len, memory]) of
                                                   [{message_queue_len, L}, {memory, M}] -> {L, M};
                                                   _ -> {0, 0}
                                               end,
                                    Over = erlang:monotonic_time(millisecond) > Deadline + Grace,
                                    case Q > 4 * MaxQueue orelse Mem > 4 * MaxMemory orelse Over of
                                        true ->
                                            Untrace(),
                                            erlang:exit(Relay, kill),
                                            Owner ! {beamprobe_trace_done, Relay,
                                                     [{reason, case Over of
                                                                   true -> janitor_deadline;
                                                                   false -> overload
                                                               end}]};
                                        false -> W()
                                    end
                            end
                    end,
            Watch()
    end
  end),
receive
    {beamprobe_trace_started, Janitor, Relay, {Traced, Dead, MonoNs, SysNs, Sess}} ->
        {ok, Relay, Janitor, Traced, Dead, MonoNs, SysNs, Sess};
    {beamprobe_trace_failed, Janitor, Why} ->
        {error, Why}
after 5000 ->
        erlang:exit(Janitor, kill),
        {error, timeout}
end
