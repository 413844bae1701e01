%% lasso_target_cli: the client half of demo/bin/lasso-target and
%% demo/bin/lasso-cluster (lasso-target.md §5.6). It is not part of the
%% running target: the scripts run it in a short-lived hidden node,
%%
%%   erl -noshell -hidden -sname X -pa EBIN -run lasso_target_cli main CMD NODE ...
%%
%% and it talks to the target over distribution. If LASSO_TARGET_COOKIE_FILE
%% names a file, the cookie for NODE is read from it and handed to
%% erlang:set_cookie/2, never printed; otherwise the default cookie applies.
%% NODE without a host part gets this node's host. Every command halts with
%% 0 on success and 1 on failure.
%%
%%   wait NODE TIMEOUT_MS           until lasso_ctl runs; prints "NODE OSPID"
%%   stop NODE                      prints the target's OS pid, then init:stop
%%   truth NODE                     prints lasso_ctl:truth()
%%   call NODE MOD FUN ARGS         prints apply(MOD, FUN, ARGS); ARGS is a term
%%   wait_nodes NODE N TIMEOUT_MS   until NODE sees N other nodes
%%   watch NODE SECONDS             one line of ground truth per second
-module(lasso_target_cli).

-export([main/1]).

-define(RPC_TIMEOUT, 15000).
-define(EPMD_GRACE_MS, 2000).     % time a starting node gets to register

main([Cmd, NodeArg | Args]) ->
    Node = node_name(NodeArg),
    Status = try
                 ok = cookie(Node, os:getenv("LASSO_TARGET_COOKIE_FILE", "")),
                 run(Cmd, Node, Args)
             catch
                 throw:{fail, Fmt, FmtArgs} ->
                     io:format(standard_error, "lasso-target: " ++ Fmt ++ "~n", FmtArgs),
                     1
             end,
    erlang:halt(Status);
main(_) ->
    io:format(standard_error, "lasso_target_cli: bad arguments~n", []),
    erlang:halt(2).

run("wait", Node, [TimeoutMs]) ->
    Start = now_ms(),
    Booted = fun() ->
                     case rpc:call(Node, erlang, whereis, [lasso_ctl], ?RPC_TIMEOUT) of
                         Pid when is_pid(Pid) ->
                             true;
                         _ ->
                             %% a node that halts during boot leaves epmd at once
                             now_ms() - Start < ?EPMD_GRACE_MS orelse in_epmd(Node)
                                 orelse fail("node ~s exited during boot", [Node]),
                             false
                     end
             end,
    wait_until(Start + list_to_integer(TimeoutMs), Booted, "node ~s did not come up", [Node]),
    io:format("~s ~s~n", [Node, rpc(Node, os, getpid, [])]),
    0;
run("stop", Node, []) ->
    case net_adm:ping(Node) of
        pong ->
            OsPid = rpc(Node, os, getpid, []),
            ok = rpc(Node, init, stop, []),
            io:format("~s~n", [OsPid]),
            0;
        pang ->
            fail("node ~s is not reachable", [Node])
    end;
run("truth", Node, []) ->
    io:format("~p~n", [rpc(Node, lasso_ctl, truth, [])]),
    0;
run("call", Node, [Mod, Fun, ArgsText]) ->
    Args = parse_term(ArgsText),
    is_list(Args) orelse fail("ARGS must be a list: ~s", [ArgsText]),
    io:format("~p~n", [rpc(Node, list_to_atom(Mod), list_to_atom(Fun), Args)]),
    0;
run("wait_nodes", Node, [N, TimeoutMs]) ->
    Want = list_to_integer(N),
    Connected = fun() ->
                        case rpc:call(Node, erlang, nodes, [], ?RPC_TIMEOUT) of
                            Nodes when is_list(Nodes) -> length(Nodes) >= Want;
                            {badrpc, _} -> false
                        end
                end,
    wait_until(now_ms() + list_to_integer(TimeoutMs), Connected,
               "~s does not see ~b nodes", [Node, Want]),
    0;
run("watch", Node, [Seconds]) ->
    io:format("~4s ~8s ~8s ~8s ~9s ~8s ~4s ~6s ~10s ~9s ~7s ~7s ~8s~n",
              ["t_s", "agg_q", "lv_q_min", "lv_q_max", "lv_q_sum", "pubsub_q",
               "runq", "vm_mb", "agg_heap_w", "agg_red/s", "publ/s", "agg_in/s",
               "lv_in/s"]),
    watch(Node, now_ms(), list_to_integer(Seconds), 0, undefined),
    0;
run(Cmd, _Node, _Args) ->
    fail("unknown command ~s", [Cmd]).

%% One line per second; rates are deltas between two consecutive truths.
watch(_Node, _T0, Seconds, I, _Prev) when I > Seconds ->
    ok;
watch(Node, T0, Seconds, I, Prev) ->
    sleep_until(T0 + I * 1000),
    T = rpc(Node, lasso_ctl, truth, []),
    #{liveviews := LVs, run_queue := RunQ, memory_total := Mem} = T,
    {LVMin, LVMax, LVSum} = case [Q || #{message_queue_len := Q} <- LVs] of
                                [] -> {'-', '-', '-'};
                                Qs -> {lists:min(Qs), lists:max(Qs), lists:sum(Qs)}
                            end,
    Rate = fun(Get) -> per_second(Get, T, Prev) end,
    Counter = fun(K) -> Rate(fun(#{counters := C}) -> maps:get(K, C) end) end,
    io:format("~4b ~8w ~8w ~8w ~9w ~8w ~4b ~6b ~10w ~9w ~7w ~7w ~8w~n",
              [I, field(aggregator, message_queue_len, T), LVMin, LVMax, LVSum,
               field(pubsub, message_queue_len, T), RunQ, Mem div (1024 * 1024),
               field(aggregator, total_heap_size, T),
               Rate(fun(X) -> field(aggregator, reductions, X) end),
               Counter(published), Counter(delivered_agg), Counter(delivered_lv)]),
    watch(Node, T0, Seconds, I + 1, T).

per_second(_Get, _T, undefined) ->
    '-';
per_second(Get, #{time_ms := T1} = T, #{time_ms := T0} = Prev) ->
    case {Get(T), Get(Prev)} of
        {V1, V0} when is_integer(V1), is_integer(V0) ->
            round((V1 - V0) * 1000 / max(1, T1 - T0));
        _ ->
            '-'
    end.

field(Proc, Key, Truth) ->
    case maps:get(Proc, Truth) of
        #{Key := V} -> V;
        undefined -> '-'
    end.

%% ---------------------------------------------------------------- helpers

node_name(Arg) ->
    case lists:member($@, Arg) of
        true -> list_to_atom(Arg);
        false -> list_to_atom(Arg ++ "@" ++ lists:last(string:split(atom_to_list(node()), "@")))
    end.

in_epmd(Node) ->
    [Name, Host] = string:split(atom_to_list(Node), "@"),
    case net_adm:names(Host) of
        {ok, Names} -> lists:keymember(Name, 1, Names);
        {error, _} -> false
    end.

cookie(_Node, "") ->
    ok;
cookie(Node, File) ->
    case file:read_file(File) of
        {ok, Bin} ->
            true = erlang:set_cookie(Node, binary_to_atom(string:trim(Bin))),
            ok;
        {error, Reason} ->
            fail("cannot read cookie file '~s': ~s", [File, file:format_error(Reason)])
    end.

rpc(Node, M, F, A) ->
    case rpc:call(Node, M, F, A, ?RPC_TIMEOUT) of
        {badrpc, Reason} -> fail("rpc to ~s failed: ~p", [Node, Reason]);
        Result -> Result
    end.

%% Polls Check until it returns true, failing with Fmt after Deadline.
wait_until(Deadline, Check, Fmt, Args) ->
    case Check() of
        true ->
            ok;
        false ->
            now_ms() < Deadline orelse fail(Fmt, Args),
            timer:sleep(200),
            wait_until(Deadline, Check, Fmt, Args)
    end.

parse_term(Text) ->
    case erl_scan:string(Text ++ ".") of
        {ok, Tokens, _} ->
            case erl_parse:parse_term(Tokens) of
                {ok, Term} -> Term;
                {error, _} -> fail("cannot parse term: ~s", [Text])
            end;
        {error, _, _} ->
            fail("cannot parse term: ~s", [Text])
    end.

sleep_until(Ms) ->
    timer:sleep(max(0, Ms - now_ms())).

now_ms() ->
    erlang:monotonic_time(millisecond).

fail(Fmt, Args) ->
    throw({fail, Fmt, Args}).
