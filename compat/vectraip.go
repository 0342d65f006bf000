package compat

import (
	"slices"
	"time"

	"github.com/ipintel/ipintel"
	"github.com/ipintel/ipintel/internal/wire"
)

// VectraIP renders r as VectraIP's documented response: the documented
// fields of r's own JSON, without ipintel's additions.
func VectraIP(r *ipintel.Result) VectraIPResponse {
	var out VectraIPResponse
	q := &out.Query
	if r.Query.IP.IsValid() {
		q.IP = r.Query.IP.String()
	}
	q.ProcessedAt = isoTime(r.Query.ProcessedAt)
	q.CacheStatus = string(r.Query.CacheStatus)
	q.RequestID = r.Query.RequestID.String()

	p := &out.Privacy
	p.IsVPN, p.IsProxy, p.IsTor, p.IsRelay = r.Privacy.IsVPN, r.Privacy.IsProxy, r.Privacy.IsTor, r.Privacy.IsRelay
	p.RiskScore = r.Privacy.RiskScore

	if g := r.Geo; g != nil {
		o := &out.Geo
		o.CountryCode, o.CountryName, o.Region, o.City = g.CountryCode, g.CountryName, g.Region, g.City
		o.Timezone, o.Continent = g.Timezone, wire.ContinentName(g.Continent)
		o.Coordinates.Lat, o.Coordinates.Lng = g.Coordinates.Latitude, g.Coordinates.Longitude
	}
	if n := r.Network; n != nil {
		o := &out.Network
		o.ASN, o.Organization, o.CIDR = n.ASN.String(), n.Organization, cidr(n)
		o.ConnectionType, o.UsageType = n.ConnectionType, n.UsageType
	}
	out.Network.TrafficClass = r.TrafficClass()

	m, o := &r.Monitoring, &out.Monitoring
	o.Detected = m.Detected
	o.Provider, o.Category = text(m.Provider), text(m.Category)
	if m.Detected {
		o.Confidence = text(wire.ConfidenceLevel(m.Confidence))
	}
	o.FirstSeen, o.LastSeen = text(isoTime(m.FirstSeen)), text(isoTime(m.LastSeen))

	k, rk := &r.Risk, &out.Risk
	rk.Score, rk.Level = k.Score, string(k.Level)
	rk.FraudProbability, rk.BotProbability, rk.AbuseProbability = k.FraudProbability, k.BotProbability, k.AbuseProbability
	rk.DatacenterRisk, rk.VPNConfidence, rk.ResidentialTrust = k.DatacenterRisk, k.VPNConfidence, k.ResidentialTrust
	rk.SyntheticTrafficProbability = k.SyntheticTrafficProbability

	out.Meta.ResponseTimeMS = r.Meta.ResponseTime.Milliseconds()
	out.Meta.DataSources = slices.Clone(r.Meta.DataSources)
	if out.Meta.DataSources == nil {
		out.Meta.DataSources = []string{}
	}
	return out
}

// VectraIPBatch renders b as VectraIP's documented batch response: one
// result per distinct address, in input order (VectraIP deduplicates),
// "processed" their number and "errors" the number of distinct inputs that
// were not looked up (not an address, reserved, or unfinished).
func VectraIPBatch(b *ipintel.Batch) VectraIPBatchResponse {
	out := VectraIPBatchResponse{Results: []VectraIPResponse{}}
	seen := make(map[string]bool, len(b.Items))
	for _, it := range b.Items {
		key := it.Input
		if it.Result != nil {
			key = it.Result.Query.IP.String()
		}
		if seen[key] {
			continue
		}
		seen[key] = true
		if it.Result == nil {
			out.Errors++
			continue
		}
		out.Results = append(out.Results, VectraIP(it.Result))
	}
	out.Processed = len(out.Results)
	return out
}

// isoTime is t in ISO 8601 (RFC 3339, UTC), or "" for the zero time.
func isoTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}
