package source

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// Record is what one source knows about one address. The zero Record is a
// miss.
type Record struct {
	// Prefix is the network that matched, when the source knows it.
	Prefix  netip.Prefix
	Geo     *Geo
	Network *Network
	Signals []Signal
}

// IsZero reports whether r carries no data, which is how a miss looks.
func (r Record) IsZero() bool {
	return !r.Prefix.IsValid() && r.Geo == nil && r.Network == nil && len(r.Signals) == 0
}

// Geo is where an address is. Empty fields are unknown.
type Geo struct {
	CountryCode string `json:"country_code,omitempty"` // ISO 3166-1 alpha-2, "DE"
	CountryName string `json:"country_name,omitempty"` // English name, "Germany"
	Region      string `json:"region,omitempty"`       // first subdivision name, "Hesse"
	RegionCode  string `json:"region_code,omitempty"`  // ISO 3166-2 subdivision code without the country, "HE"
	City        string `json:"city,omitempty"`
	PostalCode  string `json:"postal_code,omitempty"`
	Timezone    string `json:"timezone,omitempty"`  // IANA zone, "Europe/Berlin"
	Continent   string `json:"continent,omitempty"` // two-letter code, "EU"
	InEU        bool   `json:"in_eu,omitempty"`     // in a European Union member state

	// Coordinates are approximate. The zero value means unknown; a source
	// that truly places an address at 0°, 0° cannot say so.
	Coordinates Coordinates `json:"coordinates,omitzero"`

	// Authoritative marks a location the network published about itself:
	// an RFC 8805 geofeed row (Apple's Private Relay egress list, a hosting
	// provider's geofeed) or the region a cloud provider gives for its own
	// range. The ipintel Client takes an authoritative location ahead of
	// any other source's, whatever the source order. It is not part of the
	// JSON form.
	Authoritative bool `json:"-"`
}

// Coordinates locate an address approximately.
type Coordinates struct {
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
	// AccuracyRadius is the radius in kilometres around the point within
	// which the address is likely to be; zero when unknown.
	AccuracyRadius int `json:"accuracy_radius_km,omitempty"`
}

// IsZero reports whether c is unknown.
func (c Coordinates) IsZero() bool { return c == Coordinates{} }

// Network is who operates an address. Empty fields are unknown.
type Network struct {
	ASN          ASN          `json:"asn,omitzero"`
	Organization string       `json:"organization,omitempty"` // AS or network owner
	ISP          string       `json:"isp,omitempty"`
	Domain       string       `json:"domain,omitempty"`
	CIDR         netip.Prefix `json:"cidr,omitzero"`
	// ConnectionType is how the address connects: "residential",
	// "cellular", "corporate", "hosting", "satellite", or a source's own
	// value such as MaxMind's "Cable/DSL".
	ConnectionType string `json:"connection_type,omitempty"`
	// UsageType is what the network is used for: "isp", "hosting",
	// "business", "education", "government", "mobile", or a source's own
	// value such as MaxMind's user_type.
	UsageType string `json:"usage_type,omitempty"`
}

// ASN is an autonomous system number. Its text form is "AS13335".
type ASN uint32

// String returns "AS" followed by the number, or "" for the zero ASN.
func (a ASN) String() string {
	if a == 0 {
		return ""
	}
	return "AS" + strconv.FormatUint(uint64(a), 10)
}

// MarshalText implements encoding.TextMarshaler: "AS13335".
func (a ASN) MarshalText() ([]byte, error) {
	if a == 0 {
		return []byte{}, nil
	}
	return strconv.AppendUint([]byte("AS"), uint64(a), 10), nil
}

// UnmarshalText implements encoding.TextUnmarshaler. It accepts "AS13335",
// "as13335" and "13335"; the empty string is the zero ASN.
func (a *ASN) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*a = 0
		return nil
	}
	v, err := ParseASN(string(text))
	if err != nil {
		return err
	}
	*a = v
	return nil
}

// ParseASN parses "AS13335", "as13335" or "13335". Other text is an error
// wrapping [ErrInvalidInput].
func ParseASN(s string) (ASN, error) {
	digits := s
	if len(digits) >= 2 && strings.EqualFold(digits[:2], "AS") {
		digits = digits[2:]
	}
	v, err := strconv.ParseUint(digits, 10, 32)
	if err != nil || digits == "" || digits[0] == '+' {
		return 0, fmt.Errorf("source: %w: not an AS number: %s", ErrInvalidInput, quote(s))
	}
	return ASN(v), nil
}

// quote names bad input in an error without echoing more than 64 bytes of
// it.
func quote(s string) string {
	const max = 64
	if len(s) > max {
		return strconv.Quote(s[:max]) + "…"
	}
	return strconv.Quote(s)
}
