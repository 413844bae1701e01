%% 'Elixir.Phoenix.PubSub': the Phoenix.PubSub API the real system calls
%% (lasso-target.md §1.1, §5 decisions), over lasso_pubsub.
%%
%% Only one PubSub instance exists, 'Elixir.Lasso.PubSub', as in Lasso; any
%% other name raises badarg, as Phoenix raises for an unknown PubSub. So
%% `Phoenix.PubSub.broadcast(Lasso.PubSub, "routing:decisions:default", event)'
%% run on the target (for example over rpc) reaches the aggregator, and in
%% the flawed mode every LiveView too, with PG2-adapter semantics: local
%% subscribers directly from the caller, one forward per remote node.
-module('Elixir.Phoenix.PubSub').

-export([subscribe/2, subscribe/3, unsubscribe/2, broadcast/3,
         broadcast_from/4, local_broadcast/3]).

-define(PUBSUB, 'Elixir.Lasso.PubSub').

subscribe(?PUBSUB, Topic) when is_binary(Topic) ->
    lasso_pubsub:subscribe(Topic);
subscribe(PubSub, Topic) ->
    erlang:error(badarg, [PubSub, Topic]).

%% Options (metadata, link) have no effect here.
subscribe(PubSub, Topic, Opts) when is_list(Opts) ->
    subscribe(PubSub, Topic).

unsubscribe(?PUBSUB, Topic) when is_binary(Topic) ->
    lasso_pubsub:unsubscribe(Topic);
unsubscribe(PubSub, Topic) ->
    erlang:error(badarg, [PubSub, Topic]).

broadcast(?PUBSUB, Topic, Message) when is_binary(Topic) ->
    lasso_pubsub:broadcast(Topic, Message);
broadcast(PubSub, Topic, Message) ->
    erlang:error(badarg, [PubSub, Topic, Message]).

broadcast_from(?PUBSUB, From, Topic, Message) when is_pid(From), is_binary(Topic) ->
    lasso_pubsub:broadcast(Topic, Message, From);
broadcast_from(PubSub, From, Topic, Message) ->
    erlang:error(badarg, [PubSub, From, Topic, Message]).

local_broadcast(?PUBSUB, Topic, Message) when is_binary(Topic) ->
    lasso_pubsub:local_broadcast(Topic, Message, none);
local_broadcast(PubSub, Topic, Message) ->
    erlang:error(badarg, [PubSub, Topic, Message]).
