%% SPDX-License-Identifier: Apache-2.0
%% ui_ports: the N ports ranking highest by bytes of I/O (input + output),
%% memory or queue size, ranked on the node, with their owner.
%%
%% Inputs: Key (io | memory | queue_size), N.
%%
%% How: erlang:ports/0, then compiled passes of
%% lists:zipwith(fun erlang:port_info/2, ...); a port closed meanwhile gives
%% undefined and scores -1 (max/2 against {Item, -1}); only the top N get
%% their full port_info/1 and the owner's registered name.
%%
%% Cost on the node: one or two port_info/2 per port and a sort of the
%% port count.  Result: {PortCount, [{Port, Info, Memory, QueueSize,
%% OwnerName}]}.
Ports = erlang:ports(),
Len = length(Ports),
Dup = fun(X) -> lists:duplicate(Len, X) end,
Ints = fun(It) ->
               lists:zipwith(fun erlang:element/2, Dup(2),
                             lists:zipwith(fun erlang:max/2,
                                           lists:zipwith(fun erlang:port_info/2, Ports, Dup(It)),
                                           Dup({It, -1})))
       end,
Score = case Key of
            io -> lists:zipwith(fun erlang:'+'/2, Ints(input), Ints(output));
            _ -> Ints(Key)
        end,
Top = lists:sublist(lists:reverse(lists:sort(lists:zip(Score, Ports))), N),
Val = fun({_, V}) -> V; (_) -> undefined end,
Rows = [{P, erlang:port_info(P), Val(erlang:port_info(P, memory)),
         Val(erlang:port_info(P, queue_size)),
         case erlang:port_info(P, connected) of
             {connected, O} when is_pid(O) ->
                 case erlang:process_info(O, registered_name) of
                     {registered_name, RN} -> RN;
                     _ -> []
                 end;
             _ -> []
         end} || {S, P} <- Top, S >= 0],
{Len, [R || {_, I, _, _, _} = R <- Rows, I =/= undefined]}
