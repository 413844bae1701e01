#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t0530-trace-session: the OTP 27+ path of `beamprobe trace` (a dedicated
# trace session) on the OTP release the tests run on.  The node gets a
# stand-in `trace` module with session_create/3, process/4 and
# session_destroy/1 built on erlang:trace/3, so that the relay's session
# branch runs for real: it is chosen, it traces, and every ending destroys
# the session (which removes the flags).  What a real session adds -
# isolation from other tracers - is OTP's and is not tested here.
. "$(dirname "$0")/../lib/lib-node.sh"

if [ "$(erl -noshell -eval 'io:put_chars(erlang:system_info(otp_release)), halt().')" -ge 27 ]; then
  echo "# OTP 27 or later: the real trace module is used by the other tests; skipped"
  exit 0
fi
mkdir -p "$T/fake"
cat >"$T/fake/trace.erl" <<'ERL'
-module(trace).
%% A stand-in for OTP 27's trace sessions, for beamprobe's tests only.
-export([session_create/3, process/4, session_destroy/1]).
session_create(Name, Tracer, []) when is_atom(Name), is_pid(Tracer) ->
    {fake_session, Tracer, ets:new(fake_trace_session, [public, bag])}.
process({fake_session, Tracer, Tab}, Pid, true, Flags) ->
    N = erlang:trace(Pid, true, [{tracer, Tracer} | Flags]),
    ets:insert(Tab, {Pid, Flags}),
    N.
session_destroy({fake_session, _, Tab}) ->
    [catch erlang:trace(P, false, F) || {P, F} <- ets:tab2list(Tab)],
    catch ets:update_counter(fake_trace_log, destroyed, 1, {destroyed, 0}),
    ok.
ERL
erlc -o "$T/fake" "$T/fake/trace.erl" || exit 1
start_node N tsess -pa "$T/fake" || exit 1
erl_eval_on "$N" 'bp_fix_trace:sink(agg),
  P = spawn(fun() -> ets:new(fake_trace_log, [named_table, public]), receive stop -> ok end end),
  register(fake_trace_log_owner, P), timer:sleep(50), ok.' >/dev/null
destroyed() { erl_eval_on "$N" 'case ets:lookup(fake_trace_log, destroyed) of [{_, N}] -> N; [] -> 0 end.'; }
flags() { erl_eval_on "$N" 'bp_fix_trace:flags(agg).'; }
no_flags() { [ "$(flags)" = "[]" ]; }
started() { grep -q '"record":"start"' "$1"; }

bp_bg "$T/c.out" -N "$N" trace agg --count-types --duration 3s --json
wait_for "started" 15 started "$T/c.out"
check_eq "the session path is taken" "$(json_field "$(grep '"record":"start"' "$T/c.out")" session)" true
erl_eval_on "$N" 'bp_fix_trace:mix(agg).' >/dev/null
wait "$BP_BG_PID"
sum=$(grep '"record":"summary"' "$T/c.out")
check_eq "session: exact count" "$(json_field "$sum" shown)" 507
check_eq "session: flags gone at the duration" "$(flags)" "[]"
d0=$(destroyed)
ok "session: trace:session_destroy/1 was called" test "$d0" -ge 1

for how in INT KILL relay; do
  bp_bg "$T/$how.out" -N "$N" trace agg --duration 60s --json
  wait_for "started" 15 started "$T/$how.out"
  ok "$how: traced while running" sh -c "! [ \"\$(echo 'bp_fix_trace:flags(agg).' | '$ERL_CALL' -sname '${N%@*}' -e)\" = '{ok, []}' ]"
  case $how in
    relay)
      relay=$(json_field "$(grep '"record":"start"' "$T/$how.out")" relay)
      erl_eval_on "$N" "exit(list_to_pid(\"$relay\"), kill)." >/dev/null ;;
    *) kill -"$how" "$BP_BG_PID" ;;
  esac
  wait "$BP_BG_PID" 2>/dev/null
  ok "$how: flags gone within 3 s" wait_for "flags" 3 no_flags
  more() { [ "$(destroyed)" -gt "$d0" ]; }
  ok "$how: trace:session_destroy/1 was called" wait_for "destroy" 3 more
  d0=$(destroyed)
done
ok "no helper process left" test "$(erl_eval_on "$N" 'bp_fix_trace:helpers() -- [whereis(fake_trace_log_owner)].')" = "[]"
