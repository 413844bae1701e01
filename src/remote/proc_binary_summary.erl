%% SPDX-License-Identifier: Apache-2.0
%% proc_binary_summary: how many refc binaries Pid references, and their
%% total size, summed on the node so the list itself never crosses the wire.
%% Inputs: Pid.  Cost: process_info(Pid, binary) (a list as long as the
%% number of binaries) and one fold over it.  Result: {Count, Bytes} | undefined.
case erlang:process_info(Pid, binary) of
    {binary, Bins} ->
        {length(Bins), lists:foldl(fun({_, Size, _}, Acc) -> Size + Acc end, 0, Bins)};
    undefined ->
        undefined
end
