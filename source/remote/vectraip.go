package remote

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"strings"

	"github.com/ipintel/ipintel/internal/wire"
	"github.com/ipintel/ipintel/source"
)

// VectraIP returns a source for the VectraIP API (https://vectraip.com):
// GET /v1/ip/{ip} for one address and POST /v1/batch/ip for up to 100, with
// the key in the X-API-Key header.
//
// Mapping: privacy.is_vpn/is_proxy/is_tor/is_relay become VPN, Proxy, Tor
// and Relay signals (VPN with risk.vpn_confidence when given, the others
// with [FlagConfidence]); a hosting connection or usage type becomes a
// Hosting signal with risk.datacenter_probability; a detected monitoring
// probe becomes a Monitoring signal with its provider, category, confidence
// and first/last seen; risk.score becomes one ProviderRisk signal with
// risk.level as its Category. geo and network fill Record.Geo and
// Record.Network; network.cidr is Record.Prefix when it contains the
// address. A 404 with VectraIP's {"detail"} envelope, or meta.found false,
// is a miss.
func VectraIP(key string, opts ...Option) (*Source, error) {
	return newSource(api{
		name:        "vectraip",
		baseURL:     wire.VectraIPBaseURL,
		header:      wire.VectraIPKeyHeader,
		maxBatch:    wire.VectraIPMaxBatch,
		single:      vectraSingle,
		decode:      decodeVectraIP,
		batch:       vectraBatch,
		decodeBatch: decodeVectraIPBatch,
		envelope:    vectraEnvelope,
		miss:        func(status int, env envelope) bool { return status == http.StatusNotFound && env.ok },
	}, key, opts)
}

func vectraSingle(a netip.Addr) (request, error) {
	return request{method: http.MethodGet, path: wire.VectraIPLookup + url.PathEscape(a.String())}, nil
}

func vectraBatch(addrs []netip.Addr) (request, error) {
	b, err := jsonBatch(addrs, func(ips []string) wire.VectraIPBatchRequest { return wire.VectraIPBatchRequest{IPs: ips} })
	return request{method: http.MethodPost, path: wire.VectraIPBatch, body: b, batch: true}, err
}

func vectraEnvelope(b []byte) envelope {
	var e wire.VectraIPError
	if json.Unmarshal(b, &e) != nil || e.Detail == "" {
		return envelope{}
	}
	return envelope{message: string(e.Detail), ok: true}
}

func decodeVectraIP(name string, addr netip.Addr, body []byte) (source.Record, error) {
	var r wire.VectraIPResponse
	if err := json.Unmarshal(body, &r); err != nil {
		return source.Record{}, fmt.Errorf("%w: %v", ErrMalformed, jsonErrText(err))
	}
	if err := checkAnswerFor(r.Query.IP, addr); err != nil {
		return source.Record{}, err
	}
	return mapVectraIP(name, addr, &r), nil
}

func decodeVectraIPBatch(name string, addrs []netip.Addr, body []byte) ([]source.Record, []bool, error) {
	var r wire.VectraIPBatchResponse
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrMalformed, jsonErrText(err))
	}
	if r.Results == nil {
		return nil, nil, fmt.Errorf("%w: batch response has no results", ErrMalformed)
	}
	want := make(map[netip.Addr]int, len(addrs))
	for i, a := range addrs {
		want[a] = i
	}
	out := make([]source.Record, len(addrs))
	answered := make([]bool, len(addrs))
	for i := range r.Results {
		qa, err := netip.ParseAddr(strings.TrimSpace(r.Results[i].Query.IP))
		if err != nil {
			continue
		}
		if j, ok := want[qa.Unmap()]; ok {
			out[j] = mapVectraIP(name, addrs[j], &r.Results[i])
			answered[j] = true
		}
	}
	// Addresses with no result, or in r.Errors, are misses: VectraIP
	// reports per-address problems without failing the batch. Only an
	// error saying the address is not in VectraIP's data (as a single
	// lookup's 404 "IP not found") settles it; other errors and addresses
	// left out do not.
	for _, e := range r.Errors {
		qa, err := netip.ParseAddr(strings.TrimSpace(e.IP))
		if err != nil {
			continue
		}
		if j, ok := want[qa.Unmap()]; ok && strings.Contains(strings.ToLower(e.Detail), "not found") {
			answered[j] = true
		}
	}
	return out, answered, nil
}

func mapVectraIP(name string, addr netip.Addr, r *wire.VectraIPResponse) source.Record {
	if r.Meta.Found != nil && !*r.Meta.Found {
		return source.Record{}
	}
	rec := source.Record{Prefix: prefixFor(r.Network.CIDR, addr)}
	g := source.Geo{
		CountryCode: countryCode(r.Geo.CountryCode),
		CountryName: strings.TrimSpace(r.Geo.CountryName),
		Region:      strings.TrimSpace(r.Geo.Region),
		City:        strings.TrimSpace(r.Geo.City),
		Timezone:    strings.TrimSpace(r.Geo.Timezone),
		Continent:   continentCode(r.Geo.Continent),
	}
	if c := r.Geo.Coordinates; validCoordinates(c.Lat, c.Lng) {
		g.Coordinates = source.Coordinates{Latitude: c.Lat, Longitude: c.Lng}
	}
	rec.Geo = geoOrNil(&g)
	n := source.Network{
		ASN:            parseASN(r.Network.ASN),
		Organization:   strings.TrimSpace(r.Network.Organization),
		CIDR:           rec.Prefix,
		ConnectionType: strings.TrimSpace(r.Network.ConnectionType),
		UsageType:      strings.TrimSpace(r.Network.UsageType),
	}
	rec.Network = networkOrNil(&n)

	sig := signals{src: name}
	p := r.Privacy
	provider := strings.TrimSpace(p.Provider)
	if p.IsVPN {
		sig.add(source.VPN, confidence(r.Risk.VPNConfidence), provider, r.Network.TrafficClass)
	}
	if p.IsProxy {
		sig.add(source.Proxy, FlagConfidence, provider, "")
	}
	if p.IsTor {
		sig.add(source.Tor, FlagConfidence, "", "")
	}
	if p.IsRelay {
		sig.add(source.Relay, FlagConfidence, provider, "")
	}
	if p.IsHosting || isHostingType(r.Network.ConnectionType) || isHostingType(r.Network.UsageType) {
		sig.add(source.Hosting, confidence(r.Risk.DatacenterProbability), strings.TrimSpace(r.Network.Organization), "")
	}
	if m := r.Monitoring; m.Detected {
		var prov string
		if m.Provider != nil {
			prov = strings.TrimSpace(*m.Provider)
		}
		sig.list = append(sig.list, source.Signal{
			Kind:       source.Monitoring,
			Confidence: confidence(m.Confidence),
			Provider:   prov,
			Source:     name,
			Category:   strings.TrimSpace(m.Category),
			FirstSeen:  parseTime(m.FirstSeen),
			LastSeen:   parseTime(m.LastSeen),
		})
	}
	sig.providerRisk(r.Risk.Score, strings.TrimSpace(r.Risk.Level))
	rec.Signals = sig.list
	return rec
}

// jsonErrText describes a JSON error without echoing the body.
func jsonErrText(err error) string {
	switch e := err.(type) {
	case *json.SyntaxError:
		return fmt.Sprintf("invalid JSON at byte %d", e.Offset)
	case *json.UnmarshalTypeError:
		return fmt.Sprintf("field %q has JSON type %s", e.Field, e.Value)
	}
	return "invalid JSON"
}
