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
for f in "$EMU" $L/hello $L/watch $L/bench_sha256 guests/build/images/multi.img; do
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
  grep -v -e '^0x[0-9a-f]* in _start ()$' -e '^\[Inferior 1 ' -e '^Hello from a static' -e '^counter [0-9]' "$1"
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
  has monitor "hv-step: the forwarding path of writev, then the stop after it" \
    "hv: foreign syscall nr=$writev_nr rip=0x$syscall_addr -> portal 0x32" \
    'hv: ipc: message to portal 0x32 id=0x1 mtd=0x80ffffff' 'hv: ipc: reply to exception' \
    "\$1 = $greeting_len" "\$2 = $writev_nr"
  if grep -qE "^hv: personality: pid 1 writev\(0x1, 0x[0-9a-f]+, 0x2, .*\) = 0x$(printf '%x' "$greeting_len")$" "$OUT/monitor.gdb"; then
    ok "hv-step: the personality's writev event with its result"
  else bad "hv-step: no personality event for writev" "$(cat "$OUT/monitor.gdb")"; fi
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

echo "gdb tests: $pass passed, $fail failed"
[ -n "${KEEP:-}" ] || [ "$fail" != 0 ] || rm -rf "$OUT"
[ "$fail" = 0 ]
