#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""Check vpnd's Prometheus exposition with a real parser.

metrics_check.py METRICS STATUS_JSON VERSION [LINK:IFNAME:BEFORE:AFTER]...

METRICS is what `vpnctl metrics` printed (or the metrics-file),
STATUS_JSON what `vpnctl status --json` printed just after it, VERSION
configure's.  Each LINK:IFNAME:BEFORE:AFTER names a link whose counters
must lie between the interface's counters read before and after the
exposition (files of rx_bytes=N lines).  The exposition is parsed by
prometheus_client (Debian: python3-prometheus-client), never by our own
code, and every family and every link's series are checked against the
status.  Prints what is wrong, one line each; exit 1 if anything is.
"""
import json
import sys

from prometheus_client.parser import text_string_to_metric_families

TYPES = {
    "pppssh_build_info": "gauge", "pppssh_links": "gauge",
    "pppssh_link_state": "gauge", "pppssh_link_wanted": "gauge",
    "pppssh_link_last_change_timestamp_seconds": "gauge",
    "pppssh_link_up_since_timestamp_seconds": "gauge",
    "pppssh_link_receive_bytes": "counter",
    "pppssh_link_transmit_bytes": "counter",
    "pppssh_link_receive_packets": "counter",
    "pppssh_link_transmit_packets": "counter",
    "pppssh_link_rtt_seconds": "gauge",
    "pppssh_link_redials": "counter", "pppssh_link_failures": "counter",
}
COUNTERS = (("receive_bytes", "rx_bytes"), ("receive_packets", "rx_packets"),
            ("transmit_bytes", "tx_bytes"),
            ("transmit_packets", "tx_packets"))


def main():
    text = open(sys.argv[1]).read()
    links = {l["name"]: l for l in json.load(open(sys.argv[2]))["links"]}
    version = sys.argv[3]
    bad = []
    fams = {f.name: f for f in text_string_to_metric_families(text)}

    def samples(family, **labels):
        f = fams.get(family)
        if f is None:
            return []
        return [s for s in f.samples
                if all(s.labels.get(k) == v for k, v in labels.items())]

    def one(family, name, **labels):
        s = [x for x in samples(family, **labels) if x.name == name]
        if len(s) != 1:
            bad.append("%s%s: %d samples, want 1" % (name, labels, len(s)))
            return None
        return s[0].value

    for name, t in TYPES.items():
        if name not in fams:
            bad.append("no family " + name)
        elif fams[name].type != t:
            bad.append("%s is a %s, want %s" % (name, fams[name].type, t))

    v = samples("pppssh_build_info")
    if [s.labels.get("version") for s in v] != [version] or v[0].value != 1:
        bad.append("build info %r, want version %s" % (v, version))
    total = sum(s.value for s in samples("pppssh_links"))
    if total != len(links):
        bad.append("pppssh_links add up to %s, want %d" % (total,
                                                           len(links)))

    for name, l in links.items():
        st = samples("pppssh_link_state", link=name)
        on = [s.labels["state"] for s in st if s.value == 1]
        if on != [l["state"]] or any(s.value not in (0, 1) for s in st):
            bad.append("%s: states %s on, status says %s" %
                       (name, on, l["state"]))
        n = one("pppssh_links", "pppssh_links", state=l["state"])
        if n is not None and n < 1:
            bad.append("pppssh_links{state=%s} is %s" % (l["state"], n))
        if one("pppssh_link_wanted", "pppssh_link_wanted",
               link=name) != (1 if l["wanted"] else 0):
            bad.append("%s: wanted differs from status" % name)
        if one("pppssh_link_last_change_timestamp_seconds",
               "pppssh_link_last_change_timestamp_seconds",
               link=name) != l["since"]:
            bad.append("%s: last change differs from status" % name)
        up = samples("pppssh_link_up_since_timestamp_seconds", link=name)
        if l["state"] != "up" and up:
            bad.append("%s: up since, but it is %s" % (name, l["state"]))
        if l["state"] == "up" and [s.value for s in up] != [l["since"]]:
            bad.append("%s: up since %s, status says %s" %
                       (name, up, l["since"]))
        rtt = samples("pppssh_link_rtt_seconds", link=name)
        if rtt and (l["rtt_us"] is None or not 0 <= rtt[0].value < 10):
            bad.append("%s: rtt %s, status %s" % (name, rtt, l["rtt_us"]))
        if one("pppssh_link_redials", "pppssh_link_redials_total",
               link=name) != l["redials"]:
            bad.append("%s: re-dials differ from status" % name)
        for c in ("network", "remote", "hard"):
            if one("pppssh_link_failures", "pppssh_link_failures_total",
                   link=name, **{"class": c}) != l["failures"][c]:
                bad.append("%s: %s failures differ from status" % (name, c))

    with_if = set()
    for arg in sys.argv[4:]:
        name, ifname, before, after = arg.split(":")
        with_if.add(name)
        lo = dict(x.strip().split("=") for x in open(before))
        hi = dict(x.strip().split("=") for x in open(after))
        for fam, key in COUNTERS:
            fam = "pppssh_link_" + fam
            got = one(fam, fam + "_total", link=name, interface=ifname)
            if got is None or not int(lo[key]) <= got <= int(hi[key]):
                bad.append("%s %s = %s, %s had %s then %s" %
                           (name, fam, got, ifname, lo[key], hi[key]))
    for name in set(links) - with_if:
        for fam, _ in COUNTERS:
            if samples("pppssh_link_" + fam, link=name):
                bad.append("%s has %s without an interface" % (name, fam))

    for b in bad:
        print(b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
