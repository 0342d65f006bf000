package export

import (
	"github.com/ipintel/ipintel"
	"github.com/ipintel/ipintel/source"
)

// Entry is what [ipintel.Client.Lookup] answers for every address of one
// range, in the fields the export writes. It is comparable: equal entries
// are stored once.
type Entry struct {
	// Geo, from Result.Geo.
	CountryCode, CountryName, Continent string
	InEU                                bool
	Region, RegionCode, City            string
	PostalCode, Timezone                string
	Latitude, Longitude                 float64
	AccuracyRadius                      int

	// Network, from Result.Network (its CIDR aside: the range is the
	// network).
	ASN                       source.ASN
	Organization, ISP, Domain string
	ConnectionType, UsageType string

	// Privacy flags, from Result.Privacy. IsProxy is a public proxy
	// signal; IsResidentialProxy a residential one (Result.Privacy.IsProxy
	// is set by either).
	IsVPN, IsProxy, IsResidentialProxy, IsTor, IsRelay bool
	IsHosting, IsAbuser, IsBot                         bool
	// Provider is Result.Privacy.Provider; Confidence the highest
	// confidence of the VPN, proxy, residential-proxy, Tor and relay
	// signals (0 without one).
	Provider   string
	Confidence int

	// Monitoring, from Result.Monitoring (its dates aside).
	Monitoring                             bool
	MonitoringProvider, MonitoringCategory string
	MonitoringConfidence                   int

	// RiskScore and RiskLevel are the Client's Scorer's verdict on the
	// range's signals, Result.Risk.Score and Level.
	RiskScore int
	RiskLevel ipintel.Level
}

// isAnonymous reports what GeoIP2's is_anonymous says: a VPN, a public or
// residential proxy, or a Tor exit. A privacy relay (iCloud Private Relay)
// and a hosting range are not: their users are ordinary users.
func (e *Entry) isAnonymous() bool {
	return e.IsVPN || e.IsProxy || e.IsResidentialProxy || e.IsTor
}

// entryOf projects a Result onto an Entry.
func entryOf(r *ipintel.Result) Entry {
	var e Entry
	if g := r.Geo; g != nil {
		e.CountryCode, e.CountryName, e.Continent, e.InEU = g.CountryCode, g.CountryName, g.Continent, g.InEU
		e.Region, e.RegionCode, e.City = g.Region, g.RegionCode, g.City
		e.PostalCode, e.Timezone = g.PostalCode, g.Timezone
		e.Latitude, e.Longitude, e.AccuracyRadius = g.Coordinates.Latitude, g.Coordinates.Longitude, g.Coordinates.AccuracyRadius
	}
	if n := r.Network; n != nil {
		e.ASN, e.Organization, e.ISP, e.Domain = n.ASN, n.Organization, n.ISP, n.Domain
		e.ConnectionType, e.UsageType = n.ConnectionType, n.UsageType
	}
	p := r.Privacy
	e.IsVPN, e.IsResidentialProxy, e.IsTor, e.IsRelay = p.IsVPN, p.IsResidentialProxy, p.IsTor, p.IsRelay
	e.IsHosting, e.IsAbuser, e.IsBot, e.Provider = p.IsHosting, p.IsAbuser, p.IsBot, p.Provider
	for _, s := range r.Signals {
		switch s.Kind {
		case source.Proxy:
			e.IsProxy = true
		case source.VPN, source.ResidentialProxy, source.Tor, source.Relay:
		default:
			continue
		}
		e.Confidence = max(e.Confidence, s.Confidence)
	}
	if m := r.Monitoring; m.Detected {
		e.Monitoring, e.MonitoringProvider, e.MonitoringCategory, e.MonitoringConfidence = true, m.Provider, m.Category, m.Confidence
	}
	e.RiskScore, e.RiskLevel = r.Risk.Score, r.Risk.Level
	return e
}
