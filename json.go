package ipintel

import (
	"encoding/json"
	"fmt"
	"math"
	"net/netip"
	"strings"
	"time"

	"github.com/ipintel/ipintel/internal/wire"
	"github.com/ipintel/ipintel/source"
)

// The JSON form of a Result: VectraIP's documented response
// (wire.VectraIPResponse, embedded section by section so its fields come
// first and keep their documented names and types) plus our additions,
// none of which shares a name with a documented field.
type (
	resultJSON struct {
		Query      wire.VectraIPQuery `json:"query"`
		Privacy    privacyJSON        `json:"privacy"`
		Geo        geoJSON            `json:"geo"`
		Network    networkJSON        `json:"network"`
		Monitoring monitoringJSON     `json:"monitoring"`
		Risk       riskJSON           `json:"risk"`
		Signals    []source.Signal    `json:"signals"`
		Meta       metaJSON           `json:"meta"`
	}
	privacyJSON struct {
		wire.VectraIPPrivacy
		IsHosting          bool   `json:"is_hosting"`
		IsResidentialProxy bool   `json:"is_residential_proxy"`
		IsAbuser           bool   `json:"is_abuser"`
		IsBot              bool   `json:"is_bot"`
		Provider           string `json:"provider,omitempty"`
	}
	geoJSON struct {
		wire.VectraIPGeo
		ContinentCode  string `json:"continent_code,omitempty"`
		RegionCode     string `json:"region_code,omitempty"`
		PostalCode     string `json:"postal_code,omitempty"`
		InEU           bool   `json:"in_eu,omitempty"`
		AccuracyRadius int    `json:"accuracy_radius_km,omitempty"`
	}
	networkJSON struct {
		wire.VectraIPNetwork
		ISP    string `json:"isp,omitempty"`
		Domain string `json:"domain,omitempty"`
	}
	monitoringJSON struct {
		wire.VectraIPMonitoring
		ConfidenceScore *int `json:"confidence_score,omitempty"` // written when detected
	}
	riskJSON struct {
		wire.VectraIPRisk
		TrustScore     int            `json:"trust_score"`
		Recommendation Recommendation `json:"recommendation"`
		Reasons        []Reason       `json:"reasons"`
	}
	metaJSON struct {
		wire.VectraIPMeta
		Found  bool              `json:"found"`
		Errors []sourceErrorJSON `json:"errors,omitempty"`
	}
	sourceErrorJSON struct {
		Source string `json:"source"`
		Error  string `json:"error"`
	}
)

// vectraIP is r as VectraIP's documented response. Unknown strings are "",
// unknown coordinates 0, 0 (the documented types, never null, so a
// consumer reading geo.coordinates.lat does not fail).
func (r *Result) vectraIP() wire.VectraIPResponse {
	out := wire.VectraIPResponse{
		Query: wire.VectraIPQuery{
			CacheStatus: wire.Text(r.Query.CacheStatus),
			RequestID:   wire.Text(r.Query.RequestID.String()),
		},
		Privacy: wire.VectraIPPrivacy{
			IsVPN: r.Privacy.IsVPN, IsProxy: r.Privacy.IsProxy, IsTor: r.Privacy.IsTor, IsRelay: r.Privacy.IsRelay,
			RiskScore: wire.Int(r.Privacy.RiskScore),
		},
		Monitoring: r.Monitoring.json().VectraIPMonitoring,
		Risk: wire.VectraIPRisk{
			Score:                       wire.Int(r.Risk.Score),
			Level:                       wire.Text(r.Risk.Level),
			FraudProbability:            wire.Int(r.Risk.FraudProbability),
			BotProbability:              wire.Int(r.Risk.BotProbability),
			AbuseProbability:            wire.Int(r.Risk.AbuseProbability),
			DatacenterRisk:              wire.Int(r.Risk.DatacenterRisk),
			VPNConfidence:               wire.Int(r.Risk.VPNConfidence),
			ResidentialTrust:            wire.Int(r.Risk.ResidentialTrust),
			SyntheticTrafficProbability: wire.Int(r.Risk.SyntheticTrafficProbability),
		},
		Meta: wire.VectraIPMeta{
			ResponseTimeMS: wire.Millis(r.Meta.ResponseTime.Milliseconds()),
			DataSources:    r.Meta.DataSources,
		},
	}
	if r.Query.IP.IsValid() {
		out.Query.IP = wire.Text(r.Query.IP.String())
	}
	out.Query.ProcessedAt = wire.Text(isoTime(r.Query.ProcessedAt))
	if out.Meta.DataSources == nil {
		out.Meta.DataSources = []string{}
	}
	if g := r.Geo; g != nil {
		out.Geo = wire.VectraIPGeo{
			CountryCode: wire.Text(g.CountryCode), CountryName: wire.Text(g.CountryName),
			Region: wire.Text(g.Region), City: wire.Text(g.City), Timezone: wire.Text(g.Timezone),
			Continent:   wire.Text(wire.ContinentName(g.Continent)),
			Coordinates: wire.VectraIPCoordinates{Lat: g.Coordinates.Latitude, Lng: g.Coordinates.Longitude},
		}
	}
	if n := r.Network; n != nil {
		out.Network = wire.VectraIPNetwork{
			ASN:            wire.Text(n.ASN.String()),
			Organization:   wire.Text(n.Organization),
			ConnectionType: wire.Text(n.ConnectionType),
			UsageType:      wire.Text(n.UsageType),
		}
		if n.CIDR.IsValid() {
			out.Network.CIDR = wire.Text(n.CIDR.String())
		}
	}
	out.Network.TrafficClass = wire.Text(r.TrafficClass())
	return out
}

// TrafficClass is VectraIP's network.traffic_class, one word for the
// address: "tor_exit", "vpn_exit", "residential_proxy", "proxy",
// "private_relay", "monitoring", "hosting", "residential" for a found
// address with none of those, "" for an address no source knows. The
// documentation shows "vpn_exit" only; the other words are ours.
func (r *Result) TrafficClass() string {
	p := r.Privacy
	switch {
	case p.IsTor:
		return "tor_exit"
	case p.IsVPN:
		return "vpn_exit"
	case p.IsResidentialProxy:
		return "residential_proxy"
	case p.IsProxy:
		return "proxy"
	case p.IsRelay:
		return "private_relay"
	case r.Monitoring.Detected:
		return "monitoring"
	case p.IsHosting:
		return "hosting"
	case r.Meta.Found:
		return "residential"
	}
	return ""
}

// MarshalJSON writes VectraIP's documented response, field for field, with
// our additions: privacy is_hosting, is_residential_proxy, is_abuser,
// is_bot, provider; geo continent_code, region_code, postal_code, in_eu,
// accuracy_radius_km; network isp, domain; monitoring confidence_score;
// risk trust_score, recommendation, reasons; signals; meta found, errors.
//
// It has a value receiver so that a Result inside another value encodes
// the same way.
func (r Result) MarshalJSON() ([]byte, error) {
	v := r.vectraIP()
	out := resultJSON{
		Query: v.Query,
		Privacy: privacyJSON{VectraIPPrivacy: v.Privacy, IsHosting: r.Privacy.IsHosting,
			IsResidentialProxy: r.Privacy.IsResidentialProxy, IsAbuser: r.Privacy.IsAbuser, IsBot: r.Privacy.IsBot,
			Provider: r.Privacy.Provider},
		Geo:        geoJSON{VectraIPGeo: v.Geo},
		Network:    networkJSON{VectraIPNetwork: v.Network},
		Monitoring: r.Monitoring.json(),
		Risk: riskJSON{VectraIPRisk: v.Risk, TrustScore: r.Risk.TrustScore, Recommendation: r.Risk.Recommendation,
			Reasons: r.Risk.Reasons},
		Signals: r.Signals,
		Meta:    metaJSON{VectraIPMeta: v.Meta, Found: r.Meta.Found},
	}
	if g := r.Geo; g != nil {
		out.Geo.ContinentCode, out.Geo.RegionCode, out.Geo.PostalCode = g.Continent, g.RegionCode, g.PostalCode
		out.Geo.InEU, out.Geo.AccuracyRadius = g.InEU, g.Coordinates.AccuracyRadius
	}
	if n := r.Network; n != nil {
		out.Network.ISP, out.Network.Domain = n.ISP, n.Domain
	}
	if out.Signals == nil {
		out.Signals = []source.Signal{}
	}
	if out.Risk.Reasons == nil {
		out.Risk.Reasons = []Reason{}
	}
	for _, e := range r.Meta.Errors {
		out.Meta.Errors = append(out.Meta.Errors, sourceErrorJSON{e.Source, e.Err.Error()})
	}
	return json.Marshal(out)
}

// UnmarshalJSON reads what MarshalJSON writes, and any VectraIP response:
// VectraIP's own request ids ("req_a1b2c3d4"), cache statuses, null
// sections and fields, unknown extra fields. Source errors come back as
// *SourceError with the message text only. An address, time or request id
// that does not parse is an error.
func (r *Result) UnmarshalJSON(b []byte) error {
	var v resultJSON
	if err := json.Unmarshal(b, &v); err != nil {
		return fmt.Errorf("ipintel: %w: Result JSON: %w", source.ErrMalformed, err)
	}
	var out Result
	if err := out.readQuery(&v.Query); err != nil {
		return err
	}
	p := v.Privacy
	out.Privacy = Privacy{IsVPN: p.IsVPN, IsProxy: p.IsProxy, IsTor: p.IsTor, IsRelay: p.IsRelay,
		IsHosting: p.IsHosting, IsResidentialProxy: p.IsResidentialProxy, IsAbuser: p.IsAbuser, IsBot: p.IsBot,
		Provider: p.Provider, RiskScore: int(p.RiskScore)}
	out.readGeo(&v.Geo)
	if err := out.readNetwork(&v.Network); err != nil {
		return err
	}
	if err := out.readMonitoring(&v.Monitoring); err != nil {
		return err
	}
	k := v.Risk
	out.Risk = Risk{Score: int(k.Score), Level: Level(k.Level), TrustScore: k.TrustScore, Recommendation: k.Recommendation,
		FraudProbability: int(k.FraudProbability), BotProbability: int(k.BotProbability),
		AbuseProbability: int(k.AbuseProbability), DatacenterRisk: int(k.DatacenterRisk),
		VPNConfidence: int(k.VPNConfidence), ResidentialTrust: int(k.ResidentialTrust),
		SyntheticTrafficProbability: int(k.SyntheticTrafficProbability), Reasons: k.Reasons}
	out.Signals = v.Signals
	out.Meta = Meta{Found: v.Meta.Found, DataSources: v.Meta.DataSources,
		ResponseTime: time.Duration(float64(v.Meta.ResponseTimeMS) * float64(time.Millisecond))}
	for _, e := range v.Meta.Errors {
		out.Meta.Errors = append(out.Meta.Errors, &SourceError{Source: e.Source, Err: textError(e.Error)})
	}
	r.copyFrom(&out)
	return nil
}

func (r *Result) readQuery(q *wire.VectraIPQuery) error {
	if s := strings.TrimSpace(string(q.IP)); s != "" {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return fmt.Errorf("ipintel: %w: Result JSON: query.ip is not an IP address", source.ErrMalformed)
		}
		r.Query.IP = a.Unmap()
	}
	if s := strings.TrimSpace(string(q.ProcessedAt)); s != "" {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return fmt.Errorf("ipintel: %w: Result JSON: query.processed_at is not an ISO 8601 time", source.ErrMalformed)
		}
		r.Query.ProcessedAt = t
	}
	r.Query.CacheStatus = CacheStatus(q.CacheStatus)
	if err := r.Query.RequestID.UnmarshalText([]byte(q.RequestID)); err != nil {
		return fmt.Errorf("ipintel: %w: Result JSON: %w", source.ErrMalformed, err)
	}
	return nil
}

func (r *Result) readGeo(g *geoJSON) {
	r.geo = Geo{
		CountryCode: string(g.CountryCode), CountryName: string(g.CountryName), Region: string(g.Region),
		RegionCode: g.RegionCode, City: string(g.City), PostalCode: g.PostalCode, Timezone: string(g.Timezone),
		Continent: wire.ContinentCode(string(g.Continent)), InEU: g.InEU,
		Coordinates: source.Coordinates{Latitude: g.Coordinates.Lat, Longitude: g.Coordinates.Lng, AccuracyRadius: g.AccuracyRadius},
	}
	if r.geo.Continent == "" {
		r.geo.Continent = wire.ContinentCode(g.ContinentCode)
	}
	if r.geo != (Geo{}) {
		r.Geo = &r.geo
	}
}

func (r *Result) readNetwork(n *networkJSON) error {
	r.network = Network{Organization: string(n.Organization), ConnectionType: string(n.ConnectionType),
		UsageType: string(n.UsageType), ISP: n.ISP, Domain: n.Domain}
	if err := r.network.ASN.UnmarshalText([]byte(strings.TrimSpace(string(n.ASN)))); err != nil {
		return fmt.Errorf("ipintel: %w: Result JSON: %w", source.ErrMalformed, err)
	}
	if s := strings.TrimSpace(string(n.CIDR)); s != "" {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return fmt.Errorf("ipintel: %w: Result JSON: network.cidr is not a CIDR", source.ErrMalformed)
		}
		r.network.CIDR = p.Masked()
	}
	if r.network != (Network{}) {
		r.Network = &r.network
	}
	return nil
}

func (r *Result) readMonitoring(m *monitoringJSON) error {
	r.Monitoring = Monitoring{Detected: m.Detected, Provider: string(m.Provider), Category: string(m.Category)}
	if m.ConfidenceScore != nil {
		r.Monitoring.Confidence = *m.ConfidenceScore
	} else {
		r.Monitoring.Confidence = wire.LevelConfidence(string(m.Confidence))
	}
	for _, f := range []struct {
		text wire.NullText
		t    *time.Time
	}{{m.FirstSeen, &r.Monitoring.FirstSeen}, {m.LastSeen, &r.Monitoring.LastSeen}} {
		if f.text == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(string(f.text)))
		if err != nil {
			return fmt.Errorf("ipintel: %w: Result JSON: monitoring time is not ISO 8601", source.ErrMalformed)
		}
		*f.t = t
	}
	return nil
}

// json is m's JSON form: VectraIP's documented section plus
// confidence_score.
func (m Monitoring) json() monitoringJSON {
	out := monitoringJSON{VectraIPMonitoring: wire.VectraIPMonitoring{
		Detected:   m.Detected,
		Provider:   wire.NullText(m.Provider),
		Category:   wire.NullText(m.Category),
		Confidence: wire.NullText(m.confidenceLevel()),
		FirstSeen:  wire.NullText(isoTime(m.FirstSeen)),
		LastSeen:   wire.NullText(isoTime(m.LastSeen)),
	}}
	if m.Detected {
		out.ConfidenceScore = &m.Confidence
	}
	return out
}

// MarshalJSON writes the monitoring section as in a Result's JSON.
func (m Monitoring) MarshalJSON() ([]byte, error) { return json.Marshal(m.json()) }

// UnmarshalJSON reads what MarshalJSON writes.
func (m *Monitoring) UnmarshalJSON(b []byte) error {
	var v monitoringJSON
	if err := json.Unmarshal(b, &v); err != nil {
		return fmt.Errorf("ipintel: %w: Result JSON: %w", source.ErrMalformed, err)
	}
	var r Result
	if err := r.readMonitoring(&v); err != nil {
		return err
	}
	*m = r.Monitoring
	return nil
}

// isoTime is t in ISO 8601 (RFC 3339, UTC), or "" for the zero time.
func isoTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

type textError string

func (e textError) Error() string { return string(e) }

// percent turns a probability in [0, 1] into the documented int 0–100.
func percent(p float64) int { return int(math.Round(min(max(p, 0), 1) * 100)) }
