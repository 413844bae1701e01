%% SPDX-License-Identifier: Apache-2.0
%% telemetry_list: the handlers attached on the node, through telemetry's
%% public list_handlers/1 (an empty prefix lists them all), so the events
%% worth relaying can be found.  Prefix segments whose atoms do not exist
%% match nothing (no atom is created).
%%
%% Inputs: Prefix ([binary()]), Max (at most this many handlers returned).
%% Cost: one match over telemetry's handler table.  Result: {ok, Total,
%% [{EventName, HandlerId, Function}]} | {error, no_telemetry}.
case code:which(telemetry) of
    non_existing ->
        {error, no_telemetry};
    _ ->
        Atoms = [try binary_to_existing_atom(B, utf8) catch error:badarg -> missing end
                 || B <- Prefix],
        case lists:member(missing, Atoms) of
            true ->
                {ok, 0, []};
            false ->
                Hs = telemetry:list_handlers(Atoms),
                Get = fun(H, K1, K2) -> maps:get(K1, H, maps:get(K2, H, undefined)) end,
                Rows = [{maps:get(event_name, H, undefined), Get(H, id, handler_id),
                         maps:get(function, H, undefined)} || H <- Hs, is_map(H)],
                {ok, length(Rows), lists:sublist(lists:sort(Rows), Max)}
        end
end
