%% SPDX-License-Identifier: Apache-2.0
%% telemetry_attach: relay telemetry events to beamprobe, with limits, and
%% detach on every exit path.
%%
%% Only telemetry's public API is used (attach/4, detach/1), so this works
%% unchanged against the real library and the demo's stand-in.
%%
%% Structure:
%%
%%   emitting process --handler--> ETS table <--every BatchMs-- Relay --> beamprobe
%%
%%   - Handler (one per event, ids {beamprobe, Owner, Ref, Slot}): runs in
%%     the emitting process, so it is minimal: one atomics:add_get/3 on the
%%     event's counter and, while the counter is within the per-second limit
%%     Rate, one ets:insert/2 of {{SystemTimeUs, Slot, N}, Measurements,
%%     Metadata}.  Above the limit an event costs the atomic add only and is
%%     just counted (measured: ~4.6 us per event over the limit, ~15 us
%%     within it, interpretation included).  It is an erl_eval fun: nothing is loaded (the real
%%     telemetry logs once, at info level, that a local fun was attached).
%%   - Relay: owns the table (public, ordered by time) and the counters.
%%     Every BatchMs it takes what the handlers stored with compiled ETS
%%     calls - never one receive per event - trims metadata (at most
%%     MetaBytes of external size, else only its keys), and sends one batch
%%     to Owner with erlang:send/3 [nosuspend], counting what it could not
%%     send; a backlog beyond 50,000 events is dropped, so the table stays
%%     bounded; every second it resets the counters, keeping exact per-event
%%     totals.  It stops after Max forwarded events (0: no limit).
%%   - Detach: the relay detaches every handler when beamprobe says stop,
%%     when beamprobe's pid goes down (closed, killed, lost connection: its
%%     monitor fires), after Max events, or after MaxMs at the latest.  If
%%     the relay itself is killed, its table goes with it, and the next
%%     event makes the handler fail, which telemetry answers by detaching
%%     it: no path leaves a working handler behind.
%%
%% Event names arrive as lists of binaries and become atoms only if those
%% atoms exist: an event whose name has an unknown atom cannot be emitted by
%% any loaded code, and no atom is created for it.
%%
%% Inputs: Owner, Events ([[binary()]]), Max, Rate (events per second per
%% event; 0: no limit), MaxMs, Meta (all | none | {key, binary()}),
%% MetaBytes, BatchMs, HeapWords (the relay's max_heap_size).
%% Result: {ok, Relay, KnownIdx, Missing} | {error, Reason} with Reason
%% no_telemetry | {unknown_events, Missing} | {unknown_key, Bin} |
%% {attach, Term}.  Messages to Owner: {beamprobe_telemetry, Relay, Seq,
%% Final, [{{SystemTimeUs, Slot, N}, Measurements, Metadata}],
%% [TotalSeen_Slot], Lost}.
%% (A plain match and a boolean case, not a guard: a failing guard costs
%% erl_eval about 100 us, the boolean test about 4 us.)
HandlerAll = fun(_, M, Md, {T, A, I, Lim, _}) ->
                     N = atomics:add_get(A, I, 1),
                     case N =< Lim of
                         true -> ets:insert(T, {{erlang:system_time(microsecond), I, N}, M, Md});
                         false -> true
                     end
             end,
HandlerNone = fun(_, M, _, {T, A, I, Lim, _}) ->
                      N = atomics:add_get(A, I, 1),
                      case N =< Lim of
                          true -> ets:insert(T, {{erlang:system_time(microsecond), I, N}, M, #{}});
                          false -> true
                      end
              end,
HandlerKey = fun(_, M, Md, {T, A, I, Lim, K}) ->
                     N = atomics:add_get(A, I, 1),
                     case N =< Lim of
                         true ->
                             ets:insert(T, {{erlang:system_time(microsecond), I, N}, M,
                                            #{K => maps:get(K, Md, undefined)}});
                         false -> true
                     end
             end,
Resolve = fun(B) -> try binary_to_existing_atom(B, utf8) catch error:badarg -> {missing, B} end end,
Names = [[Resolve(Seg) || Seg <- Ev0] || Ev0 <- Events],
Indexed = lists:zip(lists:seq(1, length(Names)), Names),
Known = [{Ki, Kn} || {Ki, Kn} <- Indexed, lists:all(fun erlang:is_atom/1, Kn)],
Missing = [lists:nth(Mi, Events) || {Mi, Mn} <- Indexed, not lists:all(fun erlang:is_atom/1, Mn)],
MetaKey = case Meta of
              {key, KB} -> Resolve(KB);
              _ -> undefined
          end,
Handler = case Meta of
              all -> HandlerAll;
              none -> HandlerNone;
              _ -> HandlerKey
          end,
case {code:which(telemetry), Known, MetaKey} of
    {non_existing, _, _} ->
        {error, no_telemetry};
    {_, [], _} ->
        {error, {unknown_events, Missing}};
    {_, _, {missing, MB}} ->
        {error, {unknown_key, MB}};
    _ ->
        Parent = self(),
        NK = length(Known),
        Relay =
            erlang:spawn_opt(
              fun() ->
                      Me = self(),
                      OMon = erlang:monitor(process, Owner),
                      _ = erlang:send_after(MaxMs, Me, beamprobe_time_limit),
                      Tab = ets:new(beamprobe_telemetry, [ordered_set, public,
                                                          {write_concurrency, true}]),
                      Counters = atomics:new(NK, [{signed, false}]),
                      Ref = erlang:make_ref(),
                      Slots = lists:seq(1, NK),
                      Ids = [{beamprobe, Owner, Ref, Slot} || Slot <- Slots],
                      Detach = fun() -> [catch telemetry:detach(HId) || HId <- Ids], ok end,
                      Lim = case Rate of 0 -> 1 bsl 62; _ -> Rate end,
                      Trim = case Meta of
                                 all ->
                                     fun(Md) ->
                                             case erlang:external_size(Md) =< MetaBytes of
                                                 true -> Md;
                                                 false when is_map(Md) -> {truncated, maps:keys(Md)};
                                                 false -> truncated
                                             end
                                     end;
                                 _ -> fun(Md) -> Md end
                             end,
                      Totals = fun(Acc) -> [element(Ti, Acc) + atomics:get(Counters, Ti)
                                            || Ti <- Slots] end,
                      %% Take at most Room stored events, oldest first, and
                      %% delete them with one compiled call (keys up to the
                      %% last one taken).  A backlog beyond MaxBacklog is
                      %% dropped, so the table stays bounded whatever the
                      %% rate (the counters still count every event).
                      MaxBacklog = 50000,
                      Take = fun(Room) ->
                                     case ets:select(Tab, [{'_', [], ['$_']}], max(1, Room)) of
                                         {Objs, _} ->
                                             {Last, _, _} = lists:last(Objs),
                                             ets:select_delete(
                                               Tab, [{{'$1', '_', '_'},
                                                      [{'=<', '$1', {const, Last}}], [true]}]),
                                             case ets:info(Tab, size) > MaxBacklog of
                                                 true -> ets:delete_all_objects(Tab);
                                                 false -> true
                                             end,
                                             case Meta of
                                                 all -> [{K, Ms, Trim(Md)} || {K, Ms, Md} <- Objs];
                                                 _ -> Objs
                                             end;
                                         _ -> []
                                     end
                             end,
                      Send = fun(Seq, Final, Evs, Acc, Lost) ->
                                     Msg = {beamprobe_telemetry, Me, Seq, Final, Evs, Totals(Acc),
                                            Lost},
                                     case erlang:send(Owner, Msg, [nosuspend]) of
                                         nosuspend -> Lost + length(Evs);
                                         _ -> Lost
                                     end
                             end,
                      Finish = fun(Seq, Fwd, Acc, Lost) ->
                                       Detach(),
                                       Room = case Max of 0 -> 100000; _ -> Max - Fwd end,
                                       _ = Send(Seq, true, Take(Room), Acc, Lost),
                                       exit(normal)
                               end,
                      Attach = fun(J, {_, EvName}) ->
                                       try telemetry:attach(lists:nth(J, Ids), EvName, Handler,
                                                            {Tab, Counters, J, Lim, MetaKey}) of
                                           ok -> ok;
                                           Other -> {error, Other}
                                       catch
                                           C:Why -> {error, {C, Why}}
                                       end
                               end,
                      Results = lists:zipwith(Attach, Slots, Known),
                      case [Err || {error, Err} <- Results] of
                          [] -> Parent ! {beamprobe_tm_ready, Me, ok};
                          [Err | _] ->
                              Detach(),
                              Parent ! {beamprobe_tm_ready, Me, {error, {attach, Err}}},
                              exit(normal)
                      end,
                      Loop =
                          fun L(Fwd, Lost, Acc, NextWin, Seq) ->
                                  receive
                                      stop -> Finish(Seq, Fwd, Acc, Lost);
                                      beamprobe_time_limit -> Finish(Seq, Fwd, Acc, Lost);
                                      {'DOWN', OMon, process, _, _} ->
                                          Detach(),
                                          exit(normal)
                                  after BatchMs ->
                                          Now = erlang:monotonic_time(millisecond),
                                          {Acc1, NextWin1} =
                                              case Now >= NextWin of
                                                  true ->
                                                      {list_to_tuple(
                                                         [element(Ri, Acc) +
                                                              atomics:exchange(Counters, Ri, 0)
                                                          || Ri <- Slots]),
                                                       Now + 1000};
                                                  false -> {Acc, NextWin}
                                              end,
                                          Room = case Max of 0 -> 5000; _ -> min(5000, Max - Fwd) end,
                                          Evs = Take(Room),
                                          Fwd1 = Fwd + length(Evs),
                                          case Max > 0 andalso Fwd1 >= Max of
                                              true ->
                                                  Detach(),
                                                  _ = Send(Seq, true, Evs, Acc1, Lost),
                                                  exit(normal);
                                              false ->
                                                  Lost1 = Send(Seq, false, Evs, Acc1, Lost),
                                                  L(Fwd1, Lost1, Acc1, NextWin1, Seq + 1)
                                          end
                                  end
                          end,
                      Loop(0, 0, erlang:make_tuple(NK, 0),
                           erlang:monotonic_time(millisecond) + 1000, 1)
              end,
              [{max_heap_size, #{size => HeapWords, kill => true, error_logger => false}}]),
        receive
            {beamprobe_tm_ready, Relay, ok} ->
                {ok, Relay, [Oi || {Oi, _} <- Known], Missing};
            {beamprobe_tm_ready, Relay, Err2} ->
                Err2
        after 5000 ->
                erlang:exit(Relay, kill),
                {error, {attach, timeout}}
        end
end
