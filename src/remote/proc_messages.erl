%% SPDX-License-Identifier: Apache-2.0
%% proc_messages: the first Max messages of Pid, only if its queue holds at
%% most MaxQueue messages.  Inputs: Pid, Max, MaxQueue.
%% Cost: copies the mailbox (at most MaxQueue messages) into the evaluating
%% process, then keeps Max of them.  Result: {ok, Len, Msgs} | {too_long, Len}
%% | undefined.
case erlang:process_info(Pid, message_queue_len) of
    {message_queue_len, Len} when Len =< MaxQueue ->
        case erlang:process_info(Pid, messages) of
            {messages, Msgs} -> {ok, Len, lists:sublist(Msgs, Max)};
            undefined -> undefined
        end;
    {message_queue_len, Len} -> {too_long, Len};
    undefined -> undefined
end
