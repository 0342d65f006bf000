package remote

import (
	"encoding/json"
	"errors"
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
// and Relay signals (VPN with risk.vpn_confidence when given and
// network.traffic_class as its Category, the others with
// [FlagConfidence]); a hosting connection or usage type becomes a Hosting
// signal with risk.datacenter_risk; a detected monitoring probe becomes a
// Monitoring signal with its provider, category, confidence (high 90,
// medium 60, low 25) and first/last seen; risk.score becomes one
// ProviderRisk signal with risk.level as its Category. geo and network fill
// Record.Geo and Record.Network; network.cidr is Record.Prefix when it
// contains the address. A 404 with VectraIP's {"detail"} envelope is a
// miss. A documented 0–100 figure out of range is [source.ErrMalformed].
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
	if err := unmarshal(body, &r); err != nil {
		return source.Record{}, err
	}
	if err := checkVectraIP(&r); err != nil {
		return source.Record{}, err
	}
	if err := checkAnswerFor(string(r.Query.IP), addr); err != nil {
		return source.Record{}, err
	}
	return mapVectraIP(name, addr, &r), nil
}

// checkVectraIP refuses an answer whose documented 0–100 figures are out
// of range: read as they are, they would be silently wrong.
func checkVectraIP(r *wire.VectraIPResponse) error {
	if err := percentInRange("privacy.risk_score", r.Privacy.RiskScore); err != nil {
		return err
	}
	for _, p := range r.Risk.Percentages() {
		if err := percentInRange("risk."+p.Name, p.Value); err != nil {
			return err
		}
	}
	return nil
}

// decodeVectraIPBatch reads {"results": [...], "processed", "errors"}.
// Results are matched to the request by query.ip (the server deduplicates,
// so positions do not match); an address without a result failed on
// VectraIP's side (it counts in "errors") and is left unanswered.
func decodeVectraIPBatch(name string, addrs []netip.Addr, body []byte) ([]source.Record, []bool, error) {
	var r wire.VectraIPBatchResponse
	if err := unmarshal(body, &r); err != nil {
		return nil, nil, err
	}
	if r.Results == nil {
		return nil, nil, fmt.Errorf("%w: batch response has no results", errMalformed)
	}
	want := make(map[netip.Addr]int, len(addrs))
	for i, a := range addrs {
		want[a] = i
	}
	out := make([]source.Record, len(addrs))
	answered := make([]bool, len(addrs))
	for i := range r.Results {
		res := &r.Results[i]
		qa, err := netip.ParseAddr(strings.TrimSpace(string(res.Query.IP)))
		if err != nil {
			continue
		}
		j, ok := want[qa.Unmap()]
		if !ok {
			continue
		}
		if err := checkVectraIP(res); err != nil {
			return nil, nil, err
		}
		out[j] = mapVectraIP(name, addrs[j], res)
		answered[j] = true
	}
	return out, answered, nil
}

func mapVectraIP(name string, addr netip.Addr, r *wire.VectraIPResponse) source.Record {
	rec := source.Record{Prefix: prefixFor(string(r.Network.CIDR), addr)}
	g := source.Geo{
		CountryCode: countryCode(string(r.Geo.CountryCode)),
		CountryName: trim(r.Geo.CountryName),
		Region:      trim(r.Geo.Region),
		City:        trim(r.Geo.City),
		Timezone:    trim(r.Geo.Timezone),
		Continent:   wire.ContinentCode(string(r.Geo.Continent)),
	}
	if c := r.Geo.Coordinates; validCoordinates(c.Lat, c.Lng) {
		g.Coordinates = source.Coordinates{Latitude: c.Lat, Longitude: c.Lng}
	}
	rec.Geo = geoOrNil(&g)
	n := source.Network{
		ASN:            parseASN(string(r.Network.ASN)),
		Organization:   trim(r.Network.Organization),
		CIDR:           rec.Prefix,
		ConnectionType: trim(r.Network.ConnectionType),
		UsageType:      trim(r.Network.UsageType),
	}
	rec.Network = networkOrNil(&n)

	sig := signals{src: name}
	p := r.Privacy
	trafficClass := trim(r.Network.TrafficClass)
	if p.IsVPN {
		sig.add(source.VPN, confidence(int(r.Risk.VPNConfidence)), "", trafficClass)
	}
	if p.IsProxy {
		sig.add(source.Proxy, FlagConfidence, "", "")
	}
	if p.IsTor {
		sig.add(source.Tor, FlagConfidence, "", "")
	}
	if p.IsRelay {
		sig.add(source.Relay, FlagConfidence, "", "")
	}
	if isHostingType(string(r.Network.ConnectionType)) || isHostingType(string(r.Network.UsageType)) {
		sig.add(source.Hosting, confidence(int(r.Risk.DatacenterRisk)), n.Organization, "")
	}
	if m := r.Monitoring; m.Detected {
		sig.list = append(sig.list, source.Signal{
			Kind:       source.Monitoring,
			Confidence: confidence(wire.LevelConfidence(string(m.Confidence))),
			Provider:   trim(m.Provider),
			Source:     name,
			Category:   trim(m.Category),
			FirstSeen:  parseTime(string(m.FirstSeen)),
			LastSeen:   parseTime(string(m.LastSeen)),
		})
	}
	sig.providerRisk(int(r.Risk.Score), trim(r.Risk.Level))
	rec.Signals = sig.list
	return rec
}

// trim is a documented text field, trimmed.
func trim[T ~string](s T) string { return strings.TrimSpace(string(s)) }

// percentInRange checks a figure documented as int (0–100).
func percentInRange(field string, v wire.Int) error {
	if v < 0 || v > 100 {
		return fmt.Errorf("%w: %s %d is outside 0–100", errMalformed, field, v)
	}
	return nil
}

// unmarshal decodes a JSON answer into v, reporting errMalformed without
// echoing the body.
func unmarshal(body []byte, v any) error {
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("%w: %v", errMalformed, jsonErrText(err))
	}
	return nil
}

// jsonErrText describes a JSON error without echoing the body.
func jsonErrText(err error) string {
	switch e := err.(type) {
	case *json.SyntaxError:
		return fmt.Sprintf("invalid JSON at byte %d", e.Offset)
	case *json.UnmarshalTypeError:
		return fmt.Sprintf("field %q has JSON type %s", e.Field, e.Value)
	}
	if errors.Is(err, wire.ErrType) {
		return "a field does not have its documented type"
	}
	return "invalid JSON"
}
