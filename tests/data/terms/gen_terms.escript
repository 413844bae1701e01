#!/usr/bin/env escript
%%! +pc unicode
%% SPDX-License-Identifier: Apache-2.0
%%
%% gen_terms.escript - regenerate the recorded external-format terms used
%% by tests/unit/test_term_print.c (and the term_decode fuzz seeds).
%%
%% Usage (from the repository root):
%%   escript tests/data/terms/gen_terms.escript tests/data/terms
%% Writes NAME.bin (term_to_binary output, version byte included) for each
%% term below and prints NAME<TAB>io_lib:format("~0tp", [T]) for review.
%% The pids, refs and ports differ on every run, so golden.txt (expected
%% prints, maintained by hand from the .erl.txt and Elixir's inspect) must
%% be updated whenever the .bin files are regenerated.
main([Dir]) ->
    io:setopts([{encoding, unicode}]),
    Self = self(),
    Worker = spawn(fun() ->
                           put(role, aggregator),
                           register(lasso_agg_default, self()),
                           Self ! ready,
                           receive stop -> ok end
                   end),
    receive ready -> ok end,
    Worker ! {tick, 1},
    timer:sleep(10),
    Decision = #{'__struct__' => 'Elixir.Lasso.Events.RoutingDecision',
                 ts => 1700000000000, request_id => <<"req_1">>, profile => <<"default">>,
                 source_node => 'lasso1@127.0.0.1', source_region => <<"us-west-2">>,
                 chain => <<"ethereum_mainnet">>, method => <<"eth_getBlockByNumber">>,
                 strategy => <<"fastest_responder">>, provider_id => <<"alchemy_primary">>,
                 transport => http, duration_ms => 42, result => success, failover_count => 0},
    Free = [a, b],
    Add = 7,
    Terms =
        [{process_info, process_info(Worker), []},
         {process_info_items,
          process_info(Worker, [message_queue_len, memory, heap_size, total_heap_size,
                                reductions, current_stacktrace, messages]), []},
         {routing_decision, Decision, []},
         {trace_receive, {trace, Worker, 'receive', Decision}, []},
         {trace_send, {trace, Worker, send, {forward_to_local, <<"routing:decisions:default">>, Decision}, Self}, []},
         {ids, [self(), make_ref(), hd(erlang:ports()), fun lists:map/2,
                fun(X) -> X + Add + length(Free) end,
                fun 'Elixir.Enum':map/2], []},
         {numbers, [0, 255, 256, -1, 2147483647, -2147483648, 1 bsl 40, 1 bsl 63,
                    -(1 bsl 63), (1 bsl 63) - 1, 1 bsl 64, -(1 bsl 100), 3 bsl 2100,
                    0.1, 1.0e100, -0.0, 5.0e-324, 1.7976931348623157e308, 123456789.0,
                    1.0e15, 1.0e16, 1.5e-5], []},
         {float_ext, [1.5, -0.1, 1.0e-300], [{minor_version, 0}]},
         {atoms_latin1, [ok, 'Elixir.Foo.Bar', 'foo bar', list_to_atom([233]), '',
                         true, nil, 'after', list_to_atom([16#3b1])], []},
         {atoms_utf8, [ok, list_to_atom([233]), list_to_atom([16#3b1])], [{minor_version, 2}]},
         {strings, ["abc", <<"abc">>, <<"é"/utf8>>, <<1,2,3>>, <<1,2:3>>, "", <<>>,
                    [1000], "a\nb\"c", lists:seq(1, 300), [{a, 1}], [1|2], [a,b|c],
                    <<"a#{b}">>], []},
         {maps, [#{}, #{a => 1}, #{<<"k">> => 1, a => 2},
                 maps:from_list([{I, I * I} || I <- lists:seq(1, 40)]),
                 #{'__struct__' => foo, a => 1}, #{{1, 2} => [x]}], []}],
    lists:foreach(
      fun({Name, T, Opts}) ->
              Base = filename:join(Dir, atom_to_list(Name)),
              ok = file:write_file(Base ++ ".bin", term_to_binary(T, Opts)),
              io:format("~s\t~ts~n", [Name, io_lib:format("~0tp", [T])])
      end, Terms),
    Worker ! stop.
