#!/usr/bin/env python3
"""cflow_flows: NetFlow v9 / IPFIX as tshark decoded them, one line a record.

Reads `tshark -T json -d udp.port==PORT,cflow` on standard input (the
decoding is tshark's, not ours; this only flattens its tree) and prints

  F ver src sport dst dport proto tos flags packets bytes start end reason vlan
  O ver interval algorithm packet_interval packet_space
  S datagrams=N records=N templates=N seqerr=N counterr=N notemplate=N
    malformed=N

F: a data record; start/end are tshark's times in ms: absolute unix ms
for IPFIX (152/153), ms of sysUptime for v9 (22/21).  O: a sampling
options record.  S: totals, with the datagrams whose sequence number is
not what the RFC says (v9: datagrams sent before, IPFIX: data records,
options data records included, sent before; per source id or domain),
v9 datagrams whose
header count is not the number of records in them (RFC 3954 5.1), and
data sets tshark had no template for, and datagrams tshark marked
malformed or with an expert warning or error.
"""
import calendar
import json
import sys


def ms(text):
    """'May 18, 2016 08:26:22.617000000 UTC' -> unix ms; '1.5' -> 1500."""
    parts = text.split()
    if len(parts) == 1:
        return round(float(parts[0]) * 1000)
    mon, day, year, hms = parts[0], parts[1].rstrip(','), parts[2], parts[3]
    whole, _, frac = hms.partition('.')
    h, m, s = (int(x) for x in whole.split(':'))
    month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep',
             'Oct', 'Nov', 'Dec'].index(mon) + 1
    secs = calendar.timegm((int(year), month, int(day), h, m, s, 0, 0, 0))
    return secs * 1000 + int((frac + '000')[:3])


def first(d, *keys):
    for k in keys:
        if k in d:
            return d[k]
    return '-'


def hexint(text):
    """'0x1b' -> 27; a field the template does not have stays '-'."""
    return text if text == '-' else int(text, 16)


def flow_line(ver, f):
    t = f.get('cflow.timedelta_tree', f)
    start = first(t, 'cflow.abstimestart', 'cflow.timestart')
    end = first(t, 'cflow.abstimeend', 'cflow.timeend')
    return ' '.join(str(x) for x in (
        'F', ver,
        first(f, 'cflow.srcaddr', 'cflow.srcaddrv6'), first(f, 'cflow.srcport'),
        first(f, 'cflow.dstaddr', 'cflow.dstaddrv6'), first(f, 'cflow.dstport'),
        first(f, 'cflow.protocol'), hexint(first(f, 'cflow.tos')),
        hexint(first(f, 'cflow.tcpflags')),
        first(f, 'cflow.packets', 'cflow.packets64'),
        first(f, 'cflow.octets', 'cflow.octets64'),
        ms(start) if start != '-' else '-', ms(end) if end != '-' else '-',
        first(f, 'cflow.flow_end_reason'), first(f, 'cflow.vlanid')))


# Expert info severities of Wireshark (epan/proto.h): warning, error.
PI_WARN = 0x00600000


def bad(o):
    """Anything malformed or an expert warning/error in a decoded tree."""
    if isinstance(o, dict):
        for k, v in o.items():
            if k == '_ws.malformed':
                return True
            if k == '_ws.expert.severity' and int(v) >= PI_WARN:
                return True
            if bad(v):
                return True
    elif isinstance(o, list):
        return any(bad(x) for x in o)
    return False


def flatten(pkts):
    """The F, O and S lines of one exporter's datagrams, as text."""
    seq = {}
    tot = dict(datagrams=0, records=0, templates=0, seqerr=0, counterr=0,
               notemplate=0, malformed=0)
    out = []
    for p in pkts:
        c = p['_source']['layers'].get('cflow')
        if c is None:
            continue
        if bad(p['_source']['layers']):
            tot['malformed'] += 1
        ver = int(c['cflow.version'])
        dom = c.get('cflow.source_id', c.get('cflow.od_id', '0'))
        nrec = ndata = nopt = 0
        for k, s in c.items():
            if not isinstance(s, dict):
                continue
            if 'no template' in k.lower() or 'no template' in json.dumps(s).lower():
                tot['notemplate'] += 1
            for kk, v in s.items():
                if kk.startswith('Template (Id') or kk.startswith('Options Template'):
                    nrec += 1
                    tot['templates'] += 1
                elif kk.startswith('Flow ') and isinstance(v, dict):
                    nrec += 1
                    if 'cflow.sampling_interval' in v or 'cflow.sampling_packet_interval' in v:
                        nopt += 1
                        out.append('O %d %s %s %s %s' % (
                            ver, first(v, 'cflow.sampling_interval'),
                            first(v, 'cflow.sampling_algorithm'),
                            first(v, 'cflow.sampling_packet_interval'),
                            first(v, 'cflow.sampling_packet_space')))
                    else:
                        ndata += 1
                        out.append(flow_line(ver, v))
        want = seq.get((ver, dom), 0)
        if int(c['cflow.sequence']) != want:
            tot['seqerr'] += 1
        # IPFIX: options data records are data records (RFC 7011 3.1).
        seq[(ver, dom)] = (want + (1 if ver == 9 else ndata + nopt)) % (1 << 32)
        if ver == 9 and int(c['cflow.count']) != nrec:
            tot['counterr'] += 1
        tot['datagrams'] += 1
        tot['records'] += ndata
    return '\n'.join(out) + '\nS ' + ' '.join('%s=%d' % kv for kv in tot.items()) + '\n'


def dstport(p):
    udp = p['_source']['layers'].get('udp', {})
    return udp.get('udp.dstport')


def main():
    pkts = json.load(sys.stdin)
    if len(sys.argv) < 3 or sys.argv[1] != '--split':
        sys.stdout.write(flatten(pkts))
        return
    # --split DIR PORT...: one tshark pass over many exports, each sent to
    # its own port; DIR/PORT.flows for every PORT, as if tshark had been
    # run on that port's datagrams alone (its sequence numbers, counts and
    # templates are per port; a port without datagrams gets only S).
    by = {port: [] for port in sys.argv[3:]}
    for p in pkts:
        if dstport(p) in by:
            by[dstport(p)].append(p)
    for port, ps in by.items():
        with open('%s/%s.flows' % (sys.argv[2], port), 'w') as f:
            f.write(flatten(ps))


main()
