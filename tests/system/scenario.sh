#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The scenario of `make check-system` (issue 23), run inside the booted
# Debian system by ptscope-systest.service at every boot, from the 9p share
# (/mnt/systest: this script, the four .debs, crashlab). One phase a boot;
# the phase number lives on the guest's disk, so it survives the reboots:
#   1. dpkg -i the packages (DKMS builds the module for the running kernel),
#      enable the recorder (systemctl enable --now ptscope-recorder); reboot
#   2. the recorder is active after the boot; three crashes (null,
#      stack-overflow, write-ro), each explained live; their cores are in
#      coredumpctl; reboot
#   3. the recorder's journal records explain the three crashes as the live
#      records did (explain --journal), journalctl finds them, explain
#      --coredump joins core and record; rmmod/modprobe under a fault storm,
#      the recorder survives and reports what it missed; systemd-analyze
#      security; "all phases done"; power off
# Every check is a TAP line ("ok - ...", "not ok - ...", "ok - ... # SKIP")
# on the result port (/dev/ttyS1); "# ..." lines are notes for the log.
set -u
S=/mnt/systest
STATE=/var/lib/ptscope-systest
mkdir -p $STATE
PORT=/dev/ttyS1
stty -F $PORT raw -echo 2> /dev/null
exec 3> $PORT
# Everything this script prints also goes to the console log (the unit's
# StandardOutput=journal+console).
tap() { echo "$*" >&3; echo "systest: $*"; }
note() { tap "# $*"; }
ok() { tap "ok - $*"; }
notok() { tap "not ok - $*"; }
skip() { tap "ok - $1 # SKIP $2"; }
# check DESC CMD...: ok when CMD succeeds; its output goes to the log.
check() {
	local d=$1
	shift
	local out
	if out=$("$@" 2>&1); then
		ok "$d"
	else
		notok "$d"
		printf '%s\n' "$out" | head -n 20 | sed 's/^/#   /' >&3
	fi
	printf '%s\n' "$out" | head -n 40
}
# jstr KEY: the first "KEY":"value" (or number/bool) of the JSON on stdin.
jstr() { grep -o "\"$1\":\"\{0,1\}[^\",}]*" | head -n 1 | sed "s/^\"$1\":\"\{0,1\}//"; }
now() { date +%s; }

phase=$(cat $STATE/phase 2> /dev/null || echo 1)
kver=$(uname -r)
note "phase $phase on $kver, boot $(cat /proc/sys/kernel/random/boot_id)"
# The boot is finished (this unit is Type=exec) once the rest is up.
timeout 300 systemctl is-system-running --wait > /dev/null 2>&1
note "system state: $(systemctl is-system-running 2>&1)"
note "boot time: $(systemd-analyze time 2>&1 | head -n 1)"
systemctl --failed --no-legend --plain 2>&1 | sed 's/^/# failed unit: /' >&3
ulimit -c unlimited

next() {	# next PHASE: record it, then reboot (QEMU exits, the host boots again)
	echo "$1" > $STATE/phase
	sync
	tap "phase $phase done"
	systemctl reboot
	exit 0
}

# The recorder's unit, when the package ships it.
have_recorder() { systemctl cat ptscope-recorder.service > /dev/null 2>&1; }
# The module loaded (the recorder's ExecStartPre does it; without the
# recorder, the scenario loads it so the rest still runs).
need_module() { [ -d /sys/module/ptscope ] || modprobe ptscope; }

# crash MODE: run crashlab MODE (it dies); prints "PID ADDR".
crash() {
	local out
	out=$(cd /tmp && /usr/local/bin/crashlab "$1" 2>&1)
	echo "$out" | sed -n 's/^pid \([0-9]*\) addr \([0-9a-fx]*\).*/\1 \2/p' | head -n 1
}

case $phase in
1)
	debs=$(ls $S/debs/*.deb)
	note "installing: $(echo $debs | xargs -n1 basename | tr '\n' ' ')"
	t0=$(now)
	check "dpkg -i the four packages (DKMS builds the module)" \
		dpkg -i $debs
	note "dpkg -i took $(($(now) - t0)) s (the DKMS build included)"
	version=$(dpkg-query -W -f '${Version}' ptscope-dkms 2> /dev/null)
	note "DKMS build: $(grep -h 'elapsed time' /var/lib/dkms/ptscope/"$version"/build/make.log 2> /dev/null | tr -d '#')"
	st=$(dkms status 2>&1)
	note "dkms status: $(echo $st)"
	check "dkms status: ptscope/$version installed for $kver" \
		grep -q "ptscope/$version, $kver, x86_64: installed" <<< "$st"
	check "modinfo ptscope (the DKMS-built module, vermagic $kver)" \
		bash -c "modinfo ptscope | grep -q '^vermagic: *$kver ' && modinfo -n ptscope | grep -q updates/dkms"
	check "ptscope --version" ptscope --version
	if have_recorder; then
		check "systemctl enable --now ptscope-recorder" \
			systemctl enable --now ptscope-recorder
		sleep 2
		check "the recorder is active" systemctl is-active ptscope-recorder
		check "ptscope info (the module, loaded by the recorder)" ptscope info
	else
		notok "the ptscope package ships ptscope-recorder.service (systemctl enable --now ptscope-recorder)"
		check "modprobe ptscope (no recorder to load it)" modprobe ptscope
		check "ptscope info" ptscope info
	fi
	next 2
	;;
2)
	if have_recorder; then
		check "the recorder is active after the boot" systemctl is-active ptscope-recorder
		check "the recorder loaded the module" test -d /sys/module/ptscope
	else
		notok "the recorder is active after the boot (no ptscope-recorder.service)"
	fi
	need_module
	install -m 0755 $S/crashlab /usr/local/bin/crashlab
	: > $STATE/crashes
	for mode in null stack-overflow write-ro; do
		# shellcheck disable=SC2046
		set -- $(crash $mode)
		pid=${1:-} addr=${2:-}
		if [ -z "$pid" ]; then
			notok "crashlab $mode ran and said its pid"
			continue
		fi
		sleep 1
		ptscope -j explain --last > $STATE/live-$mode.json 2> $STATE/live-$mode.err
		rpid=$(jstr pid < $STATE/live-$mode.json)
		reason=$(jstr reason < $STATE/live-$mode.json)
		note "crashlab $mode: pid $pid addr $addr, live: $(ptscope explain --last 2>&1 | head -n 1)"
		check "crashlab $mode (pid $pid): explain --last is its record, reason ${reason:-none}" \
			test "$rpid" = "$pid" -a -n "$reason"
		echo "$mode $pid $reason" >> $STATE/crashes
	done
	# The cores reach systemd-coredump asynchronously.
	check "kernel.core_pattern pipes to systemd-coredump" \
		grep -q systemd-coredump /proc/sys/kernel/core_pattern
	while read -r mode pid reason; do
		for _ in $(seq 60); do
			coredumpctl list --no-legend "$pid" 2> /dev/null | grep -q present && break
			sleep 1
		done
		check "coredumpctl has the core of crashlab $mode (pid $pid)" \
			bash -c "coredumpctl list --no-legend $pid | grep -q present"
	done < $STATE/crashes
	coredumpctl list --no-pager 2>&1 | sed 's/^/# /' >&3
	next 3
	;;
3)
	have_recorder && check "the recorder is active after the second boot" \
		systemctl is-active ptscope-recorder
	need_module
	if ptscope help explain 2>&1 | grep -q -- --journal; then
		j=yes
		check "ptscope explain --journal" ptscope explain --journal
	else
		j=no
		notok "ptscope explain --journal exists"
	fi
	check "journalctl -t ptscope shows the crashes" \
		bash -c "test \$(journalctl -t ptscope -o cat --no-pager | grep -c crashlab) -ge 3"
	while read -r mode pid reason; do
		if [ $j = yes ]; then
			jr=$(ptscope -j explain --journal PTSCOPE_PID=$pid 2>&1 | jstr reason)
			check "explain --journal PTSCOPE_PID=$pid ($mode): reason '$jr' = live '$reason'" \
				test "$jr" = "$reason" -a -n "$reason"
		fi
		if ptscope help explain 2>&1 | grep -q -- --coredump; then
			ptscope -j explain --coredump $pid > $STATE/core-$mode.json 2>&1
			check "explain --coredump $pid ($mode): the core's registers, joined to the record" \
				bash -c "grep -q '\"joined\":true' $STATE/core-$mode.json &&
					 grep -q '\"ip\":' $STATE/core-$mode.json &&
					 test \"\$(grep -o '\"reason\":\"[^\"]*' $STATE/core-$mode.json | head -n1 | cut -d'\"' -f4)\" = '$reason'"
		else
			notok "ptscope explain --coredump exists ($mode, pid $pid)"
		fi
	done < $STATE/crashes
	check "journalctl PTSCOPE_REASON=stack-overflow finds the stack overflow" \
		bash -c "journalctl --no-pager -o verbose PTSCOPE_REASON=stack-overflow | grep -q PTSCOPE_PID=$(awk '$1 == "stack-overflow" {print $2}' $STATE/crashes)"
	# Forgeries: anyone may log these fields (logger --journald), also
	# from a user namespace where it has every capability. None is taken.
	so=$(awk '$1 == "stack-overflow" {print $2}' $STATE/crashes)
	nl=$(journalctl -t ptscope -o export PTSCOPE_PID=$so | sed -n 's/^PTSCOPE_NETLINK=//p' | head -n 1)
	forge() {	# forge [unshare]: a ptscope entry of pid 999999 and a coredump one of $so
		printf 'MESSAGE=forged\nSYSLOG_IDENTIFIER=ptscope\nPTSCOPE_PID=999999\nPTSCOPE_NETLINK=%s\n' "$nl" |
			setpriv --reuid=65534 --regid=65534 --clear-groups $1 logger --journald
		printf 'MESSAGE=forged\nMESSAGE_ID=fc2e22bc6ee647b6b90729ab34a250b1\nCOREDUMP_PID=%s\nCOREDUMP_COMM=crashlab\nCOREDUMP_FILENAME=/tmp/forged.zst\n' "$so" |
			setpriv --reuid=65534 --regid=65534 --clear-groups $1 logger --journald
	}
	forge
	forge "unshare -Ur"
	sleep 1
	check "the forged entries reached the journal" \
		bash -c "test \$(journalctl --no-pager -o cat MESSAGE=forged | wc -l) -ge 2"
	ptscope explain --journal PTSCOPE_PID=999999 > $STATE/forged.out 2>&1
	check "explain --journal passes over entries logged by uid 65534 (also in a user namespace)" \
		bash -c "grep -q 'passed over' $STATE/forged.out && ! grep -q '^fault ' $STATE/forged.out"
	check "explain --coredump $so takes systemd-coredump's entry, not the newer forged one" \
		bash -c "ptscope -j explain --coredump $so | grep -q '\"joined\":true'"
	# What a reader sees after the reboot, for the README's section.
	{
		so=$(awk '$1 == "stack-overflow" {print $2}' $STATE/crashes)
		echo "\$ journalctl -t ptscope --no-pager -o short-iso"
		journalctl -t ptscope --no-pager -o short-iso 2>&1 | tail -n 3
		echo "\$ journalctl -o verbose PTSCOPE_REASON=stack-overflow"
		journalctl --no-pager -o verbose PTSCOPE_REASON=stack-overflow 2>&1 |
			grep -v '^ *PTSCOPE_\(RECORD\|NETLINK\)=' | cut -c1-160
		echo "\$ ptscope explain --journal PTSCOPE_PID=$so"
		ptscope explain --journal PTSCOPE_PID=$so 2>&1
		echo "\$ ptscope explain --coredump $so"
		ptscope explain --coredump $so 2>&1
	} | sed 's/^/# shown: /' >&3

	# The unload/reload storm. On CPU 0 only: each load and unload patches
	# the signal tracepoint's static key, and TCG can trap on an int3
	# already gone in a vCPU running that code mid-patch (see
	# tests/guest/46-fault-unload.sh); the crashes run where the patching does.
	since=$(date '+%Y-%m-%d %H:%M:%S')
	sleep 1
	taskset -c 0 /usr/local/bin/crashlab storm 100000 > $STATE/storm.out 2>&1 &
	storm=$!
	sleep 2
	t0=$(now)
	check "rmmod ptscope during a fault storm" taskset -c 0 rmmod ptscope
	# The bursts' children dump no core (RLIMIT_CORE 1 stops the kernel's
	# pipe to systemd-coredump): 600 cores would take minutes under TCG.
	burst() { (ulimit -c 1; taskset -c 0 /usr/local/bin/crashlab burst 200 > /dev/null 2>&1); }
	burst; burst; burst
	check "modprobe ptscope again" taskset -c 0 modprobe ptscope
	burst; burst; burst
	wait $storm
	check "crashlab storm 100000 finished" grep -q 'storm 100000' $STATE/storm.out
	note "unload, reload and the bursts took $(($(now) - t0)) s"
	sleep 5
	if have_recorder; then
		check "the recorder is still active after the unload and reload" \
			systemctl is-active ptscope-recorder
		R="journalctl --no-pager -o verbose --since=\"$since\" SYSLOG_IDENTIFIER=ptscope-recorder"
		check "the recorder logged the module going away (PTSCOPE_RECORDER_EVENT=gone)" \
			bash -c "$R PTSCOPE_RECORDER_EVENT=gone | grep -q PTSCOPE_RECORDER_EVENT=gone"
		check "the recorder logged the module coming back (PTSCOPE_RECORDER_EVENT=back)" \
			bash -c "$R PTSCOPE_RECORDER_EVENT=back | grep -q PTSCOPE_RECORDER_EVENT=back"
		check "the recorder reported what it missed (PTSCOPE_MISSED=)" \
			bash -c "$R | grep -q PTSCOPE_MISSED="
		journalctl --no-pager -o cat --since="$since" SYSLOG_IDENTIFIER=ptscope-recorder 2>&1 |
			tail -n 20 | sed 's/^/# recorder: /' >&3
		sa=$(systemd-analyze security --no-pager ptscope-recorder.service 2>&1)
		level=$(echo "$sa" | grep -i 'overall exposure level')
		note "systemd-analyze security ptscope-recorder.service: ${level:-$(echo "$sa" | tail -n 1)}"
		check "systemd-analyze security ptscope-recorder.service gives an exposure level" \
			test -n "$level"
	else
		notok "the recorder survives the unload and reload (no ptscope-recorder.service)"
	fi
	check "ptscope info after the reload" ptscope info
	echo "done" > $STATE/phase
	sync
	tap "phase 3 done"
	tap "all phases done"
	systemctl poweroff
	;;
*)
	note "nothing left to do (phase $phase)"
	systemctl poweroff
	;;
esac
