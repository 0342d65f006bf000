package remote

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/ipintel/ipintel/source"
)

// FlagConfidence is the Confidence given to a signal from a provider's
// boolean flag (is_vpn, is_tor…) when the provider gives no confidence of
// its own for it. A hosted API's flag is a vendor's classification, not a
// list we can audit, so it is strong but not certain evidence.
const FlagConfidence = 80

// clamp bounds a provider's figure to 0–100.
func clamp(n int) int { return max(0, min(100, n)) }

func confidence(provided int) int {
	if provided > 0 {
		return clamp(provided)
	}
	return FlagConfidence
}

// signals collects a record's signals.
type signals struct {
	src  string
	list []source.Signal
}

func (s *signals) add(k source.Kind, conf int, provider, category string) {
	s.list = append(s.list, source.Signal{Kind: k, Confidence: clamp(conf), Provider: provider, Source: s.src, Category: category})
}

// providerRisk adds the provider's own 0–100 risk verdict as one
// source.ProviderRisk signal: evidence with provenance, weighed by the
// Client's scorer like any other signal, never copied into our score.
func (s *signals) providerRisk(risk int, category string) {
	if risk > 0 {
		s.add(source.ProviderRisk, risk, "", category)
	}
}

// prefixFor parses a CIDR the provider says addr is in; it is dropped when
// it does not parse or does not contain addr.
func prefixFor(cidr string, addr netip.Addr) netip.Prefix {
	p, err := netip.ParsePrefix(strings.TrimSpace(cidr))
	if err != nil {
		return netip.Prefix{}
	}
	p = p.Masked()
	if p.Addr().Is4In6() {
		return netip.Prefix{}
	}
	if !p.Contains(addr) {
		return netip.Prefix{}
	}
	return p
}

func parseASN(s string) source.ASN {
	a, err := source.ParseASN(strings.TrimSpace(s))
	if err != nil {
		return 0
	}
	return a
}

// parseTime reads RFC 3339 (or a bare date); anything else is unknown.
func parseTime(s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC()
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t
	}
	return time.Time{}
}

// countryCode keeps a two-letter code, upper-cased.
func countryCode(s string) string {
	s = strings.TrimSpace(s)
	if len(s) != 2 || !isLetter(s[0]) || !isLetter(s[1]) {
		return ""
	}
	return strings.ToUpper(s)
}

func isLetter(b byte) bool { return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' }

// validCoordinates drops impossible coordinates.
func validCoordinates(lat, lng float64) bool {
	return lat >= -90 && lat <= 90 && lng >= -180 && lng <= 180 && (lat != 0 || lng != 0)
}

func isHostingType(t string) bool {
	switch strings.ToLower(strings.TrimSpace(t)) {
	case "hosting", "datacenter", "data center", "data_center", "cloud":
		return true
	}
	return false
}

func geoOrNil(g *source.Geo) *source.Geo {
	if *g == (source.Geo{}) {
		return nil
	}
	return g
}

func networkOrNil(n *source.Network) *source.Network {
	if *n == (source.Network{}) {
		return nil
	}
	return n
}

// checkAnswerFor fails when a provider's answer names an address other than
// the one asked about (a mixed-up or cached-wrong response); an answer that
// names none is accepted.
func checkAnswerFor(answer string, addr netip.Addr) error {
	q := strings.TrimSpace(answer)
	if q == "" {
		return nil
	}
	if qa, err := netip.ParseAddr(q); err != nil || qa.Unmap() != addr {
		return fmt.Errorf("%w: answer is for another address", errMalformed)
	}
	return nil
}

// jsonBatch marshals a batch request body built from the addresses' text.
func jsonBatch[T any](addrs []netip.Addr, wrap func([]string) T) ([]byte, error) {
	ss := make([]string, len(addrs))
	for i, a := range addrs {
		ss[i] = a.String()
	}
	return json.Marshal(wrap(ss))
}
