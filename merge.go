package ipintel

import (
	"net/netip"
	"time"

	"github.com/ipintel/ipintel/source"
)

// build merges the sources' answers (in source order) into a Result and
// scores it.
//
// Geo and network fields are filled field by field, the first source that
// knows a field winning; a source that places the address in another
// country than an earlier one adds no geo fields, so a result never says
// "Paris, Germany". Authoritative locations (what a network publishes about
// itself: RFC 8805 geofeeds, a cloud provider's region) are merged first,
// in source order, and the others after them: a network's own statement
// beats any database's estimate wherever the sources stand.
// Signals are kept whole, every report with its provenance, sorted by kind
// and then by confidence, highest first.
func (c *Client) build(addr netip.Addr, ans []answer, start time.Time) *Result {
	r := new(Result)
	c.buildInto(r, addr, ans, start)
	return r
}

// buildInto is build writing into r, whose slices' storage it reuses.
func (c *Client) buildInto(r *Result, addr netip.Addr, ans []answer, start time.Time) {
	signals, reasons, sources, errs := r.Signals, r.Risk.Reasons, r.Meta.DataSources, r.Meta.Errors
	*r = Result{Query: Query{IP: addr, ProcessedAt: start, CacheStatus: CacheMiss, RequestID: newRequestID()}}
	r.Meta.Errors = errs[:0]
	var hasGeo, hasNet, laterGeo bool
	contributors, nSignals := 0, 0
	for i := range ans {
		a := &ans[i]
		if a.err != nil {
			name := c.sources[i].name
			c.log.Debug("ipintel: source failed", "source", name, "ip", addr, "error", a.err)
			r.Meta.Errors = append(r.Meta.Errors, &SourceError{Source: name, Err: a.err})
			continue
		}
		if a.rec.IsZero() {
			continue
		}
		contributors++
		nSignals += len(a.rec.Signals)
		if a.rec.Geo != nil {
			if a.rec.Geo.Authoritative {
				mergeGeo(&r.geo, a.rec.Geo)
			} else {
				laterGeo = true
			}
			hasGeo = true
		}
		if a.rec.Network != nil {
			mergeNetwork(&r.network, a.rec.Network, a.rec.Prefix, addr)
			hasNet = true
		}
	}
	if laterGeo { // the estimates, after every authoritative location
		for i := range ans {
			if a := &ans[i]; a.err == nil && a.rec.Geo != nil && !a.rec.Geo.Authoritative {
				mergeGeo(&r.geo, a.rec.Geo)
			}
		}
	}
	if hasGeo && r.geo != (Geo{}) {
		r.Geo = &r.geo
	}
	if hasNet && r.network != (Network{}) {
		r.Network = &r.network
	}
	if len(r.Meta.Errors) == 0 {
		r.Meta.Errors = nil // omitted from JSON
	}
	r.Meta.DataSources = reuse(sources, contributors)
	r.Signals = reuse(signals, nSignals)
	if contributors > 0 {
		r.Meta.Found = true
		for i := range ans {
			a := &ans[i]
			if a.err != nil || a.rec.IsZero() {
				continue
			}
			name := c.sources[i].name
			r.Meta.DataSources = append(r.Meta.DataSources, name)
			for _, s := range a.rec.Signals {
				if !s.Kind.Valid() {
					continue
				}
				if s.Source == "" {
					s.Source = name
				}
				s.Confidence = min(max(s.Confidence, 0), 100)
				r.Signals = append(r.Signals, s)
			}
		}
		sortSignals(r.Signals)
		summarize(r)
	}
	if ws, ok := c.scorer.(*WeightedScorer); ok {
		r.Risk = ws.score(r, reasons)
	} else {
		r.Risk = c.scorer.Score(r)
	}
	r.Privacy.RiskScore = r.Risk.Score
	r.Meta.ResponseTime = time.Since(start)
}

// sortSignals orders signals by kind, then confidence descending, keeping
// source order among equals. Lists are short: insertion sort allocates
// nothing.
func sortSignals(s []source.Signal) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && signalLess(&s[j], &s[j-1]); j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

func signalLess(a, b *source.Signal) bool {
	if a.Kind != b.Kind {
		return a.Kind < b.Kind
	}
	return a.Confidence > b.Confidence
}

// summarize fills Privacy and Monitoring from the sorted signals.
func summarize(r *Result) {
	p := &r.Privacy
	providerConf := -1
	for i := range r.Signals {
		s := &r.Signals[i]
		anonymizer := true
		switch s.Kind {
		case source.VPN:
			p.IsVPN = true
		case source.Proxy:
			p.IsProxy = true
		case source.ResidentialProxy:
			p.IsProxy, p.IsResidentialProxy = true, true
		case source.Tor:
			p.IsTor = true
		case source.Relay:
			p.IsRelay = true
		default:
			anonymizer = false
			switch s.Kind {
			case source.Hosting:
				p.IsHosting = true
			case source.Abuse:
				p.IsAbuser = true
			case source.Bot:
				p.IsBot = true
			case source.Monitoring:
				if !r.Monitoring.Detected { // the first is the most confident
					r.Monitoring = Monitoring{
						Detected:   true,
						Provider:   s.Provider,
						Category:   s.Category,
						Confidence: s.Confidence,
						FirstSeen:  s.FirstSeen,
						LastSeen:   s.LastSeen,
					}
				}
			}
		}
		if anonymizer && s.Provider != "" && s.Confidence > providerConf {
			p.Provider, providerConf = s.Provider, s.Confidence
		}
	}
}

// mergeGeo fills dst's empty fields from src, unless src places the address
// in another country than dst already does: such a source says nothing.
// dst is authoritative when an authoritative src contributed to it.
func mergeGeo(dst, src *Geo) {
	if src.CountryCode != "" && dst.CountryCode != "" && src.CountryCode != dst.CountryCode {
		return
	}
	dst.Authoritative = dst.Authoritative || src.Authoritative
	fill(&dst.CountryCode, src.CountryCode)
	fill(&dst.CountryName, src.CountryName)
	fill(&dst.Continent, src.Continent)
	dst.InEU = dst.InEU || src.InEU
	fill(&dst.Region, src.Region)
	fill(&dst.RegionCode, src.RegionCode)
	fill(&dst.City, src.City)
	fill(&dst.PostalCode, src.PostalCode)
	fill(&dst.Timezone, src.Timezone)
	if dst.Coordinates.IsZero() {
		dst.Coordinates = src.Coordinates
	}
}

// mergeNetwork fills dst's empty fields from src; prefix is the network the
// source matched, used when it gives no CIDR of its own. A network that does
// not contain addr is never shown, whatever a source says: an IPv4 address
// is never "in ::/37"; a later source may fill the CIDR instead.
func mergeNetwork(dst, src *Network, prefix netip.Prefix, addr netip.Addr) {
	if dst.ASN == 0 {
		dst.ASN = src.ASN
	}
	fill(&dst.Organization, src.Organization)
	fill(&dst.ISP, src.ISP)
	fill(&dst.Domain, src.Domain)
	fill(&dst.ConnectionType, src.ConnectionType)
	fill(&dst.UsageType, src.UsageType)
	if !dst.CIDR.IsValid() {
		switch {
		case src.CIDR.Contains(addr):
			dst.CIDR = src.CIDR
		case prefix.Contains(addr):
			dst.CIDR = prefix
		}
	}
}

func fill(dst *string, src string) {
	if *dst == "" {
		*dst = src
	}
}
