package feed

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"slices"
	"strings"
	"time"
)

// The VPN providers' own server lists and Tor's Onionoo relay data. Each
// decoder reads only the fields that hold addresses; the shapes are those
// the providers' public endpoints return, as read by open-source clients
// (qdm12/gluetun's internal/provider/*/updater/api.go for Mullvad, NordVPN,
// ProtonVPN, Private Internet Access, Windscribe, AirVPN and IVPN; IVPN's
// desktop app, daemon/api/types/servers.go, for servers.json; Windscribe's
// Desktop-App server API and third-party list builders for the group-level
// ping_ip; the Onionoo protocol specification at
// metrics.torproject.org/onionoo.html).

type mullvadRelay struct {
	IPv4 string `json:"ipv4_addr_in"`
	IPv6 string `json:"ipv6_addr_in"`
}

type nordServer struct {
	Station     string `json:"station"`
	IPv6Station string `json:"ipv6_station"`
	IPs         []struct {
		IP struct {
			IP string `json:"ip"`
		} `json:"ip"`
	} `json:"ips"`
}

type protonLogicals struct {
	LogicalServers []struct {
		Servers []struct {
			ExitIP string
		}
	}
}

type piaList struct {
	Regions []struct {
		Servers map[string][]struct {
			IP string `json:"ip"`
		} `json:"servers"`
	} `json:"regions"`
}

// windscribeList is Windscribe's serverlist/mob-v2 document. Every group
// (a city) has a ping_ip, a Windscribe server the apps measure latency
// against; groups open to free users also list their nodes, while
// paid-tier groups ("pro": 1) may come without nodes, their ping_ip then
// being the only address given.
type windscribeList struct {
	Data []struct {
		Groups []struct {
			PingIP string `json:"ping_ip"`
			Nodes  []struct {
				IP  string `json:"ip"`
				IP2 string `json:"ip2"`
				IP3 string `json:"ip3"`
			} `json:"nodes"`
		} `json:"groups"`
	} `json:"data"`
}

type airvpnStatus struct {
	Servers []struct {
		V4In1 string `json:"ip_v4_in1"`
		V4In2 string `json:"ip_v4_in2"`
		V4In3 string `json:"ip_v4_in3"`
		V4In4 string `json:"ip_v4_in4"`
		V6In1 string `json:"ip_v6_in1"`
		V6In2 string `json:"ip_v6_in2"`
		V6In3 string `json:"ip_v6_in3"`
		V6In4 string `json:"ip_v6_in4"`
	} `json:"servers"`
}

// ivpnGateway is one location of IVPN's servers.json: each host's server
// address (host), its V2Ray entry address (v2ray, a different address
// where the host offers V2Ray obfuscation) and, for WireGuard, its IPv6
// address.
type ivpnGateway struct {
	Hosts []struct {
		Host  string `json:"host"`
		V2Ray string `json:"v2ray"`
		IPv6  *struct {
			Host string `json:"host"`
		} `json:"ipv6"`
	} `json:"hosts"`
}

type ivpnServers struct {
	WireGuard []ivpnGateway `json:"wireguard"`
	OpenVPN   []ivpnGateway `json:"openvpn"`
}

type onionooDetails struct {
	Relays []struct {
		OR        []string `json:"or_addresses"`
		Exit      []string `json:"exit_addresses"`
		FirstSeen string   `json:"first_seen"`
		LastSeen  string   `json:"last_seen"`
		Flags     []string `json:"flags"`
	} `json:"relays"`
}

// serverList reads a provider's JSON server list.
func (p *parser) serverList(data []byte, f Format) error {
	n := 0
	add := func(addrs ...string) {
		for _, a := range addrs {
			if a = strings.TrimSpace(a); a == "" {
				continue
			}
			n++
			p.stats.Lines++
			p.add(n, a, a, p.base, nil)
		}
	}
	var err error
	switch f {
	case Mullvad:
		var doc []mullvadRelay
		if err = json.Unmarshal(data, &doc); err == nil {
			for _, r := range doc {
				add(r.IPv4, r.IPv6)
			}
		}
	case NordVPN:
		var doc []nordServer
		if err = json.Unmarshal(data, &doc); err == nil {
			for _, s := range doc {
				add(s.Station, s.IPv6Station)
				for _, ip := range s.IPs {
					if ip.IP.IP != s.Station && ip.IP.IP != s.IPv6Station {
						add(ip.IP.IP)
					}
				}
			}
		}
	case ProtonVPN:
		var doc protonLogicals
		if err = json.Unmarshal(data, &doc); err == nil {
			for _, l := range doc.LogicalServers {
				for _, s := range l.Servers {
					add(s.ExitIP)
				}
			}
		}
	case PIA:
		// The JSON (one line) is followed by a base64 signature: decode
		// the first JSON value and ignore what follows.
		var doc piaList
		if err = decodeFirst(data, &doc); err == nil {
			for _, r := range doc.Regions {
				// Protocols in a fixed order, so that line numbers repeat.
				for _, proto := range sortedKeys(r.Servers) {
					for _, s := range r.Servers[proto] {
						add(s.IP)
					}
				}
			}
		}
	case Windscribe:
		var doc windscribeList
		if err = json.Unmarshal(data, &doc); err == nil {
			for _, d := range doc.Data {
				for _, g := range d.Groups {
					add(g.PingIP)
					for _, nd := range g.Nodes {
						add(nd.IP, nd.IP2, nd.IP3)
					}
				}
			}
		}
	case AirVPN:
		var doc airvpnStatus
		if err = json.Unmarshal(data, &doc); err == nil {
			for _, s := range doc.Servers {
				add(s.V4In1, s.V4In2, s.V4In3, s.V4In4, s.V6In1, s.V6In2, s.V6In3, s.V6In4)
			}
		}
	case IVPN:
		var doc ivpnServers
		if err = json.Unmarshal(data, &doc); err == nil {
			for _, g := range append(doc.WireGuard, doc.OpenVPN...) {
				for _, h := range g.Hosts {
					add(h.Host, h.V2Ray)
					if h.IPv6 != nil {
						add(h.IPv6.Host)
					}
				}
			}
		}
	case Onionoo:
		err = p.onionoo(data)
	}
	if err != nil {
		return fmt.Errorf("%w: %s JSON: %v", errFormat, f, err)
	}
	return nil
}

// onionooTime is the layout of Onionoo timestamps, in UTC.
const onionooTime = "2006-01-02 15:04:05"

// onionoo adds the addresses of relays with the Exit flag: their exit
// addresses and the IP of each OR address, IPv6 included (an exit that
// allows IPv6 exits from its IPv6 OR address). A relay whose record has no
// flags (a details query that did not ask for the field) is not known to
// be an exit and is skipped: only the Exit flag makes an exit.
func (p *parser) onionoo(data []byte) error {
	var doc onionooDetails
	if err := json.Unmarshal(data, &doc); err != nil {
		return err
	}
	n := 0
	for _, r := range doc.Relays {
		if !slices.Contains(r.Flags, "Exit") {
			continue
		}
		sig := p.base
		sig.FirstSeen, _ = time.ParseInLocation(onionooTime, r.FirstSeen, time.UTC)
		sig.LastSeen, _ = time.ParseInLocation(onionooTime, r.LastSeen, time.UTC)
		seen := make(map[string]bool, len(r.Exit)+len(r.OR))
		addrs := slices.Clone(r.Exit)
		for _, or := range r.OR {
			host, _, err := net.SplitHostPort(or)
			if err != nil {
				host = or // a bare address
			}
			addrs = append(addrs, host)
		}
		for _, a := range addrs {
			if a = strings.TrimSpace(a); a == "" || seen[a] {
				continue
			}
			seen[a] = true
			n++
			p.stats.Lines++
			p.add(n, a, a, sig, nil)
		}
	}
	return nil
}

// decodeFirst decodes the first JSON value of data into v, ignoring what
// follows it (PIA's signature).
func decodeFirst(data []byte, v any) error {
	return json.NewDecoder(bytes.NewReader(data)).Decode(v)
}

// vpnGateLine reads one line of VPN Gate's CSV: "*vpn_servers" and "*"
// frame the list, "#HostName,IP,…" is the header, and each row's second
// field is the relay's IP.
func (p *parser) vpnGateLine(n int, s string) {
	s = strings.TrimSpace(s)
	if s == "" || s[0] == '*' || s[0] == '#' {
		return
	}
	_, rest, ok := strings.Cut(s, ",")
	if !ok {
		p.skip(n, s, fmt.Errorf("%w: not a VPN Gate row", errFormat))
		return
	}
	ip, _, _ := strings.Cut(rest, ",")
	p.add(n, s, strings.TrimSpace(ip), p.base, nil)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
