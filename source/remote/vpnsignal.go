package remote

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/netip"
	"time"

	"github.com/ipintel/ipintel/internal/wire"
	"github.com/ipintel/ipintel/source"
)

// VPNSignal returns a source for the VPN Signal API (https://vpnsignal.io):
// POST /check {"ip"} with "Authorization: Bearer <key>". The API has no
// batch endpoint: LookupBatch sends single requests, at most
// [WithConcurrency] at a time and within [WithRateLimit] (set it to your
// plan's requests per second: 1 free, 10 starter, 50 pro).
//
// Mapping: is_vpn, is_proxy, is_tor, is_relay and is_hosting become VPN,
// Proxy, Tor, Relay and Hosting signals with [FlagConfidence] and the
// company name as Provider; risk_score becomes one ProviderRisk signal with
// the recommendation (allow, verify, block) as its Category; location fills
// Record.Geo; asn.number, company (or asn.name), company.domain and
// company.type fill Record.Network; asn.route is Record.Prefix when it
// contains the address.
func VPNSignal(key string, opts ...Option) (*Source, error) {
	return newSource(api{
		name:     "vpnsignal",
		baseURL:  wire.VPNSignalBaseURL,
		header:   wire.VPNSignalAuthHeader,
		prefix:   "Bearer ",
		maxBatch: 100,
		single:   vpnSignalSingle,
		decode:   decodeVPNSignal,
		envelope: vpnSignalEnvelope,
	}, key, opts)
}

func vpnSignalSingle(a netip.Addr) (request, error) {
	b, err := json.Marshal(wire.VPNSignalRequest{IP: a.String()})
	return request{method: http.MethodPost, path: wire.VPNSignalCheck, body: b}, err
}

func vpnSignalEnvelope(b []byte) envelope {
	var e wire.VPNSignalError
	if json.Unmarshal(b, &e) != nil || e.Error == "" {
		return envelope{}
	}
	env := envelope{code: string(e.Error), message: string(e.Message), ok: true}
	if e.RetryAfter > 0 {
		env.retryAfter = time.Duration(min(e.RetryAfter, 86400)) * time.Second
	}
	return env
}

func decodeVPNSignal(name string, addr netip.Addr, body []byte) (source.Record, error) {
	var r wire.VPNSignalResponse
	if err := unmarshal(body, &r); err != nil {
		return source.Record{}, err
	}
	if err := percentInRange("risk_score", r.RiskScore); err != nil {
		return source.Record{}, err
	}
	if r.ASN != nil && (r.ASN.Number < 0 || int64(r.ASN.Number) > math.MaxUint32) {
		return source.Record{}, fmt.Errorf("%w: asn.number is not an AS number", errMalformed)
	}
	if err := checkAnswerFor(string(r.IP), addr); err != nil {
		return source.Record{}, err
	}
	return mapVPNSignal(name, addr, &r), nil
}

func mapVPNSignal(name string, addr netip.Addr, r *wire.VPNSignalResponse) source.Record {
	var rec source.Record
	if r.ASN != nil {
		rec.Prefix = prefixFor(string(r.ASN.Route), addr)
	}
	if l := r.Location; l != nil {
		g := source.Geo{
			CountryCode: countryCode(string(l.Country)),
			CountryName: trim(l.CountryName),
			Region:      trim(l.Region),
			City:        trim(l.City),
		}
		if validCoordinates(l.Latitude, l.Longitude) {
			g.Coordinates = source.Coordinates{Latitude: l.Latitude, Longitude: l.Longitude}
		}
		rec.Geo = geoOrNil(&g)
	}
	n := source.Network{CIDR: rec.Prefix}
	var company string
	if c := r.Company; c != nil {
		company = trim(c.Name)
		n.Organization = company
		n.Domain = trim(c.Domain)
		n.UsageType = trim(c.Type)
	}
	if a := r.ASN; a != nil {
		n.ASN = source.ASN(a.Number)
		if n.Organization == "" {
			n.Organization = trim(a.Name)
		}
	}
	rec.Network = networkOrNil(&n)

	sig := signals{src: name}
	if r.IsVPN {
		sig.add(source.VPN, FlagConfidence, company, "")
	}
	if r.IsProxy {
		sig.add(source.Proxy, FlagConfidence, company, "")
	}
	if r.IsTor {
		sig.add(source.Tor, FlagConfidence, "", "")
	}
	if r.IsRelay {
		sig.add(source.Relay, FlagConfidence, company, "")
	}
	if r.IsHosting {
		sig.add(source.Hosting, FlagConfidence, company, "")
	}
	sig.providerRisk(int(r.RiskScore), trim(r.Recommendation))
	rec.Signals = sig.list
	return rec
}
