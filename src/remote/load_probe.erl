%% SPDX-License-Identifier: Apache-2.0
%% load_probe: what the node under load says about itself, for the record
%% of a run: the bundled demo target's mode (lasso_config:mode_of/1) when
%% that module is there.  Like load_sample, names travel as binaries and
%% become atoms only if they exist, so nothing is created on other nodes.
%% Inputs: none.  Cost: a few BIFs.  Result: the mode atom, or none.
try
    M = erlang:binary_to_existing_atom(<<"lasso_config">>, utf8),
    All = erlang:binary_to_existing_atom(<<"all">>, utf8),
    ModeOf = erlang:binary_to_existing_atom(<<"mode_of">>, utf8),
    case erlang:function_exported(M, ModeOf, 1) of
        true -> M:ModeOf(M:All());
        false -> none
    end
catch
    _:_ -> none
end
