%% lasso_pubsub: PubSub on OTP `pg', delivering as Phoenix.PubSub's PG2
%% adapter does (lasso-target.md §0 item 6, §5.2), and the per-node
%% dispatcher process `lasso_pubsub'.
%%
%% Subscribers join the pg group named by the topic in scope `lasso_pg'.
%% broadcast/2 runs in the caller: it sends the message to every local
%% subscriber itself, then sends one {forward_to_local, Topic, Msg} to the
%% `lasso_pubsub' server of each other node that has subscribers, and that
%% server fans the message out on its node. This server is therefore the
%% "dispatcher" that backs up under remote traffic (bottleneck #3). With the
%% knob dispatch = direct, the caller instead sends to every subscriber in the
%% cluster itself. 'Elixir.Phoenix.PubSub' is the public face of this module.
-module(lasso_pubsub).
-behaviour(gen_server).

-export([scope/0, subscribe/1, unsubscribe/1, broadcast/2, broadcast/3,
         local_broadcast/3]).
-export([start_link/0]).
-export([init/1, handle_call/3, handle_cast/2, handle_info/2]).

-define(SCOPE, lasso_pg).

scope() -> ?SCOPE.

subscribe(Topic) when is_binary(Topic) ->
    pg:join(?SCOPE, Topic, self()).

unsubscribe(Topic) when is_binary(Topic) ->
    _ = pg:leave(?SCOPE, Topic, self()),
    ok.

broadcast(Topic, Msg) ->
    broadcast(Topic, Msg, none).

%% Exclude is a pid that must not receive the message (broadcast_from), or none.
broadcast(Topic, Msg, Exclude) when is_binary(Topic) ->
    case application:get_env(lasso_target, dispatch, phoenix) of
        phoenix ->
            local_broadcast(Topic, Msg, Exclude),
            forward_to_remote_nodes(Topic, Msg);
        direct ->
            send_all(pg:get_members(?SCOPE, Topic), Msg, Exclude)
    end.

local_broadcast(Topic, Msg, Exclude) ->
    send_all(pg:get_local_members(?SCOPE, Topic), Msg, Exclude).

%% ---------------------------------------------------------------- server

start_link() ->
    gen_server:start_link({local, ?MODULE}, ?MODULE, [], []).

init([]) ->
    {ok, nostate}.

handle_call(_Request, _From, State) ->
    {reply, {error, unknown_call}, State}.

handle_cast(_Msg, State) ->
    {noreply, State}.

handle_info({forward_to_local, Topic, Msg}, State) ->
    lasso_stats:incr(pubsub_forwarded),
    local_broadcast(Topic, Msg, none),
    {noreply, State};
handle_info(_Msg, State) ->
    {noreply, State}.

%% ---------------------------------------------------------------- internal

forward_to_remote_nodes(Topic, Msg) ->
    case nodes() of
        [] ->
            ok;
        _ ->
            Self = node(),
            Nodes = lists:usort([node(P) || P <- pg:get_members(?SCOPE, Topic),
                                            node(P) =/= Self]),
            lists:foreach(fun(N) -> {?MODULE, N} ! {forward_to_local, Topic, Msg} end,
                          Nodes)
    end.

send_all(Pids, Msg, Exclude) ->
    lists:foreach(fun(P) when P =:= Exclude -> ok;
                     (P) -> P ! Msg
                  end, Pids).
