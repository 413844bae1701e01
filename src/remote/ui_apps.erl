%% SPDX-License-Identifier: Apache-2.0
%% ui_apps: the running applications and the supervision trees of those the
%% user expanded, walked with a deadline on every call, so that a hung
%% supervisor costs one timeout, never a stuck dashboard.
%%
%% Inputs: Expand (application names to walk), CallMs (deadline of each
%% call to a supervisor or application master), MaxDepth, MaxNodes (lines
%% per tree), MaxChildren (a supervisor with more children is counted, not
%% listed: a simple_one_for_one pool of 100k workers stays one line),
%% BudgetMs (for everything).
%%
%% How: the walk runs in a process of its own that is killed at BudgetMs,
%% whatever it waits for.  Applications come from
%% application:which_applications/1; the top supervisor of an application
%% from its master (application_controller:get_master/1, then
%% application_master:get_child/1 in a process killed after CallMs); children from
%% gen:call(Sup, '$gen_call', count_children | which_children, CallMs),
%% exactly what supervisor:count_children/1 and which_children/1 send,
%% with a deadline.  The walk is interpreted, bounded by MaxNodes.
%%
%% Cost on the node: one call per supervisor walked (each supervisor
%% answers from its own state), nothing per worker.
%% Result: {ok, [{App, Description, Vsn}], [{App, [Line]}]} | timeout, with
%% Line = {Depth, Id, Pid | restarting | undefined, worker | supervisor,
%% Modules, Note}, Note = ok | {children, Count} | no_answer | budget.
Parent = self(),
T0 = erlang:monotonic_time(millisecond),
Work =
    fun() ->
            Call = fun(Sup, Req) ->
                           try gen:call(Sup, '$gen_call', Req, CallMs) of
                               {ok, R} -> {ok, R}
                           catch
                               _:_ -> no_answer
                           end
                   end,
            Late = fun() -> erlang:monotonic_time(millisecond) - T0 > BudgetMs * 3 div 4 end,
            Walk =
                fun Walk(_Sup, _Depth, Acc, Left) when Left =< 0 -> {Acc, Left};
                    Walk(Sup, Depth, Acc, Left) ->
                        case Call(Sup, count_children) of
                            {ok, Counts} when is_list(Counts) ->
                                Active = proplists:get_value(active, Counts, 0),
                                case Active > MaxChildren of
                                    true ->
                                        {[{Depth, children, undefined, undefined, [],
                                           {children, Active}} | Acc], Left - 1};
                                    false ->
                                        case Call(Sup, which_children) of
                                            {ok, Kids} when is_list(Kids) ->
                                                lists:foldl(
                                                  fun(_, {A, L}) when L =< 0 -> {A, L};
                                                     ({Id, Child, Type, Mods}, {A, L}) ->
                                                          A1 = [{Depth, Id, Child, Type, Mods, ok} | A],
                                                          case Type =:= supervisor andalso
                                                              is_pid(Child) andalso
                                                              Depth < MaxDepth of
                                                              true ->
                                                                  case Late() of
                                                                      true ->
                                                                          {[{Depth + 1, budget, undefined,
                                                                             undefined, [], budget} | A1],
                                                                           L - 2};
                                                                      false ->
                                                                          Walk(Child, Depth + 1, A1, L - 1)
                                                                  end;
                                                              false ->
                                                                  {A1, L - 1}
                                                          end;
                                                     (_, {A, L}) -> {A, L}
                                                  end, {Acc, Left}, lists:reverse(Kids));
                                            {ok, _} ->
                                                {Acc, Left};
                                            no_answer ->
                                                {[{Depth, no_answer, undefined, undefined, [],
                                                   no_answer} | Acc], Left - 1}
                                        end
                                end;
                            {ok, _} ->
                                %% A supervisor_bridge: no children to list.
                                {Acc, Left};
                            no_answer ->
                                {[{Depth, no_answer, undefined, undefined, [], no_answer} | Acc],
                                 Left - 1}
                        end
                end,
            %% application_master:get_child/1 waits without a deadline:
            %% run it in a process of its own, killed after CallMs.
            Bounded = fun(F) ->
                              Self = self(),
                              {P, M} = erlang:spawn_monitor(fun() -> Self ! {self(), F()} end),
                              receive
                                  {P, R} -> erlang:demonitor(M, [flush]), {ok, R};
                                  {'DOWN', M, process, P, _} -> no_answer
                              after CallMs ->
                                      erlang:exit(P, kill),
                                      erlang:demonitor(M, [flush]),
                                      no_answer
                              end
                      end,
            Top = fun(App) ->
                          case application_controller:get_master(App) of
                              Master when is_pid(Master) ->
                                  case Bounded(fun() -> application_master:get_child(Master) end) of
                                      {ok, {Sup, Mod}} when is_pid(Sup) ->
                                          Id = case erlang:process_info(Sup, registered_name) of
                                                   {registered_name, RN} -> RN;
                                                   _ -> App
                                               end,
                                          {Lines, _} = Walk(Sup, 1, [{0, Id, Sup, supervisor,
                                                                      [Mod], ok}], MaxNodes),
                                          lists:reverse(Lines);
                                      {ok, _} ->
                                          [];
                                      no_answer ->
                                          [{0, App, undefined, undefined, [], no_answer}]
                                  end;
                              _ ->
                                  []
                          end
                  end,
            Apps = application:which_applications(CallMs),
            Trees = [{A, Top(A)} || A <- Expand],
            Parent ! {self(), {ok, Apps, Trees}}
    end,
{Worker, Mon} = erlang:spawn_monitor(Work),
receive
    {Worker, Result} ->
        erlang:demonitor(Mon, [flush]),
        Result;
    {'DOWN', Mon, process, Worker, _} ->
        timeout
after BudgetMs ->
        erlang:exit(Worker, kill),
        erlang:demonitor(Mon, [flush]),
        timeout
end
