#!/usr/bin/env bash
# scripts/gdb-test.sh — drives real gdb (batch mode) against emu's remote stub (`emu run|boot --gdb
# PORT --wait-gdb`, Sources/Debugger/GDB). Every assertion is on gdb's actual output: most sessions
# run the same commands natively (`gdb PROG -ex run`) and under emu and must print the same lines
# (the native run is the oracle); the rest grep for lines computed independently (symbol
# addresses from nm/objdump, the greeting's length, the thesis's portal base 50 = 0x32).
# Ports: random in 20000–59999, retried when taken (emu exits 71). Everything has a timeout.
# Output: .build/gdb-test/<name>.{gdb,native,stdout,stderr}. Environment: EMU, KEEP=1 keeps them.
set -uo pipefail
cd "$(dirname "$0")/.."
EMU=${EMU:-.build/release/emu}
L=guests/build/linux
OUT=.build/gdb-test
rm -rf "$OUT"; mkdir -p "$OUT"
command -v gdb >/dev/null || { echo "gdb-test: gdb not installed (make deps)"; exit 2; }
for f in "$EMU" $L/hello $L/watch $L/bench_sha256 $L/faults $L/spin_flags guests/build/images/multi.img; do
  [ -e "$f" ] || { echo "gdb-test: $f missing (make build guests)"; exit 2; }
done
pass=0; fail=0

ok()  { pass=$((pass+1)); echo "ok   $1"; }
bad() { fail=$((fail+1)); echo "FAIL $1"; [ -n "${2:-}" ] && sed 's/^/     /' <<<"$2" | head -40; }

# start_emu NAME SUBCOMMAND ARGS…: emu SUBCOMMAND --gdb PORT --wait-gdb ARGS… in the background;
# sets PORT and EMU_PID once the stub listens.
start_emu() {
  local name=$1 sub=$2 try i st; shift 2
  for try in 1 2 3 4 5 6; do
    PORT=$((20000 + RANDOM % 40000))
    timeout 120 "$EMU" "$sub" --gdb "$PORT" --wait-gdb "$@" >"$OUT/$name.stdout" 2>"$OUT/$name.stderr" </dev/null &
    EMU_PID=$!
    for i in $(seq 200); do
      grep -q "gdb stub on 127.0.0.1:$PORT" "$OUT/$name.stderr" && return 0
      kill -0 "$EMU_PID" 2>/dev/null || break
      sleep 0.05
    done
    wait "$EMU_PID"; st=$?
    [ "$st" = 71 ] || { echo "gdb-test: emu $sub did not start (status $st)"; cat "$OUT/$name.stderr"; return 1; }
  done
  return 1
}

# gdb_emu NAME FILE CMD…: gdb (FILE: the symbol file, or - for none) against the stub at PORT;
# then waits for emu and sets EMU_STATUS.
gdb_emu() {
  local name=$1 file=$2 args=() c; shift 2
  for c in "$@"; do args+=(-ex "$c"); done
  if [ "$file" = - ]; then
    timeout 60 gdb -batch -nx -ex "target remote :$PORT" "${args[@]}" >"$OUT/$name.gdb" 2>&1 </dev/null
  else
    timeout 60 gdb -batch -nx "$file" -ex "target remote :$PORT" "${args[@]}" >"$OUT/$name.gdb" 2>&1 </dev/null
  fi
  timeout 60 tail --pid="$EMU_PID" -f /dev/null; wait "$EMU_PID"; EMU_STATUS=$?
}

# gdb_native NAME PROG CMD…: the same commands natively; CMD `continue` right after the first
# breakpoint is replaced by `run` (emu's session starts stopped, a native one not yet started).
gdb_native() {
  local name=$1 prog=$2 args=() c started=0; shift 2
  for c in "$@"; do
    if [ $started = 0 ] && [ "$c" = continue ]; then c=run; started=1; fi
    args+=(-ex "$c")
  done
  timeout 60 gdb -batch -nx "$prog" "${args[@]}" >"$OUT/$name.native" 2>&1 </dev/null
}

# The lines both runs share: not emu's first stop at _start, not how the inferior is named when
# it ends or detaches, not the program's own output.
comparable() {
  grep -v -e '^0x[0-9a-f]* in _start ()$' -e '^\[Inferior 1 ' -e '^Hello from a static' -e '^counter [0-9]' \
    -e '^faults: ' -e '^recovered from signal' -e '^after int3$' "$1"
}

# same NAME DESC: native and emu printed the same comparable lines.
same() {
  local d
  if d=$(diff <(comparable "$OUT/$1.native") <(comparable "$OUT/$1.gdb")); then ok "$2"; else bad "$2 (native < > emu)" "$d"; fi
}

# has NAME DESC LINE…: gdb's output under emu has every LINE exactly.
has() {
  local name=$1 desc=$2 l missing=""; shift 2
  for l in "$@"; do grep -qxF -- "$l" "$OUT/$name.gdb" || missing+="missing: $l"$'\n'; done
  if [ -z "$missing" ]; then ok "$desc"; else bad "$desc" "$missing$(cat "$OUT/$name.gdb")"; fi
}

greeting="Hello from a static Linux program!"
greeting_len=$(printf '%s\n' "$greeting" | wc -c)
main_addr=$(nm $L/hello | awk '$3 == "main" { sub(/^0+/, "", $1); print $1 }')
syscall_addr=$(objdump -d $L/hello | awk '/<__stdio_write>:/ { f = 1 } f && /\tsyscall/ { sub(/:$/, "", $1); print $1; exit }')
writev_nr=20   # asm/unistd_64.h; gdb's own table (amd64-linux.xml) is what `catch syscall writev` uses

# 1. Break at main, registers, memory, single steps: native vs emu.
# (Not RFLAGS at main: musl's start code leaves flags that depend on stack addresses, which differ.)
cmds=('break main' continue 'info registers rip' 'p $orig_rax' 'x/4xb $pc' stepi 'x/i $pc'
      stepi stepi 'x/s $rdi' 'info registers rip' next 'p $pc')
if start_emu hello run $L/hello; then
  gdb_emu hello $L/hello "${cmds[@]}"
  gdb_native hello $L/hello "${cmds[@]}"
  same hello "hello: break main, info registers, x, stepi, next as native gdb"
  has hello "hello: the breakpoint is nm's main" "Breakpoint 1, main () at $(pwd)/guests/linux/hello.c:6" \
    "rip            0x$main_addr            0x$main_addr <main>"
  if [ "$EMU_STATUS" = 0 ] && [ "$(cat "$OUT/hello.stdout")" = "$greeting" ]; then ok "hello: detached at gdb's exit, ran to the end"
  else bad "hello: status $EMU_STATUS after detach, stdout:" "$(cat "$OUT/hello.stdout")"; fi
fi

# 2. catch syscall writev: entry (RAX = -ENOSYS, orig_rax = 20) and return (RAX = bytes written).
cmds=('catch syscall writev' continue 'p $rax' 'p $orig_rax' 'p $pc' continue 'p $rax' 'p $orig_rax' 'p $pc' continue)
if start_emu catch run $L/hello; then
  gdb_emu catch $L/hello "${cmds[@]}"
  gdb_native catch $L/hello "${cmds[@]}"
  same catch "catch syscall writev: entry and return stops, rax and orig_rax as native gdb"
  has catch "catch syscall writev: -ENOSYS and nr $writev_nr at entry, $greeting_len bytes at return" \
    "Catchpoint 1 (syscall 'writev' [$writev_nr])" '$1 = -38' "\$2 = $writev_nr" "\$4 = $greeting_len" "\$5 = $writev_nr" \
    '[Inferior 1 (Remote target) exited normally]'
fi

# 3. Watchpoint on a global, and RFLAGS right after a `sub` whose flags a later `cmp` overwrites.
cmds=('break main' continue 'break *flags_after_sub' 'watch counter' continue continue continue continue 'delete 3'
      continue 'p $eflags' stepi 'p $eflags' stepi 'p $eflags' 'p counter' 'set var total = 5' 'p total')
if start_emu watch run $L/watch; then
  gdb_emu watch $L/watch "${cmds[@]}"
  gdb_native watch $L/watch "${cmds[@]}"
  same watch "watch counter (Z2), eflags after single steps, set var: as native gdb"
  has watch "watch: four hardware watchpoint hits, ZF after the sub" 'Hardware watchpoint 3: counter' \
    'Old value = 0' 'New value = 1' 'Old value = 6' 'New value = 10' '$1 = [ PF ZF IF ]' '$4 = 10' '$5 = 5'
fi

# 4. Stepping over a forwarded syscall with hv-step (and the hypervisor trace on emu's stderr),
#    then the monitor commands.
cmds=("break *0x$syscall_addr" continue 'monitor trace on' 'monitor hv-step on' stepi 'monitor trace off'
      'p $rax' 'p $orig_rax' 'p $pc' 'monitor pds' 'monitor caps hello' 'monitor utcb linux-syscalls'
      'monitor utcb 1' 'monitor hv-step off' 'monitor bogus' continue)
if start_emu monitor run $L/hello; then
  gdb_emu monitor $L/hello "${cmds[@]}"
  gdb_native monitor-native $L/hello "break *0x$syscall_addr" run stepi 'p $rax' 'p $orig_rax' 'p $pc'
  if d=$(diff <(grep '^\$' "$OUT/monitor-native.native") <(grep '^\$' "$OUT/monitor.gdb")); then
    ok "stepi over syscall: rax, orig_rax and pc after the reply as native gdb"
  else bad "stepi over syscall: native < > emu" "$d"; fi
  # hv-step prints the path as `emu trace show` prints the same syscall of a --trace run: the same
  # lines in the same order, from the trap to the resume. Two fields differ by what gdb did:
  # QUAL (the last #PF: gdb's memory reads fault pages in earlier) and the personality's text
  # (strace-decoded only when the trace was on from boot); they are masked on both sides.
  ret=$(printf '%x' $((0x$syscall_addr + 2)))
  mask() { sed -E -e 's/qual0=0x[0-9a-f]+ qual1=0x[0-9a-f]+/qual0=… qual1=…/' -e 's/^( +personality  writev\().*(\) = 35)$/\1…\2/'; }
  sed -n "/^hv-step on: /,/^0x0*$ret in __stdio_write ()\$/p" "$OUT/monitor.gdb" | sed '1d;$d' | mask >"$OUT/hvstep.lines"
  "$EMU" run --trace "$OUT/hello.trace" $L/hello >/dev/null 2>&1 && "$EMU" trace show "$OUT/hello.trace" >"$OUT/hello.show" 2>&1
  grep -E '^ {8}hv  |^ {12}personality  ' "$OUT/hello.show" |
    sed -n "/^ *hv  trap: syscall from hello\/main, rip=0x$ret\$/,/^ *hv  resume hello\/main (iret) at rip=0x$ret\$/p" | mask >"$OUT/hvstep.trace"
  if [ "$(wc -l <"$OUT/hvstep.lines")" -ge 8 ] && d=$(diff "$OUT/hvstep.trace" "$OUT/hvstep.lines"); then
    ok "hv-step: writev's path (trap … resume, $(wc -l <"$OUT/hvstep.lines") lines) as emu trace show prints it"
  else bad "hv-step: trace show < > hv-step" "$d$(cat "$OUT/hvstep.lines")"; fi
  has monitor "hv-step: the path's steps, then the stop after it and writev's result" \
    "        hv  trap: syscall from hello/main, rip=0x$ret" \
    '        hv  foreign check: PD hello is foreign, NSCT clear -> forward to the foreign-syscall portal' \
    '        hv  portal lookup: selector 0x32 -> PT id=0x1 handler root/linux-syscalls MTD 0x80ffffff' \
    '        hv  handler entry: root/linux-syscalls runs for hello/main, rdi=portal id 0x1' \
    "        hv  resume hello/main (iret) at rip=0x$ret" "\$1 = $greeting_len" "\$2 = $writev_nr"
  if grep -qE "^        hv  UTCB load into root/linux-syscalls \(MTD 0x80ffffff\): rax=0x$(printf '%x' $writev_nr) " "$OUT/monitor.gdb" &&
     grep -qE "^            personality  writev\(1, 0x[0-9a-f]+, 2, .*\) = $greeting_len$" "$OUT/monitor.gdb" &&
     grep -qE "^        hv  reply from root/linux-syscalls to hello/main \(MTD 0x40004d\): rax=0x$(printf '%x' "$greeting_len") " "$OUT/monitor.gdb"; then
    ok "hv-step: UTCB load of writev, the personality's dispatch with its result, the reply"
  else bad "hv-step: no UTCB load/dispatch/reply for writev" "$(cat "$OUT/monitor.gdb")"; fi
  # hello's PD holds its 32 exception portals (event base 0, pointing at the roottask's
  # exception EC, portal ID pid << 8 | vector) and the syscall portal at 50 = 0x32 (ID = pid),
  # all with MTD 0x80ffffff (the runtime default 0x00ffffff plus FPU, Roottask.portalMTD);
  # the syscall handler's UTCB holds writev's reply: MTD GPR_ACDB|RSP|RIP_LEN|FS_GS|GPR_R8_R15,
  # RIP after the syscall, RAX the byte count (UTCB at the roottask's 0x7fff_fff0_0000).
  has monitor "monitor pds, caps, utcb" \
    'PD 2 hello [foreign, syscall portals at event base + 0x32]: 33 capabilities, ECs: main (thread 1)' \
    'capabilities of PD hello: 33' '  0x0  perms 0x3  PT -> EC root/exceptions id 0x100 mtd 0x80ffffff' \
    '  0x1f  perms 0x3  PT -> EC root/exceptions id 0x11f mtd 0x80ffffff' \
    '  0x32  perms 0x3  PT -> EC root/linux-syscalls id 0x1 mtd 0x80ffffff' \
    "  mtd 0x40004d  rip 0x$(printf '%x' $((0x$syscall_addr + 2)))  rflags 0x202  inst_len 0x0" \
    "hv-step off" "hypervisor trace on (standard error)" "hypervisor trace off" "monitor commands:"
  if [ "$(grep -c 'PT -> EC root/exceptions' "$OUT/monitor.gdb")" = 32 ] &&
     grep -qE '^PD 1 root \[privileged\]: [0-9]+ capabilities, ECs: root \(host\), linux-syscalls \(host\), exceptions \(host\), native-services \(host\)$' "$OUT/monitor.gdb" &&
     grep -qE '^UTCB of EC root/linux-syscalls: frame 0x[0-9a-f]+, user address 0x7ffffff00000$' "$OUT/monitor.gdb" &&
     grep -qE "^  rax 0x$(printf '%x' "$greeting_len")  rcx 0x$(printf '%x' $((0x$syscall_addr + 2)))  rdx 0x2  " "$OUT/monitor.gdb" &&
     grep -qE '^UTCB of EC hello/main: frame 0x[0-9a-f]+, user address 0x[0-9a-f]+$' "$OUT/monitor.gdb"; then
    ok "monitor pds, caps, utcb: the roottask's PD, 32 exception portals, both UTCBs"
  else bad "monitor pds/caps/utcb" "$(cat "$OUT/monitor.gdb")"; fi
  if grep -q "^emu: hv: foreign syscall nr=$writev_nr " "$OUT/monitor.stderr" &&
     grep -q "^emu: hv: personality: pid 1 writev(" "$OUT/monitor.stderr" &&
     ! grep -q "^emu: hv: .*exit_group" "$OUT/monitor.stderr"; then
    ok "monitor trace on|off: writev's path on emu's stderr, nothing after off"
  else bad "monitor trace: emu's stderr" "$(cat "$OUT/monitor.stderr")"; fi
fi

# 5. Two Linux processes and a native program in one boot image: ECs as threads.
if start_emu multi boot guests/build/images/multi.img; then
  gdb_emu multi - 'info threads' 'monitor pds' 'thread 2' 'p $pc'
  if [ "$(grep -c '(pd args / ec main)' "$OUT/multi.gdb")" = 2 ] &&
     grep -qE '^\*? +[0-9]+ +Thread [0-9]+ \(pd hello_native / ec main\) +0x[0-9a-f]+ in \?\? \(\)$' "$OUT/multi.gdb" &&
     [ "$(grep -c '^PD [0-9] args \[foreign' "$OUT/multi.gdb")" = 2 ]; then
    ok "multi.img: info threads lists both Linux processes and the native program"
  else bad "multi.img: info threads" "$(cat "$OUT/multi.gdb")"; fi
  [ "$EMU_STATUS" = 0 ] && ok "multi.img: ran to the end after detach" || bad "multi.img: status $EMU_STATUS"
fi

# 6. kill ends the run with 128 + SIGKILL.
if start_emu kill run $L/hello; then
  gdb_emu kill $L/hello 'break main' continue kill
  if [ "$EMU_STATUS" = 137 ] && ! grep -q "$greeting" "$OUT/kill.stdout"; then ok "kill: emu ends with status 137 before the greeting"
  else bad "kill: status $EMU_STATUS" "$(cat "$OUT/kill.gdb")"; fi
fi

# 7. ^C (0x03) while the target runs stops it with SIGINT (§E.9 "Interrupts"). gdb in batch mode
#    cannot interrupt and then wait, so a small client speaks the protocol itself.
if start_emu interrupt run $L/bench_sha256 200; then
  timeout 30 python3 - "$PORT" >"$OUT/interrupt.gdb" 2>&1 <<'PY'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
def send(p): s.sendall(b"$%s#%02x" % (p.encode(), sum(p.encode()) & 0xFF))
def reply():
    data = b""
    while not (b"#" in data and len(data.split(b"#")[-1]) >= 2):
        data += s.recv(4096)
    return data.decode().lstrip("+")
send("QStartNoAckMode"); print(reply())
send("c"); time.sleep(0.5)
s.sendall(b"\x03"); print(reply())
send("vKill;1"); print(reply())
PY
  wait "$EMU_PID"; EMU_STATUS=$?
  if [ "$(cat "$OUT/interrupt.gdb")" = $'$OK#9a\n$T02thread:1;#d4\n$OK#9a' ] && [ "$EMU_STATUS" = 137 ]; then
    ok "^C stops a running target with SIGINT; vKill ends it"
  else bad "^C: status $EMU_STATUS" "$(cat "$OUT/interrupt.gdb")"; fi
fi

# 8. Guest faults reach gdb as signals before delivery (ptrace's signal-delivery-stop): SIGSEGV,
#    SIGILL, SIGFPE stop at the faulting instruction; `continue` passes the signal (the process
#    dies: `X`, "Program terminated with signal …"), `signal 0` discards it (the instruction
#    faults again), a handler runs when passed, an int3's SIGTRAP is not passed and the program
#    runs on. All as native gdb prints it.
fault_session() {   # NAME MODE STATUS DESC CMD…
  local name=$1 mode=$2 want=$3 desc=$4; shift 4
  if start_emu "$name" run $L/faults "$mode"; then
    gdb_emu "$name" $L/faults "set args $mode" "$@"
    gdb_native "$name" $L/faults "set args $mode" "$@"
    same "$name" "$desc: as native gdb"
    [ "$EMU_STATUS" = "$want" ] && ok "$desc: emu ends with status $want" || bad "$desc: status $EMU_STATUS, want $want" "$(cat "$OUT/$name.gdb")"
  fi
}
fault_session segv segv 139 "SIGSEGV stop, registers, continue kills" continue 'p $pc' 'info registers rip' 'x/i $pc' 'bt' continue
has segv "SIGSEGV: stop and X packet" 'Program received signal SIGSEGV, Segmentation fault.' \
  'Program terminated with signal SIGSEGV, Segmentation fault.' 'The program no longer exists.'
fault_session segv0 segv 137 "signal 0 discards SIGSEGV, the store faults again" continue 'signal 0' 'p $pc' kill
[ "$(grep -c '^Program received signal SIGSEGV, Segmentation fault.$' "$OUT/segv0.gdb")" = 2 ] &&
  ok "signal 0: two SIGSEGV stops" || bad "signal 0: two SIGSEGV stops" "$(cat "$OUT/segv0.gdb")"
fault_session ill ill 132 "SIGILL (ud2) stop, continue kills" continue 'x/i $pc' continue
has ill "SIGILL: stop and X packet" 'Program received signal SIGILL, Illegal instruction.' \
  'Program terminated with signal SIGILL, Illegal instruction.'
fault_session fpe fpe 136 "SIGFPE (idiv by 0) stop, continue kills" continue 'x/i $pc' 'p $rip' continue
has fpe "SIGFPE: stop and X packet" 'Program received signal SIGFPE, Arithmetic exception.' \
  'Program terminated with signal SIGFPE, Arithmetic exception.'
fault_session trap trap 0 "SIGTRAP (int3) stop, not passed, runs on" continue 'x/i $pc' continue
has trap "SIGTRAP: stop, then the program ends normally" 'Program received signal SIGTRAP, Trace/breakpoint trap.'
grep -qx 'after int3' "$OUT/trap.stdout" && ok "SIGTRAP: the program ran on after the int3" || bad "SIGTRAP: stdout" "$(cat "$OUT/trap.stdout")"
fault_session handler handler 0 "SIGSEGV passed to a handler: stepi enters it, continue recovers" continue stepi 'p $pc' 'bt 1' continue
grep -qx 'recovered from signal 11' "$OUT/handler.stdout" && ok "SIGSEGV handler ran under gdb" || bad "handler: stdout" "$(cat "$OUT/handler.stdout")"

# 9. vCont;s:T with no default action steps T alone: the other threads stay stopped (all-stop
#    mode, gdb manual "vCont"); with a default `c` they may run. multi.img has three ECs.
if start_emu hold boot guests/build/images/multi.img; then
  timeout 30 python3 - "$PORT" >"$OUT/hold.gdb" 2>&1 <<'PY'
import sys, re
sys.path.insert(0, "scripts")
from gdbrsp import Client
c = Client(sys.argv[1])
send, reply, ask = c.send, c.reply, c.ask
ask("QStartNoAckMode")
stop = ask("?")
current = int(re.search(r"thread:([0-9a-f]+);", stop).group(1), 16)
threads = [int(t, 16) for t in ask("qfThreadInfo")[1:].split(",")]
target = max(t for t in threads if t != current)
def regs():
    out = {}
    for t in threads:
        if t != target: ask("Hg%x" % t); out[t] = ask("g")
    return out
before = regs()
steps = [ask("vCont;s:%x" % target) for _ in range(50)]
after = regs()
print("current", current, "target", target, "threads", threads)
print("stops", sorted(set(re.sub(r"^T05", "", x) for x in steps)))
print("others unchanged" if before == after else "others changed")
send("vKill;1"); print(reply())
PY
  wait "$EMU_PID"
  if grep -qx 'others unchanged' "$OUT/hold.gdb" && grep -qE "^stops \['thread:[0-9a-f]+;'\]$" "$OUT/hold.gdb"; then
    ok "vCont;s:T: 50 steps of one thread, the other threads' registers unchanged"
  else bad "vCont;s:T: others ran" "$(cat "$OUT/hold.gdb")"; fi
fi

# 10. A ^C stop shows architectural RFLAGS: spin_flags loops over add; mov; nop×3; cmp; jmp, whose
#     `add` skips its flags in a free run (the `cmp` overwrites them). At each of 12 interrupts the
#     flags must be the ones the last flag-writing instruction produced, computed from RCX/RDX/RBX.
if start_emu flags run $L/spin_flags; then
  add=$(nm $L/spin_flags | awk '$3 == "spin_add" { print $1 }'); cmp=$(nm $L/spin_flags | awk '$3 == "spin_cmp" { print $1 }')
  timeout 60 python3 - "$PORT" "$add" "$cmp" >"$OUT/flags.gdb" 2>&1 <<'PY'
import sys, re, time, struct
sys.path.insert(0, "scripts")
from gdbrsp import Client
c = Client(sys.argv[1])
send, reply, ask = c.send, c.reply, c.ask
add, cmp = int(sys.argv[2], 16), int(sys.argv[3], 16)
def reg(n): return struct.unpack("<Q", bytes.fromhex(ask("p%x" % n).ljust(16, "0")))[0]
def flags(result, carry, overflow):   # CF PF ZF SF OF of a 64-bit add/sub result
    r = result & (2**64 - 1)
    pf = bin(r & 0xFF).count("1") % 2 == 0
    return {"CF": carry, "PF": pf, "ZF": r == 0, "SF": r >> 63 == 1, "OF": overflow}
bits = {"CF": 0, "PF": 2, "ZF": 6, "SF": 7, "OF": 11}
ask("QStartNoAckMode")
bad = 0
for k in range(12):
    send("c"); time.sleep(0.05 + 0.02 * k)
    c.send_raw(b"\x03"); stop = reply()
    rip, rcx, rdx, rbx, ef = reg(0x10), reg(2), reg(3), reg(1), reg(0x11)
    if add < rip <= cmp:      # the add ran last: rcx = old + 1
        want = flags(rcx, rcx == 0, rcx == 2**63)
    else:                     # the cmp ran last: rdx - rbx
        d = (rdx - rbx) & (2**64 - 1)
        sd, sb = rdx - (rdx >> 63 << 64), rbx - (rbx >> 63 << 64)
        want = flags(d, rdx < rbx, not (-2**63 <= sd - sb < 2**63))
    got = {f: bool(ef >> b & 1) for f, b in bits.items()}
    ok = got == want
    bad += not ok
    print(stop, hex(rip), "ok" if ok else "stale: got %s want %s" % (got, want))
print("consistent" if bad == 0 else "%d inconsistent" % bad)
send("vKill;1"); print(reply())
PY
  wait "$EMU_PID"
  grep -qx consistent "$OUT/flags.gdb" && [ "$(grep -c '^T02thread:1; ' "$OUT/flags.gdb")" = 12 ] &&
    ok "^C: 12 SIGINT stops inside a flag-eliding loop, RFLAGS architectural at each" || bad "^C RFLAGS" "$(cat "$OUT/flags.gdb")"
fi

echo "gdb tests: $pass passed, $fail failed"
[ -n "${KEEP:-}" ] || [ "$fail" != 0 ] || rm -rf "$OUT"
[ "$fail" = 0 ]
