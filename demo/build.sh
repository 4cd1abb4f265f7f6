#!/usr/bin/env bash
# Rebuilds demo/plant-demo.pcapng from the corpus (see demo/SOURCES.md).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
corpus=${PALISADE_CORPUS:-$here/../../shared/corpus}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
t0=1767258000; n=0
for f in zeek/testing/btest/Traces/modbus/modbusSmall.pcap icsnpp-dnp3/testing/traces/dnp3_example.pcap \
  icsnpp-enip/tests/traces/multiple_service_packet_cip.pcapng icsnpp-bacnet/testing/traces/bacnet_example.pcap \
  icsnpp-s7comm/tests/traces/s7comm_plus.pcap icsnpp-s7comm/tests/traces/s7ident.pcap \
  icsnpp-opcua-binary/tests/traces/opcua_with-gap_with-handshake.pcap \
  icsnpp-profinet-io-cm/testing/traces/profinet_io_cm_mixed_2.pcapng \
  icsnpp-synchrophasor/tests/traces/C37.118_1PMU_TCP.pcap icsnpp-hart-ip/testing/traces/hart-ip.pcap \
  zeek/testing/btest/Traces/lldp.pcap; do
  n=$((n + 1))
  first=$(capinfos -a -S -T "$corpus/$f" | tail -1 | cut -f2 | cut -d. -f1)
  editcap -F pcapng -t $((t0 + n * 11 - first)) "$corpus/$f" "$tmp/p$(printf %02d $n).pcapng"
done
mergecap -F pcapng -w "$here/plant-demo.pcapng" "$tmp"/p*.pcapng
capinfos -c "$here/plant-demo.pcapng" | tail -1
